"""Real Celery workers on Redis (marked integration; skipped with the reason when there is no
broker, Redis is unreachable or the database is not PostgreSQL).

- A worker started as `python -m celery -A config worker` builds a stage dossier queued by the
  page's POST: merged PDF, member PDFs, Word files, ZIP.
- A worker killed with SIGKILL in the middle of a batch and started again: every document ends up
  built exactly once (acks_late + reject_on_worker_lost + records created before the tasks).
"""
import io
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from tests.dossiers.conftest import build_world, load, unit_stage_nominations
from tests.dossiers.workers import Worker, broker_problem
from tests.servers import wait_for
from tests.nominations.conftest import NT_PARTICIPANTS

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
UNIT = "so-tai-chinh-nt"


@pytest.fixture
def worker_setup(settings, tmp_path):
    problem = broker_problem()
    if problem:
        pytest.skip(problem)
    var_dir = tmp_path / "var"
    settings.MEDIA_ROOT = var_dir / "test-media"  # what config.settings_test gives the worker for this VAR_DIR
    settings.DOSSIERS_QUEUE = f"dossiers-test-{uuid.uuid4().hex[:10]}"
    return var_dir


def small_world(people):
    load("ninh-thuan-2024.yaml")
    world = build_world("ninh-thuan-2024", "nam-2024", NT_PARTICIPANTS)
    unit_stage_nominations(world, UNIT, people)
    return world


def start_build(client, world):
    client.force_login(world.users[f"officer:{UNIT}"])
    url = reverse("dossiers:stage", args=[world.round.pk, world.stages[0].order, world.units[UNIT].pk])
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    return GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF)


def zip_done():
    return GeneratedDocument.objects.filter(kind=DocumentKind.STAGE_DOSSIER_ZIP, status=BuildStatus.DONE).exists()


def test_real_worker_builds_a_stage_dossier(worker_setup, client, settings):
    world = small_world(["Nguyễn Thị Hằng"])
    with Worker(queue=settings.DOSSIERS_QUEUE, var_dir=worker_setup) as worker:
        dossier = start_build(client, world)
        try:
            wait_for(zip_done, timeout=300, interval=0.25, message="the worker to build the dossier and its ZIP")
        except AssertionError:
            print(worker.log())
            raise
    records = list(GeneratedDocument.objects.all())
    assert len(records) == 2 * 4 + 2  # tờ trình, biên bản, 2 reports (PDF + Word), merged PDF, ZIP
    assert {r.status for r in records} == {BuildStatus.DONE}, [(r.kind, r.format, r.status, r.error) for r in records]
    assert all(r.builds == 1 for r in records)
    dossier.refresh_from_db()
    with dossier.file.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "01/TTr-STC" in text and "Nguyễn Thị Hằng" in text
    from dossiers.selectors import status_payload

    assert status_payload(dossier)["percent"] == 100


def test_worker_killed_mid_batch_then_restarted_builds_each_document_once(worker_setup, client, settings):
    people = ["Nguyễn Thị Hằng", "Trần Quốc Việt", "Lê Minh Đức", "Phạm Thu Trang", "Hoàng Ngọc Ánh"]
    world = small_world(people)
    queue, app = settings.DOSSIERS_QUEUE, "tests.dossiers.celery_short_visibility"
    first = Worker(queue=queue, var_dir=worker_setup, app=app, name="first").start()
    try:
        start_build(client, world)
        members = GeneratedDocument.objects.exclude(kind__in=[DocumentKind.STAGE_DOSSIER_PDF, DocumentKind.STAGE_DOSSIER_ZIP])

        def mid_batch():
            done = members.filter(status=BuildStatus.DONE).count()
            return done >= 1 and not zip_done()

        try:
            wait_for(mid_batch, timeout=300, interval=0.05, message="the first documents of the batch")
        except AssertionError:
            print(first.log(), sorted(GeneratedDocument.objects.values_list("kind", "format", "status", "error")), sep="\n")
            raise
    finally:
        first.kill()  # SIGKILL: no chance to acknowledge, requeue or clean up
    state = sorted(GeneratedDocument.objects.values_list("kind", "format", "status"))
    print("at the kill:", state)
    unfinished = GeneratedDocument.objects.exclude(status=BuildStatus.DONE).count()
    assert unfinished > 0, "the batch finished before the kill: nothing was interrupted"

    second = Worker(queue=queue, var_dir=worker_setup, app=app, name="second")
    with second:
        try:
            wait_for(zip_done, timeout=300, interval=0.25, message="the restarted worker to finish the batch")
        except AssertionError:
            print(first.log(), second.log(), sorted(GeneratedDocument.objects.values_list("kind", "format", "status", "error")), sep="\n----\n")
            raise
    records = list(GeneratedDocument.objects.all())
    expected = 2 * (2 + len(people) + 1) + 2  # (tờ trình, biên bản, reports) × (PDF, Word) + merged + ZIP
    assert len(records) == expected
    assert len({(r.identity, r.format, r.version) for r in records}) == expected  # no duplicates
    assert {r.status for r in records} == {BuildStatus.DONE}, [(r.kind, r.format, r.status, r.error) for r in records]
    assert [r for r in records if r.builds != 1] == [], "a document was written twice"
    directory = Path(settings.MEDIA_ROOT) / "private" / "dossiers"
    on_disk = sorted(p.name for p in directory.rglob("*") if p.is_file())
    assert len(on_disk) == expected and not [n for n in on_disk if n.startswith(".tmp-")]
    assert all(Path(r.file.path).name in on_disk for r in records)
    docx_count = GeneratedDocument.objects.filter(format=DocumentFormat.DOCX, status=BuildStatus.DONE).count()
    assert docx_count == 2 + len(people) + 1


def test_build_stuck_running_after_its_worker_died_is_taken_over_once_the_lease_expires(worker_setup, client, settings):
    """The message of a killed worker's build is not given back before the broker's visibility
    timeout (an hour): the record stays "running". Within its lease, asking again (even forced)
    joins it; once the lease has run out, the next request builds the same record again."""
    from datetime import timedelta

    from django.utils import timezone

    people = ["Nguyễn Thị Hằng", "Trần Quốc Việt", "Lê Minh Đức"]
    world = small_world(people)
    queue = settings.DOSSIERS_QUEUE
    first = Worker(queue=queue, var_dir=worker_setup, name="first").start()
    try:
        dossier = start_build(client, world)
        running = GeneratedDocument.objects.filter(pk=dossier.pk, status=BuildStatus.RUNNING)
        try:
            wait_for(running.exists, timeout=120, interval=0.02, message="the worker to start the dossier")
        except AssertionError:
            print(first.log())
            raise
    finally:
        first.kill()
    dossier.refresh_from_db()
    assert dossier.status == BuildStatus.RUNNING and dossier.lease_until > timezone.now()
    url = reverse("dossiers:stage", args=[world.round.pk, world.stages[0].order, world.units[UNIT].pk])

    with Worker(queue=queue, var_dir=worker_setup, name="second") as second:
        assert client.post(url, {"force": "1"}).status_code == 302  # within the lease: joined
        dossier.refresh_from_db()
        assert (dossier.status, dossier.attempts, GeneratedDocument.objects.filter(kind=DocumentKind.STAGE_DOSSIER_PDF).count()) == (
            BuildStatus.RUNNING, 1, 1
        )
        GeneratedDocument.objects.filter(pk=dossier.pk).update(lease_until=timezone.now() - timedelta(seconds=1))  # time passes
        assert client.post(url, {"force": "1"}).status_code == 302
        try:
            wait_for(zip_done, timeout=300, interval=0.25, message="the second worker to build the dossier again")
        except AssertionError:
            print(second.log(), sorted(GeneratedDocument.objects.values_list("kind", "format", "status", "error")), sep="\n")
            raise
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.builds, dossier.attempts) == (BuildStatus.DONE, 1, 1, 2)
    records = list(GeneratedDocument.objects.all())
    assert len(records) == 2 * (2 + len(people) + 1) + 2
    assert {r.status for r in records} == {BuildStatus.DONE}, [(r.kind, r.format, r.status, r.error) for r in records]


def test_a_build_past_the_soft_time_limit_fails_with_a_vietnamese_message_and_is_not_retried(worker_setup, client, settings):
    """DOCUMENT_TASK_SOFT_TIME_LIMIT in a real worker (eager mode has no time limits): 1 second,
    shorter than laying out a dossier of five reports."""
    from dossiers.tasks import TOO_LONG

    world = small_world(["Nguyễn Thị Hằng", "Trần Quốc Việt", "Lê Minh Đức", "Phạm Thu Trang", "Hoàng Ngọc Ánh"])
    limits = {"DOCUMENT_TASK_SOFT_TIME_LIMIT": "1", "DOCUMENT_TASK_TIME_LIMIT": "30", "DOCUMENT_BUILD_LEASE": "60"}
    with Worker(queue=settings.DOSSIERS_QUEUE, var_dir=worker_setup, extra_env=limits) as worker:
        dossier = start_build(client, world)
        failed = GeneratedDocument.objects.filter(pk=dossier.pk, status=BuildStatus.FAILED)
        try:
            wait_for(failed.exists, timeout=120, interval=0.1, message="the soft time limit to stop the build")
        except AssertionError:
            print(worker.log())
            raise
        dossier.refresh_from_db()
    assert dossier.error == TOO_LONG.format(seconds=1)
    assert dossier.attempts == 1 and dossier.builds == 0
