"""Clean text: what every form, import and file writer of the portal does to a string.

People paste text from Word and Excel: Word's manual line break is a vertical tab (\\x0b), a page
break a form feed (\\x0c), and copies from other systems bring NUL, BEL (\\x07) and C1 controls.
None of them means anything in a name or a summary, and each breaks a file format: openpyxl refuses
them (IllegalCharacterError), python-docx and lxml refuse them ("All strings must be XML
compatible"), PostgreSQL refuses NUL. So text is cleaned where it comes in (forms: `CleanTextMixin`
and the fields' `to_python`; models: `clean_text_fields` before every save) and again where it goes
out (xlsx.py, open_data.py, docx_writer.py), so that text stored before the cleaning never breaks
an export.

Cleaning keeps line breaks and tabs, turns \\r\\n and \\r into \\n, turns Word's manual line break
and form feed into a line break, drops every other C0 and C1 control character, and puts the text
in Unicode NFC, so that "Nguyễn" typed with combining marks (macOS, some Vietnamese keyboards) and
"Nguyễn" typed precomposed compare equal.

Spreadsheets also run formulas: a name like `=HYPERLINK("http://…","x")` must stay text. The xlsx
writer stores every string as a text cell (never a formula); a CSV has no cell types, so
`csv_text()` neutralises a leading `= + - @`, tab or line break with a single quote, as the
OWASP "CSV Injection" page describes.
"""
from __future__ import annotations

import re
import unicodedata

from django import forms
from django.db import models

# C0 controls except \t (09) and \n (0A); \r (0D) is turned into \n first; DEL and the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
# OWASP, CSV Injection: cells starting with these are read as formulas by spreadsheet programs
# (a carriage return is a line feed once cleaned: both are neutralised).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str) -> str:
    """The text without control characters (line breaks and tabs kept, as \\n and \\t), in NFC."""
    if not value:
        return value
    if value.isprintable():  # the usual case, at C speed: no control character, no line break
        return value if value.isascii() or unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if _LINE_BREAKS.search(value):
        value = _LINE_BREAKS.sub("\n", value)
    if _CONTROLS.search(value):
        value = _CONTROLS.sub("", value)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def clean_value(value):
    """clean_text() for strings; anything else unchanged."""
    return clean_text(value) if isinstance(value, str) else value


def csv_text(value):
    """A CSV cell: clean text whose first character cannot start a formula (OWASP: prefix ')."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- Where text comes in ----------------------------------------------------------------------------


def clean_form_data(data):
    """A copy of posted form data (a QueryDict or a dict) with every string cleaned."""
    if hasattr(data, "getlist"):
        cleaned = data.copy()
        for key in list(cleaned.keys()):
            cleaned.setlist(key, [clean_value(value) for value in data.getlist(key)])
        return cleaned
    return {
        key: [clean_value(v) for v in value] if isinstance(value, (list, tuple)) else clean_value(value)
        for key, value in data.items()
    }


class CleanTextMixin:
    """For every form of the portal (first in the bases): what was posted is cleaned before any
    field sees it, so a summary pasted from Word is stored without \\x0b, and a NUL is dropped
    instead of reaching Django's English "Null characters are not allowed."."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = clean_form_data(self.data)


class CleanTextForm(CleanTextMixin, forms.Form):
    """forms.Form with the posted text cleaned (CleanTextMixin)."""


def clean_text_fields(sender, instance, raw=False, **kwargs):
    """pre_save of the portal's models (connected in CampaignsConfig.ready): every text field is
    cleaned on save, whatever wrote it (an import, the admin, a service, a management command).
    Fixture loading (raw) keeps what the fixture says."""
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                cleaned = clean_text(value)
                if cleaned is not value:
                    setattr(instance, field.attname, cleaned)
