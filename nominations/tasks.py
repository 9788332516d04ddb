"""Thin Celery tasks: fetch by id, call a service."""
import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def task_send_outbox_mail(ids=None):
    """The mail outbox (nominations.outbox): the rows `ids` just committed, then whatever else is
    due; every minute from Celery beat without ids. A failure stays in its row for a later try."""
    from nominations.outbox import send_pending

    result = send_pending(ids=ids) if ids else None
    backlog = send_pending()
    return (result.sent if result else 0) + backlog.sent


@shared_task(acks_late=True)
def task_delete_sent_mail():
    """Daily (CELERY_BEAT_SCHEDULE): sent outbox mail older than MAIL_OUTBOX_RETENTION_DAYS."""
    from nominations.outbox import delete_sent

    return delete_sent()


@shared_task(acks_late=True)
def task_send_transition_emails(nomination_id, action, to_status):
    """Kept for messages queued before the outbox existed: writes the mail to the outbox and sends it."""
    from nominations.models import Nomination
    from nominations.notifications import queue_transition_emails

    nomination = (
        Nomination.objects.select_related("round__campaign", "stage__organisation", "proposing_unit", "nominee_unit", "award_form")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        logger.warning("Nomination %s is gone; no e-mail sent", nomination_id)
        return 0
    with transaction.atomic():
        return queue_transition_emails(nomination, action=action, to_status=to_status)


@shared_task(acks_late=True)
def task_send_deadline_reminders():
    from nominations.reminders import send_deadline_reminders

    return send_deadline_reminders()
