"""Writes for exports: start a background export and run it (inside the Celery task).

pretix's habit for exports: create the job row first, pass its id to the task, write the file
atomically, let the page poll the row. Running the task twice gives the same file: the old one is
removed before the new one is written. The task checks the permission again: a user whose role
was taken away between the click and the worker gets an error and no file.

Jobs and their files are kept EXPORT_RETENTION_DAYS days (delete_old_exports, a daily task).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

import rules
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError

from campaigns import clock
from config import background
from campaigns.models import Round
from reports.models import ExportJob, ExportStatus, export_lease

from .exporters import AwardListExporter
from .filters import AwardListFilters, FilterError

logger = logging.getLogger(__name__)

# An award list longer than this is written by a Celery task, with progress in the page.
INLINE_MAX_ROWS = settings.EXPORT_INLINE_MAX_ROWS
REFUSED = "Tài khoản không còn quyền xem danh sách của đợt này: không xuất tệp."
TOO_LONG = "Xuất danh sách quá thời gian cho phép ({seconds} giây): hãy lọc bớt (theo bước, cơ quan, hình thức) rồi xuất lại."
QUEUE_DOWN = "Không gửi được yêu cầu tới bộ xử lý nền. Vui lòng thử lại sau ít phút."
WRITE_FAILED = "Không ghi được tệp do lỗi của hệ thống; lỗi đã được ghi lại để quản trị viên xử lý. Vui lòng xuất lại sau."
LOST = (
    "Bộ xử lý nền không xuất xong danh sách (đã gửi lại một lần mà vẫn không xong); lỗi đã được ghi lại để quản trị viên "
    "xử lý. Vui lòng xuất lại sau."
)
# A job is sent to the background at most this many times: once, and once more when its lease ran out.
EXPORT_ATTEMPTS = 2


def start_award_list_export(*, user, round_: Round, filters: AwardListFilters, total: int) -> ExportJob:
    """Create the job and queue its task once the transaction commits."""
    job = ExportJob.objects.create(
        kind=AwardListExporter.identifier, round=round_, requested_by=user, filters=filters.as_dict(), total=total,
        lease_until=timezone.now() + export_lease(),
    )
    _queue_on_commit(job)
    return job


def _queue_on_commit(job: ExportJob):
    from .tasks import task_export_award_list

    def queue():
        try:
            background.send(task_export_award_list, args=[job.pk])  # without a broker: a thread, not the request
        except OperationalError:  # the broker is unreachable: the job's page says so instead of a 500
            logger.exception("Export job %s could not be queued", job.pk)
            _fail(job, QUEUE_DOWN)

    transaction.on_commit(queue)


def take_over_lost_export(job: ExportJob) -> ExportJob:
    """A job waiting or running past its lease (its message lost, its worker killed) is sent to the
    background once more; past its last attempt it fails with a message. Only one of several
    requests that find it so does either (the update is conditional on what they read)."""
    if not job.lease_expired:
        return job
    unchanged = ExportJob.objects.filter(pk=job.pk, status=job.status, lease_until=job.lease_until)
    if job.attempts < EXPORT_ATTEMPTS:
        logger.warning("Export job %s lost its lease (%s): sent again", job.pk, job.status)
        with transaction.atomic():
            if unchanged.update(status=ExportStatus.PENDING, progress=0, attempts=job.attempts + 1,
                                lease_until=timezone.now() + export_lease()):
                _queue_on_commit(job)
    else:
        logger.error("Export job %s lost its lease after %s attempts: failed", job.pk, job.attempts)
        unchanged.update(status=ExportStatus.FAILED, error=LOST, finished_at=clock.now())
    job.refresh_from_db()
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
    if not rules.test_rule("reports.report_round", user, job.round):
        logger.warning("Export job %s refused: user %s may no longer see round %s", job.pk, user.pk, job.round_id)
        job.save(update_fields=["file"])
        return _fail(job, REFUSED)
    try:
        exporter = AwardListExporter(job.round, AwardListFilters.from_dict(job.filters), user=user)
    except FilterError as error:
        job.save(update_fields=["file"])
        return _fail(job, str(error))

    job.status, job.started_at, job.progress, job.error = ExportStatus.RUNNING, clock.now(), 0, ""
    job.lease_until = timezone.now() + export_lease()
    job.total = exporter.count()
    job.save(update_fields=["status", "started_at", "progress", "error", "total", "file", "lease_until"])

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
    except SoftTimeLimitExceeded:  # DOCUMENT_TASK_SOFT_TIME_LIMIT: would take as long again
        logger.warning("Export job %s took too long", job.pk)
        _fail(job, TOO_LONG.format(seconds=settings.DOCUMENT_TASK_SOFT_TIME_LIMIT))
        return job
    except Exception:  # the page must say it failed; the task's retry decides what next
        logger.exception("Export job %s failed", job.pk)  # the technical detail: in the log only
        _fail(job, WRITE_FAILED)
        raise
    finally:
        os.remove(temp_path)
    job.file.name = stored
    job.filename = name
    job.status, job.progress, job.finished_at = ExportStatus.DONE, rows, clock.now()
    job.save(update_fields=["file", "filename", "status", "progress", "finished_at"])
    return job


CLEANUP_BATCH = 500


def delete_old_exports(*, batch_size: int = CLEANUP_BATCH) -> int:
    """Delete the export jobs created more than EXPORT_RETENTION_DAYS days ago, with their files
    (through the storage API: the file system or an S3 bucket). Returns how many jobs went.

    Batches of `batch_size` jobs: their files first, then the rows in one query, so a crash in
    between leaves rows whose files are already gone, which the next run deletes (a missing file is
    not an error). A file that cannot be deleted (permissions, the bucket unreachable) keeps its
    row, so that the next run tries again, and is logged. Ages are real time (created_at), not the
    portal's clock, which a demo may set years back."""
    cutoff = timezone.now() - dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff).order_by("pk")
    deleted, after = 0, 0
    while batch := list(old.filter(pk__gt=after).values_list("pk", "file")[:batch_size]):
        after = batch[-1][0]
        gone = []
        for pk, name in batch:
            try:
                _delete_file(name)
            except Exception:  # noqa: BLE001 - keep the row, try again tomorrow, go on with the others
                logger.exception("Export job %s: file %s could not be deleted; job kept", pk, name)
            else:
                gone.append(pk)
        deleted += ExportJob.objects.filter(pk__in=gone).delete()[1].get(ExportJob._meta.label, 0)
    if deleted:
        logger.info("Deleted %s export job(s) older than %s days", deleted, settings.EXPORT_RETENTION_DAYS)
    return deleted


def _delete_file(name: str):
    """Delete a job's file if there is one (storages do nothing for a missing file), then its
    folder `private/exports/<id>/` where folders exist (the file system) and it is empty."""
    if not name:
        return
    default_storage.delete(name)
    try:
        folder = Path(default_storage.path(name)).parent
    except NotImplementedError:  # an object store: no folders
        return
    try:
        folder.rmdir()
    except OSError:  # not empty, or already gone
        pass
