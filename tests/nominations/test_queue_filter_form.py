"""The queue's filter form: its selects written in one pass (nominations.forms_review.PlainSelect)."""
import pytest
from django import forms
from django.urls import reverse

from campaigns import clock
from nominations.forms_review import PlainSelect

from .conftest import submitted

pytestmark = pytest.mark.django_db

CHOICES = [("", "Tất cả"), ("1", "Sở Y tế & Dân số"), ("2", "<b>Sở Tài chính</b>")]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect(attrs={"class": "form-select"}))


@pytest.mark.parametrize("value, selected", [(None, ""), ("2", "2")])
def test_plain_select_marks_selected_and_escapes(value, selected):
    html = str(_Form({"plain": value} if value else None)["plain"])
    assert html == (
        '<select name="plain" class="form-select" id="id_plain">'
        f'<option value=""{" selected" if selected == "" else ""}>Tất cả</option>'
        '<option value="1">Sở Y tế &amp; Dân số</option>'
        f'<option value="2"{" selected" if selected == "2" else ""}>&lt;b&gt;Sở Tài chính&lt;/b&gt;</option></select>'
    )


def test_queue_filter_by_unit_shows_choice_selected_and_refuses_unknown(nt_world, client):
    nomination = submitted(nt_world, "so-tai-chinh-nt")
    unit = nomination.proposing_unit
    client.force_login(nt_world.users["stage:2"])
    url = reverse("review_queue", args=(nt_world.round.pk, 2))
    with clock.frozen_at(nt_world.at_stage(2)):
        body = client.get(url, {"proposing_unit": unit.pk}).content.decode()
        refused = client.get(url, {"proposing_unit": 999999}).content.decode()
    assert f'<option value="{unit.pk}" selected>{unit.name}</option>' in body
    assert '<label for="id_proposing_unit" class="form-label">Đơn vị đề nghị</label>' in body
    assert 'class="form-select is-invalid"' in refused
    assert "Lựa chọn không hợp lệ." in refused
