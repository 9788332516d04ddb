"""Vietnamese formats, for the documents, the spreadsheets and the pages alike (Nghị định
30/2020/NĐ-CP, Phụ lục I; shared/domain.md). The one place the portal writes a date, a number or a
file name; the template filters of `{% load vn_format %}` (campaigns/templatetags) call these.

- Dates in the text: `long_date` "ngày 05 tháng 01 năm 2024": the day padded below 10, the month
  padded for January and February only ("ngày 29 tháng 6 năm 2024").
- Dates in tables and on the pages: `short_date` dd/mm/yyyy; `short_datetime` HH:MM dd/mm/yyyy.
- Numbers: "." for thousands, "," for decimals ("2.340.000", "92,5 %").
- Counts in the text take a leading 0 below 10 ("05 tập thể"), as the seed plans write them.
- File names: `ascii_slug` keeps the case ("So-Tai-chinh"), `lowercase_slug` is Django's slug
  ("123-qd-ubnd").
Pure functions: no database access; `in_vietnamese` runs a function in the portal's language.
"""
from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify

# A blank to fill in by hand ("Số:        /QĐ-UBND", "ngày      tháng"): no-break spaces, which
# HTML does not collapse.
BLANK = "\u00a0" * 8


def in_vietnamese(function):
    """Run `function` in settings.LANGUAGE_CODE (Vietnamese) whoever calls it and in whatever
    language: what it writes is a record (a document, a round's history), not the caller's page.
    A request in the English interface, an eager task run inside it, a command run after a page in
    the same process: each gets the same Vietnamese text."""
    @functools.wraps(function)
    def in_the_portals_language(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return in_the_portals_language


def vn_day(day: int) -> str:
    return f"{day:02d}"


def vn_month(month: int) -> str:
    return f"{month:02d}" if month in (1, 2) else str(month)


def long_date(value: dt.date | None) -> str:
    """'ngày 05 tháng 01 năm 2024'; without a date, the blanks an officer fills in by hand."""
    if value is None:
        return f"ngày{BLANK}tháng{BLANK}năm"
    return f"ngày {vn_day(value.day)} tháng {vn_month(value.month)} năm {value.year}"


def vn_place_date(place: str, value: dt.date | None) -> str:
    return f"{place}, {long_date(value)}" if place else long_date(value)


def short_date(value: dt.date | None) -> str:
    """'05/01/2024' (tables, spreadsheets, the pages); '' without a date."""
    return value.strftime("%d/%m/%Y") if value else ""


def short_datetime(value: dt.datetime | None) -> str:
    """A moment in Vietnam time as '14:30 05/01/2024'; '' without one."""
    if not value:
        return ""
    from campaigns.clock import VIETNAM

    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def vn_time(value: dt.time | None) -> str:
    """'08 giờ 30 phút'."""
    if value is None:
        return "... giờ ... phút"
    return f"{value.hour:02d} giờ {value.minute:02d} phút"


def vn_number(value, places: int | None = None) -> str:
    """2340000 -> '2.340.000'; 92.5 -> '92,5'; places fixes the decimals (rounded half up).
    None and '' give ''; what is not a number is given back as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    return f"{sign}{result},{fraction}" if fraction else f"{sign}{result}"


def vn_percent(value, places: int | None = 1) -> str:
    """92.5 -> '92,5 %'; 100 -> '100 %': rounded half up to `places` decimals, trailing zero
    decimals dropped (places None: the number as it is)."""
    if value is None or value == "":
        return ""
    text = vn_number(value, places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %"


def human_size(size: int) -> str:
    """A file size: '512 byte', '2,5 KB', '1,2 MB'."""
    if size >= 1024 * 1024:
        return f"{vn_number(round(size / (1024 * 1024), 1))} MB"
    if size >= 1024:
        return f"{vn_number(round(size / 1024, 1))} KB"
    return f"{size} byte"


def vn_count(value: int) -> str:
    """5 -> '05' (counts in the text of a document)."""
    return f"{value:02d}"


def upper_vi(text: str) -> str:
    """Capitals with the Vietnamese diacritics kept (str.upper handles them; NFC to be sure)."""
    return unicodedata.normalize("NFC", text).upper()


def ascii_slug(text: str, *, max_length: int = 60) -> str:
    """A file-name-safe slug: 'Sở Tài chính' -> 'So-Tai-chinh'."""
    text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text)
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned.strip("-")[:max_length].strip("-") or "van-ban"


def lowercase_slug(text: str) -> str:
    """'123/QĐ-UBND' -> '123-qd-ubnd' (Django's slugify, which drops Đ/đ, given D/d; '/' a
    separator); '' when nothing is left."""
    return slugify(text.replace("Đ", "D").replace("đ", "d").replace("/", "-"))


STOP_WORDS = {"tỉnh", "thành", "huyện", "xã", "phường", "thị", "quận"}
SKIPPED_WORDS = {"và", "-", "–"}


def _initial(word: str) -> str:
    first = unicodedata.normalize("NFD", word[0].upper())[0]
    return "Đ" if word[0] in "Đđ" else first


def body_abbreviation(name: str, short_name: str = "") -> str:
    """The issuing body's abbreviation in a document number ('STTTT', 'SNV', 'UBND').

    The unit's `short_name` when it has one; otherwise the initials of its name up to the place,
    Đ kept ("Sở Tài chính tỉnh Ninh Thuận" -> "STC", "Sở Giáo dục và Đào tạo" -> "SGDĐT"),
    a leading abbreviation kept ("UBND thành phố Phan Rang" -> "UBND")."""
    if short_name.strip():
        return short_name.strip()
    initials = []
    for word in name.split():
        if word.lower() in STOP_WORDS:
            break
        if word.lower() in SKIPPED_WORDS or not word[0].isalpha():
            continue
        initials.append(word if word.isupper() and len(word) > 1 else _initial(word))
    return "".join(initials) or "VP"


# --- Names kept whole in headings ------------------------------------------------------------------
# A heading line breaks between the parts of a name, never inside a place name ("THANH / HÓA") or a
# word of two syllables ("TRUYỀN / THÔNG"): the spaces inside them become no-break spaces.
NBSP = "\u00a0"
ADMINISTRATIVE_WORDS = (("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("đặc", "khu"), ("tỉnh",), ("huyện",), ("xã",),
                        ("phường",), ("quận",))
# Words of two syllables found in the names of state and Party bodies (Vietnamese writes each syllable apart).
COMPOUNDS = {
    "ủy ban", "nhân dân", "văn phòng", "hội đồng", "thi đua", "khen thưởng", "thông tin", "truyền thông", "khoa học",
    "công nghệ", "nội vụ", "tài chính", "y tế", "giáo dục", "đào tạo", "kế hoạch", "đầu tư", "tư pháp", "xây dựng",
    "giao thông", "vận tải", "nông nghiệp", "phát triển", "nông thôn", "tài nguyên", "môi trường", "lao động",
    "thương binh", "xã hội", "văn hóa", "thể thao", "du lịch", "công thương", "dân tộc", "tôn giáo", "thanh tra",
    "ngoại vụ", "bệnh viện", "trung tâm", "chuyển đổi", "dịch vụ", "hành chính", "công an", "quân sự", "đảng bộ",
    "tỉnh ủy", "thành ủy", "huyện ủy", "đảng ủy", "tuyên giáo", "dân vận", "kiểm tra", "tổ chức", "mặt trận",
    "tổ quốc", "đoàn thể", "công đoàn", "thanh niên", "phụ nữ", "cựu chiến", "chiến binh", "nông dân", "doanh nghiệp",
    "hợp tác", "cổ phần", "trách nhiệm", "hữu hạn", "bưu điện", "viễn thông", "sự nghiệp", "quản lý", "phòng ban",
    "chính quyền", "cộng sản", "việt nam", "đối ngoại", "kinh tế", "hạ tầng", "đô thị", "nội chính", "chính trị",
}


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def keep_whole(name: str) -> str:
    """The name with no-break spaces inside its place name (with the word before it: "tỉnh Thanh Hóa",
    "thành phố Rạch Giá"), inside runs of capitalised words after the first ("Văn phòng Tỉnh ủy Sơn La"),
    and inside the two-syllable words of COMPOUNDS. Case is kept (upper-case it afterwards)."""
    words = name.split()
    if not words:
        return ""
    joined = [False] * (len(words) - 1)  # joined[i]: no break between words[i] and words[i + 1]
    lower = [w.lower() for w in words]
    for i in range(len(words) - 1):
        if f"{lower[i]} {lower[i + 1]}" in COMPOUNDS:
            joined[i] = True
        if i > 0 and _is_capitalised(words[i]) and _is_capitalised(words[i + 1]) and not words[i + 1].isupper():
            joined[i] = True
    for i in range(len(words)):
        for admin in ADMINISTRATIVE_WORDS:
            end = i + len(admin)
            if tuple(lower[i:end]) == admin and end < len(words) and _is_capitalised(words[end]):
                for k in range(i, end):
                    joined[k] = True
    text = words[0]
    for i, word in enumerate(words[1:]):
        text += (NBSP if joined[i] else " ") + word
    return text


def heading_upper(name: str) -> str:
    """A name as a heading prints it: capitals, kept whole where it must not break."""
    return upper_vi(keep_whole(name))
