"""Control characters in stored text never break a document, and a failed build never shows a
Python exception to its reader.

Word's manual line break (\\x0b) or a BEL in a summary stored before input was cleaned (written
here with QuerySet.update(), which no form or save() cleans) made the report's .docx fail for
ever ("All strings must be XML compatible"); the PDF and the Word file are built from it now."""
import io
import json

import docx
import pytest
from django.urls import reverse

from dossiers import selectors, services, sources
from dossiers.errors import DossierError
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from nominations.models import Nomination
from tests.dossiers.test_documents import docx_text, pdf_text

pytestmark = pytest.mark.django_db

# No NUL: PostgreSQL never stored one (it refuses them), so old data cannot hold it.
SUMMARY = "Năm 2024 đơn vị hoàn thành\x0bchuyển đổi số\x07 toàn diện\x1b;\r\nđạt 100\x0c% chỉ tiêu\x85."


@pytest.fixture
def dirty_report(world):
    nomination = world.unit_nominations[0]
    Nomination.objects.filter(pk=nomination.pk).update(achievement_summary=SUMMARY)
    nomination.refresh_from_db()
    spec = services.Spec(kind=DocumentKind.BAO_CAO_THANH_TICH, round=world.round, organisation=nomination.proposing_unit,
                         nomination=nomination, title="Báo cáo thành tích\x0b")
    return nomination, spec


@pytest.mark.parametrize("fmt", [DocumentFormat.DOCX, DocumentFormat.PDF])
def test_report_with_control_characters_in_the_summary_builds_in_every_format(dirty_report, fmt):
    nomination, spec = dirty_report
    record, _ = services.ensure_record(spec, fmt)
    data, _pages = services.document_bytes(record, sources.report_source(nomination))
    if fmt == DocumentFormat.DOCX:
        document = docx.Document(io.BytesIO(data))
        raw = "\n".join(p.text for p in document.paragraphs)
        text = docx_text(document)
    else:
        raw = text = pdf_text(data)
    assert not any(ch in raw for ch in "\x0b\x07\x1b\x0c\x85")
    assert "chuyển đổi số toàn diện" in text
    assert "đạt 100" in text


def test_report_build_task_path_with_control_characters_finishes_done(dirty_report):
    nomination, spec = dirty_report
    record, _ = services.ensure_record(spec, DocumentFormat.DOCX)
    services.build_document(record.pk, inline=True)
    record.refresh_from_db()
    assert (record.status, record.error) == (BuildStatus.DONE, "")


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("ValueError: All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters",
         selectors.USER_FAULT),
        ("Đang thử lại: OperationalError: connection to server at \"db\" failed", selectors.USER_FAULT),
        ("SoftTimeLimitExceeded: ", selectors.USER_FAULT),
        ("celery.exceptions.TimeLimitExceeded: 300", selectors.USER_FAULT),
        ("Không còn dữ liệu để lập văn bản (chưa có kết quả họp Hội đồng?).",
         "Không còn dữ liệu để lập văn bản (chưa có kết quả họp Hội đồng?)."),
        ("", ""),
    ],
)
def test_user_error_never_shows_an_exception_text(stored, shown):
    assert selectors.user_error(stored) == shown


def test_failed_build_status_page_and_json_in_vietnamese(world, client):
    nomination = world.unit_nominations[0]
    spec = services.Spec(kind=DocumentKind.BAO_CAO_THANH_TICH, round=world.round, organisation=nomination.proposing_unit,
                         nomination=nomination, title="Báo cáo thành tích")
    record, _ = services.ensure_record(spec, DocumentFormat.DOCX)
    services.mark_failed(record.pk, "ValueError: All strings must be XML compatible")
    client.force_login(world.users["officer:so-tai-chinh-nt"])
    payload = json.loads(client.get(reverse("dossiers:status_json", args=[record.pk])).content)
    assert payload["failed"] is True and payload["error"] == selectors.USER_FAULT
    page = client.get(reverse("dossiers:status", args=[record.pk])).content.decode()
    assert "ValueError" not in page and "XML compatible" not in page
    assert selectors.USER_FAULT in page
    # The technical text stays where the administrators look.
    assert GeneratedDocument.objects.get(pk=record.pk).error == "ValueError: All strings must be XML compatible"


def test_a_dossier_error_message_is_shown_as_written(world):
    assert selectors.user_error(str(DossierError("Hồ sơ chưa có kết quả họp Hội đồng."))) == "Hồ sơ chưa có kết quả họp Hội đồng."
