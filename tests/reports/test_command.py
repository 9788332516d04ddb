"""python manage.py export_awards: the same award list from the shell."""
import pytest
from django.core.management import CommandError, call_command

from .helpers import reopen, table

pytestmark = pytest.mark.django_db


def test_export_awards_writes_the_file(report_world, after_export_date, tmp_path, capsys):
    out = tmp_path / "danh-sach.xlsx"
    call_command("export_awards", "--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--out", str(out))
    assert "Đã ghi 5 dòng" in capsys.readouterr().out
    ws = reopen(str(out)).worksheets[0]
    header, rows = table(ws, 6)
    assert header[:3] == ["STT", "Tên tập thể / Họ và tên", "Chức vụ"]
    assert [r[1] for r in rows] == [
        "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", "Sở Tài chính tỉnh Ninh Thuận", "Sở Xây dựng tỉnh Ninh Thuận",
        "UBND thành phố Phan Rang - Tháp Chàm", "Nguyễn Thị Hoa",
    ]
    assert ws.print_title_rows == "$6:$6" and ws.freeze_panes == "A7" and ws.auto_filter.ref == "A6:Q11"


def test_export_awards_with_filters_and_sheets_per_award_form(report_world, after_export_date, tmp_path):
    out = tmp_path / "da-khen.xlsx"
    call_command(
        "export_awards", "--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--out", str(out),
        "--stage", "4", "--status", "awarded", "--award-form", "bang-khen-chu-tich-ubnd-tinh",
        "--category", "so_ban_nganh", "--unit", "so-y-te-nt", "--per-award-form",
    )
    wb = reopen(str(out))
    assert [ws.title for ws in wb.worksheets] == ["Bằng khen của Chủ tịch Ủy ban"]
    ws = wb.worksheets[0]
    assert [r[1] for r in table(ws, 6)[1]] == ["Nguyễn Thị Hoa"]
    assert ws["A3"].value.startswith("Phạm vi: bước 4.")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--campaign", "khong-co", "--round", "nam-2024"], "Không có đợt"),
        (["--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--stage", "7"], "Đợt không có bước 7"),
        (["--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--unit", "khong-co"], "Không có đơn vị mã"),
    ],
)
def test_export_awards_refuses_unknown_codes(report_world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_awards", *args, "--out", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()
