"""Without a broker, a transition's mail is sent by a background thread after the request: a mail
server that accepts the connection and never answers (the worst case: EMAIL_TIMEOUT each time)
does not hold the page; the row keeps the timeout for a later try."""
import socket
import time

import pytest
from django.urls import reverse

from campaigns import clock
from config import background
from nominations.models import MailStatus, Nomination, OutboxMail, Status

from .conftest import hold_unit_council, new_nomination

pytestmark = pytest.mark.django_db(transaction=True)
UNIT = "so-tai-chinh-nt"


@pytest.fixture
def silent_smtp(settings):
    """A listening socket that never accepts: connections succeed, the greeting never comes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", server.getsockname()[1], False, 3
    yield
    server.close()


@pytest.fixture
def without_broker(settings):
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.RUN_TASKS_IN_REQUEST, settings.BACKGROUND_THREADS = False, 1
    background._executor = None
    yield
    background.executor().shutdown(wait=True)
    background._executor = None
    app.conf.task_always_eager = previous


def test_a_mail_server_that_never_answers_does_not_hold_the_submit(nt_world, client, silent_smtp, without_broker):
    with clock.frozen_at(nt_world.at_stage(1)):
        nomination = new_nomination(nt_world, UNIT)
        hold_unit_council(nt_world, UNIT, [nomination])
        client.force_login(nt_world.users[f"officer:{UNIT}"])
        started = time.perf_counter()
        response = client.post(reverse("nomination_submit", args=[nomination.pk]))
        elapsed = time.perf_counter() - started
    assert response.status_code == 302 and elapsed < 2.5, elapsed  # not EMAIL_TIMEOUT (3 s) in the request
    assert Nomination.objects.get(pk=nomination.pk).status == Status.IN_REVIEW
    background.executor().shutdown(wait=True)  # the background try ends with the timeout
    mail = OutboxMail.objects.get()
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 1)
    assert "timed out" in mail.last_error.lower() or "timeout" in mail.last_error.lower(), mail.last_error
