"""The page of every document, read back from the PDFs `build_dossier` wrote (pdfplumber), against
Nghị định 30/2020/NĐ-CP, Phụ lục I (shared/law/nd30-2020-phu-luc-I.md):
- nothing drawn (text, table, rule) right of the paper's width minus 15 mm or left of 30 mm;
- the sizes of the elements (national title 12-13, motto 13-14, issuer 12-13, number 13, ...);
- Căn cứ paragraphs at least 6 pt apart; the rule under the trích yếu 1/3 to 1/2 of its line;
- no heading line that splits a name ("SƠN / LA", "TRUYỀN / THÔNG");
- an attached list (phụ lục) numbers its own pages.
The dossiers are built once for the module (conftest.built: the unit stage of Sở Tài chính tỉnh Ninh
Thuận with its tờ trình, biên bản and the reports of a collective and an individual, and the decision
stage with the draft decision; and the unit stage of Sở Y tế tỉnh Thanh Hóa, with the báo cáo tóm tắt)."""
from __future__ import annotations

import io
import statistics

import pdfplumber
import pytest

from dossiers import rendering

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
RIGHT_LIMIT = 15 * MM  # from the paper's right edge
LEFT_LIMIT = 30 * MM
EPSILON = 0.01


@pytest.fixture(scope="module")
def thanh_hoa_files(django_db_setup, django_db_blocker, tmp_path_factory):
    """The unit stage's dossier of Sở Y tế tỉnh Thanh Hóa 2024 (the movement's report form, Mẫu số 08,
    and the báo cáo tóm tắt the round asks for), built by `build_dossier`; rolled back after the module."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from campaigns import clock
    from tests.dossiers.conftest import SITE_URL, assert_test_database
    from tests.nominations.conftest import build_world, hold_unit_council, load, new_nomination

    media, out = tmp_path_factory.mktemp("th-media"), tmp_path_factory.mktemp("th-out")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, SITE_URL=SITE_URL):
        assert_test_database()
        with transaction.atomic():
            load("thanh-hoa-2024.yaml")
            world = build_world("thanh-hoa-2024", "nam-2024", [("so-y-te-th", "Sở Y tế tỉnh Thanh Hóa", "so_ban_nganh", None, "tinh")])
            with clock.frozen_at(world.at_stage(1)):
                nominations = [new_nomination(world, "so-y-te-th"),
                               new_nomination(world, "so-y-te-th", kind="individual", full_name="Lê Thị Thu Hà", person_identifier="038185000123")]
                hold_unit_council(world, "so-y-te-th", nominations, members=9, present=8, votes=7)
                call_command("build_dossier", campaign="thanh-hoa-2024", round="nam-2024", stage=1, unit="so-y-te-th", out=str(out))
            yield {f"thanh-hoa/{p.name}": p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pdfs(built, thanh_hoa_files):
    """{file name: [pages]} of every PDF of the three dossiers (each document and the merged files)."""
    files = {**built.files, **thanh_hoa_files}
    opened = {name: pdfplumber.open(io.BytesIO(data)) for name, data in files.items() if name.endswith(".pdf")}
    yield {name: pdf.pages for name, pdf in opened.items()}
    for pdf in opened.values():
        pdf.close()


def document(pdfs, fragment):
    matches = [name for name in pdfs if fragment in name and "Ho-so-gop" not in name and not name.startswith("thanh-hoa/")]
    assert len(matches) == 1, (fragment, sorted(pdfs))
    return pdfs[matches[0]]


def drawn(page):
    return [*page.chars, *page.rects, *page.lines, *page.curves, *page.images]


def test_every_document_kind_is_measured(pdfs):
    names = " ".join(pdfs)
    for fragment in ("To-trinh", "Bien-ban", "Bao-cao-thanh-tich-So-Tai-chinh", "Bao-cao-thanh-tich-Nguyen-Thi-Hang", "Du-thao-quyet-dinh", "Ho-so-gop",
                     "thanh-hoa/", "Bao-cao-tom-tat"):
        assert fragment in names, (fragment, sorted(pdfs))


def test_nothing_is_drawn_outside_the_printable_area(pdfs):
    outside = []
    for name, pages in pdfs.items():
        for number, page in enumerate(pages, start=1):
            right = float(page.width) - RIGHT_LIMIT
            for thing in drawn(page):
                if thing["x1"] > right + EPSILON or thing["x0"] < LEFT_LIMIT - EPSILON:
                    outside.append((name, number, thing.get("object_type"), thing.get("text"), round(thing["x0"], 1), round(thing["x1"], 1)))
    assert outside == []


def test_the_minutes_vote_table_keeps_the_right_margin(pdfs):
    page = document(pdfs, "Bien-ban")[0]
    verticals = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.5 and line["height"] > 5]
    assert verticals, "the vote table's borders"
    assert max(line["x1"] for line in verticals) <= float(page.width) - RIGHT_LIMIT


# --- sizes ---------------------------------------------------------------------------------------


def sizes_of(page, text):
    found = page.search(text, regex=False, return_chars=True)
    assert found, (text, page.extract_text()[:300])
    return {round(c["size"], 1) for c in found[0]["chars"] if c["text"].strip()}


def fonts_of(page, text):
    found = page.search(text, regex=False, return_chars=True)
    return {c["fontname"].split("+")[-1] for c in found[0]["chars"] if c["text"].strip()}


@pytest.mark.parametrize("fragment", ["To-trinh", "Bao-cao-thanh-tich-So-Tai-chinh", "Du-thao-quyet-dinh"])
def test_header_elements_have_their_sizes(pdfs, fragment):
    page = document(pdfs, fragment)[0]
    within = lambda sizes, low, high: all(low <= s <= high for s in sizes)  # noqa: E731
    assert within(sizes_of(page, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, 13)
    assert within(sizes_of(page, "Độc lập - Tự do - Hạnh phúc"), 13, 14)
    assert within(sizes_of(page, "ỦY BAN NHÂN DÂN"), 12, 13)  # parent body or issuer
    assert within(sizes_of(page, "Ninh Thuận, ngày"), 13, 14)
    assert all("Italic" in f for f in fonts_of(page, "Ninh Thuận, ngày"))


def test_to_trinh_elements_have_their_sizes(pdfs):
    pages = document(pdfs, "To-trinh")
    first = pages[0]
    assert sizes_of(first, "SỞ TÀI CHÍNH") == {13.0}
    assert all("Bold" in f for f in fonts_of(first, "SỞ TÀI CHÍNH"))
    assert sizes_of(first, "Số: 01/TTr-STC") == {13.0}
    assert sizes_of(first, "TỜ TRÌNH") <= {13.0, 14.0}
    assert sizes_of(first, "Về việc đề nghị khen thưởng") <= {13.0, 14.0}
    assert sizes_of(first, "Căn cứ Luật Thi đua") <= {13.0, 14.0}
    assert all("Italic" in f for f in fonts_of(first, "Căn cứ Luật Thi đua"))
    text_pages = [p for p in pages if p.search("Nơi nhận:")]
    assert sizes_of(text_pages[0], "Nơi nhận:") == {12.0}
    assert all("Bold" in f and "Italic" in f for f in fonts_of(text_pages[0], "Nơi nhận:"))
    assert sizes_of(text_pages[0], "- Như trên;") == {11.0}
    # The page number of page 2, centred in the top margin.
    second = pages[1]
    number = [c for c in second.chars if c["top"] < 20 * MM and c["text"].strip()]
    assert "".join(c["text"] for c in number) == "2"
    assert {round(c["size"]) for c in number} <= {13, 14}


# --- spacing and rules ---------------------------------------------------------------------------


def text_lines(page):
    return page.extract_text_lines(return_chars=True, strip=True)


@pytest.mark.parametrize("fragment", ["To-trinh", "Du-thao-quyet-dinh"])
def test_can_cu_paragraphs_are_at_least_6_pt_apart(pdfs, fragment):
    page = document(pdfs, fragment)[0]
    lines = [line for line in text_lines(page) if line["chars"] and round(line["chars"][0]["size"]) == 14]
    pitches = [b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"]]
    line_pitch = min(pitches)  # two lines of one paragraph
    starts = [i for i, line in enumerate(lines) if line["text"].startswith("Căn cứ")]
    assert len(starts) >= 2, [line["text"][:30] for line in lines]
    for index in starts[1:]:
        extra = lines[index]["top"] - lines[index - 1]["top"] - line_pitch
        assert extra >= 6 - 0.05, (lines[index]["text"][:40], round(extra, 2))


@pytest.mark.parametrize("fragment, title", [("To-trinh", "TỜ TRÌNH"), ("Bien-ban", "BIÊN BẢN"), ("Du-thao-quyet-dinh", "QUYẾT ĐỊNH")])
def test_the_rule_under_the_summary_is_a_third_to_a_half_of_its_line(pdfs, fragment, title):
    page = document(pdfs, fragment)[0]
    lines = text_lines(page)
    start = next(i for i, line in enumerate(lines) if line["text"] == title)
    summary = [lines[start + 1]]  # the trích yếu: the bold lines under the type, one paragraph
    for line in lines[start + 2:]:
        bold = all("Bold" in c["fontname"] for c in line["chars"] if c["text"].strip())
        if not bold or line["top"] - summary[-1]["bottom"] > 6:
            break
        summary.append(line)
    assert summary, title
    longest = max(line["x1"] - line["x0"] for line in summary)
    bottom = summary[-1]["bottom"]
    rules = [r for r in [*page.lines, *page.rects] if abs(r["bottom"] - r["top"]) < 2 and bottom < r["top"] < bottom + 15]
    assert rules, "a rule under the trích yếu"
    ratio = (rules[0]["x1"] - rules[0]["x0"]) / longest
    assert 1 / 3 <= ratio <= 1 / 2, round(ratio, 3)


# --- names kept whole ----------------------------------------------------------------------------

KEPT_WHOLE = ["NINH THUẬN", "THANH HÓA", "SƠN LA", "RẠCH GIÁ", "THÀNH PHỐ", "TRUYỀN THÔNG", "THÔNG TIN", "KHEN THƯỞNG",
              "TÀI CHÍNH", "NHÂN DÂN", "ỦY BAN", "TỈNH ỦY"]


def split_names(page) -> list[str]:
    """The names a heading line splits: a line ending with the first word of one of KEPT_WHOLE and the
    next line beginning with its second (the header's left column)."""
    left = page.crop((0, 0, LEFT_LIMIT + 0.40 * (float(page.width) - LEFT_LIMIT - RIGHT_LIMIT), 60 * MM))
    lines = [line["text"].split() for line in left.extract_text_lines(strip=True) if line["text"].strip()]
    split = []
    for above, below in zip(lines, lines[1:]):
        for name in KEPT_WHOLE:
            first, second = name.split()
            if above[-1] == first and below[0] == second:
                split.append(f"{first} / {second}")
    return split


def test_no_heading_line_splits_a_name_in_the_built_documents(pdfs):
    found = {name: split_names(pages[0]) for name, pages in pdfs.items()}
    assert {name: names for name, names in found.items() if names} == {}


@pytest.mark.parametrize("name", [
    "Sở Thông tin và Truyền thông tỉnh Thanh Hóa",
    "Ủy ban nhân dân thành phố Thanh Hóa",
    "Sở Thông tin và Truyền thông tỉnh Sơn La",
    "Văn phòng Ủy ban nhân dân tỉnh Sơn La",
    "Phòng Nội vụ thành phố Rạch Giá",
    "Sở Khoa học và Công nghệ tỉnh Ninh Thuận",
])
def test_no_heading_line_splits_a_place_or_body_name(name, settings):
    from django.template.loader import render_to_string

    from campaigns.vn_format import heading_upper

    header = render_to_string("dossiers/_header.html", {
        "parent": heading_upper("Ủy ban nhân dân tỉnh Thanh Hóa"), "issuer": heading_upper(name),
        "number_line": "Số: 01/TTr-STTTT", "place_date": "Thanh Hóa, ngày 05 tháng 12 năm 2024",
    })
    data, _pages = rendering.html_to_pdf(rendering.document_html([f'<section class="doc">{header}</section>']))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert split_names(page) == []
        right = float(page.width) - RIGHT_LIMIT
        assert all(LEFT_LIMIT - EPSILON <= c["x0"] and c["x1"] <= right + EPSILON for c in page.chars)


# --- an attached list numbers its own pages -----------------------------------------------------


def page_number(page) -> str:
    return "".join(c["text"] for c in page.chars if c["top"] < 20 * MM and c["text"].strip())


def test_an_attached_list_numbers_its_own_pages():
    rows = "".join(f"<tr><td>{i}</td><td>Tập thể số {i}</td></tr>" for i in range(1, 90))
    body = "".join(f'<p class="body">Đoạn văn số {i} của tờ trình, đủ dài để sang trang thứ hai của văn bản.</p>' for i in range(45))
    section = (f'<section class="doc">{body}<div class="landscape"><h2 class="center">DANH SÁCH</h2>'
               f'<table class="data"><thead><tr><th style="width: 10%">STT</th><th style="width: 90%">Tên</th></tr></thead>'
               f"<tbody>{rows}</tbody></table></div></section>")
    data, _pages = rendering.html_to_pdf(rendering.document_html([section]))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        landscape = [p for p in pdf.pages if p.width > p.height]
        portrait = [p for p in pdf.pages if p.width < p.height]
        assert len(portrait) >= 2 and len(landscape) >= 3
        assert [page_number(p) for p in portrait] == ["", *[str(n) for n in range(2, len(portrait) + 1)]]
        assert [page_number(p) for p in landscape] == ["", *[str(n) for n in range(2, len(landscape) + 1)]]


def test_the_built_to_trinh_list_starts_its_own_numbering(pdfs):
    pages = document(pdfs, "To-trinh")
    landscape = [p for p in pages if p.width > p.height]
    assert landscape and page_number(landscape[0]) == ""
    assert statistics.mean(float(p.width) for p in landscape) == pytest.approx(841.89, abs=1)
