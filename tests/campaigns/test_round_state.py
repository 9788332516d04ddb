"""A round is live only when its first stage can be acted on today; units and award forms follow the
organisations valid in its period (round_state, takes_part, save_nomination, clone_round)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from campaigns.models import Membership, PublicationStatus, Role, Round, Unit, UnitCategory
from campaigns.services.loading import DATA_DIR, load_campaign_files
from campaigns.services.rounds import RoundState, clone_round, round_state
from nominations.selectors import takes_part, unit_rounds
from nominations.services import ServiceError, register_unit, save_nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_hoa(db):
    load_campaign_files([DATA_DIR / "reference.yaml", DATA_DIR / "thanh-hoa-2024.yaml"])
    return Round.objects.get(campaign__code="thanh-hoa-2024", code="nam-2024")


def officer_of(unit):
    user = get_user_model().objects.create_user(username=f"cb-{unit.code}", password="x-Unused-9")
    Membership.objects.create(user=user, unit=unit, role=Role.UNIT_OFFICER)
    return user


def district_and_commune():
    root = Unit.objects.get(code="ubnd-tinh-thanh-hoa")
    district = Unit.objects.create(
        code="ubnd-huyen-x", name="Ủy ban nhân dân huyện X", category=UnitCategory.objects.get(code="ubnd_huyen"),
        level="huyen", parent=root, valid_to=dt.date(2025, 6, 30),
    )
    commune = Unit.objects.create(
        code="ubnd-xa-y", name="Ủy ban nhân dân xã Y", category=UnitCategory.objects.get(code="ubnd_xa"), level="xa", parent=root,
    )
    return district, commune


@pytest.mark.parametrize(
    "today, state",
    [
        (dt.date(2023, 12, 31), RoundState.UPCOMING),  # before 1 January of its year: nothing can be dated yet
        (dt.date(2024, 1, 1), RoundState.LIVE),
        (dt.date(2024, 10, 10), RoundState.LIVE),  # the last deadline day
        (dt.date(2024, 10, 11), RoundState.ENDED),
    ],
)
def test_round_state_follows_the_first_day_acts_can_carry_and_the_last_deadline(thanh_hoa, today, state):
    assert round_state(thanh_hoa, today=today) == state


def test_round_state_of_a_draft_round_is_draft(thanh_hoa):
    thanh_hoa.status = PublicationStatus.DRAFT
    assert round_state(thanh_hoa, today=dt.date(2024, 5, 1)) == RoundState.DRAFT


def test_a_round_of_next_year_is_not_live_before_its_year_begins(thanh_hoa):
    """The 2027 round cloned on 04/12/2026: its council meetings can be dated from 01/01/2027 only."""
    later = clone_round(round_=thanh_hoa, year=2027)
    assert round_state(later, today=dt.date(2026, 12, 4)) == RoundState.UPCOMING
    assert round_state(later, today=dt.date(2027, 1, 2)) == RoundState.LIVE


def test_home_page_rows_use_the_round_state(thanh_hoa, django_user_model):
    later = clone_round(round_=thanh_hoa, year=2027)
    unit = Unit.objects.get(code="skhcn-thanh-hoa")
    from campaigns import clock

    with clock.frozen_at(dt.datetime(2026, 12, 4, 9)):
        rows = {ur.round.pk: ur for ur in unit_rounds([unit], rounds=[later])}
        assert rows[later.pk].state == RoundState.UPCOMING and not rows[later.pk].is_live


def test_district_units_do_not_take_part_in_a_round_after_30_june_2025(thanh_hoa):
    district, commune = district_and_commune()
    later = clone_round(round_=thanh_hoa, year=2026)
    assert takes_part(district, thanh_hoa) and takes_part(commune, thanh_hoa)
    assert not takes_part(district, later) and takes_part(commune, later)


def test_a_draft_round_takes_no_part_and_no_proposal(thanh_hoa):
    _, commune = district_and_commune()
    later = clone_round(round_=thanh_hoa, year=2026, status=PublicationStatus.DRAFT)
    assert not takes_part(commune, later)
    with pytest.raises(ServiceError, match="chưa được công bố"):
        register_unit(round_=later, unit=commune, actor=officer_of(commune))


def test_a_district_unit_cannot_propose_in_a_2026_round(thanh_hoa):
    district, _ = district_and_commune()
    later = clone_round(round_=thanh_hoa, year=2026)
    form = later.award_forms.get(code="bang-khen-chu-tich-ubnd-tinh")
    data = {"kind": "collective", "nominee_unit": district, "award_form": form, "eligibility_declared": True, "achievement_summary": "Hoàn thành xuất sắc."}
    with pytest.raises(ServiceError, match=r"Đơn vị đề nghị Ủy ban nhân dân huyện X \(hoạt động đến 30/06/2025\) không còn tồn tại"):
        save_nomination(actor=officer_of(district), round_=later, proposing_unit=district, data=data, values={})
    # In its own time it still could.
    form_2024 = thanh_hoa.award_forms.get(code="bang-khen-chu-tich-ubnd-tinh")
    nomination = save_nomination(
        actor=officer_of(Unit.objects.get(code="ubnd-tp-thanh-hoa")), round_=thanh_hoa,
        proposing_unit=Unit.objects.get(code="ubnd-tp-thanh-hoa"),
        data={"kind": "collective", "nominee_unit": Unit.objects.get(code="ubnd-tp-thanh-hoa"), "award_form": form_2024, "achievement_summary": "Hoàn thành xuất sắc.",
              "eligibility_declared": True, "achievement_summary": "Hoàn thành xuất sắc."},
        values={},
    )
    assert nomination.pk


def test_a_2026_round_offers_no_district_chairman_giay_khen(thanh_hoa):
    _, commune = district_and_commune()
    later = clone_round(round_=thanh_hoa, year=2026)
    form = later.award_forms.get(code="giay-khen-chu-tich-ubnd-huyen-xa")
    assert form.granting_levels == ["xa"]
    assert "cấp huyện" not in form.name and "cấp xã" in form.name
    # A provincial department does not take the commune chairman's Giấy khen either.
    department = Unit.objects.get(code="skhcn-thanh-hoa")
    data = {"kind": "collective", "nominee_unit": department, "award_form": form, "eligibility_declared": True, "achievement_summary": "Hoàn thành xuất sắc."}
    with pytest.raises(ServiceError, match="do người đứng đầu đơn vị cấp xã tặng"):
        save_nomination(actor=officer_of(department), round_=later, proposing_unit=department, data=data, values={})
    saved = save_nomination(
        actor=officer_of(commune), round_=later, proposing_unit=commune,
        data={**data, "nominee_unit": commune}, values={},
    )
    assert saved.award_form == form


def test_a_form_granted_only_at_an_ended_level_is_not_copied(thanh_hoa):
    form = thanh_hoa.award_forms.get(code="giay-khen-chu-tich-ubnd-huyen-xa")
    form.granting_levels = ["huyen"]
    form.save(update_fields=["granting_levels"])
    later = clone_round(round_=thanh_hoa, year=2026)
    assert set(later.award_forms.values_list("code", flat=True)) == {"bang-khen-chu-tich-ubnd-tinh"}
    assert "không còn trong thời gian của đợt" in later.notes
