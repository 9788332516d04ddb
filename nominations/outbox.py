"""The mail outbox: e-mail is written to a table (OutboxMail) in the transaction of the action it
tells about, and sent after that transaction has committed.

- With a broker: the Celery task task_send_outbox_mail is queued after commit with the new rows'
  ids, and Celery beat runs it every minute for whatever is still due (earlier failures).
- Without a broker: the rows are sent by a background thread of the process that committed them
  (config/background.py), so a mail server that does not answer never holds the page; when the
  broker cannot be reached, in the request. Best effort either way: a mail server that is down
  is logged, never raised, and the rows stay pending with their error; the next action, the beat
  or `manage.py send_outbox_mail` (cron) tries them again.
- A row is sent under its row lock (SKIP LOCKED on PostgreSQL): two senders never send the same
  mail twice. A failure waits 1, 2, 4 ... up to 60 minutes before the next try; after
  MAIL_OUTBOX_MAX_ATTEMPTS tries the row is marked failed, with its last error, for the admin.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import background
from nominations.models import MailStatus, OutboxMail

logger = logging.getLogger(__name__)

BATCH = 200
IN_REQUEST_BACKLOG = 10  # earlier failures also tried in-process, when there is no broker
QUEUED_NOTICE = _("Thư thông báo đã được xếp vào hàng đợi và sẽ được gửi tự động.")


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def queue_mail(*, subject: str, body: str, recipients: list[str], nomination_id: int | None = None) -> OutboxMail:
    """One pending mail, written in the caller's transaction. Call send_after_commit() with its id."""
    return OutboxMail.objects.create(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, recipients=list(recipients),
        nomination_id=nomination_id, next_attempt_at=timezone.now(),
    )


def send_after_commit(ids: list[int]):
    if ids:
        transaction.on_commit(lambda: _publish(list(ids)))


def _publish(ids: list[int]):
    from nominations.tasks import task_send_outbox_mail

    if task_send_outbox_mail.app.conf.task_always_eager:
        background.call(send_here, ids)  # no broker: a background thread, not the request (config/background.py)
        return
    try:
        task_send_outbox_mail.delay(ids)
    except Exception:  # noqa: BLE001 - kombu OperationalError, redis ConnectionError...: the broker is away
        logger.warning("Broker unreachable: sending mail %s in this process", ids, exc_info=True)
        send_here(ids)


def send_here(ids: list[int]) -> SendResult | None:
    """Send the action's mail now, then a few earlier ones still due (no beat without a broker).
    Never raises: the action has committed; the rows keep whatever could not be sent."""
    try:
        result = send_pending(ids=ids, stop_on_error=True)
        if not result.failed:
            backlog = send_pending(limit=IN_REQUEST_BACKLOG, stop_on_error=True, retries_only=True)
            result.sent, result.failed = result.sent + backlog.sent, backlog.failed
        return result
    except Exception:  # noqa: BLE001 - e.g. the database went away after the commit
        logger.exception("Mail %s could not be sent now; it stays in the outbox", ids)
        return None


def send_pending(*, ids: list[int] | None = None, limit: int = BATCH, stop_on_error: bool = False, retries_only: bool = False) -> SendResult:
    """Send pending mail: the rows `ids` (whatever their next attempt), else every row now due
    (`retries_only`: only rows already tried and failed, not those their own action is about to
    send)."""
    due = OutboxMail.objects.filter(status=MailStatus.PENDING)
    due = due.filter(pk__in=ids) if ids is not None else due.filter(next_attempt_at__lte=timezone.now())
    if retries_only:
        due = due.filter(attempts__gt=0)
    result = SendResult()
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        outcome = _send_one(pk)
        if outcome is True:
            result.sent += 1
        elif outcome is not None:
            result.failed += 1
            if stop_on_error or isinstance(outcome, UNREACHABLE):
                break  # the server is down: the rest waits for the next run, not for N timeouts
    return result


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


# The mail server cannot be reached at all (as opposed to refusing one message's recipients).
UNREACHABLE = (ConnectionError, TimeoutError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, socket.gaierror)


def _send_one(pk: int):
    """True: sent; None: gone, sent or being sent elsewhere; else the exception of a failed try
    (the row keeps it)."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update(skip_locked=True).filter(pk=pk, status=MailStatus.PENDING).first()
        if mail is None:
            return None
        try:
            EmailMessage(mail.subject, mail.body, mail.from_email, to=mail.recipients).send()
        except Exception as error:  # noqa: BLE001 - SMTP refused, timed out, TLS...: try again later
            mail.attempts += 1
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= settings.MAIL_OUTBOX_MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
                logger.error("Mail %s not sent after %s attempts: %s", pk, mail.attempts, mail.last_error)
            else:
                mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
                logger.warning("Mail %s not sent (attempt %s), next try at %s: %s", pk, mail.attempts, mail.next_attempt_at, mail.last_error)
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return error
        mail.status, mail.sent_at = MailStatus.SENT, timezone.now()
        mail.attempts += 1
        mail.save(update_fields=["status", "sent_at", "attempts"])
        return True


def delete_sent(*, days: int | None = None) -> int:
    """Sent mail older than MAIL_OUTBOX_RETENTION_DAYS (daily, Celery beat): the outbox is a queue,
    not an archive. Pending and given-up mail stays for the administrator to see."""
    days = settings.MAIL_OUTBOX_RETENTION_DAYS if days is None else days
    deleted, _ = OutboxMail.objects.filter(status=MailStatus.SENT, sent_at__lt=timezone.now() - dt.timedelta(days=days)).delete()
    return deleted
