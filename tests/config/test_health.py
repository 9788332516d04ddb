"""/healthz/: the database, Redis and the workers, answered fast even when something is down."""
import socket
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

pytestmark = pytest.mark.django_db

URL = "/healthz/"
EMBEDDED = {"CELERY_BROKER_URL": "", "CELERY_TASK_ALWAYS_EAGER": True, "REDIS_URL": ""}
# Port 1 on the loopback: nothing listens there, the connection is refused at once.
BOGUS_BROKER = {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "CELERY_TASK_ALWAYS_EAGER": False, "REDIS_URL": ""}


def _redis_listening(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def test_healthz_reports_every_part_whatever_the_environment(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"database", "redis", "workers", "status"}
    assert response.json()["database"] == "ok"


@override_settings(**EMBEDDED)
def test_healthz_embedded_defaults_ok(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "not configured", "workers": "eager", "status": "ok"}


@override_settings(**EMBEDDED)
def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@override_settings(**EMBEDDED, DEBUG=False, SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_healthz_answers_the_compose_health_check(client):
    """docker-compose asks http://localhost:8000/healthz/ with X-Forwarded-Proto: https."""
    response = client.get(URL, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


@override_settings(**BOGUS_BROKER)
def test_healthz_reports_redis_down_quickly(client):
    started = time.monotonic()
    response = client.get(URL)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert response.status_code == 200  # the database answers: pages can still be served
    report = response.json()
    assert report["database"] == "ok"
    assert report["redis"].startswith("error: ")
    assert report["workers"] == "error: broker unreachable"
    assert report["status"] == "degraded"


@override_settings(**EMBEDDED)
def test_healthz_database_down_is_503(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(URL)
    assert response.status_code == 503
    report = response.json()
    assert report["database"] == "error: OperationalError"
    assert report["status"] == "degraded"
    assert "connection refused" not in response.content.decode()  # details go to the log only


@pytest.mark.integration
@pytest.mark.skipif(not _redis_listening(), reason="no Redis on 127.0.0.1:6379 (set CELERY_BROKER_URL/REDIS_URL to test against one)")
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/15", CELERY_TASK_ALWAYS_EAGER=False, REDIS_URL="")
def test_healthz_with_live_redis_counts_workers(client):
    started = time.monotonic()
    response = client.get(URL)
    assert time.monotonic() - started < 3
    report = response.json()
    assert response.status_code == 200
    assert report["redis"] == "ok"
    assert isinstance(report["workers"], int)  # no worker listens on database 15: 0
    assert report["status"] == ("ok" if report["workers"] else "degraded")
