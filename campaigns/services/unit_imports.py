"""The unit import as a job: the upload is stored and a UnitImportJob row written first, then a
Celery task takes the job's id and runs campaigns.services.units.import_units, noting its
progress on the row; the page polls the row. Without a broker (Celery eager) the job runs at once
in the request (the file is capped: MAX_FILE_SIZE, MAX_UNCOMPRESSED_SIZE, MAX_ROWS).

Running the task again for a finished job does nothing; a job left running by a killed worker is
taken over by the same task delivered again or, after IMPORT_LEASE, by any run. The import itself
writes all or nothing, so a run killed in the middle left nothing behind.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import ImportStatus, UnitImportJob
from campaigns.services.units import UnitImportError, check_workbook_file, import_units

logger = logging.getLogger(__name__)

IMPORT_LEASE = dt.timedelta(minutes=15)
QUEUE_DOWN = "Không gửi được yêu cầu tới bộ xử lý nền. Vui lòng thử lại sau ít phút."
SYSTEM_ERROR = "Lỗi hệ thống khi nhập tệp; chưa nhập đơn vị nào. Vui lòng thử lại hoặc báo quản trị hệ thống."
TOO_LONG = "Nhập tệp quá thời gian cho phép; chưa nhập đơn vị nào. Hãy chia thành nhiều tệp nhỏ hơn."


def start_unit_import(*, upload, update: bool, actor, within=None) -> UnitImportJob:
    """Check the upload cheaply (size, zip bomb: UnitImportError at once), store it, write the job
    and queue its task after commit (or run it here when Celery is eager)."""
    from campaigns.tasks import task_import_units

    check_workbook_file(upload)
    upload.seek(0)
    name = default_storage.save(f"private/imports/{uuid.uuid4().hex}.xlsx", upload)
    job = UnitImportJob.objects.create(
        file=name, original_name=(getattr(upload, "name", "") or "")[:255], update=update, requested_by=actor, within=within,
    )
    if task_import_units.app.conf.task_always_eager:
        run_unit_import(job.pk)
        job.refresh_from_db()
        return job

    def queue():
        try:
            task_import_units.delay(job.pk)
        except Exception:  # noqa: BLE001 - the broker is unreachable: the job's page says so
            logger.exception("Unit import job %s could not be queued", job.pk)
            _finish(job.pk, ImportStatus.FAILED, problems=[QUEUE_DOWN])

    transaction.on_commit(queue)
    return job


def _claim(job_id: int, task_id: str | None) -> UnitImportJob | None:
    with transaction.atomic():
        job = UnitImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.info("Unit import job %s is gone", job_id)
            return None
        if job.is_finished:
            return None
        if (
            job.status == ImportStatus.RUNNING and not (task_id and job.task_id == task_id)
            and job.started_at and timezone.now() - job.started_at < IMPORT_LEASE
        ):
            return None  # another live run has it
        job.status, job.task_id, job.started_at = ImportStatus.RUNNING, task_id or "", timezone.now()
        job.save(update_fields=["status", "task_id", "started_at"])
        return job


def _finish(job_id: int, status: str, **fields):
    UnitImportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)
    job = UnitImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.file:
        default_storage.delete(job.file.name)  # the units are in the database now, or nothing is
        UnitImportJob.objects.filter(pk=job_id).update(file="")


def run_unit_import(job_id: int, *, task_id: str | None = None) -> UnitImportJob | None:
    job = _claim(job_id, task_id)
    if job is None:
        return UnitImportJob.objects.filter(pk=job_id).first()

    def progress(phase: str, done: int, total: int):
        UnitImportJob.objects.filter(pk=job_id).update(phase=phase, progress_done=done, progress_total=total)

    try:
        with job.file.open("rb") as stream:
            result = import_units(file=stream, update=job.update, progress=progress, within=job.within)
    except UnitImportError as error:
        _finish(job_id, ImportStatus.FAILED, problems=error.problems, phase="")
    except SoftTimeLimitExceeded:
        _finish(job_id, ImportStatus.FAILED, problems=[TOO_LONG], phase="")
    except Exception:
        logger.exception("Unit import job %s failed", job_id)
        _finish(job_id, ImportStatus.FAILED, problems=[SYSTEM_ERROR], phase="")
    else:
        _finish(
            job_id, ImportStatus.DONE, created_count=result.created, updated_count=result.updated,
            warnings=result.warnings, phase="", progress_done=F("progress_total"),
        )
    return UnitImportJob.objects.filter(pk=job_id).first()
