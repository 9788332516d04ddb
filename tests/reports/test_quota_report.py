"""The quota report: limit, places held past each stage, awarded, left; red over the limit."""
import pytest

from reports.exporters import QuotaReportExporter
from quotas.models import QuotaException, QuotaNomineeKind, QuotaRule, QuotaScope, QuotaStep

from .helpers import is_red, reopen, table

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Quy định số lượng",
    "Hình thức khen thưởng",
    "Đối tượng",
    "Phạm vi",
    "Đơn vị",
    "Áp dụng từ",
    "Số lượng tối đa",
    "Đề nghị (đơn vị đã gửi)",
    "Chấp thuận ở bước 2 (STTTT)",
    "Chấp thuận ở bước 3 (SNV)",
    "Được khen thưởng / đề nghị cấp trên",
    "Còn lại",
    "Nguồn",
]
COUNT_COLUMNS = "HIJKLM"  # limit, four stages, left


def report(round_):
    name, _, data = QuotaReportExporter(round_).render()
    assert name == "so-luong-khen-thuong-ninh-thuan-2024-nam-2024.xlsx"
    return reopen(data).worksheets[0]


def test_quota_report_every_rule_with_counts_per_stage(report_world, after_export_date):
    ws = report(report_world.round)
    header, rows = table(ws, 6)
    assert header == HEADER
    assert [r[:8] for r in rows] == [
        [1, "Bằng khen của Chủ tịch UBND tỉnh: không quá 05 tập thể", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Tập thể", "Toàn đợt", None, "Khi cấp xét chọn, chuyển tiếp", 5],
        [2, "Bằng khen của Chủ tịch UBND tỉnh: không quá 07 cá nhân", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Cá nhân", "Toàn đợt", None, "Khi cấp xét chọn, chuyển tiếp", 7],
    ]
    # Collectives: 3 sent (the returned one holds no place), 2 past Sở TT&TT, 1 past Sở Nội vụ, 1 awarded;
    # the rule binds from stage 2, so 5 - 2 = 3 places are left.
    assert rows[0][8:13] == [3, 2, 1, 1, 3]
    assert rows[1][8:13] == [1, 1, 1, 1, 6]
    assert rows[0][13].startswith("KH 1670/KH-UBND, mục IV.2") and "không quá 05 tập thể" in rows[0][13]  # the rule's clause, as loaded
    assert all(type(ws[f"{c}7"].value) is int for c in COUNT_COLUMNS)
    assert not any(is_red(ws[f"{c}{r}"]) for c in COUNT_COLUMNS for r in (7, 8))
    assert ws.print_title_rows == "$6:$6" and ws.freeze_panes == "A7" and ws.auto_filter.ref == "A6:N8"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9


def test_quota_report_red_when_data_edited_over_the_limit(report_world, after_export_date):
    """The workflow cannot exceed a quota; a limit lowered by hand in the database can."""
    QuotaRule.objects.filter(round=report_world.round, code="bk-tap-the").update(limit=1)
    ws = report(report_world.round)
    _, rows = table(ws, 6)
    assert rows[0][7:13] == [1, 3, 2, 1, 1, -1]
    assert [c for c in COUNT_COLUMNS if is_red(ws[f"{c}7"])] == ["J", "M"]  # stage 2 (2 > 1) and left (-1)
    # Stage 1 holds 3 but the rule binds only from stage 2: proposing more than the quota is normal.
    assert not is_red(ws["I7"])
    assert ws["J7"].font.b and ws["J7"].value == 2
    assert not any(is_red(ws[f"{c}8"]) for c in COUNT_COLUMNS)
    assert "Ô màu đỏ: vượt số lượng tối đa" in " ".join(str(c.value) for c in ws["A"] if c.value)


def test_quota_report_per_unit_rule_one_row_per_unit_with_exceptions(report_world, after_export_date):
    round_ = report_world.round
    rule = QuotaRule.objects.create(
        round=round_, code="moi-don-vi-1", label="Mỗi đơn vị đề nghị 01 tập thể hoặc cá nhân",
        award_form=round_.award_forms.get(), nominee_kind=QuotaNomineeKind.EITHER, scope=QuotaScope.UNIT,
        limit=1, binds_at=QuotaStep.SUBMISSION, source="Thử nghiệm", order=10,
    )
    QuotaException.objects.create(rule=rule, unit=report_world.units["so-tai-chinh-nt"], limit=2, source="Thử nghiệm")
    QuotaException.objects.create(rule=rule, unit=report_world.units["so-nn-nt"], limit=2, source="Thử nghiệm")
    _, rows = table(report(round_), 6)
    per_unit = [(r[5], r[7], r[8], r[11], r[12]) for r in rows if r[1] == rule.label]
    assert per_unit == [
        ("Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", 1, 1, 0, 0),
        ("Sở Tài chính tỉnh Ninh Thuận", 2, 1, 1, 1),
        ("Sở Y tế tỉnh Ninh Thuận", 1, 1, 1, 0),
        ("UBND thành phố Phan Rang - Tháp Chàm", 1, 1, 0, 0),
        ("Sở Nông nghiệp tỉnh Ninh Thuận", 2, 0, 0, 2),  # an exception with nothing sent yet
    ]
