"""Allocation lists are exhaustive (quotas.models.QuotaAllocation): when a plan breaks an award
form's places into named shares, a nominee that no share covers gets no place. The workflow's
guard refuses it at submission and at every later step, citing the clause, and the unit page
lists the reason before the click; a category the data maps to a share is counted there.

Sơn La 2021-2025 (QĐ 253/QĐ-UBND, Kế hoạch mục III.3.a): 11 collectives as 02 + 04 + 01 + 02 + 01 +
01 across six named groups, none of them MTTQ or đoàn thể. Thanh Hóa 2024 (HD Sở TT&TT, mục
III.4.a): five groups; a commune's individual proposed by its district is one of the district's
"01 tập thể hoặc 01 cá nhân"; a press agency proposes collectives only."""
import pytest

from campaigns import clock
from nominations.models import Status
from nominations.workflow import Action, TransitionError, advance, blockers
from quotas.models import QuotaAllocation

from .conftest import build_world, load, make_unit, new_nomination, ready_at_stage, refresh, submitted

pytestmark = pytest.mark.django_db

SO = "so-xay-dung-sl"
MTTQ = "uy-ban-mttq-sl"
BK = "bang-khen-chu-tich-ubnd-tinh"


@pytest.fixture
def sl_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load("son-la-2021-2025.yaml")
    return build_world("son-la-2021-2025", "nam-2023", [
        (SO, "Sở Xây dựng tỉnh Sơn La", "so_ban_nganh", None, "tinh"),
        (MTTQ, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Sơn La", "mttq_doan_the", None, "tinh"),
    ])


def test_a_mass_organisation_is_refused_the_bang_khen_citing_the_clause(sl_world):
    with pytest.raises(TransitionError) as error:
        submitted(sl_world, MTTQ)
    message = str(error.value)
    assert message.startswith(
        "Không có chỉ tiêu Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho tập thể thuộc khối \"Mặt trận Tổ quốc và các "
        "đoàn thể, tổ chức chính trị - xã hội\": QĐ 253/QĐ-UBND, Kế hoạch mục III.3.a, gạch đầu dòng 1 (đối với tập thể) "
        "chia toàn bộ số lượng (11 tập thể chia cho sáu nhóm: 02 + 04 + 01 + 02 + 01 + 01) cho các khối được nêu"
    )
    assert "Giấy khen của thủ trưởng" in message  # the data's note says why, and what is left
    nomination = sl_world.round.nominations.get(proposing_unit__code=MTTQ)
    assert (nomination.status, nomination.stage.order) == (Status.DRAFT, 1)


def test_the_unit_page_lists_the_reason_before_the_click(sl_world):
    with clock.frozen_at(sl_world.at_stage(1)):
        nomination = new_nomination(sl_world, MTTQ, kind="individual", full_name="Lò Thị Hoa", person_identifier="014185000111")
        found = [b.message for b in blockers(nomination, Action.SUBMIT, actor=sl_world.users[f"officer:{MTTQ}"])]
    prefix = "Không có chỉ tiêu Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho cá nhân thuộc khối \"Mặt trận Tổ quốc"
    assert [m[: len(prefix)] for m in found if m.startswith("Không có chỉ tiêu")] == [prefix]


def test_a_department_named_by_a_share_goes_through(sl_world):
    nomination = submitted(sl_world, SO)
    assert (nomination.status, nomination.stage.order) == (Status.IN_REVIEW, 2)


def test_the_unit_s_own_giay_khen_is_not_divided(sl_world):
    """The Giấy khen of the unit's head (mục III.3.b) has no allocation: a mass organisation grants it."""
    giay_khen = sl_world.round.award_forms.get(code="giay-khen-thu-truong")
    nomination = submitted(sl_world, MTTQ, award_form=giay_khen)
    assert nomination.status == Status.AWARDED


def test_a_nomination_already_in_review_is_stopped_at_approval(sl_world):
    """Submitted while the round had no allocation (an older version of its rules), the mass
    organisation's nomination is not approved once the allocation is there."""
    allocations = list(QuotaAllocation.objects.filter(round=sl_world.round).values())
    QuotaAllocation.objects.filter(round=sl_world.round).delete()
    nomination = ready_at_stage(sl_world, MTTQ)
    assert nomination.stage.order == 2
    load("son-la-2021-2025.yaml", overwrite=True)  # the allocations again, as the data file has them
    assert QuotaAllocation.objects.filter(round=sl_world.round).count() == len(allocations)
    reviewer = sl_world.users["stage:2"]
    with clock.frozen_at(sl_world.at_stage(2)):
        found = [b.message for b in blockers(refresh(nomination), Action.APPROVE, actor=reviewer)]
        assert any(m.startswith("Không có chỉ tiêu Bằng khen") for m in found)
        with pytest.raises(TransitionError, match="Không có chỉ tiêu Bằng khen"):
            advance(refresh(nomination), Action.APPROVE, actor=reviewer)
    assert refresh(nomination).stage.order == 2


# --- Thanh Hóa 2024: a mapping to a share, a kind left out, a level left out ------------------------

HUYEN = "ubnd-huyen-hau-loc"
BAO = "bao-thanh-hoa"


@pytest.fixture
def th_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load("thanh-hoa-2024.yaml")
    world = build_world("thanh-hoa-2024", "nam-2024", [
        (HUYEN, "UBND huyện Hậu Lộc", "ubnd_huyen", None, "huyen"),
        (BAO, "Báo Thanh Hóa", "bao_chi", None, "tinh"),
        ("huyen-doan-hau-loc", "Huyện đoàn Hậu Lộc", "mttq_doan_the", HUYEN, "huyen"),
    ])
    world.commune = make_unit("ubnd-xa-hoa-loc", "UBND xã Hoa Lộc", "ubnd_xa", world.units[HUYEN], "xa")
    return world


def test_a_commune_s_individual_proposed_by_its_district_takes_the_district_s_place(th_world):
    """Mapped in the data (gạch đầu dòng 2 and 3): counted in "01 tập thể hoặc 01 cá nhân" of the district."""
    person = submitted(th_world, HUYEN, kind="individual", nominee_unit=th_world.commune, full_name="Lê Thị Mai", person_identifier="038186000123")
    assert person.status == Status.IN_REVIEW
    with pytest.raises(TransitionError, match="đã dùng 1/1"):
        submitted(th_world, HUYEN)  # the district itself: its one place is taken
    commune = submitted(th_world, HUYEN, nominee_unit=th_world.commune)  # the commune as a collective: a share of its own
    assert commune.status == Status.IN_REVIEW


def test_once_the_district_used_its_place_a_commune_s_individual_has_none(th_world):
    assert submitted(th_world, HUYEN).status == Status.IN_REVIEW
    with pytest.raises(TransitionError, match="UBND cấp huyện: không quá 01 tập thể .* đã dùng 1/1"):
        submitted(th_world, HUYEN, kind="individual", nominee_unit=th_world.commune, full_name="Lê Thị Mai", person_identifier="038186000123")


def test_a_press_agency_proposes_its_collective_but_not_an_individual(th_world):
    assert submitted(th_world, BAO).status == Status.IN_REVIEW
    with pytest.raises(TransitionError) as error:
        submitted(th_world, BAO, kind="individual", full_name="Trịnh Văn Nam", person_identifier="038088000456")
    assert str(error.value).startswith(
        "Không có chỉ tiêu Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho cá nhân thuộc khối \"Cơ quan báo chí\": "
        "HD Sở TT&TT Thanh Hóa 2024, mục III.4.a chia toàn bộ số lượng"
    )
    assert "chỉ được đề xuất khen thưởng tập thể (gạch đầu dòng 5)" in str(error.value)


def test_a_district_mass_organisation_has_no_place_of_its_own_but_its_district_may_propose_it(th_world):
    """"Cấp tỉnh (gồm Sở, ban ngành, khối đảng, đoàn thể)": a district's Youth Union proposing
    itself is in no group; proposed by the district's People's Committee it is in the district's."""
    by_district = submitted(th_world, HUYEN, nominee_unit=th_world.units["huyen-doan-hau-loc"])
    assert by_district.status == Status.IN_REVIEW
    with pytest.raises(TransitionError, match="Không có chỉ tiêu Bằng khen .* cho cá nhân thuộc khối \"Mặt trận Tổ quốc"):
        submitted(th_world, "huyen-doan-hau-loc", kind="individual", full_name="Đỗ Văn An", person_identifier="038090000333")


def test_a_cloned_round_keeps_its_allocation_shares_and_mappings(th_world):
    from campaigns.services.rounds import clone_round

    clone = clone_round(round_=th_world.round, year=2025)
    allocation = clone.quota_allocations.get()
    assert allocation.code == "phan-bo-bang-khen" and allocation.award_form.round_id == clone.pk
    assert sorted(allocation.shares.values_list("code", flat=True)) == [
        "bk-bao-chi", "bk-cap-tinh-moi-don-vi", "bk-doanh-nghiep", "bk-ubnd-huyen-moi-don-vi", "bk-ubnd-xa-moi-huyen",
    ]
    assert all(rule.round_id == clone.pk for rule in allocation.shares.all())
    mapped = {(m.category.code, m.nominee_kind, m.share.code if m.share else None) for m in allocation.mappings.all()}
    assert mapped == {("ubnd_xa", "individual", "bk-ubnd-huyen-moi-don-vi"), ("bao_chi", "individual", None)}
    assert all(m.share is None or m.share.round_id == clone.pk for m in allocation.mappings.all())
