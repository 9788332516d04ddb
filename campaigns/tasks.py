"""Thin Celery tasks of the campaigns app: fetch by id, call a service."""
from celery import shared_task
from django.conf import settings


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=settings.DOCUMENT_TASK_SOFT_TIME_LIMIT, time_limit=settings.DOCUMENT_TASK_TIME_LIMIT,
)
def task_import_units(self, job_id: int):
    """The unit spreadsheet of an import job (campaigns.services.unit_imports)."""
    from campaigns.services.unit_imports import run_unit_import

    job = run_unit_import(job_id, task_id=self.request.id)
    return job.status if job is not None else None
