"""The one spreadsheet writer (reports/xlsx.py), without the database."""
import datetime as dt
import io

from reports.xlsx import DATE, INT, PERCENT, Column, Marked, Section, Sheet, fit_width, sheet_title, write_workbook

from .helpers import is_red, reopen


def sample(rows=None, **kwargs):
    return Sheet(
        title="Danh sách",
        heading=["Phong trào", "Đợt 2024", "Phạm vi", "Ngày xuất: 06/01/2025."],
        columns=[Column("STT", 6, INT), Column("Họ và tên", 24), Column("Ngày", 12, DATE), Column("Tỷ lệ", 9, PERCENT)],
        rows=rows if rows is not None else [[1, "Nguyễn Văn An", dt.date(2024, 12, 30), 0.75], [2, "Lò Thị Mai", None, None]],
        **kwargs,
    )


def written(*sheets, **kwargs):
    buffer = io.BytesIO()
    count = write_workbook(list(sheets), buffer, **kwargs)
    return count, reopen(buffer.getvalue())


def test_writer_streams_styled_values_through_one_cell_per_column():
    """The reused per-column cells keep each value and style: what the fast path must not break."""
    count, wb = written(sample())
    ws = wb.worksheets[0]
    assert count == 2
    assert [c.value for c in ws[7]] == [1, "Nguyễn Văn An", dt.datetime(2024, 12, 30), 0.75]
    assert [c.value for c in ws[8]] == [2, "Lò Thị Mai", None, None]
    assert ws["C7"].number_format == "dd/mm/yyyy" and ws["D7"].number_format == "0.0%"
    assert ws["B7"].alignment.wrap_text and ws["B8"].alignment.wrap_text
    assert ws["A7"].alignment.horizontal == "right"
    assert all(ws[f"{c}7"].font.name == "Times New Roman" for c in "ABCD")
    assert all(ws[f"{c}8"].border.left.style == "thin" for c in "AB")


def test_writer_sections_marks_and_notes():
    rows = [Section("I. TẬP THỂ"), [1, "Sở Tài chính", None, 0.5], Marked([2, "Sở Y tế", None, 1.2], frozenset({3}))]
    _, wb = written(sample(rows, notes=["Ghi chú cuối bảng."]))
    ws = wb.worksheets[0]
    assert ws["A7"].value == "I. TẬP THỂ" and ws["A7"].font.b and "A7:D7" in {str(r) for r in ws.merged_cells.ranges}
    assert is_red(ws["D9"]) and ws["D9"].value == 1.2 and ws["D9"].number_format == "0.0%"
    assert not is_red(ws["C9"]) and not is_red(ws["D8"])
    assert ws["A11"].value == "Ghi chú cuối bảng."
    assert ws.auto_filter.ref == "A6:D9"


def test_writer_reports_progress():
    seen = []
    rows = [[i, f"Người {i}", None, None] for i in range(1, 12)]
    count, _ = written(sample(rows), progress=seen.append, every=5)
    assert count == 11 and seen == [5, 10, 11]


def test_writer_several_sheets_keep_their_setup():
    _, wb = written(sample(), sample(landscape=False))
    assert [ws.title for ws in wb.worksheets] == ["Danh sách", "Danh sách (2)"]
    assert [ws.page_setup.orientation for ws in wb.worksheets] == ["landscape", "portrait"]
    assert all(ws.print_title_rows == "$6:$6" and ws.freeze_panes == "A7" for ws in wb.worksheets)


def test_sheet_title_valid_and_unique():
    taken = set()
    assert sheet_title("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", taken) == "Bằng khen của Chủ tịch Ủy ban"
    assert sheet_title("Tập thể/cá nhân: [2024]", taken) == "Tập thể cá nhân 2024"
    assert sheet_title("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", taken) == "Bằng khen của Chủ tịch Ủy b (2)"
    assert all(len(t) <= 31 for t in taken)


def test_fit_width_within_bounds():
    assert fit_width(None, "Chức vụ", minimum=10) == 10
    assert fit_width(20, "Chức vụ", maximum=60) == 24.0
    assert fit_width(200, "Chức vụ", maximum=36) == 36
