"""Filters for the document templates: Vietnamese dates and numbers, Roman numerals."""
from django import template

from dossiers import formatting

register = template.Library()

ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


@register.filter
def upper_roman(value) -> str:
    number, text = int(value), ""
    for amount, letters in ROMAN:
        while number >= amount:
            text, number = text + letters, number - amount
    return text


@register.filter
def vn_date(value) -> str:
    return formatting.vn_date(value)


@register.filter
def vn_number(value) -> str:
    return formatting.vn_number(value)


@register.filter
def vn_percent(value) -> str:
    return formatting.vn_percent(value)


@register.filter
def lowerfirst(value) -> str:
    """'Phong trào thi đua ...' -> 'phong trào thi đua ...' (inside a sentence); abbreviations kept."""
    text = str(value)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


# A blank a form leaves to fill in by hand: a dotted line, never an invented value.
DOTS = "." * 50


@register.filter
def or_dots(value) -> str:
    """The value, or a dotted line to fill in when there is none."""
    text = str(value).strip() if value is not None else ""
    return text or DOTS


@register.filter(is_safe=True)
def keep_whole(value) -> str:
    """Place names and two-syllable words kept on one line (no-break spaces): 'tỉnh Ninh Thuận'."""
    return formatting.keep_whole(str(value))
