"""Requests Django or the portal refuses answer in Vietnamese, never with English "Bad Request
(400)" or a 500: a foreign Host header, too many fields, a form over the memory limit, JSON that is
not an object or too deep, a NUL in a URL, a NUL in a login form."""
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.nominations.conftest import nt_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

TITLE_400 = "Yêu cầu không hợp lệ"
UNIT = "so-tai-chinh-nt"


@pytest.fixture
def production(settings):
    """DEBUG off, as in production: Django renders handler400 instead of its technical page."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False
    return settings


def assert_vietnamese_400(response, reason):
    text = response.content.decode()
    assert response.status_code == 400
    assert TITLE_400 in text and reason in text
    assert "Bad Request" not in text
    assert '<html lang="vi">' in text


@pytest.mark.parametrize("ssl_redirect", [False, True], ids=["behind-proxy", "ssl-redirect"])
def test_foreign_host_header_gives_the_vietnamese_400(production, ssl_redirect):
    production.SECURE_SSL_REDIRECT = ssl_redirect  # SecurityMiddleware reads the host first then
    response = Client().get("/", HTTP_HOST="ke-xau.example")
    assert_vietnamese_400(response, "không thuộc cổng thông tin này")


def test_malformed_multipart_body_gives_the_vietnamese_400(production):
    body = b"--abc\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nx"  # never closed
    response = Client().generic(
        "POST", reverse("login"), body, content_type="multipart/form-data; boundary=abc; boundary=\x00"
    )
    assert_vietnamese_400(response, "Cổng không xử lý được yêu cầu vừa gửi")


def test_too_many_fields_gives_the_vietnamese_400(production):
    data = {f"f{i}": "1" for i in range(production.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = Client().post(reverse("login"), data)
    assert_vietnamese_400(response, "quá nhiều trường")


def test_a_form_over_the_memory_limit_gives_the_vietnamese_400(production):
    production.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    response = Client().post(reverse("login"), {"username": "a", "password": "x" * 20 * 1024})
    assert_vietnamese_400(response, "Dữ liệu gửi lên quá lớn")


def test_json_body_over_the_memory_limit_gives_the_vietnamese_400(production, nt_world):
    production.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    client = Client()
    client.force_login(nt_world.users[f"officer:{UNIT}"])
    body = json.dumps({"values": {"tc_1": "x" * 20 * 1024}})
    response = client.post(reverse("criteria_evaluate"), body, content_type="application/json")
    assert_vietnamese_400(response, "Dữ liệu gửi lên quá lớn")


def test_the_400_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("400.html")
    assert TITLE_400 in html and "Đăng xuất" not in html


# --- The criteria evaluation API ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[1, 2, 3]",
        '"tc_1"',
        "42",
        "null",
        "[" * 100_000 + "]" * 100_000,  # deeper than the JSON reader goes: RecursionError
        '{"values": {"tc_1": {"x": 1}}}',
        '{"values": {"tc_1": [1, 2]}}',
        '{"values": {"tc_99999999999999999999999": "1"}, "nomination": "99999999999999999999999"}',
    ],
    ids=["list", "string", "number", "null", "deep", "object-value", "list-value", "huge-ids"],
)
def test_criteria_api_refuses_json_it_cannot_use_in_vietnamese(client, nt_world, body):
    client.force_login(nt_world.users[f"officer:{UNIT}"])
    response = client.post(reverse("criteria_evaluate"), body, content_type="application/json")
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error and error.isascii() is False  # a Vietnamese sentence


def test_criteria_api_deep_nesting_is_a_400(client, nt_world):
    client.force_login(nt_world.users[f"officer:{UNIT}"])
    body = '{"values": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(reverse("criteria_evaluate"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "Dữ liệu gửi lên không phải JSON hợp lệ."}


def test_criteria_api_json_that_is_not_an_object_is_a_400(client, nt_world):
    client.force_login(nt_world.users[f"officer:{UNIT}"])
    response = client.post(reverse("criteria_evaluate"), "[1]", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": 'Dữ liệu gửi lên phải là một đối tượng JSON có mục "values".'}


# --- The public verification page -----------------------------------------------------------------


@pytest.mark.postgres  # PostgreSQL refuses a NUL in a query (the probe's 500); SQLite runs it too
@pytest.mark.parametrize("code", ["%00", "AB%00CD", "ABCD%00", "x" * 300, "%C0%80", "ABC%0B"])
def test_verification_code_that_cannot_be_one_is_a_404(client, code):
    response = client.get(f"/xac-minh/{code}/")
    assert response.status_code == 404
    assert "\x00" not in response.content.decode()


# --- Django's own English messages ------------------------------------------------------------------


def test_nul_in_the_login_form_answers_in_vietnamese(client):
    response = client.post(reverse("login"), {"username": "can\x00bo", "password": "mat-khau"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Null characters are not allowed" not in text
    assert "ký tự rỗng (NUL)" in text
