"""What a tờ trình and a biên bản ask, and of whom, depending on the level that receives them:
a body that does not grant an award is asked to pass it on, not to grant it; a Sở TT&TT proposing
its own staff writes to the level after its own review; the Giấy khen a unit's head grants stays
with the unit. Read from the sources and the rendered sections (no PDF needed here)."""
import re

import pytest
from django.utils.html import strip_tags

from campaigns import clock
from campaigns.models import Role, Unit
from nominations.models import Registration
from dossiers import rendering, sources
from campaigns.stages import stages_of
from tests.dossiers.conftest import unit_stage_nominations
from tests.nominations.conftest import build_world, hold_unit_council, load, make_user, new_nomination, refresh

pytestmark = pytest.mark.django_db

META = {
    "anchor": "doc-TEST", "code": "TEST", "verify_url": "https://thidua.example.vn/xac-minh/TEST/", "number": "01",
    "number_line": "Số: 01/TTr-TEST", "date": "ngày 05 tháng 12 năm 2024", "place_date": "ngày 05 tháng 12 năm 2024",
    "form_ref": "", "qr": "data:image/png;base64,",
}


def text_of(source: dict) -> str:
    return re.sub(r"\s+", " ", strip_tags(rendering.section_html(source, META)))


def test_a_unit_asks_the_reviewing_department_to_pass_the_award_on(dossier_world):
    world = dossier_world
    source = sources.to_trinh_source(world.stages[0], world.units["so-tai-chinh-nt"])
    text = text_of(source)
    assert source["addressee"] == "Sở Thông tin và Truyền thông tỉnh Ninh Thuận" and not source["addressee_decides"]
    assert ("kính trình Sở Thông tin và Truyền thông tỉnh Ninh Thuận xem xét, trình cấp có thẩm quyền tặng "
            "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 01 tập thể và 01 cá nhân") in text
    assert "Kính trình Sở Thông tin và Truyền thông tỉnh Ninh Thuận xem xét, trình cấp có thẩm quyền quyết định./." in text
    assert "xem xét, tặng" not in text


def test_the_level_before_the_decision_asks_the_chairman_to_grant(dossier_world):
    world = dossier_world
    before_decision = world.stages[-2]
    source = sources.to_trinh_source(before_decision, before_decision.organisation, nominations=world.stage3)
    text = text_of(source)
    assert source["addressee"] == "Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận" and source["addressee_decides"]
    assert "kính trình Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận xem xét, tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho" in text
    assert "Kính trình Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận xem xét, quyết định./." in text


def test_the_department_that_reviews_writes_its_own_proposal_to_the_next_level(dossier_world):
    world = dossier_world
    code = "stttt-ninh-thuan"
    unit = Unit.objects.get(code=code)
    world.units[code] = unit
    world.users[f"officer:{code}"] = make_user("officer-stttt-nt", unit, Role.UNIT_OFFICER)
    Registration.objects.create(round=world.round, unit=unit, pledge="Nền tảng số", registered_at=clock.now(), registered_by=world.users[f"officer:{code}"])
    unit_stage_nominations(world, code, ["Phạm Minh Quân"])
    assert world.stages[1].organisation == unit  # it reviews stage 2 itself
    source = sources.to_trinh_source(world.stages[0], unit)
    assert source["addressee"] == world.stages[2].organisation.name == "Sở Nội vụ tỉnh Ninh Thuận"
    assert sources.bien_ban_source(world.stages[0], unit)["conclusion"].startswith("đề nghị Sở Nội vụ tỉnh Ninh Thuận xem xét, trình cấp có thẩm quyền tặng")


def test_minutes_number_a_group_through_collectives_and_individuals(dossier_world):
    source = sources.bien_ban_source(dossier_world.stages[0], dossier_world.units["so-tai-chinh-nt"])
    (group,) = source["groups"]
    assert [r["index"] for r in group["collectives"] + group["individuals"]] == [1, 2]
    assert "(" not in " ".join(source["quorum_lines"])  # the clause behind the quorum is data, not minutes text


@pytest.fixture
def son_la_unit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load("son-la-2021-2025.yaml")
    return build_world("son-la-2021-2025", "nam-2024", [("so-tu-phap-sl", "Sở Tư pháp tỉnh Sơn La", "so_ban_nganh", None, "tinh")])


def test_the_giay_khen_a_unit_grants_itself_is_not_proposed_upward(son_la_unit):
    world = son_la_unit
    unit = world.units["so-tu-phap-sl"]
    giay_khen = world.round.award_forms.get(outcome="unit")
    with clock.frozen_at(world.at_stage(1)):
        upward = new_nomination(world, "so-tu-phap-sl")
        own = new_nomination(world, "so-tu-phap-sl", kind="individual", full_name="Lò Thị Mai", person_identifier="014190000555", award_form=giay_khen)
        hold_unit_council(world, "so-tu-phap-sl", [upward, own])
    stage = stages_of(world.round).first
    assert [n.pk for n in sources.stage_nominations(stage, unit)] == [refresh(upward).pk]
    to_trinh = sources.to_trinh_source(stage, unit)
    assert [g["award_form"] for g in to_trinh["groups"]] == [upward.award_form.name]
    assert giay_khen.name not in text_of(to_trinh)
    conclusion = sources.bien_ban_source(stage, unit)["conclusion"]
    assert f"xem xét, trình cấp có thẩm quyền tặng {upward.award_form.name} cho 01 tập thể" in conclusion
    assert conclusion.endswith(f"đề nghị Giám đốc Sở Tư pháp tỉnh Sơn La tặng {giay_khen.name} cho 01 cá nhân")


def test_a_full_percentage_is_required_as_reached_not_as_a_floor():
    from decimal import Decimal

    from criteria.models import Criterion, CriterionKind, Operator

    def requirement(threshold, operator):
        return sources._requirement_text(Criterion(kind=CriterionKind.PERCENTAGE, threshold=Decimal(threshold), operator=operator))

    assert requirement(100, Operator.GTE) == "Đạt 100 %"
    assert requirement("80", Operator.GTE) == "Từ 80 % trở lên"
    assert requirement("50", Operator.GT) == "Trên 50 %"


def test_a_reviewing_level_says_what_it_did_and_whose_proposal_it_acts_on(dossier_world):
    world = dossier_world
    appraising = world.stages[2]  # Sở Nội vụ: thẩm định, after Sở TT&TT's review
    source = sources.to_trinh_source(appraising, appraising.organisation, nominations=world.stage3)
    assert "Sở Nội vụ tỉnh Ninh Thuận đã thẩm định hồ sơ, thành tích của các tập thể, cá nhân" in text_of(source)
    assert source["legal_lines"][-1] == "Xét đề nghị của Giám đốc Sở Thông tin và Truyền thông tỉnh Ninh Thuận."
    unit_source = sources.to_trinh_source(world.stages[0], world.units["so-tai-chinh-nt"])
    assert "đã tổ chức bình xét, lựa chọn" in text_of(unit_source)
    assert not any(line.startswith("Xét đề nghị") for line in unit_source["legal_lines"])


def test_the_draft_decision_cites_the_proposal_by_number_and_date(dossier_world):
    import datetime as dt

    from dossiers import services
    from dossiers.models import DocumentFormat, DocumentKind

    world = dossier_world
    proposing, deciding = world.stages[-2], world.stages[-1]
    with clock.frozen_at(dt.datetime(2024, 12, 18, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))):
        services.ensure_record(services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=proposing.organisation, stage=proposing), DocumentFormat.PDF)
    lines = sources.du_thao_source(deciding, deciding.organisation, nominations=world.stage3)["legal_lines"]
    assert "Xét đề nghị của Giám đốc Sở Nội vụ tỉnh Ninh Thuận tại Tờ trình số 01/TTr-SNV ngày 18 tháng 12 năm 2024." in lines


@pytest.fixture
def categories(db):
    from campaigns.services.loading import DATA_DIR, load_campaign_files

    load_campaign_files([DATA_DIR / "reference.yaml"])


def test_only_a_body_under_another_names_it_above_its_own_name(categories):
    from tests.nominations.conftest import make_unit

    province = make_unit("ubnd-tinh-x", "Ủy ban nhân dân tỉnh Sơn La", "ubnd_tinh", None)
    department = make_unit("so-x", "Sở Tư pháp tỉnh Sơn La", "so_ban_nganh", province)
    district = make_unit("ubnd-huyen-x", "Ủy ban nhân dân huyện Mộc Châu", "ubnd_huyen", province, "huyen")
    company = make_unit("dn-x", "Công ty TNHH Giải pháp số Sơn La", "doanh_nghiep", province)
    youth = make_unit("doan-x", "Tỉnh đoàn Sơn La", "mttq_doan_the", province)
    heading = {u.code: sources.org_block(u)["parent_upper"] for u in (province, department, district, company, youth)}
    assert heading == {"ubnd-tinh-x": "", "so-x": "ỦY BAN NHÂN DÂN TỈNH SƠN LA", "ubnd-huyen-x": "", "dn-x": "", "doan-x": ""}
    # The same rule in the lists and reports ("đơn vị cấp trên"): a company has none.
    assert [sources.governing_body(u) for u in (department, company, youth)] == ["Ủy ban nhân dân tỉnh Sơn La", "", ""]


def test_documents_are_signed_with_the_head_s_title(categories):
    from tests.nominations.conftest import make_unit

    city = make_unit("ubnd-tp-x", "Ủy ban nhân dân thành phố Rạch Giá", "ubnd_huyen", None, "huyen")
    office = make_unit("pnv-x", "Phòng Nội vụ thành phố Rạch Giá", "phong_ban_thanh_pho", city, "huyen")
    company = make_unit("dn-y", "Công ty Cổ phần Cấp nước Kiên Giang", "doanh_nghiep", city, "huyen")
    union = make_unit("doan-y", "Thành đoàn Rạch Giá", "mttq_doan_the", city, "huyen")
    union.head_title = "Bí thư"
    blocks = {u.code: sources.org_block(u) for u in (city, office, company, union)}
    assert sources.signer_lines(blocks["ubnd-tp-x"]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert sources.signer_lines(blocks["pnv-x"]) == ["TRƯỞNG PHÒNG"]
    assert sources.signer_lines(blocks["dn-y"]) == ["GIÁM ĐỐC"]
    assert sources.signer_lines(blocks["doan-y"]) == ["BÍ THƯ"]
    assert sources.titled(blocks["pnv-x"]) == "Trưởng phòng Nội vụ thành phố Rạch Giá"
    assert sources.titled(blocks["ubnd-tp-x"]) == "Chủ tịch Ủy ban nhân dân thành phố Rạch Giá"
    assert sources.titled({"head_title": "Chánh Văn phòng", "name": "Văn phòng Tỉnh ủy Sơn La"}) == "Chánh Văn phòng Tỉnh ủy Sơn La"
    assert sources.titled({"head_title": "Giám đốc", "name": "Sở Y tế tỉnh Sơn La"}) == "Giám đốc Sở Y tế tỉnh Sơn La"
    union.head_title = ""
    assert sources.signer_lines(sources.org_block(union)) == ["THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"]


def test_the_deciding_city_grants_its_giay_khen_and_proposes_the_provincial_award(settings, tmp_path):
    """Rạch Giá: the city Chairman decides the Giấy khen and PROPOSES Bằng khen of the province's
    Chairman (outcome "propose"): a draft decision for the first only, a tờ trình to the province
    (with the nominee's report) for the second; never a city decision granting a provincial award."""
    from dossiers import services
    from dossiers.models import DocumentKind
    from nominations.workflow import Action, advance
    from tests.nominations.conftest import hold_stage_council, judge_pending, submitted

    settings.MEDIA_ROOT = tmp_path
    load("rach-gia-2022-2025.yaml")
    code = "phong-tai-chinh-rg"
    world = build_world("rach-gia-2022-2025", "nam-2024", [(code, "Phòng Tài chính - Kế hoạch thành phố Rạch Giá", "phong_ban_thanh_pho", None, "huyen")])
    giay_khen = world.round.award_forms.get(code="giay-khen-chu-tich-ubnd-tp")
    bang_khen = world.round.award_forms.get(code="bang-khen-chu-tich-ubnd-tinh")
    granted = judge_pending(world, submitted(world, code, award_form=giay_khen))
    proposed = judge_pending(world, submitted(world, code, kind="individual", full_name="Danh Thị Mỹ", person_identifier="091190000777", award_form=bang_khen))
    appraisal = world.stages[1]
    with clock.frozen_at(world.at_stage(2)):
        hold_stage_council(world, appraisal, [granted, proposed])
        for nomination in (granted, proposed):
            advance(refresh(nomination), Action.APPROVE, actor=world.users["stage:2"])
    minutes_source = sources.bien_ban_source(appraisal, appraisal.organisation)
    # Phòng Nội vụ is the standing body of the CITY's council (Stage.council_of): the minutes are the city council's.
    assert minutes_source["council"] == "Hội đồng Thi đua - Khen thưởng Ủy ban nhân dân thành phố Rạch Giá"
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ RẠCH GIÁHỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in text_of(minutes_source)  # heading: parent, council
    assert "không có thành viên vắng mặt" in text_of(minutes_source)  # not "vắng mặt 00 thành viên"
    minutes = minutes_source["conclusion"]
    assert minutes == (
        f"đề nghị Chủ tịch Ủy ban nhân dân thành phố Rạch Giá xem xét, tặng {giay_khen.name} cho 01 tập thể; "
        f"đề nghị cấp có thẩm quyền tặng {bang_khen.name} cho 01 cá nhân"
    )
    decision = world.stages[-1]
    with clock.frozen_at(world.at_stage(3)):  # the city forwards the proposal: it leaves its hands as "proposed"
        advance(refresh(proposed), Action.APPROVE, actor=world.users["stage:3"])
    assert refresh(proposed).status == "proposed"
    members = services.plan_members(decision, decision.organisation)
    # The proposal to the province carries the minutes of the city's council (Stage.dossier_minutes).
    assert [m.spec.kind for m in members] == [
        DocumentKind.DU_THAO_QUYET_DINH, DocumentKind.TO_TRINH, DocumentKind.BIEN_BAN, DocumentKind.BAO_CAO_THANH_TICH,
    ]
    draft, to_trinh, minutes_member, report = (m.source for m in members)
    assert [g["award_form"] for g in draft["groups"]] == [giay_khen.name]
    assert members[2].spec.stage.pk == appraisal.pk and minutes_member["council"] == minutes_source["council"]
    assert any(line.startswith(f"Căn cứ Biên bản họp {minutes_source['council']}") for line in to_trinh["legal_lines"])
    assert members[3].spec.nomination.pk == proposed.pk
    # An individual's report for the Giấy khen marks the criteria that replace one another (one kind
    # of person or another) and judges them as the workflow does: one met is enough.
    from tests.nominations.conftest import new_nomination as draft

    with clock.frozen_at(world.at_stage(1)):
        person = draft(world, code, kind="individual", full_name="Thạch Văn Sơn", person_identifier="091188000888", award_form=giay_khen)
    individual_report = sources.report_source(person)
    assert sum(r["alternative"] for r in individual_report["criteria"]) == 3 and individual_report["has_alternatives"]
    assert "(*) Các tiêu chí thay thế nhau: đạt một tiêu chí là đủ." in text_of(individual_report)
    assert to_trinh["addressee"] == "Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang"
    text = text_of(to_trinh)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang." in text
    assert f"xem xét, tặng {bang_khen.name} cho 01 cá nhân" in text


def test_an_annual_round_speaks_of_its_year_and_a_clone_of_the_next(son_la_unit):
    from campaigns.services.rounds import clone_round

    world = son_la_unit
    assert sources.round_block(world.round)["campaign"] == "phong trào thi đua “Chuyển đổi số trên địa bàn tỉnh Sơn La” năm 2024"
    final = world.round.campaign.rounds.get(code="tong-ket-2025")
    assert sources.round_block(final)["campaign"] == world.round.campaign.name  # the whole period
    assert clone_round(round_=world.round, year=2026).achievement_field == "phong trào thi đua “Chuyển đổi số trên địa bàn tỉnh Sơn La” năm 2026"


def test_the_summary_names_only_the_kinds_of_nominee_there_are():
    assert [sources.nominees_phrase(*counts) for counts in ((2, 0), (0, 5), (1, 1))] == ["các tập thể", "các cá nhân", "các tập thể, cá nhân"]
