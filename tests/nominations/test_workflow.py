"""Every transition: allowed, forbidden for each other role, past the deadline, quota full,
council share below the rule, ineligible nominee."""
import datetime as dt

import pytest

from campaigns import clock
from campaigns.models import VoteRule
from nominations.models import NominationEvent, Status
from nominations.services import ServiceError, grant_extension, judge_criterion, record_council_meeting
from nominations.workflow import Action, TransitionError, advance, allowed_actions

from .conftest import hold_unit_council, new_nomination, refresh

pytestmark = pytest.mark.django_db


def submitted(world, unit_code, **kwargs):
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, unit_code, **kwargs)
        hold_unit_council(world, unit_code, [nomination])
        return advance(nomination, Action.SUBMIT, actor=world.users[f"officer:{unit_code}"])


def judged(world, nomination):
    reviewer = world.users["stage:2"]
    with clock.frozen_at(world.at_stage(2)):
        for value in nomination.criterion_values.filter(status="pending"):
            judge_criterion(nomination=nomination, criterion_value=value, judgement="met", actor=reviewer)
    return refresh(nomination)


def other_roles(world, allowed_key):
    return {k: u for k, u in world.users.items() if u != world.users[allowed_key]}


def test_submit_allowed_for_own_unit_officer_only(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
        for key, user in other_roles(world, "officer:so-tai-chinh-nt").items():
            with pytest.raises(TransitionError):
                advance(nomination, Action.SUBMIT, actor=user)
        assert allowed_actions(nomination, actor=world.users["officer:so-tai-chinh-nt"]) == [Action.SUBMIT]
        nomination = advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
    assert nomination.status == Status.IN_REVIEW
    assert nomination.furthest_stage_order == 2


def test_submit_refused_after_deadline_with_the_date_named(nt_world):
    world = nt_world
    deadline = world.stages[0].deadline
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
    late = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0, 0, 1), tzinfo=clock.VIETNAM)
    with clock.frozen_at(late):
        with pytest.raises(TransitionError, match=deadline.strftime("%d/%m/%Y")):
            advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
    assert refresh(nomination).status == Status.DRAFT


def test_submit_allowed_until_the_end_of_the_deadline_day(nt_world):
    world = nt_world
    deadline = world.stages[0].deadline
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
    with clock.frozen_at(dt.datetime.combine(deadline, dt.time(23, 59, 30), tzinfo=clock.VIETNAM)):
        nomination = advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
    assert nomination.status == Status.IN_REVIEW


def test_extension_lets_one_late_unit_submit_and_is_logged(nt_world):
    world = nt_world
    first = world.stages[0]
    with clock.frozen_at(world.at_stage(1)):
        late_one = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [late_one])
        other = new_nomination(world, "so-y-te-nt")
        hold_unit_council(world, "so-y-te-nt", [other])
    after = dt.datetime.combine(first.deadline + dt.timedelta(days=2), dt.time(9), tzinfo=clock.VIETNAM)
    with clock.frozen_at(after):
        with pytest.raises(ServiceError):
            grant_extension(actor=world.users["officer:so-y-te-nt"], stage=first, unit=world.units["so-tai-chinh-nt"],
                            new_deadline=first.deadline + dt.timedelta(days=5), reason="Mất điện")
        extension = grant_extension(actor=world.users["stage:2"], stage=first, unit=world.units["so-tai-chinh-nt"],
                                    new_deadline=first.deadline + dt.timedelta(days=5), reason="Sự cố mạng tại đơn vị")
        assert extension.granted_by == world.users["stage:2"]
        advance(late_one, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
        with pytest.raises(TransitionError, match="Đã hết hạn"):
            advance(other, Action.SUBMIT, actor=world.users["officer:so-y-te-nt"])


def test_submit_refused_without_eligibility_declaration(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt", declared=False)
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
        with pytest.raises(TransitionError, match="cam kết"):
            advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])


def test_submit_refused_when_a_mandatory_criterion_fails(nt_world):
    from nominations.services import applicable_criteria, save_nomination

    from .conftest import fill_criteria

    world = nt_world
    officer = world.users["officer:so-tai-chinh-nt"]
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        values = fill_criteria(nomination)
        tthc = next(c for c in applicable_criteria(nomination) if c.code == "tthc-truc-tuyen")
        values[tthc.pk] = {"number": 69.99}
        data = {f: getattr(nomination, f) for f in ("kind", "nominee_unit", "full_name", "gender", "birth_year", "position", "person_identifier", "award_form", "achievement_summary", "eligibility_declared")}
        nomination = save_nomination(actor=officer, round_=world.round, proposing_unit=nomination.proposing_unit, data=data, values=values, nomination=nomination)
        assert nomination.criteria_status == "not_met"
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
        with pytest.raises(TransitionError, match="tiêu chí bắt buộc chưa đạt"):
            advance(nomination, Action.SUBMIT, actor=officer)
    assert refresh(nomination).status == Status.DRAFT


def test_council_share_of_all_members_below_majority_blocks(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        # 9 members, 7 present, 4 votes: 4/7 of those present but only 4/9 of all members.
        hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=9, present=7, votes=4)
        with pytest.raises(TransitionError, match="tổng số thành viên"):
            advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
        hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=9, present=7, votes=5)
        advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])


def test_council_without_quorum_blocks(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=9, present=5, votes=5)
        with pytest.raises(TransitionError, match="túc số"):
            advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])


def test_eighty_percent_rule_counts_all_members(nt_world):
    world = nt_world
    form = world.round.award_forms.first()
    form.vote_rule = VoteRule.objects.get(code="csd-co-so-co-thi-dua")
    form.save()
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=10, present=8, votes=7)
        with pytest.raises(TransitionError, match="từ 80 % tổng số thành viên"):
            advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
        hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=10, present=8, votes=8)
        advance(nomination, Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])


def test_council_votes_cannot_exceed_present_and_written(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        with pytest.raises(ServiceError, match="vượt số thành viên có mặt"):
            hold_unit_council(world, "so-tai-chinh-nt", [nomination], members=9, present=6, votes=8)


def test_approve_return_reject_only_by_the_stage_reviewer(nt_world):
    world = nt_world
    nomination = judged(world, submitted(world, "so-tai-chinh-nt"))
    with clock.frozen_at(world.at_stage(2)):
        for key, user in other_roles(world, "stage:2").items():
            for action in (Action.APPROVE, Action.RETURN, Action.REJECT):
                with pytest.raises(TransitionError):
                    advance(nomination, action, actor=user, comment="lý do")
        assert set(allowed_actions(nomination, actor=world.users["stage:2"])) == {Action.APPROVE, Action.RETURN, Action.REJECT}


def test_return_needs_a_reason_and_lets_the_unit_resubmit(nt_world):
    world = nt_world
    nomination = judged(world, submitted(world, "so-tai-chinh-nt"))
    with clock.frozen_at(world.at_stage(2, days_before=20)):
        with pytest.raises(TransitionError, match="lý do"):
            advance(nomination, Action.RETURN, actor=world.users["stage:2"], comment="  ")
        nomination = advance(nomination, Action.RETURN, actor=world.users["stage:2"], comment="Bổ sung minh chứng sản phẩm")
    assert (nomination.status, nomination.stage.order, nomination.outcome_reason) == (Status.RETURNED, 1, "Bổ sung minh chứng sản phẩm")
    with clock.frozen_at(world.at_stage(1)):
        nomination = advance(refresh(nomination), Action.SUBMIT, actor=world.users["officer:so-tai-chinh-nt"])
    assert nomination.status == Status.IN_REVIEW


def test_reject_keeps_the_reason_and_the_history_is_append_only(nt_world):
    world = nt_world
    nomination = judged(world, submitted(world, "so-tai-chinh-nt"))
    with clock.frozen_at(world.at_stage(2)):
        nomination = advance(nomination, Action.REJECT, actor=world.users["stage:2"], comment="Không đủ tiêu chuẩn")
    assert nomination.status == Status.REJECTED
    event = NominationEvent.objects.filter(nomination=nomination, action="reject").get()
    assert (event.from_status, event.to_status, event.comment) == ("in_review", "rejected", "Không đủ tiêu chuẩn")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_reviewer_past_stage_deadline_refused(nt_world):
    world = nt_world
    nomination = judged(world, submitted(world, "so-tai-chinh-nt"))
    late = dt.datetime.combine(world.stages[1].deadline + dt.timedelta(days=1), dt.time(8), tzinfo=clock.VIETNAM)
    with clock.frozen_at(late):
        with pytest.raises(TransitionError, match=world.stages[1].deadline.strftime("%d/%m/%Y")):
            advance(nomination, Action.APPROVE, actor=world.users["stage:2"])


def test_round_quota_of_five_collectives_binds_at_review(nt_world):
    from .conftest import NT_PARTICIPANTS

    world = nt_world
    nominations = [judged(world, submitted(world, code)) for code, *_ in NT_PARTICIPANTS[:6]]
    reviewer = world.users["stage:2"]
    with clock.frozen_at(world.at_stage(2)):
        for nomination in nominations[:5]:
            advance(nomination, Action.APPROVE, actor=reviewer)
        with pytest.raises(TransitionError, match="05 tập thể|5/5"):
            advance(nominations[5], Action.APPROVE, actor=reviewer)
    assert refresh(nominations[5]).stage.order == 2
    # A place freed by a return at the next stage is free again.
    with clock.frozen_at(world.at_stage(3)):
        advance(refresh(nominations[0]), Action.RETURN, actor=world.users["stage:3"], comment="Thiếu báo cáo thành tích")
    with clock.frozen_at(world.at_stage(2)):
        advance(refresh(nominations[5]), Action.APPROVE, actor=reviewer)
    assert refresh(nominations[5]).stage.order == 3


def test_individuals_quota_counts_separately(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        people = []
        for i in range(8):
            unit = ["so-tai-chinh-nt", "so-y-te-nt"][i % 2]
            nomination = new_nomination(world, unit, kind="individual", full_name=f"Nguyễn Văn {i}", person_identifier=f"0010850000{i:02d}")
            people.append((unit, nomination))
        for unit in ("so-tai-chinh-nt", "so-y-te-nt"):
            hold_unit_council(world, unit, [n for u, n in people if u == unit])
        people = [advance(n, Action.SUBMIT, actor=world.users[f"officer:{u}"]) for u, n in people]
    people = [judged(world, n) for n in people]
    with clock.frozen_at(world.at_stage(2)):
        for nomination in people[:7]:
            advance(nomination, Action.APPROVE, actor=world.users["stage:2"])
        with pytest.raises(TransitionError, match="7/7"):
            advance(people[7], Action.APPROVE, actor=world.users["stage:2"])


def test_same_nominee_cannot_take_two_award_forms(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        new_nomination(world, "so-tai-chinh-nt")
        with pytest.raises(ServiceError, match="một thành tích"):
            new_nomination(world, "so-tai-chinh-nt")
        new_nomination(world, "so-y-te-nt", kind="individual", full_name="Lê Thị Hoa", person_identifier="001085000123")
        with pytest.raises(ServiceError, match="một thành tích"):
            new_nomination(world, "so-y-te-nt", kind="individual", full_name="Lê Thị Hoa", person_identifier="001 085 000 123")


def test_unit_council_record_refused_for_another_units_officer(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        with pytest.raises(ServiceError):
            record_council_meeting(
                actor=world.users["officer:so-y-te-nt"], stage=world.stages[0], unit=world.units["so-tai-chinh-nt"],
                data={"date": dt.date(2024, 11, 1), "start_time": dt.time(8), "end_time": dt.time(9), "place": "x",
                      "chair": "a", "secretary": "b", "members_total": 5, "members_present": 5, "written_opinions": 0},
                votes={nomination.pk: 5},
            )
