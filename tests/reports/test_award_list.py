"""The award list: reopened with openpyxl in normal mode, cell by cell."""
import datetime as dt

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from campaigns.models import RoundAwardForm
from reports.exporters import AwardListExporter
from reports.filters import AwardListFilters, FilterError
from nominations.models import Nomination

from .helpers import reopen, table

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Tên tập thể / Họ và tên",
    "Chức vụ",
    "Đơn vị đề nghị",
    "Đối tượng",
    "Khối",
    "Hình thức khen thưởng",
    "Tóm tắt thành tích",
    "Số tiêu chí đạt",
    "Tổng số tiêu chí",
    "Phiếu đồng ý tại Hội đồng đơn vị",
    "Số thành viên Hội đồng đơn vị",
    "Tỷ lệ đồng ý / tổng số thành viên",
    "Bước hiện tại",
    "Trạng thái",
    "Số quyết định",
    "Ngày quyết định",
]
AWARD_FORM = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def render(round_, **filters):
    name, content_type, data = AwardListExporter(round_, AwardListFilters(**filters)).render()
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return name, reopen(data)


def names(ws):
    return [row[1] for row in table(ws, 6)[1]]


def test_award_list_cells_header_and_types(report_world, after_export_date):
    name, wb = render(report_world.round)
    assert name == "danh-sach-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    header, rows = table(ws, 6)
    assert header == HEADER
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[1] for r in rows] == [
        "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận",
        "Sở Tài chính tỉnh Ninh Thuận",
        "Sở Xây dựng tỉnh Ninh Thuận",
        "UBND thành phố Phan Rang - Tháp Chàm",
        "Nguyễn Thị Hoa",
    ]  # collectives first, by proposing unit; the draft of Sở Công Thương is left out
    awarded = rows[1]
    assert awarded == [
        2,
        "Sở Tài chính tỉnh Ninh Thuận",
        None,
        "Sở Tài chính tỉnh Ninh Thuận",
        "Tập thể",
        "Sở, ban, ngành cấp tỉnh",
        AWARD_FORM,
        "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số.",
        11,
        11,
        9,
        9,
        1,
        "4. Chủ tịch UBND tỉnh quyết định khen thưởng",
        "Được khen thưởng",
        "123/QĐ-UBND",
        dt.datetime(2024, 12, 31),
    ]
    person = rows[4]
    assert person[2] == "Chuyên viên" and person[3] == "Sở Y tế tỉnh Ninh Thuận" and person[4] == "Cá nhân"
    # Real numbers and dates, not text.
    assert all(type(ws.cell(row=7 + i, column=c).value) is int for i in range(5) for c in (1, 9, 10, 11, 12))
    date_cell = ws["Q8"]
    assert isinstance(date_cell.value, dt.datetime) and date_cell.is_date
    assert date_cell.number_format == "dd/mm/yyyy"
    assert ws["M8"].number_format == "0.0%"
    assert ws["Q7"].value is None  # not yet decided
    # Wrapped text in the text columns, a bold header.
    assert ws["B7"].alignment.wrap_text and ws["H7"].alignment.wrap_text
    assert ws["A6"].font.b and ws["H6"].font.b


def test_award_list_title_rows_and_print_setup(report_world, after_export_date):
    _, wb = render(report_world.round)
    ws: Worksheet = wb.worksheets[0]
    assert ws["A1"].value == "Phong trào thi đua Chuyển đổi số năm 2024 tỉnh Ninh Thuận"
    assert ws["A2"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG — KHEN THƯỞNG PHONG TRÀO THI ĐUA CHUYỂN ĐỔI SỐ NĂM 2024"
    assert ws["A3"].value == "Phạm vi: mọi trạng thái trừ hồ sơ nháp."
    assert ws["A4"].value == "Ngày xuất: 06/01/2025. Số hồ sơ: 5."
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:Q1", "A2:Q2", "A3:Q3", "A4:Q4"}
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$6:$6"  # the header on every printed page
    assert ws.freeze_panes == "A7"
    assert ws.auto_filter.ref == "A6:Q11"
    assert ws.oddFooter.center.text == "Trang &P/&N"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHQ"}
    assert widths["A"] == 6 and widths["H"] == 48
    # The name column fits the longest name ("Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", 38 letters) up to its cap.
    assert widths["B"] == 36
    assert widths["D"] >= len("Đơn vị đề nghị")


@pytest.mark.parametrize(
    "filters, expected, scope",
    [
        ({"stage": 2}, ["UBND thành phố Phan Rang - Tháp Chàm"], "bước 2."),
        ({"status": "awarded"}, ["Sở Tài chính tỉnh Ninh Thuận", "Nguyễn Thị Hoa"], "trạng thái: Được khen thưởng"),
        ({"status": "draft"}, ["Sở Công Thương tỉnh Ninh Thuận"], "trạng thái: Nháp"),
        ({"category": "ubnd_huyen"}, ["UBND thành phố Phan Rang - Tháp Chàm"], "khối: UBND cấp huyện"),
        ({"unit": "so-y-te-nt"}, ["Nguyễn Thị Hoa"], "đơn vị đề nghị: Sở Y tế tỉnh Ninh Thuận"),
        ({"award_form": "bang-khen-chu-tich-ubnd-tinh", "stage": 4}, ["Sở Tài chính tỉnh Ninh Thuận", "Nguyễn Thị Hoa"], "hình thức: Bằng khen"),
    ],
)
def test_award_list_filters(report_world, after_export_date, filters, expected, scope):
    _, wb = render(report_world.round, **filters)
    ws = wb.worksheets[0]
    assert names(ws) == expected
    assert scope in ws["A3"].value
    assert ws.auto_filter.ref == f"A6:Q{6 + len(expected)}"


def test_award_list_one_sheet_per_award_form(report_world, after_export_date):
    round_ = report_world.round
    bang_khen = round_.award_forms.get()
    giay_khen = RoundAwardForm.objects.create(
        round=round_, code="giay-khen-giam-doc-so", name="Giấy khen của Giám đốc Sở", granted_by="Giám đốc Sở",
        vote_rule=bang_khen.vote_rule, source="Thử nghiệm", order=bang_khen.order + 1,
    )
    Nomination.objects.filter(pk=report_world.nominations["at_review"].pk).update(award_form=giay_khen)
    _, wb = render(round_, per_award_form=True)
    assert [ws.title for ws in wb.worksheets] == ["Bằng khen của Chủ tịch Ủy ban", "Giấy khen của Giám đốc Sở"]
    first, second = wb.worksheets
    assert names(first) == ["Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", "Sở Tài chính tỉnh Ninh Thuận", "Sở Xây dựng tỉnh Ninh Thuận", "Nguyễn Thị Hoa"]
    assert names(second) == ["UBND thành phố Phan Rang - Tháp Chàm"]
    assert [r[0] for r in table(second, 6)[1]] == [1]  # numbering starts again on each sheet
    assert first["A2"].value.endswith("Hình thức: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    assert first["A4"].value == "Ngày xuất: 06/01/2025. Số hồ sơ: 4."
    assert second["A4"].value == "Ngày xuất: 06/01/2025. Số hồ sơ: 1."
    for ws in wb.worksheets:
        assert ws.print_title_rows == "$6:$6" and ws.freeze_panes == "A7" and ws.page_setup.orientation == "landscape"
    assert second.auto_filter.ref == "A6:Q7"


def test_award_list_limited_to_what_the_user_sees(report_world, after_export_date):
    """Sở Nội vụ (stage 3) sees what reached its stage: not stage 2's nominations, nor the return."""
    exporter = AwardListExporter(report_world.round, user=report_world.users["stage:3"])
    ws = reopen(exporter.render()[2]).worksheets[0]
    assert names(ws) == ["Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", "Sở Tài chính tỉnh Ninh Thuận", "Nguyễn Thị Hoa"]


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"stage": 9}, "Đợt không có bước 9"),
        ({"status": "lost"}, "Trạng thái không hợp lệ"),
        ({"award_form": "huan-chuong"}, "không có hình thức khen thưởng mã 'huan-chuong'"),
        ({"category": "khoi-la"}, "Không có khối mã 'khoi-la'"),
        ({"unit": "don-vi-la"}, "Không có đơn vị mã 'don-vi-la'"),
    ],
)
def test_award_list_unknown_filter_refused(report_world, filters, message):
    with pytest.raises(FilterError, match=message):
        AwardListExporter(report_world.round, AwardListFilters(**filters))


def test_award_list_empty_keeps_header_and_filter(report_world, after_export_date):
    _, wb = render(report_world.round, status="not_awarded")
    ws = wb.worksheets[0]
    assert table(ws, 6) == (HEADER, [])
    assert ws.auto_filter.ref == "A6:Q7"
    assert ws["A4"].value.endswith("Số hồ sơ: 0.")
