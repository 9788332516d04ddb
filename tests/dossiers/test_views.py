"""Pages: permission (404 for whoever may not see), downloads, the public verification page, the
progress page and its JSON, and the request that starts a build answering at once."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns import clock
from dossiers import contents, services
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from tests.dossiers.conftest import MOMENT, PEOPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process even when the suite runs against a Redis broker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def done_record(spec, fmt=DocumentFormat.PDF, data=b"%PDF-1.7\n% test file\n"):
    """A built record without rendering (these tests are about access, not layout)."""
    with clock.frozen_at(MOMENT):
        record, _ = services.ensure_record(spec, fmt)
    source = services.source_for(record) or {}
    services._finish(record, data, fmt, fingerprint_value="test",
                     nomination_ids=contents.nomination_ids_of(record.kind, record.nomination_id, source))
    return record


def report_record(world, nomination):
    return done_record(services.Spec(kind=DocumentKind.BAO_CAO_THANH_TICH, round=world.round, organisation=nomination.proposing_unit,
                                     nomination=nomination, title=f"Báo cáo thành tích — {nomination.nominee_name}"))


def stage_record(world, order):
    stage = world.stages[order - 1]
    return done_record(services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=stage.organisation, stage=stage))


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_report_download_is_for_those_who_see_the_nomination(world, client):
    record = report_record(world, world.unit_nominations[1])  # a draft of Sở Tài chính
    url = reverse("dossiers:download", args=[record.pk])
    response = get(client, world.users["officer:so-tai-chinh-nt"], url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert get(client, world.users["officer:so-y-te-nt"], url).status_code == 404  # another unit
    assert get(client, world.users["stage:2"], url).status_code == 404  # a draft has not reached the reviewers
    admin = get_user_model().objects.create_superuser("quan-tri", "qt@example.vn", "x-Unused-9")
    assert get(client, admin, url).status_code == 200


def test_stage_document_download_is_for_its_organisation_and_later_stages(world, client):
    record = stage_record(world, 3)  # tờ trình of Sở Nội vụ: what reached stage 3 and went on
    assert record.nomination_ids == [world.final[0].pk]
    url = reverse("dossiers:download", args=[record.pk])
    assert get(client, world.users["stage:3"], url).status_code == 200
    assert get(client, world.users["stage:4"], url).status_code == 200  # the Chairman's office receives it
    assert get(client, world.users["stage:2"], url).status_code == 404  # an earlier level does not
    assert get(client, world.users["officer:so-y-te-nt"], url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_stage_document_is_closed_to_whoever_may_not_see_every_nomination_in_it(world, client):
    """The probe's leak: a later level downloaded a unit's dossier holding drafts, and Sở TT&TT's
    tờ trình holding a nomination still waiting at its stage, although /ho-so/<id>/ of those
    nominations was 404 to them."""
    unit_stage = world.stages[0]
    unit = world.unit_nominations[0].proposing_unit
    drafts = done_record(services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=unit, stage=unit_stage))
    assert set(drafts.nomination_ids) == {n.pk for n in world.unit_nominations}
    url = reverse("dossiers:download", args=[drafts.pk])
    assert get(client, world.users["officer:so-tai-chinh-nt"], url).status_code == 200
    for later in ("stage:2", "stage:3", "stage:4"):
        assert get(client, world.users[later], url).status_code == 404
        assert get(client, world.users[later], reverse("dossiers:status", args=[drafts.pk])).status_code == 404
        page = reverse("dossiers:stage", args=[world.round.pk, unit_stage.order, unit.pk])
        assert get(client, world.users[later], page).status_code == 404

    # A file of Sở TT&TT showing a nomination still waiting at its stage (minutes list every vote,
    # passed or not): closed to Sở Nội vụ until the nomination reaches it.
    waiting = stage_record(world, 2)
    GeneratedDocument.objects.filter(pk=waiting.pk).update(nomination_ids=[world.stage2[0].pk, *waiting.nomination_ids])
    url = reverse("dossiers:download", args=[waiting.pk])
    assert get(client, world.users["stage:2"], url).status_code == 200
    assert get(client, world.users["stage:3"], url).status_code == 404
    for nomination in world.stage2:
        assert get(client, world.users["stage:3"], f"/ho-so/{nomination.pk}/").status_code == 404


def test_a_document_written_before_its_contents_were_recorded_is_for_its_issuer_only(world, client):
    record = stage_record(world, 3)
    GeneratedDocument.objects.filter(pk=record.pk).update(nomination_ids=None)
    url = reverse("dossiers:download", args=[record.pk])
    assert get(client, world.users["stage:3"], url).status_code == 200
    assert get(client, world.users["stage:4"], url).status_code == 404


def test_download_of_a_record_not_built_is_404(world, client):
    stage = world.stages[1]
    with clock.frozen_at(MOMENT):
        record, _ = services.ensure_record(services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=stage.organisation, stage=stage), DocumentFormat.PDF)
    assert get(client, world.users["stage:2"], reverse("dossiers:download", args=[record.pk])).status_code == 404


def test_verification_page_shows_only_number_date_issuer_checksum_and_currency(world, client):
    nomination = world.unit_nominations[1]
    record = report_record(world, nomination)
    response = client.get(f"/xac-minh/{record.verification_code}/")  # public: no login
    assert response.status_code == 200
    html = response.content.decode()
    assert record.checksum in html
    assert "05/12/2024" in html
    assert "Sở Tài chính tỉnh Ninh Thuận" in html  # the issuer
    assert "Văn bản không đánh số" in html  # a báo cáo thành tích has no number
    for private in (PEOPLE["so-tai-chinh-nt"], "Báo cáo thành tích", "Bằng khen", nomination.achievement_summary, "Chuyên viên"):
        assert private not in html, private
    # A document with a number; after a newer version it is no longer current.
    to_trinh = stage_record(world, 2)
    html = client.get(f"/xac-minh/{to_trinh.verification_code}/").content.decode()
    assert "01/TTr-STTTT" in html


def test_verification_says_when_a_newer_version_exists(world, client):
    first = stage_record(world, 2)
    spec = services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=first.organisation, stage=first.stage)
    with clock.frozen_at(MOMENT):
        second, created = services.ensure_record(spec, DocumentFormat.PDF, force=True)
    services._finish(second, b"%PDF-1.7 v2", "pdf", fingerprint_value="test", nomination_ids=first.nomination_ids)
    assert created and second.version == 2
    old = client.get(f"/xac-minh/{first.verification_code}/").content.decode()
    assert "Không còn là bản hiện hành" in old
    assert client.get("/xac-minh/KHONGCO9/").status_code == 404


def test_status_json_and_page_of_a_queued_build(world, client, django_capture_on_commit_callbacks):
    stage = world.stages[0]
    unit = world.units["so-tai-chinh-nt"]
    officer = world.users["officer:so-tai-chinh-nt"]
    client.force_login(officer)
    url = reverse("dossiers:stage", args=[world.round.pk, stage.order, unit.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url)
    assert response.status_code == 302 and len(queued) == 1  # queued, not built, by the request
    record = GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF)
    assert record.status == BuildStatus.QUEUED and response["Location"] == reverse("dossiers:status", args=[record.pk])
    payload = json.loads(client.get(reverse("dossiers:status_json", args=[record.pk])).content)
    assert payload["finished"] is False and payload["status"] == "queued" and payload["percent"] == 0
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and reverse("dossiers:status_json", args=[record.pk]) in page
    # Another unit's officer may not see it.
    client.force_login(world.users["officer:so-y-te-nt"])
    assert client.get(reverse("dossiers:status_json", args=[record.pk])).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_start_build_then_tasks_build_everything(world, client, eager_celery, django_capture_on_commit_callbacks):
    """The whole chain with Celery eager: the dossier task, the Word files, the ZIP."""
    stage = world.stages[0]
    unit = world.units["so-tai-chinh-nt"]
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    url = reverse("dossiers:stage", args=[world.round.pk, stage.order, unit.pk])
    with clock.frozen_at(MOMENT), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    dossier = GeneratedDocument.objects.get(kind=DocumentKind.STAGE_DOSSIER_PDF)
    payload = json.loads(client.get(reverse("dossiers:status_json", args=[dossier.pk])).content)
    assert payload["finished"] and not payload["failed"] and payload["percent"] == 100, payload
    assert {f["label"] for f in payload["files"]} == {"PDF", "ZIP"}
    records = GeneratedDocument.objects.exclude(pk=dossier.pk)
    assert records.filter(status=BuildStatus.DONE).count() == records.count() == 2 * 4 + 1  # 4 documents × 2 formats + ZIP
    assert all(r.builds == 1 for r in GeneratedDocument.objects.all())
    page = client.get(reverse("dossiers:stage", args=[world.round.pk, stage.order, unit.pk])).content.decode()
    assert "01/TTr-STC" in page and 'http-equiv="refresh"' not in page
    # Asking again with unchanged data starts nothing new.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url)
    assert callbacks == [] and GeneratedDocument.objects.count() == 10


def test_nomination_report_request_creates_pdf_and_word_records(world, client, django_capture_on_commit_callbacks):
    nomination = world.unit_nominations[0]
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("dossiers:nomination_report", args=[nomination.pk]))
    assert response.status_code == 302 and len(callbacks) == 2
    assert set(GeneratedDocument.objects.values_list("format", "status")) == {("pdf", "queued"), ("docx", "queued")}
    client.force_login(world.users["officer:so-y-te-nt"])
    assert client.post(reverse("dossiers:nomination_report", args=[nomination.pk])).status_code == 404


def test_round_page_lists_what_the_user_may_build(world, client):
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    html = client.get(reverse("dossiers:round", args=[world.round.pk])).content.decode()
    assert "Sở Tài chính tỉnh Ninh Thuận" in html and "Sở Y tế" not in html
    client.force_login(world.users["stage:2"])
    html = client.get(reverse("dossiers:round", args=[world.round.pk])).content.decode()
    assert "Sở Thông tin và Truyền thông tỉnh Ninh Thuận" in html


def test_nomination_links_include_renders_for_the_nomination_page(world, rf):
    from django.template.loader import render_to_string

    nomination = world.unit_nominations[1]
    report_record(world, nomination)
    request = rf.get("/")
    request.user = world.users["officer:so-tai-chinh-nt"]
    html = render_to_string("dossiers/_nomination_links.html", {"nomination": nomination}, request=request)
    assert reverse("dossiers:nomination_report", args=[nomination.pk]) in html
    assert "/tai-ve/" in html and "Lập lại báo cáo thành tích" in html
    html = render_to_string("dossiers/_round_links.html", {"round": world.round})
    assert reverse("dossiers:round", args=[world.round.pk]) in html


def test_decision_stage_page_reads_as_one_sentence(world, client):
    """'Dự thảo quyết định khen thưởng kèm danh sách: một tệp PDF gộp…', not 'danh sách.: một tệp'."""
    final = world.stages[-1]
    url = reverse("dossiers:stage", args=[world.round.pk, final.order, final.organisation.pk])
    html = get(client, world.users[f"stage:{final.order}"], url).content.decode()
    assert "Dự thảo quyết định khen thưởng kèm danh sách: một tệp PDF gộp" in html
    assert ".:" not in html
