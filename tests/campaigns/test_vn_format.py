"""Vietnamese formats (campaigns/vn_format.py) and their template filters (shared/domain.md,
"Administrative documents"; Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import engines

from campaigns import vn_format
from campaigns.templatetags.vn_format import lowerfirst, or_dots, upper_roman

BLANKS = "\u00a0" * 8


@pytest.mark.parametrize(
    "day, text",
    [
        (dt.date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (dt.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (dt.date(2024, 6, 29), "ngày 29 tháng 6 năm 2024"),
        (dt.date(2024, 12, 10), "ngày 10 tháng 12 năm 2024"),
        (dt.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
        (None, f"ngày{BLANKS}tháng{BLANKS}năm"),
    ],
)
def test_long_date_pads_the_day_and_only_january_and_february(day, text):
    assert vn_format.long_date(day) == text


@pytest.mark.parametrize(
    "place, day, text",
    [
        ("Sơn La", dt.date(2024, 12, 10), "Sơn La, ngày 10 tháng 12 năm 2024"),
        ("", dt.date(2024, 12, 10), "ngày 10 tháng 12 năm 2024"),
    ],
)
def test_place_date_puts_the_place_first_when_there_is_one(place, day, text):
    assert vn_format.vn_place_date(place, day) == text


@pytest.mark.parametrize("day, text", [(dt.date(2024, 1, 5), "05/01/2024"), (dt.date(2024, 12, 31), "31/12/2024"), (None, "")])
def test_short_date_is_dd_mm_yyyy(day, text):
    assert vn_format.short_date(day) == text


@pytest.mark.parametrize(
    "moment, text",
    [
        (dt.datetime(2024, 1, 5, 1, 30, tzinfo=dt.timezone.utc), "08:30 05/01/2024"),
        (dt.datetime(2024, 12, 31, 18, 0, tzinfo=dt.timezone.utc), "01:00 01/01/2025"),
        (dt.datetime(2024, 6, 1, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), "09:05 01/06/2024"),
        (None, ""),
    ],
)
def test_short_datetime_is_in_vietnam_time(moment, text):
    assert vn_format.short_datetime(moment) == text


@pytest.mark.parametrize("moment, text", [(dt.time(8, 5), "08 giờ 05 phút"), (dt.time(14, 30), "14 giờ 30 phút"), (None, "... giờ ... phút")])
def test_time_in_the_text(moment, text):
    assert vn_format.vn_time(moment) == text


@pytest.mark.parametrize(
    "value, places, text",
    [
        (2340000, None, "2.340.000"),
        (92.5, None, "92,5"),
        (Decimal("92.50"), None, "92,5"),
        (Decimal("2340000.00"), None, "2.340.000"),
        (1234567.891, 2, "1.234.567,89"),
        (Decimal("6.25"), 1, "6,3"),  # half up, as a reader rounds
        (Decimal("92.5"), 2, "92,50"),
        (-1234.5, None, "-1.234,5"),
        (0, None, "0"),
        (999, None, "999"),
        (1000, None, "1.000"),
        (None, None, ""),
        ("", None, ""),
        ("không phải số", None, "không phải số"),
    ],
)
def test_numbers_use_dots_for_thousands_and_commas_for_decimals(value, places, text):
    assert vn_format.vn_number(value, places) == text


@pytest.mark.parametrize(
    "value, places, text",
    [
        (92.5, 1, "92,5 %"),
        (100, 1, "100 %"),
        (7 / 9 * 100, 1, "77,8 %"),
        (50.0, 1, "50 %"),
        (Decimal("6.25"), 1, "6,3 %"),
        (Decimal("92.25"), None, "92,25 %"),
        (None, 1, ""),
        ("", None, ""),
    ],
)
def test_percent_rounds_half_up_and_drops_trailing_zero_decimals(value, places, text):
    assert vn_format.vn_percent(value, places) == text


@pytest.mark.parametrize("size, text", [(512, "512 byte"), (2560, "2,5 KB"), (1024, "1 KB"), (3 * 1024 * 1024 + 200 * 1024, "3,2 MB")])
def test_file_sizes(size, text):
    assert vn_format.human_size(size) == text


@pytest.mark.parametrize("value, text", [(5, "05"), (12, "12"), (0, "00")])
def test_counts_in_the_text_take_a_leading_zero(value, text):
    assert vn_format.vn_count(value) == text


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Báo cáo thành tích — Đặng Thị Ánh", "Bao-cao-thanh-tich-Dang-Thi-Anh"),
        ("Sở Tài chính", "So-Tai-chinh"),
        ("123/QĐ-UBND", "123-QD-UBND"),
        ("—", "van-ban"),
    ],
)
def test_ascii_slug_keeps_the_case(text, slug):
    assert vn_format.ascii_slug(text) == slug


@pytest.mark.parametrize(
    "text, slug",
    [("123/QĐ-UBND", "123-qd-ubnd"), ("ninh-thuan-2024", "ninh-thuan-2024"), ("Năm 2024", "nam-2024"), ("", "")],
)
def test_lowercase_slug_is_djangos_slug_with_d_for_dj(text, slug):
    assert vn_format.lowercase_slug(text) == slug


def test_upper_vi_keeps_the_diacritics():
    assert vn_format.upper_vi("Sở Thông tin và Truyền thông tỉnh Ninh Thuận") == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH THUẬN"


@pytest.mark.parametrize("number, roman", [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV")])
def test_upper_roman(number, roman):
    assert upper_roman(number) == roman


@pytest.mark.parametrize("text, lowered", [("Phong trào thi đua", "phong trào thi đua"), ("UBND tỉnh", "UBND tỉnh"), ("", "")])
def test_lowerfirst_keeps_abbreviations(text, lowered):
    assert lowerfirst(text) == lowered


@pytest.mark.parametrize("value, text", [("Kỹ sư", "Kỹ sư"), ("  ", "." * 50), (None, "." * 50)])
def test_or_dots_leaves_a_line_to_fill_in(value, text):
    assert or_dots(value) == text


@pytest.mark.parametrize(
    "source, text",
    [
        ("{{ v|so }}", "2.340.000"),
        ("{{ v|so:1 }}", "2.340.000,0"),
        ("{{ p|phan_tram }}", "66,67 %"),
        ("{{ p|phan_tram:1 }}", "66,7 %"),
        ("{{ p|phan_tram_so }}", "66,67 %"),
        ("{{ size|dung_luong }}", "2,5 KB"),
        ("{{ day|ngay }}", "05/01/2024"),
        ("{{ moment|ngay_gio }}", "08:30 05/01/2024"),
        ("{{ n|upper_roman }}", "XIV"),
        ("{{ name|keep_whole }}", "tỉnh\u00a0Ninh\u00a0Thuận"),
    ],
)
def test_filters_are_in_every_template_without_a_load(source, text):
    template = engines["django"].from_string(source)
    context = {
        "v": 2340000, "p": Decimal("66.67"), "size": 2560, "day": dt.date(2024, 1, 5),
        "moment": dt.datetime(2024, 1, 5, 1, 30, tzinfo=dt.timezone.utc), "n": 14, "name": "tỉnh Ninh Thuận",
    }
    assert template.render(context) == text
