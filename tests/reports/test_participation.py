"""Participation and deadlines: units registered and sending, late units, extensions."""
import datetime as dt

import pytest

from campaigns import clock
from nominations import notifications
from reports.exporters import ParticipationExporter
from nominations.workflow import Action, advance
from tests.nominations.conftest import hold_unit_council, new_nomination

from .helpers import reopen, table

pytestmark = pytest.mark.django_db


def workbook(round_):
    name, _, data = ParticipationExporter(round_).render()
    assert name == "tham-gia-thoi-han-ninh-thuan-2024-nam-2024.xlsx"
    return reopen(data)


def send_late_under_extension(world):
    """Sở Nông nghiệp, given until 05/12/2024, sends on 03/12/2024: after the stage deadline."""
    with notifications.muted(), clock.frozen_at(dt.datetime(2024, 12, 3, 9, tzinfo=clock.VIETNAM)):
        nomination = new_nomination(world, "so-nn-nt")
        hold_unit_council(world, "so-nn-nt", [nomination])
        advance(nomination, Action.SUBMIT, actor=world.users["officer:so-nn-nt"])


def test_participation_units_sheet(report_world, after_export_date):
    send_late_under_extension(report_world)
    wb = workbook(report_world.round)
    assert [ws.title for ws in wb.worksheets] == ["Đơn vị tham gia", "Theo hạn chót", "Gia hạn"]
    ws = wb["Đơn vị tham gia"]
    header, rows = table(ws, 5)
    assert header == [
        "STT", "Đơn vị", "Khối", "Ngày đăng ký thi đua", "Số hồ sơ", "Số hồ sơ đã gửi", "Gửi lần đầu",
        "Gửi lần cuối", "Hạn chót", "Được gia hạn đến", "Tình hình",
    ]
    by_unit = {r[1]: r for r in rows}
    assert len(rows) == 7 and [r[0] for r in rows] == list(range(1, 8))
    assert all(isinstance(r[3], dt.datetime) for r in rows)  # every participant registered (Ninh Thuận requires it)
    assert by_unit["Sở Tài chính tỉnh Ninh Thuận"][4:] == [
        1, 1, dt.datetime(2024, 11, 29), dt.datetime(2024, 11, 29), dt.datetime(2024, 11, 30), None, "Gửi đúng hạn",
    ]
    assert by_unit["Sở Nông nghiệp tỉnh Ninh Thuận"][4:] == [
        1, 1, dt.datetime(2024, 12, 3), dt.datetime(2024, 12, 3), dt.datetime(2024, 11, 30), dt.datetime(2024, 12, 5),
        "Gửi sau hạn chót (được gia hạn)",
    ]
    assert by_unit["Sở Công Thương tỉnh Ninh Thuận"][4:] == [1, 0, None, None, dt.datetime(2024, 11, 30), None, "Không gửi, đã quá hạn"]
    assert ws["I6"].number_format == "dd/mm/yyyy" and ws["I6"].is_date
    assert ws.print_title_rows == "$5:$5" and ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:K12"


def test_participation_pending_before_the_deadline(report_world):
    with clock.frozen_at(dt.datetime(2024, 11, 20, 9, tzinfo=clock.VIETNAM)):
        _, rows = table(workbook(report_world.round)["Đơn vị tham gia"], 5)
    assert {r[1]: r[10] for r in rows}["Sở Công Thương tỉnh Ninh Thuận"] == "Chưa gửi, còn hạn"


def test_participation_by_deadline_sheet(report_world, after_export_date):
    send_late_under_extension(report_world)
    _, rows = table(workbook(report_world.round)["Theo hạn chót"], 5)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    stage_1, stage_2, stage_3, stage_4 = rows
    assert stage_1[2:] == ["Các đơn vị", dt.datetime(2024, 11, 30), "đơn vị", 5, 1, 1]  # on time, late, not sent
    # Sở TT&TT moved 4 on by its deadline (3 approvals, 1 return); the late one still waits there, with Phan Rang.
    assert stage_2[2:] == ["Sở Thông tin và Truyền thông tỉnh Ninh Thuận", dt.datetime(2024, 12, 15), "hồ sơ", 4, 0, 2]
    assert stage_3[5:] == [2, 0, 1]
    assert stage_4[5:] == [2, 0, 0]


def test_participation_extensions_sheet(report_world, after_export_date):
    ws = workbook(report_world.round)["Gia hạn"]
    header, rows = table(ws, 5)
    assert header == ["STT", "Bước", "Đơn vị được gia hạn", "Hạn ban đầu", "Hạn mới", "Số ngày gia hạn", "Lý do", "Người gia hạn", "Ngày gia hạn"]
    assert rows == [
        [
            1,
            "1. Đơn vị họp Hội đồng Thi đua - Khen thưởng, đề nghị khen thưởng gửi Sở Thông tin và Truyền thông",
            "Sở Nông nghiệp tỉnh Ninh Thuận",
            dt.datetime(2024, 11, 30),
            dt.datetime(2024, 12, 5),
            5,
            "Đơn vị đề nghị gia hạn do sáp nhập phòng chuyên môn.",
            report_world.users["stage:2"].get_username(),
            dt.datetime(2024, 11, 28),
        ]
    ]
