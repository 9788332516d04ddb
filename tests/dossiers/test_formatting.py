"""Vietnamese formats of state documents (shared/domain.md, "Administrative documents")."""
import datetime as dt

from dossiers.formatting import ascii_slug, upper_vi, vn_count, vn_date, vn_number, vn_percent, vn_place_date, vn_time
from dossiers.templatetags.dossier_format import lowerfirst, upper_roman


def test_dates_pad_the_day_and_only_january_and_february():
    assert vn_date(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert vn_date(dt.date(2024, 2, 29)) == "ngày 29 tháng 02 năm 2024"
    assert vn_date(dt.date(2024, 6, 29)) == "ngày 29 tháng 6 năm 2024"
    assert vn_date(dt.date(2024, 12, 10)) == "ngày 10 tháng 12 năm 2024"
    assert vn_place_date("Sơn La", dt.date(2024, 12, 10)) == "Sơn La, ngày 10 tháng 12 năm 2024"
    assert vn_date(None) == "ngày\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0tháng\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0năm"


def test_numbers_use_dots_for_thousands_and_commas_for_decimals():
    assert vn_number(2340000) == "2.340.000"
    assert vn_number(92.5) == "92,5"
    assert vn_number(1234567.891, 2) == "1.234.567,89"
    assert vn_percent(92.5) == "92,5 %"
    assert vn_percent(100) == "100 %"
    assert vn_percent(7 / 9 * 100) == "77,8 %"
    assert vn_count(5) == "05" and vn_count(12) == "12"


def test_times_capitals_slugs_and_numerals():
    assert vn_time(dt.time(8, 5)) == "08 giờ 05 phút"
    assert upper_vi("Sở Thông tin và Truyền thông tỉnh Ninh Thuận") == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH THUẬN"
    assert ascii_slug("Báo cáo thành tích — Đặng Thị Ánh") == "Bao-cao-thanh-tich-Dang-Thi-Anh"
    assert [upper_roman(n) for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert lowerfirst("Phong trào thi đua") == "phong trào thi đua" and lowerfirst("UBND tỉnh") == "UBND tỉnh"
