"""Writes for exports: start a background export and run it (inside the Celery task).

pretix's habit for exports: create the job row first, pass its id to the task, write the file
atomically, let the page poll the row. Running the task twice gives the same file: the old one is
removed before the new one is written. The task checks the permission again: a user whose role
was taken away between the click and the worker gets an error and no file.
"""
from __future__ import annotations

import logging
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from kombu.exceptions import OperationalError

from campaigns import clock
from campaigns.models import Round
from nominations.models import ExportJob, ExportStatus

from .access import can_report
from .exporters import AwardListExporter
from .filters import AwardListFilters, FilterError

logger = logging.getLogger(__name__)

# An award list longer than this is written by a Celery task, with progress in the page.
INLINE_MAX_ROWS = getattr(settings, "EXPORT_INLINE_MAX_ROWS", 2000)
REFUSED = "Tài khoản không còn quyền xem danh sách của đợt này: không xuất tệp."
QUEUE_DOWN = "Không gửi được yêu cầu tới bộ xử lý nền. Vui lòng thử lại sau ít phút."


def start_award_list_export(*, user, round_: Round, filters: AwardListFilters, total: int) -> ExportJob:
    """Create the job and queue its task once the transaction commits."""
    from .tasks import task_export_award_list

    job = ExportJob.objects.create(
        kind=AwardListExporter.identifier, round=round_, requested_by=user, filters=filters.as_dict(), total=total
    )

    def queue():
        try:
            task_export_award_list.delay(job.pk)
        except OperationalError:  # the broker is unreachable: the job's page says so instead of a 500
            logger.exception("Export job %s could not be queued", job.pk)
            _fail(job, QUEUE_DOWN)

    transaction.on_commit(queue)
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status, job.error, job.finished_at = ExportStatus.FAILED, message, clock.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def run_export_job(job_id: int) -> ExportJob | None:
    """Write the job's file. Called by the task; safe to call again for the same job."""
    job = ExportJob.objects.select_related("round__campaign", "requested_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("Export job %s is gone; nothing written", job_id)
        return None
    if job.file:
        default_storage.delete(job.file.name)
        job.file = ""
    user = job.requested_by
    if not can_report(user, job.round):
        logger.warning("Export job %s refused: user %s may no longer see round %s", job.pk, user.pk, job.round_id)
        job.save(update_fields=["file"])
        return _fail(job, REFUSED)
    try:
        exporter = AwardListExporter(job.round, AwardListFilters.from_dict(job.filters), user=user)
    except FilterError as error:
        job.save(update_fields=["file"])
        return _fail(job, str(error))

    job.status, job.started_at, job.progress, job.error = ExportStatus.RUNNING, clock.now(), 0, ""
    job.total = exporter.count()
    job.save(update_fields=["status", "started_at", "progress", "error", "total", "file"])

    def progress(rows: int):
        ExportJob.objects.filter(pk=job.pk).update(progress=rows)

    # Write to a temporary file, then store it: the page offers the file only once the job is
    # DONE, so nobody downloads half a file (and any storage backend will do).
    name = exporter.filename()
    handle, temp_path = tempfile.mkstemp(prefix="export-", suffix=".xlsx")
    os.close(handle)
    try:
        rows = exporter.write(temp_path, progress=progress)
        target = job._meta.get_field("file").generate_filename(job, name)
        if default_storage.exists(target):  # left by an earlier run of this job id: stale
            default_storage.delete(target)
        with open(temp_path, "rb") as written:
            stored = default_storage.save(target, File(written))
    except Exception as error:  # the page must say it failed; the task's retry decides what next
        logger.exception("Export job %s failed", job.pk)
        _fail(job, f"Lỗi khi ghi tệp: {error}")
        raise
    finally:
        os.remove(temp_path)
    job.file.name = stored
    job.filename = name
    job.status, job.progress, job.finished_at = ExportStatus.DONE, rows, clock.now()
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
    return job
