"""Security: the deployment check, response headers, login throttling, CSRF everywhere."""
import re
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from tests.settings_env import PRODUCTION_ENV, ROOT, run, settings_in_subprocess

PASSWORD = "Mat-khau-dai-2025!"
EXPECTED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
LOCKOUT_MESSAGE = "Tài khoản tạm bị khoá do đăng nhập sai quá nhiều lần"


# --- manage.py check --deploy ------------------------------------------------------------


def test_check_deploy_with_production_environment_reports_no_issues():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_flags_a_debug_setup():
    """The check above is not vacuous: the development defaults do raise deployment warnings."""
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


# --- headers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_content_security_policy_on_every_page(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_security_headers_on_login_page(client):
    response = client.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_content_security_policy_on_not_found_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == EXPECTED_CSP


@pytest.mark.django_db
@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, SECURE_SSL_REDIRECT=True)
def test_hsts_over_https_with_debug_off(client):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True)
def test_plain_http_redirects_to_https_without_hsts(client):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True)
def test_proxy_https_header_counts_as_https(client):
    """The reverse proxy (and the compose health check) send X-Forwarded-Proto: https."""
    response = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_secure_cookies_and_hsts():
    values = settings_in_subprocess(
        ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_AGE",
         "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_ENGINE"],
        **PRODUCTION_ENV,
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_AGE": 8 * 3600, "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
    }


def test_password_validators_are_strong():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] >= 10


# --- login throttling (django-axes) ------------------------------------------------------


def test_axes_backend_and_middleware_in_production_settings():
    values = settings_in_subprocess(
        ["AUTHENTICATION_BACKENDS", "MIDDLEWARE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME",
         "AXES_LOCKOUT_PARAMETERS", "AXES_RESET_ON_SUCCESS", "AXES_LOCKOUT_TEMPLATE"],
        **PRODUCTION_ENV,
    )
    assert values["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "rules.permissions.ObjectPermissionBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert values["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert (values["AXES_FAILURE_LIMIT"], values["AXES_COOLOFF_TIME"], values["AXES_LOCKOUT_PARAMETERS"]) == (
        5, "0:15:00", [["username", "ip_address"]],
    )
    assert values["AXES_RESET_ON_SUCCESS"] is True
    assert values["AXES_LOCKOUT_TEMPLATE"] == "axes/lockout.html"


def test_test_settings_keep_axes_first():
    from axes.backends import AxesStandaloneBackend
    from django.utils.module_loading import import_string

    assert issubclass(import_string(settings.AUTHENTICATION_BACKENDS[0]), AxesStandaloneBackend)


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(username="canbo.sonla", password=PASSWORD)


def _login(client, password, *, username="canbo.sonla", ip="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_login_lockout_after_five_failures_in_vietnamese(client, officer):
    for _ in range(4):
        response = _login(client, "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "sai-mat-khau")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKOUT_MESSAGE in html
    assert "Vui lòng thử lại sau 15 phút" in html
    assert response["Content-Security-Policy"] == EXPECTED_CSP


def test_login_lockout_refuses_even_the_right_password(client, officer):
    for _ in range(5):
        _login(client, "sai-mat-khau")
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert not _logged_in(client)


def test_login_lockout_is_per_username_and_address(client, officer):
    for _ in range(5):
        _login(client, "sai-mat-khau")
    response = _login(client, PASSWORD, ip="127.0.0.2")
    assert response.status_code == 302
    assert _logged_in(client)


def test_login_success_resets_the_failure_count(client, officer):
    for _ in range(4):
        _login(client, "sai-mat-khau")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "sai-mat-khau").status_code == 200
    assert _login(client, PASSWORD).status_code == 302


def test_client_login_and_force_login_still_work(client, officer):
    assert client.login(username="canbo.sonla", password=PASSWORD)
    client.logout()
    assert not client.login(username="canbo.sonla", password="sai-mat-khau")
    client.force_login(officer)
    assert _logged_in(client)


def test_client_login_refused_for_a_locked_out_user(client, officer):
    for _ in range(5):
        _login(client, "sai-mat-khau")
    assert not client.login(username="canbo.sonla", password=PASSWORD)


# --- CSRF ----------------------------------------------------------------------------------

SKIPPED_DIRS = {".venv", ".git", "var", "node_modules", "tests", "__pycache__", ".hypothesis", ".pytest_cache"}


def _project_files(suffix):
    for path in ROOT.rglob(f"*{suffix}"):
        relative = path.relative_to(ROOT)
        if not (set(relative.parts[:-1]) & SKIPPED_DIRS) and not relative.parts[0].endswith(".egg-info"):
            yield path


def test_no_view_is_exempt_from_csrf():
    marker = "csrf" + "_exempt"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _project_files(".py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if marker in line
    ]
    assert offenders == []


def test_every_post_form_in_templates_carries_the_csrf_token():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S | re.I):
            if re.search(r"method\s*=\s*[\"']?post", form.group(1), re.I) and "{% csrf_token %}" not in form.group(2):
                offenders.append(f"{path.relative_to(ROOT)}:{text[:form.start()].count(chr(10)) + 1}")
    assert offenders == []


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_login_post_without_csrf_token_is_refused_in_vietnamese(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = _login(client, PASSWORD)
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in response.content.decode()
    assert not _logged_in(client)


def test_pages_stay_vietnamese_whatever_the_browser_language(client, db):
    """An officer's browser set to English still gets Vietnamese errors (Django's own included)."""
    response = client.post("/tai-khoan/dang-nhap/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" not in html
    assert "Trường này là bắt buộc" in html or "Cần nhập" in html
    assert response["Content-Language"] == "vi"
