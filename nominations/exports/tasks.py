"""Thin Celery tasks for exports: fetch by id, call the service (which checks permission again)."""
import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3,
    soft_time_limit=settings.DOCUMENT_TASK_SOFT_TIME_LIMIT, time_limit=settings.DOCUMENT_TASK_TIME_LIMIT,
)
def task_export_award_list(self, job_id):
    from nominations.exports.services import run_export_job

    job = run_export_job(job_id)
    return job.status if job is not None else None
