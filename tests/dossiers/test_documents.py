"""The documents read back: every PDF with pypdf (text with diacritics, numbers, dates, figures,
A4 pages, embedded Liberation Serif), one rendered to PNG by pdftoppm, every Word file with
python-docx. Built once for the module by `manage.py build_dossier` (conftest.built)."""
import io
import re
import shutil
import subprocess
import unicodedata

import docx
import pytest
from docx.shared import Mm
from pypdf import PdfReader

from tests.dossiers.conftest import MOMENT, PEOPLE

pytestmark = pytest.mark.django_db  # also makes pytest-django create the test database for `built`

A4 = (595.28, 841.89)


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdf_text(data: bytes) -> str:
    return normalised(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def page_texts(data: bytes) -> list[str]:
    return [normalised(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def fonts_of(data: bytes) -> dict[str, bool]:
    """BaseFont name -> whether its descriptor embeds a TrueType program (/FontFile2)."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return found


def assert_a4(data: bytes):
    for page in PdfReader(io.BytesIO(data)).pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size[0] == pytest.approx(A4[0], abs=1) and size[1] == pytest.approx(A4[1], abs=1)


def assert_fonts_embedded(data: bytes):
    fonts = fonts_of(data)
    assert fonts, "no fonts"
    for name, embedded in fonts.items():
        assert "LiberationSerif" in name, f"fallback font {name}: a glyph missing from Liberation Serif?"
        assert embedded, f"{name} not embedded"


# --- the unit stage: tờ trình, biên bản, reports -------------------------------------------------


def test_to_trinh_pdf_has_number_date_addressee_and_list(built):
    data = built.find("stage1", "To-trinh", ".pdf")
    text = pdf_text(data)
    for expected in (
        "SỞ TÀI CHÍNH TỈNH NINH THUẬN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/TTr-STC",
        "Ninh Thuận, ngày 05 tháng 12 năm 2024",
        "TỜ TRÌNH",
        "Kính gửi: Sở Thông tin và Truyền thông tỉnh Ninh Thuận.",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ",
        "Căn cứ Kế hoạch số 1670/KH-UBND ngày 16 tháng 4 năm 2024 của Ủy ban nhân dân tỉnh Ninh Thuận",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Tài chính tỉnh Ninh Thuận ngày 27 tháng 11 năm 2024.",
        "tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 01 tập thể và 01 cá nhân",
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, STC.",
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "(Kèm theo Tờ trình số 01/TTr-STC ngày 05 tháng 12 năm 2024 của Sở Tài chính tỉnh Ninh Thuận)",
        PEOPLE["so-tai-chinh-nt"],
        "Tổng số: 01 tập thể và 01 cá nhân.",
        "Mã xác minh:",
    ):
        assert expected in text, expected
    assert_a4(data)
    assert_fonts_embedded(data)


def test_to_trinh_list_is_on_a_landscape_page_and_pages_are_numbered_from_2(built):
    reader = PdfReader(io.BytesIO(built.find("stage1", "To-trinh", ".pdf")))
    first, last = reader.pages[0], reader.pages[-1]
    assert float(first.mediabox.width) < float(first.mediabox.height)  # portrait
    assert float(last.mediabox.width) > float(last.mediabox.height)  # the list, landscape
    texts = [normalised(p.extract_text()) for p in reader.pages]
    portrait = [t for p, t in zip(reader.pages, texts) if float(p.mediabox.width) < float(p.mediabox.height)]
    assert not re.match(r"^1\b", texts[0])  # no number on page 1
    for number, text in enumerate(portrait[1:], start=2):
        assert re.search(rf"(^|\s){number}(\s|$)", text[:20] + " " + text[-20:]), (number, text[:60])
    # The attached list numbers its own pages (its first page, like a document's, unnumbered).
    assert texts[len(portrait)].startswith("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"), texts[len(portrait)][:40]


def test_bien_ban_pdf_has_attendance_votes_shares_and_times(built):
    data = built.find("stage1", "Bien-ban", ".pdf")
    text = pdf_text(data)
    for expected in (
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "Số: 01/BB-HĐTĐKT",
        "BIÊN BẢN",
        "Thời gian bắt đầu: 08 giờ 00 phút, ngày 27 tháng 11 năm 2024.",
        "Địa điểm: Hội trường Sở Tài chính tỉnh Ninh Thuận.",
        "Chủ trì (chủ tọa): Nguyễn Văn An",
        "Thư ký (người ghi biên bản): Trần Thị Bình.",
        "Thành phần tham dự: Hội đồng có 09 thành viên; có mặt 08 thành viên (88,9 %); vắng mặt 01 thành viên",
        "7/9",
        "77,8 %",
        "trên 50 % tổng số thành viên",
        PEOPLE["so-tai-chinh-nt"],
        # Nghị định 30/2020, Mẫu 1.9: the closing time with its date and "./.", THƯ KÝ / CHỦ TỌA, Nơi nhận.
        "Cuộc họp kết thúc vào 10 giờ 00 phút, ngày 27 tháng 11 năm 2024./.",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Trần Thị Bình",
        "Nơi nhận: - Sở Thông tin và Truyền thông tỉnh Ninh Thuận; - Lưu: VT, Hồ sơ.",
    ):
        assert expected in text, expected
    assert "CHỦ TỊCH HỘI ĐỒNG" not in text
    assert "Ninh Thuận, ngày" not in text  # a biên bản has no place-and-date line
    assert_a4(data)
    assert_fonts_embedded(data)


def test_collective_report_has_sections_criteria_figures_and_certification(built):
    data = built.find("stage1", "Bao-cao-thanh-tich-So-Tai-chinh", ".pdf")
    text = pdf_text(data)
    for expected in (
        # A movement's round (phong trào thi đua theo đợt): the movement's report form, Mẫu số 08.
        "Mẫu số 08 — Nghị định 98/2023/NĐ-CP",
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Tên tập thể: Sở Tài chính tỉnh Ninh Thuận",
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        "1. Đặc điểm, tình hình - Trụ sở: " + "." * 50 + ".",
        "2. Chức năng, nhiệm vụ " + "." * 50,
        "II. THÀNH TÍCH ĐẠT ĐƯỢC TRONG PHONG TRÀO THI ĐUA",
        "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận, xử lý trực tuyến",
        "Từ 70 % trở lên",
        "92,5 %",
        "Đạt",
        "Nội dung đăng ký thi đua: Sản phẩm: số hóa hồ sơ",
        "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
        "7/9 thành viên đồng ý (77,8 % tổng số thành viên Hội đồng)",
        "Ninh Thuận, ngày 27 tháng 11 năm 2024",  # the day its unit's council certified it, not the build's
    ):
        assert expected in text, expected
    assert_a4(data)
    assert_fonts_embedded(data)


def test_individual_report_has_the_person_and_signatures(built):
    text = pdf_text(built.find("stage1", "Bao-cao-thanh-tich-Nguyen-Thi-Hang", ".pdf"))
    for expected in (
        "Mẫu số 08 — Nghị định 98/2023/NĐ-CP",
        "I. SƠ LƯỢC LÝ LỊCH",
        f"- Họ tên: {PEOPLE['so-tai-chinh-nt']}.",
        "- Sinh ngày, tháng, năm: ....../....../1985; giới tính: Nữ.",
        "- Quê quán: " + "." * 50 + ".",
        "- Đơn vị công tác: Sở Tài chính tỉnh Ninh Thuận.",
        "- Chức vụ (Đảng, chính quyền, đoàn thể): Chuyên viên.",
        "- Trình độ chuyên môn, nghiệp vụ: " + "." * 50 + ".",
        "- Học hàm, học vị, danh hiệu, giải thưởng: " + "." * 50 + ".",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
    ):
        assert expected in text, expected
    assert "00100" not in text  # the person's identifier is never printed


def test_merged_dossier_restarts_numbering_per_document_and_embeds_fonts(built):
    data = built.find("stage1", "000_Ho-so-gop", ".pdf")
    texts = page_texts(data)
    assert texts[0].startswith("SỞ TÀI CHÍNH") or "HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG" in texts[0]
    joined = " ".join(texts)
    assert joined.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 5  # cover, tờ trình, biên bản, 2 reports
    assert "DANH MỤC TÀI LIỆU" in texts[0]
    # The date and the verification code fit their columns (they ran into each other when too narrow).
    assert re.search(r"\b\d{2}/\d{2}/\d{4} [A-Z0-9]{8}\b", texts[0]), texts[0]
    assert_a4(data)
    assert_fonts_embedded(data)
    # Each member PDF is exactly its pages of the merged one.
    members = [name for name in built.files if name.startswith("stage1/0") and name.endswith(".pdf") and "Ho-so-gop" not in name]
    assert sum(len(PdfReader(io.BytesIO(built.files[m])).pages) for m in members) + 1 == len(texts)


def test_draft_decision_lists_the_awards_with_blank_number(built):
    data = built.find("stage4", "Du-thao", ".pdf")
    text = pdf_text(data)
    for expected in (
        "DỰ THẢO",
        "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN",
        "Số: /QĐ-UBND",
        "Ninh Thuận, ngày tháng năm 2024",
        "QUYẾT ĐỊNH",
        "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH THUẬN",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Xét đề nghị của Giám đốc Sở Nội vụ tỉnh Ninh Thuận",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận",
        "DANH SÁCH KHEN THƯỞNG",
        "- Như Điều 3;",
    ):
        assert expected in text, expected
    assert_a4(data)
    assert_fonts_embedded(data)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_pdftoppm_renders_a_page_to_png(built, tmp_path):
    source = tmp_path / "to-trinh.pdf"
    source.write_bytes(built.find("stage1", "To-trinh", ".pdf"))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")], check=True, timeout=60)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    png = pngs[0].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 10_000  # a page with text, not a blank image


def test_every_pdf_of_the_dossiers_is_a4_with_embedded_liberation_serif(built):
    pdfs = [name for name in built.files if name.endswith(".pdf")]
    assert len(pdfs) >= 7
    for name in pdfs:
        assert_a4(built.files[name])
        assert_fonts_embedded(built.files[name])


# --- Word files --------------------------------------------------------------------------------------


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return normalised(" ".join(parts))


def test_to_trinh_docx_has_the_same_structure_on_a4(built):
    document = docx.Document(io.BytesIO(built.find("stage1", "To-trinh", ".docx")))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.right_margin - Mm(16)) < Mm(1)
    assert abs(section.top_margin - Mm(20)) < Mm(1) and abs(section.bottom_margin - Mm(20)) < Mm(1)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.sections[-1].page_width > document.sections[-1].page_height  # the list, landscape
    text = docx_text(document)
    for expected in (
        "SỞ TÀI CHÍNH TỈNH NINH THUẬN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 01/TTr-STC",
        "Ninh Thuận, ngày 05 tháng 12 năm 2024",
        "TỜ TRÌNH",
        "Kính gửi: Sở Thông tin và Truyền thông tỉnh Ninh Thuận.",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "GIÁM ĐỐC",
        "Nơi nhận:",
        "- Lưu: VT, STC.",
        PEOPLE["so-tai-chinh-nt"],
        "Mã xác minh:",
    ):
        assert expected in text, expected


def test_every_docx_opens_with_a4_sections(built):
    names = [name for name in built.files if name.endswith(".docx")]
    assert len(names) == 5  # tờ trình, biên bản, 2 reports, dự thảo
    for name in names:
        document = docx.Document(io.BytesIO(built.files[name]))
        first = document.sections[0]
        assert abs(first.page_width - Mm(210)) < Mm(1) and abs(first.page_height - Mm(297)) < Mm(1), name
        assert docx_text(document)


def test_zip_holds_every_pdf_and_docx(built):
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(built.find("stage1", "Ho-so.zip", ".zip")))
    names = archive.namelist()
    assert sum(n.endswith(".pdf") for n in names) == 5  # merged + 4 documents
    assert sum(n.endswith(".docx") for n in names) == 4
    assert archive.testzip() is None


# --- the command, run again; another decree's template set -------------------------------------------


def test_build_dossier_command_again_rebuilds_nothing(built, settings, tmp_path):
    from django.core.management import call_command

    from dossiers.models import GeneratedDocument

    settings.MEDIA_ROOT = built.media
    before = {(r.pk, r.checksum, r.builds) for r in GeneratedDocument.objects.all()}
    call_command("build_dossier", campaign="ninh-thuan-2024", round="nam-2024", stage=1, unit="so-tai-chinh-nt", out=str(tmp_path))
    assert {(r.pk, r.checksum, r.builds) for r in GeneratedDocument.objects.all()} == before
    again = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    first = {name.split("/", 1)[1]: data for name, data in built.files.items() if name.startswith("stage1/")}
    assert again == first


def test_rounds_under_decree_152_use_its_template_set(built):
    from campaigns.models import LegalBasis
    from dossiers import rendering, services, sources

    world = built.world
    world.round.legal_basis = LegalBasis.objects.get(code="nd-152-2025")
    world.round.save(update_fields=["legal_basis"])
    individual = sources.report_source(world.unit_nominations[1])
    assert individual["round"]["template_set"] == "nd152_2025"
    record = services.GeneratedDocument(verification_code="TESTCODE", issued_on=MOMENT.date(), kind="bao_cao_thanh_tich")
    html = normalised(rendering.section_html(individual, services.meta_for(record, individual)))
    # The movement's form of 152/2025 (thi đua theo chuyên đề): its number is only inferred, so not printed.
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC TRONG PHONG TRÀO THI ĐUA" in html
    assert "Mẫu số" not in html
    final = world.stages[-1]
    draft = sources.du_thao_source(final, final.organisation)
    record.kind = "du_thao_quyet_dinh"
    html = normalised(rendering.section_html(draft, services.meta_for(record, draft)))
    # The Căn cứ lines follow the document's own date, not the round's form set: a draft answering a
    # proposal of 2024 cites the laws in force in 2024 (tests/dossiers/test_legal_in_force.py for 2025).
    assert draft["date"].startswith("2024-")
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in html
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ" in html
    assert "152/2025" not in html


def test_a_legal_basis_without_templates_is_refused_with_a_message(built):
    from campaigns.models import LegalBasis
    from dossiers import rendering, sources
    from dossiers.errors import DossierError

    world = built.world
    basis = LegalBasis.objects.create(code="nd-moi", name="Nghị định mới", number="1/2030/NĐ-CP", effective_from="2030-01-01", template_set="nd1_2030")
    world.round.legal_basis = basis
    world.round.save(update_fields=["legal_basis"])
    source = sources.report_source(world.unit_nominations[0])
    with pytest.raises(DossierError, match="nd1_2030"):
        rendering.section_html(source, {})
