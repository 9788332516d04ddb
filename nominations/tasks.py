"""Thin Celery tasks: fetch by id, call a service."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def task_send_transition_emails(self, nomination_id, action, to_status):
    from nominations.models import Nomination
    from nominations.notifications import send_transition_emails

    nomination = (
        Nomination.objects.select_related("round__campaign", "stage__organisation", "proposing_unit", "nominee_unit", "award_form")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        logger.warning("Nomination %s is gone; no e-mail sent", nomination_id)
        return 0
    return send_transition_emails(nomination, action=action, to_status=to_status)


@shared_task(acks_late=True)
def task_send_deadline_reminders():
    from nominations.reminders import send_deadline_reminders

    return send_deadline_reminders()


@shared_task(acks_late=True)
def task_delete_old_exports():
    """Daily (CELERY_BEAT_SCHEDULE): export jobs and files older than EXPORT_RETENTION_DAYS."""
    from nominations.exports.services import delete_old_exports

    return delete_old_exports()
