"""Faults on real components (marked integration): the portal served by gunicorn on 127.0.0.1,
PostgreSQL and Redis reached through a TCP forwarder that the test cuts (tests/servers.TcpProxy),
so that a backing service "goes away" for a few seconds for this test's connections only: the
machine's PostgreSQL and Redis are shared and are never stopped, paused long or flushed.

Skipped, with the reason, unless DATABASE_URL is PostgreSQL and CELERY_BROKER_URL is a Redis URL.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from campaigns import clock
from tests.nominations.conftest import hold_unit_council, new_nomination, nt_world  # noqa: F401  (nt_world is a fixture)
from tests.servers import postgres_problem, redis_broker_problem, wait_for_database_sessions_to_end

INSIDE_UNIT_STAGE = "2024-11-20T10:00"
UNITS = ["so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt", "so-xd-nt", "so-ct-nt", "so-nn-nt"]


@pytest.fixture(autouse=True)
def real_components():
    problems = [p for p in (postgres_problem(), redis_broker_problem()) if p]
    if problems:
        pytest.skip("fault tests need real PostgreSQL and Redis: " + "; ".join(problems))
    yield
    # The servers waited for their own sessions when they stopped; what is left are sessions whose
    # connections the test cut (the forwarder dropped them), idle until ended: end them soon.
    wait_for_database_sessions_to_end(timeout=3)


@pytest.fixture
def drafts(nt_world):
    """One draft collective per unit, its criteria met and its council's vote recorded: ready to submit."""
    result = {}
    with clock.frozen_at(nt_world.at_stage(1)):
        for code in UNITS:
            nomination = new_nomination(nt_world, code)
            hold_unit_council(nt_world, code, [nomination])
            result[code] = nomination
    return nt_world, result


def server_env(tmp_path, **extra) -> dict:
    """The environment of a production-like gunicorn (or worker) on the test database. The secret
    key is this process's, so that sessions made here (session_client) are valid there."""
    return {
        "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
        "PORTAL_NOW": INSIDE_UNIT_STAGE, "VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"), "LOG_LEVEL": "WARNING", "REDIS_URL": "", "CELERY_BROKER_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def session_client(base_url: str, user):
    """An httpx client signed in as `user` (a session made here, in the shared database), holding a
    CSRF cookie."""
    import httpx

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    http = httpx.Client(base_url=base_url, cookies={settings.SESSION_COOKIE_NAME: session}, timeout=30)
    return http


def csrf_of(http, page: str) -> str:
    """Open a page with a form, so that the CSRF cookie is set; its value is a valid token."""
    if "csrftoken" not in http.cookies:
        http.get(page)
    return http.cookies.get("csrftoken", "")


