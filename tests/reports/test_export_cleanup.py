"""The daily cleanup of background exports (reports.tasks.task_delete_old_exports, registered as "nominations.tasks.task_delete_old_exports"): jobs older
than EXPORT_RETENTION_DAYS go with their files, recent ones stay, a file already gone is no error,
a second run finds nothing; and the read-only admin of the jobs."""
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import ExportJob, ExportStatus
from reports.tasks import task_delete_old_exports
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_RETENTION_DAYS = 7
    return settings.MEDIA_ROOT


@pytest.fixture
def make_job():
    round_, user = RoundFactory(), UserFactory()

    def make(*, days_old: float, with_file: bool = True, status=ExportStatus.DONE):
        job = ExportJob.objects.create(round=round_, requested_by=user, status=status, total=3, progress=3)
        if with_file:
            job.file.save("danh-sach.xlsx", ContentFile(b"PK fake workbook"), save=False)
            job.filename = "danh-sach.xlsx"
            job.save(update_fields=["file", "filename"])
        ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
        job.refresh_from_db()
        return job

    return make


def test_old_jobs_and_their_files_go_recent_ones_stay(make_job, private_media):
    old = [make_job(days_old=8), make_job(days_old=30, status=ExportStatus.FAILED, with_file=False), make_job(days_old=7.01)]
    recent = [make_job(days_old=6.9), make_job(days_old=0)]
    old_files = [default_storage.path(job.file.name) for job in old if job.file]
    assert all(default_storage.exists(job.file.name) for job in old + recent if job.file)

    assert task_delete_old_exports.apply().get() == 3  # the task itself, in this process

    assert set(ExportJob.objects.values_list("pk", flat=True)) == {job.pk for job in recent}
    assert all(default_storage.exists(job.file.name) for job in recent)
    assert not any(Path(path).exists() for path in old_files)
    # Nothing left of the old jobs' folders (private/exports/<id>/), the recent ones' are there.
    folders = {p.name for p in (private_media / "private" / "exports").iterdir()}
    assert folders == {str(job.pk) for job in recent}


def test_a_file_already_gone_is_no_error(make_job):
    job = make_job(days_old=10)
    default_storage.delete(job.file.name)

    assert services.delete_old_exports() == 1
    assert not ExportJob.objects.exists()


def test_second_run_finds_nothing(make_job):
    make_job(days_old=10)
    make_job(days_old=1)
    assert services.delete_old_exports() == 1
    assert services.delete_old_exports() == 0
    assert ExportJob.objects.count() == 1


def test_works_in_batches(make_job, django_assert_max_num_queries):
    jobs = [make_job(days_old=9, with_file=False) for _ in range(5)]
    # 3 batches of 2 (the last one short) then an empty look: 4 selects and 3 deletes.
    with django_assert_max_num_queries(4 + 3 * 2):
        assert services.delete_old_exports(batch_size=2) == 5
    assert not ExportJob.objects.filter(pk__in=[job.pk for job in jobs]).exists()


def test_retention_is_a_setting(make_job, settings):
    settings.EXPORT_RETENTION_DAYS = 30
    kept = make_job(days_old=10)
    assert services.delete_old_exports() == 0
    assert ExportJob.objects.filter(pk=kept.pk).exists()


def test_a_file_that_cannot_be_deleted_keeps_its_job(make_job, monkeypatch):
    stuck, other = make_job(days_old=10), make_job(days_old=11)
    real_delete = default_storage.delete

    def delete(name):
        if name == stuck.file.name:
            raise PermissionError(13, "Permission denied", name)
        return real_delete(name)

    monkeypatch.setattr(default_storage, "delete", delete)
    assert services.delete_old_exports() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [stuck.pk]
    assert not ExportJob.objects.filter(pk=other.pk).exists()


def test_cleanup_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["export-cleanup"]
    assert entry == {"task": "nominations.tasks.task_delete_old_exports", "schedule": 24 * 3600.0}
    assert task_delete_old_exports.name == entry["task"]


# --- the admin: read-only, in Vietnamese --------------------------------------------------------


def test_admin_lists_jobs_read_only(client, make_job):
    job = make_job(days_old=1)
    client.force_login(UserFactory(superuser=True))
    changelist = client.get(reverse("admin:reports_exportjob_changelist"), {"status__exact": "done"})
    assert changelist.status_code == 200
    html = changelist.content.decode()
    for header in ("Loại", "Đợt", "Người yêu cầu", "Trạng thái", "Số dòng đã ghi / tổng số", "Tạo lúc", "Xong lúc"):
        assert f">{header}<" in html, header
    assert "Danh sách đề nghị khen thưởng" in html and "Đã xong" in html and "3 / 3" in html
    assert reverse("admin:reports_exportjob_add") not in html

    change = client.get(reverse("admin:reports_exportjob_change", args=(job.pk,)))
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()  # shown, not editable
    assert client.post(reverse("admin:reports_exportjob_delete", args=(job.pk,)), {"post": "yes"}).status_code == 403
    assert ExportJob.objects.filter(pk=job.pk).exists()
