"""`{{ field|as_field }}`: a form field in the markup crispy-forms' Bootstrap 5 pack gives it (the
`as_crispy_field` filter), written in one pass for the common widgets: text, number, date and
e-mail inputs, text areas and selects. The pack renders each field through a dozen nested
templates, which made the nomination form's twenty-odd fields a third of the edit page's time;
the markup is the same (tests/nominations/test_form_fields.py compares both for every field of the
nomination form and the councils' form, with and without errors). Inputs are written from the
widget's own context without its template (`_input`). Other widgets (check boxes, radio buttons, files,
hidden and multiple widgets) are handed to crispy-forms as they are.
"""
from __future__ import annotations

import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_WRITTEN = (Input, forms.Textarea, forms.Select)
_HANDED_ON = (forms.CheckboxInput, forms.FileInput, forms.RadioSelect, forms.MultiWidget, forms.HiddenInput)


def _widget_classes(widget, errors) -> str:
    """The widget's classes as crispy-forms sets them: its own, its type's name, then Bootstrap's."""
    own = widget.attrs.get("class", "")
    type_name = type(widget).__name__.lower()
    classes = (own if type_name in own else f"{own} {type_name}") if own else type_name
    bootstrap = ["form-select" if isinstance(widget, forms.Select) else "form-control"] + (["is-invalid"] if errors else [])
    for name in bootstrap:
        if name not in classes.split():
            classes += f" {name}"
    return classes


# Django's input widgets whose template is input.html and nothing else (text.html, number.html...).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("text", "number", "email", "url", "password", "date", "time", "datetime", "input")
)


def _plain_input(widget) -> bool:
    return isinstance(widget, Input) and widget.template_name in _INPUT_TEMPLATES


def _escaped(value) -> str:
    """conditional_escape() without its lazy-text wrapper (the cost of a hundred inputs' attributes):
    safe text as it is, anything else (lazy text included) as a str, HTML-escaped."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _input(field, widget, attrs) -> str:
    """The <input> BoundField.as_widget() gives `field` (the same attributes, from the widget's own
    context), as django/forms/widgets/input.html writes it, without rendering that template: a
    council form's hundred vote fields spent most of their time there."""
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts = [f'<input type="{_escaped(context["type"])}" name="{_escaped(context["name"])}"']
    if context["value"] is not None:
        parts.append(f' value="{_escaped(str(context["value"]))}"')
    for name, value in context["attrs"].items():
        if value is True:
            parts.append(f" {_escaped(name)}")
        elif value is not False:
            parts.append(f' {_escaped(name)}="{_escaped(str(value))}"')
    parts.append(">")
    return mark_safe("".join(parts))


@register.filter
def as_field(field):
    widget = field.field.widget
    if field.is_hidden or isinstance(widget, _HANDED_ON) or not isinstance(widget, _WRITTEN):
        return as_crispy_field(field)
    errors = field.errors
    wrapper_classes = " ".join(["mb-3", *[c for c in [field.css_classes()] if c]])
    parts = [format_html('<div id="div_{}" class="{}">', field.auto_id, wrapper_classes)]
    if field.label:
        required = field.field.required
        parts.append(format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        ))
    parts.append(_input(field, widget, {"class": _widget_classes(widget, errors)}) if _plain_input(widget) else
                 field.as_widget(attrs={"class": _widget_classes(widget, errors)}))
    if errors:
        parts.append(format_html('<div id="{}_error" class="invalid-feedback">', errors.field_id))
        parts.extend(
            format_html('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error)
            for number, error in enumerate(errors, start=1)
        )
        parts.append(mark_safe("</div>"))
    if field.help_text:
        helptext_id = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
        parts.append(format_html('<div {}class="form-text">{}</div>', helptext_id, mark_safe(field.help_text)))
    parts.append(mark_safe("</div>"))
    return mark_safe("".join(conditional_escape(part) for part in parts))


@register.simple_tag
def hidden_inputs(pairs):
    """`<input type="hidden" name="…" value="…">` for each (name, value) of `pairs`, names and
    values escaped: a paged form's other pages (a council's carried counts, hundreds on a long
    list), written in one pass rather than by a template loop."""
    return mark_safe("".join(
        f'<input type="hidden" name="{_escaped(name)}" value="{_escaped(value)}">' for name, value in pairs
    ))
