"""The Vietnamese formats in templates: every filter calls campaigns.vn_format. The library is one of
the template engine's builtins (config/settings.py), so every template has these filters without a
`{% load %}`.

Pages: {{ 2340000|so }} "2.340.000", {{ 92.5|phan_tram }} "92,5 %", {{ size|dung_luong }},
{{ day|ngay }} "05/01/2024", {{ moment|ngay_gio }} "14:30 05/01/2024".
Documents: {{ n|upper_roman }}, {{ text|lowerfirst }}, {{ value|or_dots }}, {{ name|keep_whole }}.
"""
from django import template

from campaigns import vn_format

register = template.Library()

ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _places(places) -> int | None:
    return None if places in (None, "") else int(places)


@register.filter
def so(value, places=None) -> str:
    """{{ 2340000|so }} → 2.340.000; {{ 92.5|so }} → 92,5; {{ x|so:1 }} one decimal."""
    return vn_format.vn_number(value, _places(places))


@register.filter
def phan_tram(value, places=None) -> str:
    """{{ 92.5|phan_tram }} → "92,5 %"; {{ x|phan_tram:1 }} at most one decimal."""
    return vn_format.vn_percent(value, _places(places))


@register.filter
def phan_tram_so(value) -> str:
    """{{ 92.5|phan_tram_so }} → "92,5 %": the name the review pages use for phan_tram."""
    return vn_format.vn_percent(value, None)


@register.filter
def dung_luong(size) -> str:
    return vn_format.human_size(int(size or 0))


@register.filter
def ngay(value) -> str:
    """A date as dd/mm/yyyy (tables and the pages)."""
    return vn_format.short_date(value)


@register.filter
def ngay_gio(value) -> str:
    """A moment in Vietnam time as HH:MM dd/mm/yyyy."""
    return vn_format.short_datetime(value)


@register.filter
def upper_roman(value) -> str:
    number, text = int(value), ""
    for amount, letters in ROMAN:
        while number >= amount:
            text, number = text + letters, number - amount
    return text


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
    return vn_format.keep_whole(str(value))
