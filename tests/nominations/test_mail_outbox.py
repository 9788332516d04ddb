"""Mail never fails an action that committed: the transition's e-mail is written to the outbox in
the transition's transaction and sent after commit. With the mail server down (a real SMTP
backend pointed at a closed port) the action succeeds, the page says the mail is queued, the row
stays pending with the error, and a later run of the outbox (Celery beat, the command) sends it."""
import datetime as dt
import socket

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns import clock
from nominations import notifications
from nominations.models import MailStatus, Nomination, OutboxMail, Status
from nominations.outbox import QUEUED_NOTICE, send_pending
from nominations.tasks import task_send_outbox_mail
from nominations.workflow import Action, advance

from .conftest import hold_unit_council, new_nomination, submitted

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), False, 2
    return settings


def smtp_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_due_now():
    OutboxMail.objects.filter(status=MailStatus.PENDING).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_submit_with_the_mail_server_down_succeeds_and_the_mail_waits(nt_world, client, eager_celery, smtp_down, mailoutbox, django_capture_on_commit_callbacks):
    with clock.frozen_at(nt_world.at_stage(1)):
        nomination = new_nomination(nt_world, UNIT)
        hold_unit_council(nt_world, UNIT, [nomination])
        client.force_login(nt_world.users[f"officer:{UNIT}"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("nomination_submit", args=[nomination.pk]), follow=True)
    assert response.status_code == 200
    assert Nomination.objects.get(pk=nomination.pk).status == Status.IN_REVIEW
    shown = messages_of(response)
    assert any(m.startswith("Đã gửi hồ sơ đến bước") for m in shown) and QUEUED_NOTICE in shown, shown
    (waiting,) = OutboxMail.objects.all()
    assert (waiting.status, waiting.attempts, waiting.nomination_id) == (MailStatus.PENDING, 1, nomination.pk)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at > timezone.now()
    assert waiting.recipients == [nt_world.users["stage:2"].email]
    assert mailoutbox == []

    # Not due yet: the beat leaves it; once due and the server back, the beat's task sends it, once.
    smtp_back(smtp_down)
    assert task_send_outbox_mail.apply().get() == 0 and mailoutbox == []
    make_due_now()
    assert task_send_outbox_mail.apply().get() == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [(waiting.recipients, waiting.subject)]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.last_error.startswith("ConnectionRefusedError")) == (MailStatus.SENT, 2, True)
    assert waiting.sent_at is not None
    assert task_send_outbox_mail.apply().get() == 0 and len(mailoutbox) == 1


def test_review_return_with_the_mail_server_down_succeeds_and_the_command_sends_later(nt_world, client, eager_celery, smtp_down, mailoutbox, django_capture_on_commit_callbacks):
    nomination = submitted(nt_world, UNIT)
    OutboxMail.objects.all().delete()
    client.force_login(nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review_return", args=[nomination.pk]), {"reason": "Bổ sung biên bản họp."}, follow=True)
    assert response.status_code == 200 and QUEUED_NOTICE in messages_of(response)
    assert Nomination.objects.get(pk=nomination.pk).status == Status.RETURNED
    assert OutboxMail.objects.get().status == MailStatus.PENDING

    smtp_back(smtp_down)
    make_due_now()
    call_command("send_outbox_mail")
    assert [m.to for m in mailoutbox] == [[f"officer-{UNIT}@example.vn"]]
    assert "Lý do: Bổ sung biên bản họp." in mailoutbox[0].body
    assert OutboxMail.objects.get().status == MailStatus.SENT


def test_an_earlier_failure_is_sent_by_the_next_action_without_a_broker(nt_world, eager_celery, smtp_down, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted(nt_world, UNIT)
    assert OutboxMail.objects.get(nomination=first).attempts == 1
    smtp_back(smtp_down)
    make_due_now()
    with django_capture_on_commit_callbacks(execute=True):
        submitted(nt_world, "so-y-te-nt")
    assert OutboxMail.objects.filter(status=MailStatus.SENT).count() == 2 and len(mailoutbox) == 2


def test_the_mail_is_written_in_the_transaction_of_the_action(nt_world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        nomination = submitted(nt_world, UNIT)
    assert OutboxMail.objects.filter(nomination=nomination, status=MailStatus.PENDING).count() == 1 and len(callbacks) == 1
    with notifications.muted(), clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung.")
    assert OutboxMail.objects.count() == 1  # a muted action (simulations) writes none


def test_a_mail_failing_every_time_is_given_up_with_its_error(nt_world, smtp_down, settings):
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 2
    submitted(nt_world, UNIT)
    assert send_pending().failed == 1
    make_due_now()
    assert send_pending().failed == 1
    mail = OutboxMail.objects.get()
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 2) and "ConnectionRefusedError" in mail.last_error
    make_due_now()
    assert send_pending().failed == 0


def test_deadline_reminders_with_the_mail_server_down_wait_in_the_outbox(nt_world, smtp_down, mailoutbox):
    from nominations.models import ReminderSent
    from nominations.reminders import send_deadline_reminders

    assert send_deadline_reminders(dt.date(2024, 11, 23)) == 7  # the seven units, 7 days before 30/11/2024
    assert ReminderSent.objects.count() == 7
    # One try told the server is down: the others wait for the next run untried.
    assert OutboxMail.objects.filter(status=MailStatus.PENDING).count() == 7 and mailoutbox == []
    assert sorted(OutboxMail.objects.values_list("attempts", flat=True)) == [0] * 6 + [1]
    smtp_back(smtp_down)
    make_due_now()
    assert task_send_outbox_mail.apply().get() == 7
    assert len(mailoutbox) == 7 and all(m.subject.startswith("[Thi đua CĐS] Còn 7 ngày") for m in mailoutbox)


def test_sent_mail_is_deleted_after_the_retention_days_pending_mail_stays(nt_world, smtp_down, mailoutbox):
    from nominations.tasks import task_delete_sent_mail

    submitted(nt_world, UNIT)
    submitted(nt_world, "so-y-te-nt")
    old, recent = OutboxMail.objects.order_by("pk")
    OutboxMail.objects.filter(pk=old.pk).update(status=MailStatus.SENT, sent_at=timezone.now() - dt.timedelta(days=31))
    OutboxMail.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=60))  # still pending
    assert task_delete_sent_mail.apply().get() == 1
    assert list(OutboxMail.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_outbox_admin_lists_waiting_mail_read_only(nt_world, smtp_down, client):
    from tests.factories import UserFactory

    submitted(nt_world, UNIT)
    send_pending()
    client.force_login(UserFactory(superuser=True))
    page = client.get(reverse("admin:nominations_outboxmail_changelist"), {"status__exact": "pending"})
    assert page.status_code == 200 and "Hồ sơ mới cần xét" in page.content.decode()
    mail = OutboxMail.objects.get()
    change = client.get(reverse("admin:nominations_outboxmail_change", args=(mail.pk,))).content.decode()
    assert "ConnectionRefusedError" in change
    assert client.get(reverse("admin:nominations_outboxmail_add")).status_code == 403
