"""The unit import against a zip bomb, and as a job with progress.

- A 200 KB .xlsx whose shared strings expand to 95 MB is refused from the archive's directory, in
  well under a second and a few MB of memory, with a Vietnamese message; so is one whose parts
  together pass the total limit. The admin upload refuses it on the form, creating no job; a
  request announcing a body over the size limit is refused before the form or the file is read.
- An upload becomes a UnitImportJob row first; the task takes its id, notes its progress and
  result on the row, and running it again does nothing. Without a broker the job runs in the
  request; with one, it is queued after commit and the page refreshes itself until it ends.
"""
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from campaigns.models import ImportStatus, Unit, UnitImportJob
from campaigns.services import unit_imports
from campaigns.services.units import MAX_PART_SIZE, MAX_UNCOMPRESSED_SIZE, UnitImportError, import_units
from campaigns.tasks import task_import_units
from tests.campaigns.test_import_units import admin_user_client, categories, good_row, province, upload, write_xlsx  # noqa: F401 (fixtures)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def bomb(tmp_path, parts: dict[str, int], name="bom.xlsx") -> Path:
    """A real workbook whose listed parts are replaced by `size` bytes of XML that compresses
    about a thousand times (the shared strings of the probe's file: 95 MB in 243 KB)."""
    real = write_xlsx(tmp_path / "that.xlsx", [good_row("xa-a", parent=None)])
    path = tmp_path / name
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info.filename))
        for part, size in parts.items():
            unit = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            body = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + unit * (size // len(unit)) + b"</sst>"
            target.writestr(part, body)
    return path


def test_shared_strings_bomb_is_refused_quickly_with_a_vietnamese_message(tmp_path, categories):
    path = bomb(tmp_path, {"xl/sharedStrings.xml": 95 * MB})
    assert path.stat().st_size < 500 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnitImportError) as caught:
        import_units(file=path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    (message,) = caught.value.problems
    assert message.startswith("Nội dung tệp quá lớn sau khi giải nén (bảng chuỗi ký tự: 95.0 MB, giới hạn 10 MB).")
    print(f"\nzip bomb ({path.stat().st_size // 1024} KB → 95 MB) refused in {elapsed * 1000:.0f} ms, peak {peak / MB:.1f} MB")
    assert elapsed < 1.0 and peak < 5 * MB
    assert Unit.objects.count() == 0


def test_parts_over_the_total_expanded_size_are_refused(tmp_path, categories):
    each = MAX_PART_SIZE - MB
    parts = {f"xl/worksheets/sheet{n}.xml": each for n in range(2, 2 + MAX_UNCOMPRESSED_SIZE // each + 1)}
    (message,) = pytest.raises(UnitImportError, import_units, file=bomb(tmp_path, parts)).value.problems
    assert message.startswith("Nội dung tệp quá lớn sau khi giải nén (tổng cộng:") and "giới hạn 20 MB" in message


def test_admin_upload_of_a_bomb_is_refused_on_the_form_without_a_job(admin_user_client, tmp_path, categories):
    path = bomb(tmp_path, {"xl/sharedStrings.xml": 95 * MB})
    started = time.perf_counter()
    response = upload(admin_user_client, path)
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 200
    (problem,) = response.context["problems"]
    assert problem.startswith("Nội dung tệp quá lớn sau khi giải nén")
    assert "chưa nhập đơn vị nào" in response.content.decode()
    assert UnitImportJob.objects.count() == 0 and Unit.objects.count() == 0


def test_admin_upload_announcing_a_body_over_the_limit_is_refused_before_reading_the_file(admin_user_client, categories):
    response = upload(admin_user_client, content=b"0" * (6 * MB))
    assert response.status_code == 200
    assert response.context["problems"] == ["Tệp quá lớn (6.0 MB); giới hạn 5 MB."]
    assert response.context["form"].is_bound is False  # the upload was never looked at
    assert UnitImportJob.objects.count() == 0


def stored_job(path, *, update=False, user=None) -> UnitImportJob:
    name = default_storage.save("private/imports/test.xlsx", ContentFile(Path(path).read_bytes()))
    return UnitImportJob.objects.create(file=name, original_name="don-vi.xlsx", update=update, requested_by=user)


def test_the_task_imports_a_job_once_with_its_progress(tmp_path, province):
    rows = [good_row("huyen-a", parent="ubnd-tinh-son-la", category="ubnd_huyen", level="huyen")]
    rows += [good_row(f"xa-{n}") for n in range(600)]
    job = stored_job(write_xlsx(tmp_path / "tot.xlsx", rows))
    assert task_import_units.apply(args=[job.pk]).get() == ImportStatus.DONE
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.progress_done, job.progress_total, job.percent) == (
        ImportStatus.DONE, 601, 0, 601, 601, 100
    )
    assert job.summary == "Đã nhập 601 đơn vị: 601 tạo mới." and job.file.name == "" and job.finished_at
    # Delivered again (acks_late after a crash): nothing more happens.
    assert task_import_units.apply(args=[job.pk]).get() == ImportStatus.DONE
    assert Unit.objects.filter(code__startswith="xa-").count() == 600
    job.refresh_from_db()
    assert job.problems == [] and job.status == ImportStatus.DONE


def test_a_job_running_elsewhere_is_left_alone_and_a_redelivery_takes_it_over(tmp_path, province):
    job = stored_job(write_xlsx(tmp_path / "tot.xlsx", [good_row("huyen-a", parent="ubnd-tinh-son-la", category="ubnd_huyen", level="huyen")]))
    unit_imports._claim(job.pk, "first-delivery")
    assert unit_imports.run_unit_import(job.pk, task_id="other-task").status == ImportStatus.RUNNING
    assert Unit.objects.filter(code="huyen-a").count() == 0
    assert unit_imports.run_unit_import(job.pk, task_id="first-delivery").status == ImportStatus.DONE
    assert Unit.objects.filter(code="huyen-a").count() == 1


def test_a_failed_job_lists_its_problems_and_saves_nothing(tmp_path, categories):
    job = stored_job(write_xlsx(tmp_path / "sai.xlsx", [good_row("xa-a", parent=None, category="xyz")]))
    unit_imports.run_unit_import(job.pk)
    job.refresh_from_db()
    assert (job.status, job.problems) == (ImportStatus.FAILED, ["Dòng 2: khối 'xyz' không tồn tại"])
    assert Unit.objects.count() == 0


def test_with_a_broker_the_job_is_queued_after_commit_and_its_page_refreshes(client, tmp_path, province, django_capture_on_commit_callbacks):
    from config.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, False
    admin = UserFactory(superuser=True)
    client.force_login(admin)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = upload(client, write_xlsx(tmp_path / "tot.xlsx", [good_row("xa-a", parent="ubnd-tinh-son-la")]))
    finally:
        app.conf.task_always_eager = previous
    job = UnitImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:campaigns_unit_import_job", args=[job.pk])
    assert len(callbacks) == 1 and job.status == ImportStatus.QUEUED and Unit.objects.filter(code="xa-a").count() == 0
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "Chờ xử lý" in page and "<progress" in page

    task_import_units.apply(args=[job.pk])  # what the worker does with the queued message
    page = client.get(response.url).content.decode()
    assert "Đã nhập 1 đơn vị: 1 tạo mới." in page and 'http-equiv="refresh"' not in page


def test_an_import_page_is_only_for_the_user_who_uploaded(client, tmp_path, province):
    owner = UserFactory(superuser=True)
    job = stored_job(write_xlsx(tmp_path / "tot.xlsx", [good_row("xa-a", parent="ubnd-tinh-son-la")]), user=owner)
    other = UserFactory(is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="add_unit"))
    client.force_login(other)
    assert client.get(reverse("admin:campaigns_unit_import_job", args=[job.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("admin:campaigns_unit_import_job", args=[job.pk])).status_code == 200


def test_the_import_units_command_refuses_a_bomb_with_the_same_message(tmp_path, categories):
    from django.core.management import CommandError, call_command

    path = bomb(tmp_path, {"xl/sharedStrings.xml": 95 * MB})
    with pytest.raises(CommandError) as caught:
        call_command("import_units", str(path), "--update")
    assert f"Tệp '{path}' không hợp lệ, không nhập đơn vị nào:" in str(caught.value)
    assert "Nội dung tệp quá lớn sau khi giải nén (bảng chuỗi ký tự: 95.0 MB, giới hạn 10 MB)." in str(caught.value)
