"""`{{ field|as_field }}`: a form field in the markup crispy-forms' Bootstrap 5 pack gives it (the
`as_crispy_field` filter), written in one pass for the common widgets: text, number, date and
e-mail inputs, text areas and selects. The pack renders each field through a dozen nested
templates, which made the nomination form's twenty-odd fields a third of the edit page's time;
the markup is the same (tests/campaigns/test_form_fields.py compares both for every field of the
nomination form, with and without errors). Other widgets (check boxes, radio buttons, files,
hidden and multiple widgets) are handed to crispy-forms as they are.
"""
from __future__ import annotations

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
    parts.append(field.as_widget(attrs={"class": _widget_classes(widget, errors)}))
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
