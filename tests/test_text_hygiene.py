"""Text is cleaned where it comes in (campaigns.text): every form of the portal and every save of
its models keep line breaks and tabs, turn \\r\\n into \\n, drop other control characters (Word's
\\x0b, BEL, NUL, C1) and store NFC, so that Vietnamese typed with combining marks compares equal
to the same text typed precomposed."""
import unicodedata

import pytest
from django.urls import reverse

from campaigns.models import Unit
from campaigns.text import clean_form_data, clean_text
from nominations.models import Nomination, Registration
from tests.test_bad_input import UNIT, draft, fresh_client, valid_criterion_data  # noqa: F401  (draft is a fixture)
from tests.nominations.conftest import nt_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

DECOMPOSED = unicodedata.normalize("NFD", "Nguyễn Thị Hương, Sở Tài chính tỉnh Ninh Thuận")
PRECOMPOSED = unicodedata.normalize("NFC", DECOMPOSED)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("dòng một\x0bdòng hai", "dòng một\ndòng hai"),  # Word's Shift+Enter: a line break
        ("trang một\x0ctrang hai", "trang một\ntrang hai"),  # a page break
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("cột\tcột", "cột\tcột"),  # tabs kept
        ("chuông\x07 nul\x00 esc\x1b del\x7f c1\x85\x9f.", "chuông nul esc del c1."),
        ("dòng\u2028dòng", "dòng\ndòng"),
        (DECOMPOSED, PRECOMPOSED),
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_form_data_keeps_every_value_of_a_key():
    from django.http import QueryDict

    data = QueryDict("n=1&n=2\x00&ghi_chu=a%0Bb", mutable=False)
    cleaned = clean_form_data(data)
    assert cleaned.getlist("n") == ["1", "2"] and cleaned["ghi_chu"] == "a\nb"
    assert data.getlist("n") == ["1", "2\x00"]  # the request's own data is left as it came


def test_nomination_form_stores_clean_nfc_text(draft):
    world, nomination = draft
    client = fresh_client(world.users[f"officer:{UNIT}"])
    data = {
        "kind": "collective", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
        "achievement_summary": f"Năm 2024:\x0bhoàn thành\x07 chuyển đổi số\x00\r\n{DECOMPOSED}",
        "eligibility_declared": "on", "save": "1",
        **valid_criterion_data(nomination),
    }
    response = client.post(reverse("nomination_edit", args=[nomination.pk]), data)
    assert response.status_code == 302
    saved = Nomination.objects.get(pk=nomination.pk)
    assert saved.achievement_summary == f"Năm 2024:\nhoàn thành chuyển đổi số\n{PRECOMPOSED}"
    # A search with the precomposed spelling finds what was typed decomposed.
    assert Nomination.objects.filter(achievement_summary__contains=PRECOMPOSED).count() == 1


def test_nomination_form_nul_in_a_name_is_dropped_not_an_english_error(draft):
    world, nomination = draft
    client = fresh_client(world.users[f"officer:{UNIT}"])
    data = {
        "kind": "individual", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
        "full_name": "Lê\x00 Văn\x0b An", "gender": "male", "birth_year": "1980", "position": "Chuyên viên\x07",
        "person_identifier": "079180000123", "achievement_summary": "Hoàn thành xuất sắc.", "save": "1",
    }
    response = client.post(reverse("nomination_create", args=[world.round.pk]), data)
    text = response.content.decode()
    assert "Null characters are not allowed" not in text
    assert response.status_code == 302
    created = Nomination.objects.order_by("-pk").first()
    assert (created.full_name, created.position) == ("Lê Văn An", "Chuyên viên")


def test_registration_form_stores_clean_text(nt_world):
    officer = fresh_client(nt_world.users[f"officer:{UNIT}"])
    unit = nt_world.units[UNIT]
    Registration.objects.filter(round=nt_world.round, unit=unit).delete()
    from campaigns import clock

    with clock.frozen_at(nt_world.at_stage(1, days_before=200)):
        response = officer.post(reverse("unit_register", args=[nt_world.round.pk]), {"pledge": "Số hóa\x0b100 %\x00 hồ sơ\r\n"})
    assert response.status_code == 302
    assert Registration.objects.get(round=nt_world.round, unit=unit).pledge.rstrip() == "Số hóa\n100 % hồ sơ"


def test_every_save_of_a_portal_model_cleans_its_text(nt_world):
    """Imports, the admin and services save models directly: pre_save cleans them."""
    unit = nt_world.units[UNIT]
    unit.name = f"Sở\x0bTài chính\x00 {DECOMPOSED}"
    unit.save()
    assert Unit.objects.get(pk=unit.pk).name == f"Sở\nTài chính {PRECOMPOSED}"
    created = Unit.objects.create(code="thu-nghiem-nul", name="Đơn vị\x07 thử nghiệm", level=unit.level, category=unit.category)
    assert Unit.objects.get(pk=created.pk).name == "Đơn vị thử nghiệm"


def test_admin_change_form_stores_clean_text_and_refuses_nul_in_vietnamese(client, nt_world, django_user_model):
    """The admin's forms are Django's: a NUL is refused with the Vietnamese message (locale/vi),
    other control characters are cleaned when the model is saved."""
    admin = django_user_model.objects.create_superuser(username="quan-tri-text", password="x", email="a@b.vn")
    client.force_login(admin)
    unit = nt_world.units[UNIT]
    url = reverse("admin:campaigns_unit_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}

    response = client.post(url, {**data, "name": "Sở Tài chính\x00 tỉnh Ninh Thuận"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Null characters are not allowed" not in text and "ký tự rỗng (NUL)" in text

    response = client.post(url, {**data, "name": "Sở Tài chính\x0b tỉnh\x07 Ninh Thuận"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Unit.objects.get(pk=unit.pk).name == "Sở Tài chính\n tỉnh Ninh Thuận"
