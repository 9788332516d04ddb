"""The report form's fields, from the nomination form to the printed report; the Party's format for a
Party body; the biên bản of Nghị định 30/2020 Mẫu 1.9.

- The nomination form asks the particulars the round's report form has (campaigns/data/reference.yaml,
  legal_bases[].forms[].fields), optional, bounded, with Vietnamese errors.
- The report prints them in the form's section I, a dotted line where one is blank (never invented).
- A round of công trạng awards reports on Mẫu 02/03: section III as two tables whose empty rows hold
  handwriting (read back from the PDF).
- Văn phòng Tỉnh ủy prints "ĐẢNG BỘ TỈNH SƠN LA / VĂN PHÒNG TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 01-TTr/VPTU".
- The biên bản names the members the meeting recorded, signs THƯ KÝ / CHỦ TỌA, ends "./." and has its Nơi nhận."""
from __future__ import annotations

import datetime as dt
import io
import re

import pdfplumber
import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from campaigns import clock
from campaigns.models import LegalBasis, UnitCategory
from dossiers import rendering, services, sources
from dossiers.models import DocumentFormat
from nominations.models import CouncilMeeting, Nomination
from campaigns.stages import stages_of
from tests.dossiers.test_documents import normalised, pdf_text
from tests.nominations.conftest import build_world, hold_unit_council, in_unit_stage, load, new_nomination  # noqa: F401
from tests.nominations.test_views_unit import collective_post, individual_post, login  # noqa: F401

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
UNIT = "so-tai-chinh-nt"
DOTS = "." * 50


@pytest.fixture
def world(nt_world):
    return nt_world


@pytest.fixture
def officer(client, world):
    login(client, world, f"officer:{UNIT}")
    return client


def section_text(source, kind="bao_cao_thanh_tich") -> str:
    record = services.GeneratedDocument(verification_code="TESTCODE", issued_on=dt.date(2024, 12, 5), kind=kind)
    html = rendering.section_html(source, services.meta_for(record, source))
    return normalised(strip_tags(html.replace("<", " <")))  # paragraphs apart, as on the page


def report_text(nomination) -> str:
    return section_text(sources.report_source(nomination))


# --- the nomination form ---------------------------------------------------------------------------


def test_the_form_asks_the_particulars_of_the_round_s_report_form(officer, world, in_unit_stage):
    html = officer.get(reverse("nomination_create", args=[world.round.pk])).content.decode()
    for name in ("birth_date", "hometown", "residence", "qualification", "political_theory", "academic_rank", "academic_degree",
                 "headquarters", "unit_profile", "unit_functions", "unit_structure"):
        assert f'name="{name}"' in html, name
    assert "Sơ lược đặc điểm, tình hình của tập thể" in html


def test_a_form_that_has_no_particulars_is_not_asked_for_them(officer, world, in_unit_stage):
    basis = world.round.legal_basis
    basis.forms = {key: {k: v for k, v in form.items() if k != "fields"} for key, form in basis.forms.items()}
    basis.save(update_fields=["forms"])
    html = officer.get(reverse("nomination_create", args=[world.round.pk])).content.decode()
    assert 'name="hometown"' not in html and 'name="unit_profile"' not in html
    assert 'name="gender"' in html and 'name="position"' in html  # asked of every individual
    refreshed = officer.post(reverse("nomination_create", args=[world.round.pk]), individual_post(world, refresh="1", save=""))
    assert refreshed.status_code == 200 and 'name="hometown"' not in refreshed.content.decode()
    assert officer.post(reverse("nomination_create", args=[world.round.pk]), individual_post(world)).status_code == 302


def test_an_individual_s_particulars_are_saved_and_printed(officer, world, in_unit_stage):
    data = individual_post(world, birth_date="14/02/1985", hometown="Xã Phước Dân, tỉnh Ninh Thuận", residence="Phường Đô Vinh, tỉnh Ninh Thuận",
                           qualification="Cử nhân Tài chính - Ngân hàng", political_theory="Trung cấp", academic_degree="Thạc sĩ")
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    nomination = Nomination.objects.get(kind="individual")
    assert (nomination.birth_date, nomination.hometown, nomination.academic_rank) == (dt.date(1985, 2, 14), "Xã Phước Dân, tỉnh Ninh Thuận", "")
    text = report_text(nomination)
    for expected in (
        "- Sinh ngày, tháng, năm: 14/02/1985; giới tính: Nữ.",
        "- Quê quán: Xã Phước Dân, tỉnh Ninh Thuận.",
        "- Trú quán: Phường Đô Vinh, tỉnh Ninh Thuận.",
        "- Trình độ chuyên môn, nghiệp vụ: Cử nhân Tài chính - Ngân hàng.",
        "- Trình độ lý luận chính trị: Trung cấp.",
        "- Học hàm, học vị, danh hiệu, giải thưởng: Thạc sĩ.",
    ):
        assert expected in text, expected


def test_a_blank_particular_prints_a_dotted_line_not_a_guess(world, in_unit_stage):
    nomination = new_nomination(world, UNIT, kind="individual", full_name="Lê Văn Tâm", person_identifier="058090000321")
    text = report_text(nomination)
    assert f"- Quê quán: {DOTS}." in text and f"- Trú quán: {DOTS}." in text
    assert "- Sinh ngày, tháng, năm: ....../....../1985; giới tính: Nữ." in text  # the year known, not the day
    assert "lý luận chính trị" not in text  # not a line of the attested form: printed only when given
    collective = report_text(new_nomination(world, UNIT))
    assert f"- Trụ sở: {DOTS}." in collective
    assert f"2. Chức năng, nhiệm vụ {DOTS}" in collective and f"3. Tổ chức bộ máy {DOTS}" in collective


def test_a_collective_s_profile_is_saved_and_printed(officer, world, in_unit_stage):
    data = collective_post(world, headquarters="Số 1 đường 16 tháng 4, phường Phan Rang", unit_profile="Thành lập năm 1992.\nCó 6 phòng chuyên môn.",
                           unit_functions="Tham mưu cho UBND tỉnh về tài chính, ngân sách.", unit_structure="Ban Giám đốc và 06 phòng.")
    assert officer.post(reverse("nomination_create", args=[world.round.pk]), data).status_code == 302
    text = report_text(Nomination.objects.get(kind="collective"))
    for expected in ("1. Đặc điểm, tình hình - Trụ sở: Số 1 đường 16 tháng 4, phường Phan Rang. Thành lập năm 1992. Có 6 phòng chuyên môn.",
                     "2. Chức năng, nhiệm vụ Tham mưu cho UBND tỉnh về tài chính, ngân sách.",
                     "3. Tổ chức bộ máy Ban Giám đốc và 06 phòng."):
        assert expected in text, expected


@pytest.mark.parametrize("change, field, message", [
    ({"hometown": "x" * 256}, "hometown", "Không quá 255 ký tự"),
    ({"unit_profile": "x" * 4001, "kind": "collective"}, "unit_profile", "Không quá 4000 ký tự"),
    ({"birth_date": "31/02/1985"}, "birth_date", "Ngày sinh phải theo dạng dd/mm/yyyy"),
    ({"birth_date": "14/02/1986"}, "birth_date", "không khớp năm sinh đã nhập (1985)"),
])
def test_a_wrong_particular_is_refused_in_vietnamese_and_nothing_is_saved(officer, world, in_unit_stage, change, field, message):
    data = (collective_post(world) if change.get("kind") == "collective" else individual_post(world)) | change
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_collective_keeps_no_individual_particulars(officer, world, in_unit_stage):
    data = collective_post(world, hometown="Xã Phước Dân", birth_date="14/02/1985")
    assert officer.post(reverse("nomination_create", args=[world.round.pk]), data).status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.hometown, nomination.birth_date) == ("", None)


# --- the công trạng forms: section III ---------------------------------------------------------------


def test_a_cong_trang_round_reports_on_form_03_with_two_award_tables_rows_that_hold_handwriting(world, in_unit_stage):
    world.round.report_form = ""
    world.round.save(update_fields=["report_form"])
    nomination = new_nomination(world, UNIT, kind="individual", full_name="Lê Văn Tâm", person_identifier="058090000321")
    source = sources.report_source(nomination)
    assert source["form"]["template"] == "bao_cao_ca_nhan"
    spec = services.Spec(kind="bao_cao_thanh_tich", round=world.round, organisation=world.units[UNIT], nomination=nomination, title="Báo cáo")
    record, _ = services.ensure_record(spec, DocumentFormat.PDF)
    data, _pages = services.document_bytes(record, source)
    text = pdf_text(data)
    for expected in ("Mẫu số 03 — Nghị định 98/2023/NĐ-CP", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "1. Danh hiệu thi đua:",
                     "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi đua; cơ quan ban hành quyết định",
                     "2. Hình thức khen thưởng:", "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành quyết định"):
        assert expected in text, expected
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found = page.search("2. Hình thức khen thưởng:")
            if not found:
                continue
            below = sorted({round(line["top"], 1) for line in page.lines if line["height"] < 1 and line["width"] > 100 and line["top"] > found[0]["bottom"]})
            rows = [b - a for a, b in zip(below, below[1:])]
            assert len(rows) >= 3, below  # the header and two rows to fill in
            assert all(height >= 9 * MM - 0.5 for height in rows[-2:]), rows
            break
        else:
            pytest.fail("section III.2 not found")
    # The Word file converts the same HTML: the two tables, their empty rows 9 mm tall and never split.
    import docx
    from docx.shared import Mm

    word, _ = services.ensure_record(spec, DocumentFormat.DOCX)
    document = docx.Document(io.BytesIO(services.document_bytes(word, source)[0]))
    particular = next(p for p in document.paragraphs if p.text.startswith("- Quê quán:"))
    assert particular.text == f"- Quê quán: {DOTS}." and particular.paragraph_format.first_line_indent is None
    award_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Năm"]
    assert [t.rows[0].cells[1].text for t in award_tables] == ["Danh hiệu thi đua", "Hình thức khen thưởng"]
    for table in award_tables:
        assert all(abs(row.height - Mm(9)) < Mm(0.1) for row in table.rows[1:])
        assert all(row._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None for row in table.rows)


# --- Party format ------------------------------------------------------------------------------------


@pytest.fixture
def son_la_party(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load("son-la-2021-2025.yaml")
    world = build_world("son-la-2021-2025", "nam-2024", [("vp-tinh-uy-sl", "Văn phòng Tỉnh ủy Sơn La", "ban_dang", "ubnd-tinh-son-la", "tinh")])
    unit = world.units["vp-tinh-uy-sl"]
    unit.short_name, unit.head_title, unit.place_name = "VPTU", "Chánh Văn phòng", "Sơn La"
    unit.save(update_fields=["short_name", "head_title", "place_name"])
    return world


def test_the_party_category_is_data():
    load()
    category = UnitCategory.objects.get(code="ban_dang")
    assert (category.document_format, category.party_superior) == ("party", "Đảng bộ tỉnh")
    assert set(UnitCategory.objects.exclude(code="ban_dang").values_list("document_format", flat=True)) == {"state"}


def test_a_party_body_s_to_trinh_follows_the_party_format(son_la_party):
    world = son_la_party
    unit = world.units["vp-tinh-uy-sl"]
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "vp-tinh-uy-sl")
        hold_unit_council(world, "vp-tinh-uy-sl", [nomination])
        stage = stages_of(world.round).first
        spec = services.Spec(kind="to_trinh", round=world.round, organisation=unit, stage=stage, title="Tờ trình")
        record, _ = services.ensure_record(spec, DocumentFormat.PDF)
    assert record.number == "01-TTr/VPTU"
    data, _pages = services.document_bytes(record, sources.to_trinh_source(stage, unit))
    text = pdf_text(data)
    for expected in ("ĐẢNG BỘ TỈNH SƠN LA", "VĂN PHÒNG TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 01-TTr/VPTU", "Sơn La, ngày", "CHÁNH VĂN PHÒNG"):
        assert expected in text, expected
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "Độc lập - Tự do - Hạnh phúc" not in text
    assert "VĂN PHÒNG TỈNH ỦY SƠN LA" not in text  # the place is on the line above
    word, _ = services.ensure_record(spec, DocumentFormat.DOCX)
    import docx

    document = docx.Document(io.BytesIO(services.document_bytes(word, sources.to_trinh_source(stage, unit))[0]))
    header = " ".join(cell.text for cell in document.tables[0]._cells).replace("\u00a0", " ")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "ĐẢNG BỘ TỈNH SƠN LA" in header and "CỘNG HÒA" not in header
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert all(c["x1"] <= float(page.width) - 15 * MM + 0.01 and c["x0"] >= 30 * MM - 0.01 for c in page.chars)


def test_a_state_body_keeps_the_state_format_and_numbers(son_la_party):
    block = sources.org_block(son_la_party.round.campaign.issuer)
    assert (block["party"], block["document_format"]) == (False, "state")
    from dossiers.numbering import format_number

    assert format_number(5, "TTr", "STC") == "05/TTr-STC"
    assert format_number(5, "TTr", "VPTU", party=True) == "05-TTr/VPTU"


# --- the biên bản (Mẫu 1.9) ------------------------------------------------------------------------------


def test_the_minutes_name_the_members_sign_as_chair_and_secretary_and_close(world):
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, UNIT)
        hold_unit_council(world, UNIT, [nomination], members=9, present=8, votes=8)
    meeting = CouncilMeeting.objects.get()
    meeting.attendees = "Nguyễn Văn An, Giám đốc Sở, Chủ tịch Hội đồng\nTrần Thị Bình, Chánh Văn phòng Sở, Thư ký"
    meeting.absentees = "Lê Văn Cường, Phó Giám đốc Sở (có ý kiến bằng văn bản)"
    meeting.save()
    stage = stages_of(world.round).first
    text = section_text(sources.bien_ban_source(stage, world.units[UNIT]), kind="bien_ban")
    for expected in (
        "Thành viên có mặt: - Nguyễn Văn An, Giám đốc Sở, Chủ tịch Hội đồng; - Trần Thị Bình, Chánh Văn phòng Sở, Thư ký.",
        "Thành viên vắng mặt: - Lê Văn Cường, Phó Giám đốc Sở (có ý kiến bằng văn bản).",
        "Chủ trì (chủ tọa):",
        "./.",
        "THƯ KÝ",
        "CHỦ TỌA Chủ tịch Hội đồng Thi đua - Khen thưởng",
        "Nơi nhận: - Sở Thông tin và Truyền thông tỉnh Ninh Thuận; - Lưu: VT, Hồ sơ.",
    ):
        assert expected in text, expected
    assert re.search(r"Cuộc họp kết thúc vào \d{2} giờ \d{2} phút, ngày \d{2} tháng \d{1,2} năm 2024\./\.", text)
    assert "CHỦ TỊCH HỘI ĐỒNG" not in text
    assert text.index("THƯ KÝ") < text.index("CHỦ TỌA") < text.index("Nơi nhận:")


def test_the_meeting_form_takes_the_members_names_bounded(world):
    from nominations.forms import CouncilMeetingForm

    data = {"date": "27/11/2024", "start_time": "08:00", "end_time": "10:00", "place": "Hội trường", "chair": "A", "secretary": "B",
            "members_total": 9, "members_present": 9, "written_opinions": 0, "attendees": "Nguyễn Văn An\nTrần Thị Bình", "absentees": ""}
    form = CouncilMeetingForm(data)
    assert form.is_valid(), form.errors
    assert form.meeting_data()["attendees"] == "Nguyễn Văn An\nTrần Thị Bình"
    form = CouncilMeetingForm(data | {"attendees": "x" * 3001})
    assert not form.is_valid()
    assert "Không quá 3000 ký tự" in str(form.errors["attendees"])


# --- signers and keepers -------------------------------------------------------------------------------


def test_the_provincial_office_is_signed_by_its_chief_of_office():
    load("son-la-2021-2025.yaml", "thanh-hoa-2024.yaml")
    from campaigns.models import Unit

    for code in ("vpubnd-son-la", "vpubnd-thanh-hoa"):
        block = sources.org_block(Unit.objects.get(code=code))
        assert sources.signer_lines(block) == ["CHÁNH VĂN PHÒNG"], code


def test_the_draft_decision_is_kept_by_the_unit_that_drafts_it(world):
    final = world.stages[-1]
    draft = sources.du_thao_source(final, final.organisation)
    drafting = sources.org_block(world.stages[-2].organisation)["abbr"]
    assert draft["noi_nhan"][-1] == f"Lưu: VT, {drafting}"
    assert drafting != "UBND"


def test_the_legal_basis_forms_say_what_is_attested(world):
    forms = LegalBasis.objects.get(code="nd-152-2025").forms
    assert (forms["bao_cao_ca_nhan"]["number"], forms["bao_cao_ca_nhan"]["status"]) == ("Mẫu số 05", "attested")
    assert (forms["bao_cao_tap_the"]["number"], forms["bao_cao_tap_the"]["status"]) == ("Mẫu số 04", "inferred")
    assert (forms["bao_cao_phong_trao"]["number"], forms["bao_cao_phong_trao"]["status"]) == ("Mẫu số 08", "inferred")
    assert forms["bao_cao_phong_trao"]["award_kind"] == "phong_trao"


@pytest.mark.world_per_test  # nothing of the refused file is written: no legal basis at all
@pytest.mark.parametrize("change, message", [
    (lambda ref: ref["legal_bases"][0]["forms"]["bao_cao_tap_the"]["fields"].append("hometown"),
     "forms.bao_cao_tap_the: trường 'hometown' không thuộc mẫu của collective"),
    (lambda ref: ref["legal_bases"][0]["forms"]["bao_cao_ca_nhan"].pop("status"), "forms.bao_cao_ca_nhan: mẫu báo cáo cần 'status'"),
    (lambda ref: ref["legal_bases"][0]["forms"]["bao_cao_phong_trao"].update(award_kind="dot_xuat"), "'award_kind' phải là một trong"),
    (lambda ref: ref["categories"][2].update(document_format="dang"), "'document_format' không hợp lệ: 'dang'"),
    (lambda ref: ref["categories"][2].pop("party_superior"), "thể thức Đảng ('document_format: party') cần 'party_superior'"),
])
def test_wrong_forms_or_formats_in_the_reference_data_are_refused(tmp_path, change, message):
    import yaml

    from campaigns.services.loading import DATA_DIR, CampaignDataError, load_campaign_files

    reference = yaml.safe_load((DATA_DIR / "reference.yaml").read_text(encoding="utf-8"))
    assert reference["categories"][2]["code"] == "ban_dang"
    change(reference)
    path = tmp_path / "reference.yaml"
    path.write_text(yaml.safe_dump(reference, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CampaignDataError, match=re.escape(message)):
        load_campaign_files([path])
    assert not LegalBasis.objects.exists()
