"""A build holds a lease (DOCUMENT_BUILD_LEASE): a record left "running" by a worker killed
mid-way is built again by the next request once its lease has expired, forced or not; within the
lease a second request joins the running build instead of starting another. Document tasks carry
Celery soft and hard time limits below the lease."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import clock
from dossiers import services, tasks
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from reports.tasks import task_export_award_list
from tests.dossiers.conftest import MOMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process even when the suite runs against a Redis broker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def stuck(record, *, lease_left):
    """The record as a worker killed mid-build leaves it: running, its task gone."""
    GeneratedDocument.objects.filter(pk=record.pk).update(
        status=BuildStatus.RUNNING, task_id="killed-worker-task", lease_until=timezone.now() + lease_left, attempts=1,
    )
    record.refresh_from_db()
    return record


def start_stage_dossier(client, world, *, force=False):
    stage, unit = world.stages[0], world.units["so-tai-chinh-nt"]
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    url = reverse("dossiers:stage", args=[world.round.pk, stage.order, unit.pk])
    return client.post(url, {"force": "1"} if force else {})


def stuck_stage_dossier(client, world, django_capture_on_commit_callbacks, *, lease_left):
    with django_capture_on_commit_callbacks(execute=False):
        assert start_stage_dossier(client, world).status_code == 302
    return stuck(GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF), lease_left=lease_left)


@pytest.mark.parametrize("force", [False, True])
def test_stage_dossier_stuck_running_past_its_lease_is_built_again(world, client, eager_celery, django_capture_on_commit_callbacks, force):
    dossier = stuck_stage_dossier(client, world, django_capture_on_commit_callbacks, lease_left=-dt.timedelta(seconds=1))
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=True):
        response = start_stage_dossier(client, world, force=force)
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:status", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.builds, dossier.attempts, dossier.version) == (BuildStatus.DONE, 1, 2, 1)
    assert dossier.lease_until is not None and dossier.task_id != "killed-worker-task"
    assert GeneratedDocument.objects.filter(kind=DocumentKind.STAGE_DOSSIER_PDF).count() == 1
    archive = GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_ZIP)
    assert archive.status == BuildStatus.DONE


@pytest.mark.parametrize("force", [False, True])
def test_stage_dossier_running_within_its_lease_is_joined_not_duplicated(world, client, eager_celery, django_capture_on_commit_callbacks, force):
    dossier = stuck_stage_dossier(client, world, django_capture_on_commit_callbacks, lease_left=dt.timedelta(minutes=5))
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = start_stage_dossier(client, world, force=force)
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:status", args=[dossier.pk])
    assert callbacks == []  # nothing queued: the running build is the one the page follows
    dossier.refresh_from_db()
    assert (dossier.status, dossier.builds, dossier.attempts, dossier.task_id) == (BuildStatus.RUNNING, 0, 1, "killed-worker-task")
    assert GeneratedDocument.objects.count() == 2  # the merged PDF and the ZIP records, nothing else


def test_report_stuck_running_past_its_lease_is_built_again_by_the_next_request(world, client, eager_celery, django_capture_on_commit_callbacks):
    nomination = world.unit_nominations[0]
    officer = world.users["officer:so-tai-chinh-nt"]
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=False):
        pdf, docx = services.request_report(nomination=nomination, actor=officer)
    stuck(pdf, lease_left=-dt.timedelta(seconds=1))
    stuck(docx, lease_left=dt.timedelta(minutes=5))
    client.force_login(officer)
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(reverse("dossiers:nomination_report", args=[nomination.pk])).status_code == 302
    assert len(callbacks) == 1  # only the expired one
    pdf.refresh_from_db()
    docx.refresh_from_db()
    assert (pdf.status, pdf.builds) == (BuildStatus.DONE, 1)
    assert (docx.status, docx.builds) == (BuildStatus.RUNNING, 0)
    assert GeneratedDocument.objects.filter(nomination=nomination).count() == 2


def test_a_task_delivered_again_takes_over_its_own_record_within_the_lease(world):
    nomination = world.unit_nominations[0]
    spec = services.Spec(kind=DocumentKind.BAO_CAO_THANH_TICH, round=world.round, organisation=nomination.proposing_unit, nomination=nomination)
    with clock.frozen_at(MOMENT):
        record, _ = services.ensure_record(spec, DocumentFormat.PDF)
    stuck(record, lease_left=dt.timedelta(minutes=5))
    assert services.build_document(record.pk, task_id="another-task", inline=True).status == BuildStatus.RUNNING
    with clock.frozen_at(MOMENT):
        services.build_document(record.pk, task_id="killed-worker-task", inline=True)
    record.refresh_from_db()
    assert (record.status, record.builds) == (BuildStatus.DONE, 1)


def test_document_and_export_tasks_have_time_limits_below_the_lease(settings):
    for task in (tasks.task_build_document, tasks.task_build_stage_dossier, tasks.task_build_stage_zip, task_export_award_list):
        assert task.soft_time_limit == settings.DOCUMENT_TASK_SOFT_TIME_LIMIT, task.name
        assert task.time_limit == settings.DOCUMENT_TASK_TIME_LIMIT, task.name
        assert 0 < task.soft_time_limit < task.time_limit < settings.DOCUMENT_BUILD_LEASE


def test_a_build_over_its_time_budget_fails_with_a_vietnamese_message_without_a_broker_too(world, client, eager_celery, django_capture_on_commit_callbacks, settings):
    """Eager Celery enforces no time limit: the build checks DOCUMENT_TASK_SOFT_TIME_LIMIT itself
    between its long steps (here a budget shorter than any layout)."""
    settings.DOCUMENT_TASK_SOFT_TIME_LIMIT = 0.001
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=True):
        assert start_stage_dossier(client, world).status_code == 302
    dossier = GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF)
    assert (dossier.status, dossier.builds, dossier.attempts) == (BuildStatus.FAILED, 0, 1)
    assert dossier.error == tasks.TOO_LONG.format(seconds=0.001)
    assert dossier.error.startswith("Tạo văn bản quá thời gian cho phép")


def test_the_progress_page_says_a_build_stopped_once_its_lease_expired(world, client, django_capture_on_commit_callbacks):
    from dossiers.selectors import STALLED

    dossier = stuck_stage_dossier(client, world, django_capture_on_commit_callbacks, lease_left=dt.timedelta(minutes=5))
    status_url = reverse("dossiers:status_json", args=[dossier.pk])
    payload = client.get(status_url).json()
    assert (payload["finished"], payload["failed"], payload["error"]) == (False, False, "")
    GeneratedDocument.objects.filter(pk=dossier.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    payload = client.get(status_url).json()
    assert (payload["finished"], payload["failed"], payload["status_label"], payload["error"]) == (True, True, "Lỗi", STALLED)
    page = client.get(reverse("dossiers:status", args=[dossier.pk])).content.decode()
    assert STALLED in page and 'http-equiv="refresh"' not in page
