"""The list attached to a Quyết định khen thưởng."""

import pytest

from reports.exporters import DecisionListExporter

from .helpers import reopen, table

pytestmark = pytest.mark.django_db


def test_decision_list_grouped_collectives_then_individuals(report_world, after_export_date):
    name, _, data = DecisionListExporter(report_world.decision).render()
    assert name == "danh-sach-kem-quyet-dinh-123-qd-ubnd.xlsx"
    ws = reopen(data).worksheets[0]
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == [
        "DANH SÁCH",
        "Tập thể, cá nhân được khen thưởng",
        "(Kèm theo Quyết định số 123/QĐ-UBND ngày 31 tháng 12 năm 2024 của Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận)",
    ]
    header, rows = table(ws, 5)
    assert header == ["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Hình thức khen thưởng"]
    form = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert rows == [
        ["I. TẬP THỂ (1)", None, None, None, None],
        [1, "Sở Tài chính tỉnh Ninh Thuận", None, None, form],
        ["II. CÁ NHÂN (1)", None, None, None, None],
        [1, "Bà Nguyễn Thị Hoa", "Chuyên viên", "Sở Y tế tỉnh Ninh Thuận", form],
    ]
    assert {"A6:E6", "A8:E8"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws["A6"].font.b
    assert ws["B7"].font.name == "Times New Roman" and ws["B7"].font.sz == 13
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$5:$5" and ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:E9"
    assert ws["A11"].value == "Tổng số: 1 tập thể, 1 cá nhân."


@pytest.mark.parametrize("signer_title", ["CHỦ TỊCH", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH", ""])
def test_decision_list_names_the_deciding_authority_whatever_the_signers_title(report_world, after_export_date, signer_title):
    """Not "(Kèm theo Quyết định số … của CHỦ TỊCH)": the decision's real number and date, and the
    authority that decides in words."""
    decision = report_world.decision
    decision.signer_title = signer_title
    decision.save(update_fields=["signer_title"])
    _name, _, data = DecisionListExporter(decision).render()
    assert reopen(data).worksheets[0]["A3"].value == (
        "(Kèm theo Quyết định số 123/QĐ-UBND ngày 31 tháng 12 năm 2024 của Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận)"
    )
