"""get_FOO_display() without rebuilding the field's choices on every call.

Django's Model._get_FIELD_display builds a dict of the field's choices each time, hashing every
label; the portal's labels are translated lazily, so each hash is a gettext: a list page showing
the status, kind and criteria result of 50 nominations paid some 1,500 translations for 150
labels. Here the choices are read into a dict once per field (value → lazy label) and only the
label shown is translated, in the language active at that moment, as Django does."""
from django.utils.encoding import force_str

_LABELS: dict = {}


class ChoiceDisplay:
    """Mixin for a model (before models.Model in its bases): the same get_FOO_display(), cheaper."""

    def _get_FIELD_display(self, field):
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {value: label for value, label in field.flatchoices}
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field with choices): Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
