"""Withdrawing a sent nomination: its unit takes it back to draft at the unit stage while the
first reviewing level has not acted on it (approved, returned or refused it); logged, and the
reviewers are told by mail like every other transition."""
import pytest
from django.urls import reverse

from campaigns import clock
from nominations.models import NominationEvent, Status
from nominations.workflow import Action, TransitionError, advance, allowed_actions, blockers

from .conftest import judge_pending, refresh, submitted

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"


def _officer_client(client, world):
    client.force_login(world.users[f"officer:{UNIT}"])
    return client


def test_withdraw_through_the_page_takes_the_nomination_back_to_draft(nt_world, client, mail):
    world = nt_world
    nomination = submitted(world, UNIT)
    officer = _officer_client(client, world)
    with clock.frozen_at(world.at_stage(1)):
        page = officer.get(reverse("nomination_detail", args=[nomination.pk])).content.decode()
        assert f'action="{reverse("nomination_withdraw", args=[nomination.pk])}"' in page
        with mail.capture():
            response = officer.post(reverse("nomination_withdraw", args=[nomination.pk]), follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Đã rút hồ sơ về bản nháp của đơn vị: có thể sửa và gửi lại trong hạn."
    nomination = refresh(nomination)
    assert (nomination.status, nomination.stage.order) == (Status.DRAFT, 1)
    event = NominationEvent.objects.filter(nomination=nomination).latest("id")
    assert (event.action, event.from_status, event.to_status, event.from_stage.order, event.to_stage.order) == (
        Action.WITHDRAW, Status.IN_REVIEW, Status.DRAFT, 2, 1,
    )
    assert event.actor == world.users[f"officer:{UNIT}"]
    withdrawn = [m for m in mail.outbox if "rút hồ sơ" in m.subject]
    assert [m.to for m in withdrawn] == [[world.users["stage:2"].email]]
    assert 'đã rút hồ sơ' in withdrawn[0].body and world.stages[1].name in withdrawn[0].body
    # Back in the unit's hands: editable, and it can be sent again within the deadline.
    with clock.frozen_at(world.at_stage(1)):
        assert allowed_actions(nomination, actor=world.users[f"officer:{UNIT}"]) == [Action.SUBMIT]
        advance(nomination, Action.SUBMIT, actor=world.users[f"officer:{UNIT}"])
    assert refresh(nomination).status == Status.IN_REVIEW


def test_withdraw_refused_once_the_reviewer_has_acted(nt_world, client):
    world = nt_world
    nomination = judge_pending(world, submitted(world, UNIT))
    with clock.frozen_at(world.at_stage(2)):
        advance(nomination, Action.APPROVE, actor=world.users["stage:2"])
    officer = _officer_client(client, world)
    with clock.frozen_at(world.at_stage(3)):
        page = officer.get(reverse("nomination_detail", args=[nomination.pk])).content.decode()
        assert reverse("nomination_withdraw", args=[nomination.pk]) not in page
        response = officer.post(reverse("nomination_withdraw", args=[nomination.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Chưa rút được hồ sơ. Chỉ rút được hồ sơ đã gửi mà cơ quan xét chưa xử lý."
    ]
    assert (refresh(nomination).status, refresh(nomination).stage.order) == (Status.IN_REVIEW, 3)


def test_withdraw_only_by_the_proposing_units_officer(nt_world):
    world = nt_world
    nomination = submitted(world, UNIT)
    with clock.frozen_at(world.at_stage(2)):
        assert [b.message for b in blockers(nomination, Action.WITHDRAW, actor=world.users["stage:2"])] == [
            "Chỉ cán bộ của đơn vị đề nghị được rút hồ sơ."
        ]
        assert Action.WITHDRAW not in allowed_actions(nomination, actor=world.users["stage:2"])
        with pytest.raises(TransitionError, match="Chỉ cán bộ của đơn vị đề nghị được rút hồ sơ."):
            advance(nomination, Action.WITHDRAW, actor=world.users["officer:so-y-te-nt"])
    assert refresh(nomination).status == Status.IN_REVIEW


def test_a_draft_cannot_be_withdrawn(nt_world):
    from .conftest import new_nomination

    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, UNIT)
        with pytest.raises(TransitionError, match="Chỉ rút được hồ sơ đã gửi mà cơ quan xét chưa xử lý."):
            advance(nomination, Action.WITHDRAW, actor=world.users[f"officer:{UNIT}"])
