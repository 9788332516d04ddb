"""The law a document cites is the law in force on the document's own date (shared/law/can-cu-quyet-dinh.md):
Nghị định 91/2017 and the 2003 Law before 2024, 98/2023 and the 2022 Law from 01/01/2024 to 30/6/2025,
152/2025 (with its date and title) after; the Law on Local Government of 2015/2019, then 65/2025, then
72/2025 from 16/6/2025. And a round whose forms, vote rules or declaration cite a text not in force in its
period is refused when it is loaded or cloned, saying which. Read from the sources (the render of a
whole dossier is slow); one decision is rendered and read back from its PDF (pypdf, as tests/dossiers/test_documents.py does)."""
import datetime as dt
import re

import pytest

from campaigns import clock
from campaigns.models import LegalText, Round
from campaigns.services.legal import citation_lines, round_legal_problems
from campaigns.services.loading import CampaignDataError, DATA_DIR, default_files, load_campaign_files
from campaigns.services.rounds import RoundCloneError, clone_round
from dossiers import rendering, services, sources
from campaigns.vn_format import BLANK
from dossiers.models import DocumentFormat
from nominations.services import record_decision
from nominations.workflow import Action, advance
from tests.dossiers.conftest import unit_stage_nominations
from tests.dossiers.test_documents import pdf_text
from tests.nominations.conftest import NT_PARTICIPANTS, build_world, load, ready_at_stage, refresh

pytestmark = pytest.mark.django_db

LAW_2003 = "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005"
LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
ND_91 = "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"
ND_98 = "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"
ND_152 = (
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực "
    "thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thi đua, khen thưởng"
)
LGL_2015 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019"
LGL_65 = "Căn cứ Luật Tổ chức chính quyền địa phương số 65/2025/QH15"
LGL_72 = "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"


@pytest.mark.parametrize("day, expected", [
    (dt.date(2023, 12, 31), [LGL_2015, LAW_2003, ND_91]),
    (dt.date(2024, 1, 1), [LGL_2015, LAW_2022, ND_98]),
    (dt.date(2025, 2, 28), [LGL_2015, LAW_2022, ND_98]),
    (dt.date(2025, 3, 1), [LGL_65, LAW_2022, ND_98]),
    (dt.date(2025, 6, 16), [LGL_72, LAW_2022, ND_98]),
    (dt.date(2025, 6, 30), [LGL_72, LAW_2022, ND_98]),
    (dt.date(2025, 7, 1), [LGL_72, LAW_2022, ND_152]),
    (dt.date(2026, 12, 4), [LGL_72, LAW_2022, ND_152]),
])
def test_the_laws_cited_are_those_in_force_on_the_day(day, expected):
    load()
    lines = citation_lines(day, local_government=True)
    assert [line[: len(e)] for line, e in zip(lines, expected)] == expected
    assert len(lines) == 3  # the Thông tư of 152/2025 is data for the checks, not printed (title not attested)
    assert citation_lines(day) == lines[1:]  # the Law on Local Government only where a chairman decides


def test_a_correction_in_the_admin_data_changes_the_next_document():
    load()
    LegalText.objects.filter(code="nd-98-2023").update(effective_to=dt.date(2024, 6, 30))
    assert not any("98/2023" in line for line in citation_lines(dt.date(2024, 7, 1)))


def sl_2023_world():
    load("son-la-2021-2025.yaml")
    return build_world("son-la-2021-2025", "nam-2023", [("so-tu-phap-sl", "Sở Tư pháp tỉnh Sơn La", "so_ban_nganh", None, "tinh")])


def test_a_2023_round_dates_its_documents_by_their_acts_and_cites_the_2003_law_and_decree_91():
    world = sl_2023_world()
    assert world.round.legal_basis.number == "91/2017/NĐ-CP"
    collective, person = unit_stage_nominations(world, "so-tu-phap-sl", ["Lò Thị Mai"])
    with clock.frozen_at(world.at_stage(1)):  # 09/12/2023
        for nomination in (collective, person):
            advance(refresh(nomination), Action.SUBMIT, actor=world.users["officer:so-tu-phap-sl"])
    unit_stage = world.stages[0]
    with clock.frozen_at(dt.datetime(2026, 12, 4, 9, tzinfo=clock.VIETNAM)):  # built three years later
        to_trinh = sources.to_trinh_source(unit_stage, world.units["so-tu-phap-sl"])
        minutes = sources.bien_ban_source(unit_stage, world.units["so-tu-phap-sl"])
        report = sources.report_source(collective)
    assert to_trinh["date"] == "2023-12-09"  # the day the unit submitted
    assert minutes["date"] == "2023-12-07" and minutes["meeting"]["date"] == "ngày 07 tháng 12 năm 2023"
    assert report["date"] == "2023-12-07"  # certified by the unit's council
    lines = to_trinh["legal_lines"]
    assert lines[0].startswith(LAW_2003) and lines[1] == ND_91 + ";"
    assert not any(re.search(r"98/2023|06/2022|152/2025|15 tháng 6 năm 2022", line) for line in lines), lines
    # Read back from the PDF of the tờ trình alone.
    record = services.GeneratedDocument(verification_code="TESTCODE", issued_on=dt.date(2026, 12, 4), kind="to_trinh", number="01/TTr-STP")
    html = rendering.document_html([rendering.section_html(to_trinh, services.meta_for(record, to_trinh))])
    text = pdf_text(rendering.html_to_pdf(html)[0])
    assert "Sơn La, ngày 09 tháng 12 năm 2023" in text and "2026" not in text.split("Mã xác minh")[0]
    assert "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017" in text and "98/2023" not in text


def test_a_2024_round_cites_decree_98_on_the_appraisal_and_the_draft_decision(dossier_world):
    world = dossier_world
    appraisal, decision_stage = world.stages[2], world.stages[3]
    with clock.frozen_at(world.at_stage(3)):  # 24/12/2024
        advance(refresh(world.stage3[0]), Action.APPROVE, actor=world.users["stage:3"])
    with clock.frozen_at(dt.datetime(2026, 12, 4, 9, tzinfo=clock.VIETNAM)):
        to_trinh = sources.to_trinh_source(appraisal, appraisal.organisation)
        draft = sources.du_thao_source(decision_stage, decision_stage.organisation)
    assert to_trinh["date"] == "2024-12-24"
    assert to_trinh["legal_lines"][:2] == [LAW_2022 + ";", ND_98 + ";"]
    # The draft is read on the day of the proposal it answers; its own date stays blank for the signer.
    assert draft["date"] == "2024-12-24" and draft["decision"] is None
    assert draft["legal_lines"][:3] == [LGL_2015 + ";", LAW_2022 + ";", ND_98 + ";"]


@pytest.mark.world_per_test  # builds its own world, of a cloned round
def test_a_round_after_july_2025_cites_decree_152_with_its_date_and_the_decision_as_recorded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load("ninh-thuan-2024.yaml")
    clone = clone_round(round_=Round.objects.get(campaign__code="ninh-thuan-2024", code="nam-2024"), year=2026)
    assert clone.legal_basis.number == "152/2025/NĐ-CP"
    world = build_world("ninh-thuan-2024", clone.code, NT_PARTICIPANTS)
    nomination = ready_at_stage(world, "so-gddt-nt", order=4)
    final = world.stages[-1]
    with clock.frozen_at(world.at_stage(4)):
        record_decision(actor=world.users["stage:4"], round_=clone, number="215/QĐ-UBND", date=dt.date(2026, 12, 29),
                        signer="Nguyễn Long Biên", signer_title="CHỦ TỊCH", nominations=[refresh(nomination)])
        draft = sources.du_thao_source(final, final.organisation)
        assert draft["legal_lines"][:3] == [LGL_72 + ";", LAW_2022 + ";", ND_152 + ";"]
        assert draft["decision"] == {"number": "215/QĐ-UBND", "date": "2026-12-29", "signer": "Nguyễn Long Biên"}
        dossier = services.build_stage_dossier_now(stage=final, organisation=final.organisation)
    assert dossier.status == "done", dossier.error
    assert dossier.issued_on == dt.date(2026, 12, 29)  # the cover carries the decision's date, not the build's
    member = dossier.members.get(format=DocumentFormat.PDF, kind="du_thao_quyet_dinh")
    assert member.title == "Quyết định khen thưởng số 215/QĐ-UBND" and member.issued_on == dt.date(2026, 12, 29)
    assert member.number == "215/QĐ-UBND"  # the verification page and the ZIP name it too
    with member.file.open("rb") as stream:
        text = pdf_text(stream.read())
    assert "DỰ THẢO" not in text and "/QĐ-UBND ngày" not in text.replace("215/QĐ-UBND ngày", "")
    for expected in (
        "Số: 215/QĐ-UBND", "ngày 29 tháng 12 năm 2026", "Nguyễn Long Biên", "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025",
        "Luật Tổ chức chính quyền địa phương số 72/2025/QH15", "(Kèm theo Quyết định số 215/QĐ-UBND ngày 29 tháng 12 năm 2026",
    ):
        assert expected in text, expected
    assert "98/2023" not in text and "năm 2015" not in text


def test_every_seed_round_cites_only_texts_in_force_in_its_period():
    load_campaign_files(default_files())
    rounds = list(Round.objects.select_related("campaign", "legal_basis"))
    assert len(rounds) >= 8
    assert {r.code: round_legal_problems(r) for r in rounds} == {r.code: [] for r in rounds}


def test_loading_a_2023_round_under_decree_98_is_refused_and_says_which(tmp_path):
    text = (DATA_DIR / "son-la-2021-2025.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "son-la-2021-2025.yaml"
    broken.write_text(text.replace("legal_basis: nd-91-2017", "legal_basis: nd-98-2023", 1), encoding="utf-8")
    with pytest.raises(CampaignDataError) as caught:
        load_campaign_files([DATA_DIR / "reference.yaml", broken])
    message = "\n".join(caught.value.problems)
    assert "đợt 'nam-2023' không mở được" in message
    assert "căn cứ mẫu hồ sơ của đợt là Nghị định 98/2023/NĐ-CP (hiệu lực từ 01/01/2024 đến 30/06/2025)" in message
    assert "01/01/2023 - 31/12/2023" in message
    assert not Round.objects.filter(campaign__code="son-la-2021-2025").exists()  # nothing half-loaded


def test_cloning_a_2024_round_into_2023_is_refused_and_says_which():
    load("son-la-2021-2025.yaml")
    source = Round.objects.get(campaign__code="son-la-2021-2025", code="nam-2024")
    with pytest.raises(RoundCloneError) as caught:
        clone_round(round_=source, year=2023, code="nam-2023-ban-sao")
    message = str(caught.value)
    assert message.startswith("Đợt 'nam-2023-ban-sao' không mở được:")
    # The forms' basis and the vote rule follow 2023 (Nghị định 91/2017); the declaration's sources,
    # written for 98/2023 and the 2022 Law, cannot be moved back: the clone says so.
    assert "điều kiện 'khong-dang-bi-xem-xet' trích dẫn Nghị định 98/2023/NĐ-CP (hiệu lực từ 01/01/2024 đến 30/06/2025)" in message
    assert "điều kiện 'mot-thanh-tich-mot-hinh-thuc' trích dẫn Luật 06/2022/QH15 (hiệu lực từ 01/01/2024)" in message
    assert "(01/01/2023 - 31/12/2023)" in message
    assert "căn cứ mẫu hồ sơ" not in message and "quy tắc biểu quyết" not in message
    assert not Round.objects.filter(code="nam-2023-ban-sao").exists()


def test_no_seed_campaign_document_prints_blanks_for_an_unknown_number_or_date():
    load_campaign_files(default_files())
    from campaigns.models import CampaignDocument

    for document in CampaignDocument.objects.all():
        line = sources.campaign_document_line(document)
        assert BLANK not in line and "…" not in line and "..." not in line, line


def test_the_to_trinh_names_the_kind_of_award_and_the_issuers_functions(tmp_path):
    load("thanh-hoa-2024.yaml")
    round_ = Round.objects.get(campaign__code="thanh-hoa-2024", code="nam-2024")
    assert round_.award_kind == "phong trào thi đua theo chuyên đề"
    review = round_.stages.get(order=2)
    form = round_.award_forms.first()
    # Mẫu số 01, note 8: printed only when the data names the article (none attested in shared/law).
    assert not form.basis_clause
    lines = sources.legal_lines(round_, on=dt.date(2024, 9, 25), issuer=review.organisation, award_forms=[form])
    assert lines[2] == (
        "Căn cứ Quyết định số 26/2022/QĐ-UBND ngày 15 tháng 6 năm 2022 của Ủy ban nhân dân tỉnh Thanh Hóa về việc quy định "
        "chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Thông tin và Truyền thông tỉnh Thanh Hóa;"
    )
    form.basis_clause = "Điều 1 Luật Thi đua, khen thưởng (ví dụ)"
    assert "Căn cứ Điều 1 Luật Thi đua, khen thưởng (ví dụ);" in sources.legal_lines(round_, on=dt.date(2024, 9, 25), award_forms=[form])
