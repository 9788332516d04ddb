"""Vietnamese first, English second: every page is Vietnamese unless the user picks English with the
switcher in the footer (Django's set_language view, which stores the choice in the language cookie).
The browser's Accept-Language is not followed (config.middleware.VietnameseFirstLocaleMiddleware).
The English catalog (locale/en/LC_MESSAGES) is kept compiled in the repository: the .mo must carry
every msgid of the .po, translated."""
import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.nominations.conftest import in_unit_stage, nt_world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"
LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture
def world(nt_world):  # noqa: F811
    return nt_world


@pytest.fixture
def officer(client, world):
    client.force_login(world.users[f"officer:{UNIT}"])
    return client


def choose(client, language, next_url):
    """The switcher's POST: one submit button per language, `next` the current page."""
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Vietnamese by default ---------------------------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    html = html_of(response)
    assert '<html lang="vi">' in html
    assert '<h1 class="mb-3">Đăng nhập</h1>' in html
    assert "Tên đăng nhập" in html and "Quên mật khẩu?" in html
    assert response["Content-Language"] == "vi"


def test_officer_home_is_vietnamese_by_default(officer, in_unit_stage):
    html = html_of(officer.get(reverse("home")))
    assert '<html lang="vi">' in html
    assert "Các đợt thi đua của đơn vị" in html
    assert "còn 5 ngày" in html and "Đã đăng ký" in html
    assert "Đăng xuất" in html
    assert "Sign out" not in html


def test_an_english_browser_still_gets_vietnamese(officer, in_unit_stage):
    html = html_of(Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="vi">' in html and "Tên đăng nhập" in html and "Username" not in html
    html = html_of(officer.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="vi">' in html and "Các đợt thi đua của đơn vị" in html


def test_a_cookie_naming_an_unknown_language_is_ignored(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = html_of(client.get(reverse("login")))
    assert '<html lang="vi">' in html and "Tên đăng nhập" in html


# --- The switcher ------------------------------------------------------------------------------------


def test_every_page_has_the_switcher_form(client):
    html = html_of(client.get(reverse("login") + "?next=/abc/"))
    form = re.search(r'<form method="post" action="([^"]+)" class="lang-switch[^"]*"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    action, body = form.groups()
    assert action == reverse("set_language") == "/i18n/setlang/"
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'<input type="hidden" name="next" value="{reverse("login")}?next=/abc/">' in body
    assert re.search(r'<button type="submit" name="language" value="vi" lang="vi"[^>]*>Tiếng Việt</button>', body)
    assert re.search(r'<button type="submit" name="language" value="en" lang="en"[^>]*>English</button>', body)
    # The portal's CSP: no inline script or style in the switcher.
    assert "<script" not in body and "style=" not in body and "onclick" not in body


def test_the_switcher_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_choosing_english_sets_the_cookie_and_the_login_page_is_english(client):
    response = choose(client, "en", reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get(reverse("login"))
    html = html_of(response)
    assert '<html lang="en">' in html
    assert response["Content-Language"] == "en"
    assert "<title>Sign in · Digital Transformation Emulation Portal</title>" in html
    assert '<h1 class="mb-3">Sign in</h1>' in html
    assert ">Username</label>" in html and ">Password</label>" in html
    assert "Forgot your password?" in html
    assert "Tên đăng nhập" not in html and "Quên mật khẩu" not in html
    # English is now the marked button; both stay available.
    assert re.search(r'value="en" lang="en"[^>]*aria-current="true"', html)
    assert ">Tiếng Việt</button>" in html


def test_officer_home_in_english(officer, in_unit_stage):
    choose(officer, "en", reverse("home"))
    html = html_of(officer.get(reverse("home")))
    assert '<html lang="en">' in html
    assert "The unit's emulation rounds" in html
    assert "Next deadline" in html
    assert "5 days left" in html
    assert ">Registered</span>" in html
    assert ">New nomination</a>" in html
    assert ">Sign out</button>" in html
    for vietnamese in ("Các đợt thi đua của đơn vị", "còn 5 ngày", "Đăng xuất", "Hạn tiếp theo"):
        assert vietnamese not in html


def test_english_error_page(client):
    choose(client, "en", "/")
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html and "Page not found" in html
    assert f'<a href="{reverse("home")}">go back to the home page</a>.' in html


def test_switching_back_to_vietnamese_restores_it(officer, in_unit_stage):
    choose(officer, "en", reverse("home"))
    assert "5 days left" in html_of(officer.get(reverse("home")))

    response = choose(officer, "vi", reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    html = html_of(officer.get(reverse("home")))
    assert '<html lang="vi">' in html
    assert "Các đợt thi đua của đơn vị" in html and "còn 5 ngày" in html and "Đăng xuất" in html
    assert "5 days left" not in html and "Sign out" not in html


def test_set_language_refuses_an_outside_next(client):
    response = choose(client, "en", "https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- The catalog -------------------------------------------------------------------------------------


def po_entries(path: Path) -> dict:
    """msgid -> list of msgstr (the header left out) of a .po file: enough of the format for ours."""
    entries, current, key = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            current, key = {}, None
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?|msgctxt) (".*")$', line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return entries


def test_the_english_catalog_is_complete_and_compiled():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 500
    untranslated = [msgid for msgid, strs in entries.items() if not all(strs)]
    assert not untranslated, untranslated
    with open(LOCALE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled} - {""}
    assert compiled_ids == set(entries), "django.mo is out of date: run manage.py compilemessages"
    with translation.override("en"):
        assert translation.gettext("Trang chủ") == "Home"
        assert translation.ngettext("còn %(n)s ngày", "còn %(n)s ngày", 1) % {"n": 1} == "1 day left"
    with translation.override("vi"):
        assert translation.gettext("Trang chủ") == "Trang chủ"


def test_the_english_interface_keeps_dd_mm_yyyy_and_the_decimal_comma():
    import datetime as dt
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(dt.date(2024, 11, 20), "SHORT_DATE_FORMAT") == "20/11/2024"
        assert formats.number_format(Decimal("92.5"), decimal_pos=1, use_l10n=True) == "92,5"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"


def test_the_english_interface_shows_english_choice_labels(officer, world, in_unit_stage):
    from tests.nominations.conftest import new_nomination

    draft = new_nomination(world, UNIT, evidence=False)
    person = new_nomination(world, UNIT, kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001", evidence=False)
    choose(officer, "en", reverse("home"))
    html = html_of(officer.get(reverse("nomination_detail", args=[draft.pk])))
    assert "Collective" in html and ">Draft<" in html
    assert "Tập thể" not in html and ">Nháp<" not in html
    html = html_of(officer.get(reverse("nomination_detail", args=[person.pk])))
    assert "Individual" in html and "Female" in html and "Cá nhân" not in html and "Nữ," not in html
    with translation.override("en"):
        from nominations.models import CriteriaStatus, Status

        assert [str(Status.AWARDED.label), str(CriteriaStatus.PENDING.label)] == ["Awarded", "Awaiting the council's assessment"]


def test_the_english_interface_gives_the_workflows_refusals_in_english(officer, world, in_unit_stage):
    """What blocks a transition (the workflow's guards) and what a service refuses are written in
    the user's language; the same refusal in Vietnamese by default."""
    from nominations.models import Nomination
    from tests.nominations.conftest import new_nomination

    draft = new_nomination(world, UNIT, evidence=False, declared=False)
    vietnamese = html_of(officer.get(reverse("nomination_detail", args=[draft.pk])))
    assert "Đơn vị chưa cam kết người/tập thể được đề nghị" in vietnamese
    choose(officer, "en", reverse("home"))
    html = html_of(officer.get(reverse("nomination_detail", args=[draft.pk])))
    assert "The unit has not declared that the nominated person or collective" in html
    assert "Đơn vị chưa cam kết" not in html
    response = officer.post(reverse("nomination_submit", args=[draft.pk]), follow=True)
    html = html_of(response)
    assert "The unit has not declared that the nominated person or collective" in html and "Đơn vị chưa cam kết" not in html
    assert Nomination.objects.get(pk=draft.pk).status == "draft"


def test_the_services_and_rules_speak_the_active_language():
    """The council vote's outcome, a quota overrun and a transition refused, in both languages."""
    from types import SimpleNamespace

    from nominations.council import vote_outcome
    from quotas.limits import QuotaExceeded

    meeting = SimpleNamespace(members_total=9, members_present=4)
    rule = SimpleNamespace(approval_numerator=1, approval_denominator=2, approval_strict=False, quorum_numerator=2,
                           quorum_denominator=3, source="Điều 8 Quy chế")
    quota = SimpleNamespace(label="Bằng khen", source="mục III.3", __str__=lambda self: "Bằng khen")
    with translation.override("en"):
        assert vote_outcome(meeting, 4, rule).reason == (
            "The meeting had no quorum: 4/9 members present, at least 2/3 needed (Điều 8 Quy chế)."
        )
        assert str(QuotaExceeded(quota, 6, 5)) == "Award quota exceeded: Bằng khen — 6/5 used. Source: mục III.3."
    with translation.override("vi"):
        assert vote_outcome(meeting, 4, rule).reason.startswith("Cuộc họp không đủ túc số: 4/9 thành viên có mặt")
        assert str(QuotaExceeded(quota, 6, 5)).startswith("Vượt số lượng khen thưởng: Bằng khen — đã dùng 6/5.")
