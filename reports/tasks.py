"""Thin Celery tasks for exports: fetch by id, call the service (which checks permission again).

Each keeps the name it was registered under when it lived in the nominations app (`name=`), so
messages already queued and the beat schedule's entries still find it."""
import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(
    name="nominations.exports.tasks.task_export_award_list",
    bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3,
    soft_time_limit=settings.DOCUMENT_TASK_SOFT_TIME_LIMIT, time_limit=settings.DOCUMENT_TASK_TIME_LIMIT,
)
def task_export_award_list(self, job_id):
    from reports.services import run_export_job

    job = run_export_job(job_id)
    return job.status if job is not None else None


@shared_task(name="nominations.tasks.task_delete_old_exports", acks_late=True)
def task_delete_old_exports():
    """Daily (CELERY_BEAT_SCHEDULE): export jobs and files older than EXPORT_RETENTION_DAYS."""
    from reports.services import delete_old_exports

    return delete_old_exports()
