"""Thin Celery tasks: they take a record id, fetch, and call a service (dossiers.services).

- acks_late + reject_on_worker_lost: a message is acknowledged only after the task ends; a
  worker killed mid-task leaves it to be delivered again (to another or a restarted worker).
- Idempotent: the record exists before the task is queued; a done record is left alone; a
  record left running by a dead worker is built again, replacing its file atomically.
- Retries with exponential backoff live here; the last failure is stored on the record.
- Soft and hard time limits (DOCUMENT_TASK_SOFT_TIME_LIMIT, DOCUMENT_TASK_TIME_LIMIT): a build
  past the soft limit fails with a message and is not retried (it would run as long again); the
  build also checks that budget between its long steps (services.time_budget), which holds in
  eager mode too; one past the hard limit is killed, and its lease (DOCUMENT_BUILD_LEASE) lets the
  next request build it again.
- Follow-up tasks (the Word files, the ZIP) go to the queue this task came from.
- Documents are in Vietnamese whatever the language of the user who asked (eager mode runs the
  task in that user's request, with the English interface possibly active): the services that
  build them run in the portal's language (campaigns.vn_format.in_vietnamese).
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from dossiers import services
from dossiers.errors import DossierError

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (DossierError, SoftTimeLimitExceeded),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 4,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.DOCUMENT_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.DOCUMENT_TASK_TIME_LIMIT,
}
TOO_LONG = (
    "Tạo văn bản quá thời gian cho phép ({seconds} giây): hồ sơ quá lớn. "
    "Hãy rút gọn nội dung (ví dụ phần diễn biến, ý kiến) rồi tạo lại."
)


def _queue_of(task) -> str | None:
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or None


def _run(task, service, record_id: int):
    try:
        with services.time_budget(settings.DOCUMENT_TASK_SOFT_TIME_LIMIT):
            return service(record_id, task_id=task.request.id, queue=_queue_of(task))
    except DossierError as error:
        services.mark_failed(record_id, str(error))  # the user's data, not a transient fault
        return None
    except SoftTimeLimitExceeded:
        logger.warning("Tạo văn bản %s quá thời gian cho phép.", record_id)
        services.mark_failed(record_id, TOO_LONG.format(seconds=settings.DOCUMENT_TASK_SOFT_TIME_LIMIT))
        return None
    except Exception as error:
        if task.request.retries >= task.max_retries:
            logger.exception("Tạo văn bản %s thất bại sau %s lần thử.", record_id, task.request.retries + 1)
            services.mark_failed(record_id, f"{type(error).__name__}: {error}")
        else:
            services.mark_retrying(record_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(bind=True, **RETRY_OPTIONS)
def task_build_document(self, record_id: int):
    """One document file (PDF or Word) of its record."""
    _run(self, services.build_document, record_id)


@shared_task(bind=True, **RETRY_OPTIONS)
def task_build_stage_dossier(self, record_id: int):
    """A stage dossier: one layout pass, the merged PDF and each member's PDF; queues the rest."""
    _run(self, services.build_stage_dossier, record_id)


@shared_task(bind=True, **RETRY_OPTIONS)
def task_build_stage_zip(self, record_id: int):
    """The ZIP of a stage dossier (every PDF and Word file), once they are all built."""
    _run(self, lambda pk, task_id=None, queue=None: services.build_stage_zip(pk, task_id=task_id), record_id)
