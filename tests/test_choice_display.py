"""campaigns.choices.ChoiceDisplay: get_FOO_display() translates only the label it shows."""
from django.utils import translation

from nominations.models import Nomination, Status


def test_display_translates_one_label_in_the_active_language(monkeypatch):
    nomination = Nomination(status=Status.IN_REVIEW, kind="individual", criteria_status="met")
    with translation.override("en"):
        english = str(Status.IN_REVIEW.label)
    calls = []
    translation.gettext("Nháp")  # the translation machinery set up: its gettext is an attribute now
    real = translation._trans.gettext

    def counting(message):
        calls.append(message)
        return real(message)

    monkeypatch.setattr(translation._trans, "gettext", counting)
    with translation.override("en"):
        assert nomination.get_status_display() == english
    assert calls == ["Đang xét"]
    with translation.override("vi"):
        assert nomination.get_status_display() == "Đang xét"


def test_display_of_a_value_outside_the_choices_is_the_value():
    assert Nomination(status="unknown").get_status_display() == "unknown"
    assert Nomination(gender="").get_gender_display() == ""
