"""Without a broker (Celery eager, `make demo`), asking for a stage dossier answers at once: the
build runs in a background thread of the web process after the request's commit
(config/background.py), never inside the request, and the page polls the record as it does with
a worker. Deterministic: the only background thread is held busy while the request runs, so the
request can only have queued the build; released, the thread builds everything exactly once."""
import threading

import pytest
from django.urls import reverse

from config import background
from dossiers.models import BuildStatus, DocumentKind, GeneratedDocument
from tests.dossiers.conftest import unit_stage_nominations
from tests.servers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
UNIT = "so-tai-chinh-nt"


@pytest.fixture
def without_broker(settings):
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.RUN_TASKS_IN_REQUEST, settings.BACKGROUND_THREADS = False, 1
    background._executor = None
    yield
    background.executor().shutdown(wait=True)
    background._executor = None
    app.conf.task_always_eager = previous


def test_without_a_broker_the_dossier_is_built_after_the_request_not_in_it(nt_world, client, without_broker):
    unit_stage_nominations(nt_world, UNIT, ["Nguyễn Thị Hằng"])
    gate = threading.Event()
    busy = background.executor().submit(gate.wait, 60)
    try:
        client.force_login(nt_world.users[f"officer:{UNIT}"])
        url = reverse("dossiers:stage", args=[nt_world.round.pk, nt_world.stages[0].order, nt_world.units[UNIT].pk])
        response = client.post(url)
        assert response.status_code == 302
        dossier = GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF)
        assert response["Location"] == reverse("dossiers:status", args=[dossier.pk])
        assert dossier.status == BuildStatus.QUEUED and dossier.builds == 0  # answered without building
        assert client.get(reverse("dossiers:status_json", args=[dossier.pk])).json()["finished"] is False
    finally:
        gate.set()
    busy.result(timeout=5)

    def zip_done():
        return GeneratedDocument.objects.filter(kind=DocumentKind.STAGE_DOSSIER_ZIP, status=BuildStatus.DONE).exists()

    wait_for(zip_done, timeout=180, interval=0.2, message="the background thread to build the dossier")
    records = list(GeneratedDocument.objects.all())
    assert len(records) == 2 * 4 + 2  # (tờ trình, biên bản, the collective's and the person's reports) × (PDF, Word) + merged + ZIP
    assert {r.status for r in records} == {BuildStatus.DONE} and all(r.builds == 1 for r in records)
