"""Lockout abuse and password-reset mail: the client's address is the one the trusted reverse
proxy saw (config/client_ip.py), so that five bad logins lock a username only from the address
they came from, never the user's own; a forged X-Forwarded-For neither spreads an attacker over
many addresses nor moves a lock. Password-reset mail is throttled per address and per client,
with the same page either way. The deployment files keep gunicorn off other interfaces and never
trust every forwarder."""
import sys

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from config import password_reset
from config.client_ip import client_ip
from tests.settings_env import PRODUCTION_ENV, ROOT, run

PASSWORD = "Mat-khau-dai-2025!"
PROXY = "127.0.0.1"  # TRUSTED_PROXIES' default: a reverse proxy on the same host
LOCKOUT_MESSAGE = "Tài khoản tạm bị khoá do đăng nhập sai quá nhiều lần"


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(username="canbo.sonla", password=PASSWORD, email="canbo.sonla@example.vn")


def login(client, password, *, via_proxy_from=None, remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if via_proxy_from is not None or forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded if forwarded is not None else via_proxy_from
    return client.post(reverse("login"), {"username": "canbo.sonla", "password": password}, **headers)


# --- the client's address ------------------------------------------------------------------------


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("127.0.0.1", "", "127.0.0.1"),  # the proxy itself, or a local client
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # one trusted proxy
    ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client's own forged entry is ignored
    ("127.0.0.1", "203.0.113.7, 127.0.0.1", "203.0.113.7"),  # two trusted hops
    ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
    ("127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("203.0.113.50", "198.51.100.1", "203.0.113.50"),  # not a trusted proxy: its header counts for nothing
    ("::1", "203.0.113.7", "203.0.113.7"),
])
def test_client_ip_believes_only_the_trusted_proxy(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_client_ip_with_a_proxy_network(settings):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 172.18.0.5")
    assert client_ip(request) == "203.0.113.7"


# --- lockout -------------------------------------------------------------------------------------


def test_a_stranger_cannot_lock_a_user_out_from_elsewhere(client, officer):
    for _ in range(5):
        login(client, "sai-mat-khau", via_proxy_from="203.0.113.66")
    response = login(client, PASSWORD, via_proxy_from="203.0.113.66")
    assert response.status_code == 429 and LOCKOUT_MESSAGE in response.content.decode()
    # The user, from their own office behind the same proxy, logs in.
    response = login(client, PASSWORD, via_proxy_from="198.51.100.20")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_forged_forwarded_header_from_outside_does_not_dodge_the_lock(client, officer):
    for n in range(5):
        login(client, "sai-mat-khau", remote="203.0.113.66", forwarded=f"198.51.100.{n}")
    response = login(client, PASSWORD, remote="203.0.113.66", forwarded="198.51.100.99")
    assert response.status_code == 429


def test_a_client_forging_its_own_entry_through_the_proxy_stays_locked(client, officer):
    for n in range(5):
        login(client, "sai-mat-khau", forwarded=f"198.51.100.{n}, 203.0.113.66")
    assert login(client, PASSWORD, forwarded="198.51.100.99, 203.0.113.66").status_code == 429


# --- password reset --------------------------------------------------------------------------------


@pytest.fixture
def reset(client, settings):
    settings.PASSWORD_RESET_PER_ADDRESS, settings.PASSWORD_RESET_PER_IP = 3, 10
    addresses = ["canbo.sonla@example.vn", "khong-co@example.vn"] + [f"nguoi{n}@example.vn" for n in range(12)]
    clients = ["203.0.113.7", "203.0.113.8", "203.0.113.9"]
    for email in addresses:
        password_reset.forget(email=email)
    for ip in clients:
        password_reset.forget(ip=ip)

    def post(email, ip="203.0.113.7"):
        response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip)
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
        return response

    yield post
    for email in addresses:
        password_reset.forget(email=email)
    for ip in clients:
        password_reset.forget(ip=ip)


def test_password_reset_mail_is_throttled_per_address_with_the_same_page(officer, reset, mailoutbox):
    for n in range(5):
        reset("canbo.sonla@example.vn", ip=f"203.0.113.{7 + n % 3}")
    assert len(mailoutbox) == 3
    reset("khong-co@example.vn")  # no such account: the same answer
    assert len(mailoutbox) == 3


def test_password_reset_is_throttled_per_client_address(officer, reset, mailoutbox):
    for n in range(10):
        reset(f"nguoi{n}@example.vn")
    reset("canbo.sonla@example.vn")  # the 11th request from this client: no mail
    assert mailoutbox == []
    reset("canbo.sonla@example.vn", ip="203.0.113.8")  # from elsewhere
    assert len(mailoutbox) == 1


def test_password_reset_with_the_mail_server_down_answers_the_same_page(officer, reset, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", port, False, 2
    reset("canbo.sonla@example.vn")


# --- deployment --------------------------------------------------------------------------------------


def test_gunicorn_trusts_forwarded_headers_only_from_the_local_proxy_by_default():
    code = "import runpy; print(runpy.run_path('config/gunicorn.conf.py')['forwarded_allow_ips'])"
    result = run([sys.executable, "-c", code], FORWARDED_ALLOW_IPS="", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "127.0.0.1,::1"


def test_compose_publishes_the_web_port_on_the_loopback_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    (published,) = compose["services"]["web"]["ports"]
    assert published.startswith("${WEB_BIND:-127.0.0.1}:"), published
    environment = compose["x-app-env"]
    assert "*" not in environment["TRUSTED_PROXIES"] and "*" not in environment["FORWARDED_ALLOW_IPS"]


def test_trusted_proxies_refuse_a_wildcard():
    code = "from django.conf import settings; settings.TRUSTED_PROXIES"
    result = run([sys.executable, "-c", code], TRUSTED_PROXIES="*", **PRODUCTION_ENV)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr
