"""Export pages: who may download what, small lists at once, large ones as a Celery task whose
progress the page polls, and the permission checked again inside the task."""
import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from campaigns.models import Membership
from config.celery import app as celery_app
from reports import services
from reports.tasks import task_export_award_list
from reports.models import ExportJob, ExportStatus

from .helpers import reopen, table

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def eager():
    """Tasks run in-process, even when the suite runs against a real broker (CI's first run)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def small_inline_limit(monkeypatch):
    """Make 2 rows 'large', so the 5-row list goes through the background export."""
    monkeypatch.setattr("reports.views.exports.INLINE_MAX_ROWS", 2)


def client_for(client, user):
    client.force_login(user)
    return client


def test_export_task_is_registered_with_the_worker_app():
    celery_app.loader.import_default_modules()
    assert "nominations.exports.tasks.task_export_award_list" in celery_app.tasks


def test_small_export_downloads_at_once(client, report_world, after_export_date):
    c = client_for(client, report_world.users["administrator"])
    url = reverse("reports_export", args=(report_world.round.pk,))
    assert c.get(url).status_code == 200
    response = c.post(url, {"status": "awarded"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"'
    ws = reopen(response.content).worksheets[0]
    assert [r[1] for r in table(ws, 6)[1]] == ["Sở Tài chính tỉnh Ninh Thuận", "Nguyễn Thị Hoa"]
    assert ExportJob.objects.count() == 0


def test_export_with_unknown_filter_shows_the_form_again(client, report_world):
    c = client_for(client, report_world.users["administrator"])
    response = c.post(reverse("reports_export", args=(report_world.round.pk,)), {"stage": "9"})
    assert response.status_code == 200 and ExportJob.objects.count() == 0  # not a choice: form error
    assert "stage" in response.context["form"].errors


def test_large_export_runs_as_a_task_with_progress(client, report_world, after_export_date, eager, small_inline_limit, django_capture_on_commit_callbacks):
    user = report_world.users["administrator"]
    c = client_for(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("reports_export", args=(report_world.round.pk,)), {"per_award_form": "on"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports_job", args=(job.pk,))
    assert job.requested_by == user and job.filters["per_award_form"] is True
    assert (job.status, job.progress, job.total, job.filename) == (ExportStatus.DONE, 5, 5, "danh-sach-khen-thuong-ninh-thuan-2024-nam-2024.xlsx")

    page = c.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports_job_status", args=(job.pk,)) in html and "js/export-progress.js" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more reloading

    state = c.get(reverse("reports_job_status", args=(job.pk,))).json()
    assert state == {
        "id": job.pk, "status": "done", "status_label": "Đã xong", "progress": 5, "total": 5, "percent": 100,
        "finished": True, "error": "", "download_url": reverse("reports_job_download", args=(job.pk,)),
    }
    download = c.get(state["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    wb = reopen(b"".join(download.streaming_content))
    assert [ws.title for ws in wb.worksheets] == ["Bằng khen của Chủ tịch Ủy ban"]
    assert len(table(wb.worksheets[0], 6)[1]) == 5


def test_pending_job_page_refreshes_without_javascript(client, report_world):
    user = report_world.users["administrator"]
    job = ExportJob.objects.create(round=report_world.round, requested_by=user, total=3000, progress=1000, status=ExportStatus.RUNNING)
    c = client_for(client, user)
    html = c.get(reverse("reports_job", args=(job.pk,))).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert 'value="33"' in html
    state = c.get(reverse("reports_job_status", args=(job.pk,))).json()
    assert (state["percent"], state["finished"], state["download_url"]) == (33, False, None)
    assert c.get(reverse("reports_job_download", args=(job.pk,))).status_code == 404


def test_task_refuses_a_user_who_lost_the_permission(report_world, eager):
    """The reviewer asks, then loses the role before the worker runs: an error, no file."""
    reviewer = report_world.users["stage:2"]
    job = ExportJob.objects.create(round=report_world.round, requested_by=reviewer, total=5)
    Membership.objects.filter(user=reviewer).delete()
    assert task_export_award_list.delay(job.pk).get() == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error == services.REFUSED
    assert not job.file and job.progress == 0


def test_task_refuses_a_user_who_never_had_the_permission(report_world, eager):
    job = ExportJob.objects.create(round=report_world.round, requested_by=report_world.users["stranger"], total=5)
    task_export_award_list.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == (ExportStatus.FAILED, services.REFUSED, False)


def test_task_for_a_reviewer_lists_only_what_the_reviewer_sees(report_world, eager):
    job = ExportJob.objects.create(round=report_world.round, requested_by=report_world.users["stage:3"], total=0)
    task_export_award_list.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.total == 3
    with default_storage.open(job.file.name, "rb") as handle:
        ws = reopen(handle.read()).worksheets[0]
    assert [r[1] for r in table(ws, 6)[1]] == ["Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", "Sở Tài chính tỉnh Ninh Thuận", "Nguyễn Thị Hoa"]


def test_task_twice_gives_one_file(report_world, eager):
    job = ExportJob.objects.create(round=report_world.round, requested_by=report_world.users["administrator"])
    task_export_award_list.delay(job.pk)
    job.refresh_from_db()
    first = job.file.name
    task_export_award_list.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 5
    assert job.file.name == first == f"private/exports/{job.pk}/danh-sach-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"
    assert default_storage.listdir(f"private/exports/{job.pk}") == ([], ["danh-sach-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"])


def test_task_for_a_job_that_is_gone_does_nothing(db, eager):
    assert task_export_award_list.delay(987654).get() is None


def test_job_belongs_to_its_requester_only(client, report_world, eager):
    job = ExportJob.objects.create(round=report_world.round, requested_by=report_world.users["administrator"])
    task_export_award_list.delay(job.pk)
    other_admin = report_world.users["stage:2"]  # may see the round, but did not ask for this file
    c = client_for(client, other_admin)
    for name in ("reports_job", "reports_job_status", "reports_job_download"):
        assert c.get(reverse(name, args=(job.pk,))).status_code == 404, name


@pytest.mark.parametrize("who", ["stranger", "officer:so-tai-chinh-nt"])
def test_exports_404_for_people_outside_the_round(client, report_world, who):
    c = client_for(client, report_world.users[who])
    round_id = report_world.round.pk
    urls = [
        reverse("reports_export", args=(round_id,)),
        reverse("reports_quota_xlsx", args=(round_id,)),
        reverse("reports_participation_xlsx", args=(round_id,)),
        reverse("reports_decision_xlsx", args=(report_world.decision.pk,)),
    ]
    for url in urls:
        assert c.get(url).status_code == 404, url
    assert c.post(urls[0], {}).status_code == 404


def test_exports_need_login(client, report_world):
    response = client.get(reverse("reports_quota_xlsx", args=(report_world.round.pk,)))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("who", ["administrator", "stage:2", "stage:3", "stage:4"])
def test_reports_download_for_staff_and_stage_people(client, report_world, who):
    c = client_for(client, report_world.users[who])
    for url, filename in [
        (reverse("reports_quota_xlsx", args=(report_world.round.pk,)), "so-luong-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"),
        (reverse("reports_participation_xlsx", args=(report_world.round.pk,)), "tham-gia-thoi-han-ninh-thuan-2024-nam-2024.xlsx"),
        (reverse("reports_decision_xlsx", args=(report_world.decision.pk,)), "danh-sach-kem-quyet-dinh-123-qd-ubnd.xlsx"),
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        reopen(response.content)


def test_broker_down_marks_the_job_failed_instead_of_a_500(client, report_world, small_inline_limit, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task_export_award_list, "delay", refuse)
    c = client_for(client, report_world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("reports_export", args=(report_world.round.pk,)), {})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.error) == (ExportStatus.FAILED, services.QUEUE_DOWN)
    assert services.QUEUE_DOWN in c.get(response["Location"]).content.decode()


def _lost_job(report_world, *, status, attempts=1):
    """A job whose lease ran out a minute ago: its message lost (pending) or its worker killed (running)."""
    from django.utils import timezone

    return ExportJob.objects.create(
        round=report_world.round, requested_by=report_world.users["administrator"], total=5, status=status, attempts=attempts,
        lease_until=timezone.now() - dt.timedelta(minutes=1),
    )


@pytest.mark.parametrize("status", [ExportStatus.PENDING, ExportStatus.RUNNING])
def test_a_job_past_its_lease_is_sent_again_once_and_finishes(client, report_world, after_export_date, eager, status,
                                                              django_capture_on_commit_callbacks):
    job = _lost_job(report_world, status=status)
    c = client_for(client, report_world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True) as sent:
        state = c.get(reverse("reports_job_status", args=(job.pk,))).json()
    assert len(sent) == 1 and state["status"] == "pending"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (ExportStatus.DONE, 2, 5)
    assert c.get(reverse("reports_job_status", args=(job.pk,))).json()["download_url"]


def test_a_job_past_its_lease_on_its_last_attempt_fails_with_a_message(client, report_world):
    job = _lost_job(report_world, status=ExportStatus.RUNNING, attempts=services.EXPORT_ATTEMPTS)
    c = client_for(client, report_world.users["administrator"])
    page = c.get(reverse("reports_job", args=(job.pk,)))
    assert page.status_code == 200 and services.LOST in page.content.decode()
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (ExportStatus.FAILED, services.LOST, services.EXPORT_ATTEMPTS)


def test_a_job_inside_its_lease_is_left_to_its_worker(client, report_world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    job = ExportJob.objects.create(
        round=report_world.round, requested_by=report_world.users["administrator"], total=5, status=ExportStatus.RUNNING,
        progress=2, lease_until=timezone.now() + dt.timedelta(minutes=10),
    )
    c = client_for(client, report_world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True) as sent:
        state = c.get(reverse("reports_job_status", args=(job.pk,))).json()
    assert not sent and (state["status"], state["progress"]) == ("running", 2)


def test_a_new_job_holds_a_lease_longer_than_the_task_s_hard_time_limit(client, report_world, small_inline_limit, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    from django.conf import settings
    from django.utils import timezone

    monkeypatch.setattr(task_export_award_list, "delay", lambda *args, **kwargs: None)  # the message is lost on its way
    c = client_for(client, report_world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("reports_export", args=(report_world.round.pk,)), {})
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.PENDING and job.attempts == 1
    assert job.lease_until - timezone.now() > dt.timedelta(seconds=settings.DOCUMENT_TASK_TIME_LIMIT)


def test_a_job_from_before_leases_counts_its_lease_from_its_creation(client, report_world, after_export_date, eager,
                                                                     django_capture_on_commit_callbacks):
    from django.conf import settings

    job = ExportJob.objects.create(round=report_world.round, requested_by=report_world.users["administrator"], total=5,
                                   status=ExportStatus.RUNNING)
    assert job.lease_until is None and not job.lease_expired
    ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE + 60))
    c = client_for(client, report_world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        c.get(reverse("reports_job_status", args=(job.pk,)))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.DONE, 2)
