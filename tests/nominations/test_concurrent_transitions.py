"""Four people press the same button on one nomination at the same moment (a double click, two
tabs, two reviewers): exactly one transition happens, the other three are refused with a
Vietnamese reason, never an exception from the database layer (which the page showed as a 500).
Needs PostgreSQL (row locks); run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_x."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from campaigns import clock
from nominations.models import Nomination, NominationEvent, Status
from nominations.services import ServiceError, record_decision
from nominations.workflow import Action, TransitionError, advance

from .conftest import hold_unit_council, new_nomination, race, ready_at_stage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONTENDERS = [1, 2, 3, 4]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(f"Concurrency test needs PostgreSQL (SELECT ... FOR UPDATE row locks); the database is {connection.vendor}.")


def _one_done_three_refused(outcomes, refusal=TransitionError):
    done = [key for key, outcome in outcomes.items() if outcome == "done"]
    refused = [outcome for outcome in outcomes.values() if outcome != "done"]
    assert len(done) == 1, outcomes
    assert [type(error) for error in refused] == [refusal] * 3, outcomes
    for error in refused:
        message = str(error)
        assert message and "DoesNotExist" not in message and "matching query" not in message, message
    return refused


def _race_action(world, nomination_pk, action, user_key, order, comment=""):
    def act(_key, start):
        actor = get_user_model().objects.get(pk=world.users[user_key].pk)
        nomination = Nomination.objects.get(pk=nomination_pk)
        with clock.frozen_at(world.at_stage(order)):
            start()
            advance(nomination, action, actor=actor, comment=comment)

    return race(CONTENDERS, act)


def test_four_simultaneous_submits_give_one_submission(nt_world):
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-y-te-nt")
        hold_unit_council(world, "so-y-te-nt", [nomination])
    outcomes = _race_action(world, nomination.pk, Action.SUBMIT, "officer:so-y-te-nt", 1)
    refused = _one_done_three_refused(outcomes)
    assert {str(error) for error in refused} == {"Hồ sơ đã được gửi."}
    assert NominationEvent.objects.filter(nomination=nomination, action=Action.SUBMIT).count() == 1
    assert Nomination.objects.get(pk=nomination.pk).stage.order == 2


@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN, Action.REJECT])
def test_four_simultaneous_reviews_give_one_transition(nt_world, action):
    world = nt_world
    nomination = ready_at_stage(world, "so-y-te-nt", order=2)
    comment = "" if action == Action.APPROVE else "Thiếu minh chứng"
    outcomes = _race_action(world, nomination.pk, action, "stage:2", 2, comment=comment)
    _one_done_three_refused(outcomes)
    assert NominationEvent.objects.filter(nomination=nomination, action=action).count() == 1
    expected = {Action.APPROVE: Status.IN_REVIEW, Action.RETURN: Status.RETURNED, Action.REJECT: Status.REJECTED}[action]
    assert Nomination.objects.get(pk=nomination.pk).status == expected


def test_four_simultaneous_decisions_award_once(nt_world):
    world = nt_world
    nomination = ready_at_stage(world, "so-y-te-nt", order=4)
    final = world.stages[-1]

    def decide(key, start):
        actor = get_user_model().objects.get(pk=world.users["stage:4"].pk)
        target = Nomination.objects.get(pk=nomination.pk)
        with clock.frozen_at(world.at_stage(4)):
            start()
            record_decision(
                actor=actor, round_=world.round, number=f"{key}/QĐ-UBND", date=final.deadline - dt.timedelta(days=2),
                signer="Trần Quốc Nam", nominations=[target],
            )

    refused = _one_done_three_refused(race(CONTENDERS, decide), refusal=ServiceError)
    assert {str(error) for error in refused} == {"Hồ sơ không ở bước xét."}
    assert Nomination.objects.get(pk=nomination.pk).status == Status.AWARDED
    assert NominationEvent.objects.filter(nomination=nomination, action=Action.APPROVE, from_stage=final).count() == 1


def test_four_simultaneous_submit_requests_all_answer_with_a_page(nt_world):
    """The probe's case over HTTP: four POSTs of the submit button at once give four redirects
    (one "Đã gửi", three "Chưa gửi được hồ sơ. Hồ sơ đã được gửi."), never a 500."""
    from django.test import Client
    from django.urls import reverse

    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-y-te-nt")
        hold_unit_council(world, "so-y-te-nt", [nomination])
    answers = {}

    def post(key, start):
        client = Client(raise_request_exception=True)
        client.force_login(get_user_model().objects.get(pk=world.users["officer:so-y-te-nt"].pk))
        with clock.frozen_at(world.at_stage(1)):
            start()
            response = client.post(reverse("nomination_submit", args=[nomination.pk]))
        answers[key] = (response.status_code, [str(m) for m in response.wsgi_request._messages])

    outcomes = race(CONTENDERS, post)
    assert set(outcomes.values()) == {"done"}, outcomes
    assert sorted(status for status, _ in answers.values()) == [302] * 4
    messages = sorted(message for _, shown in answers.values() for message in shown if "gửi" in message and "Thư" not in message)
    assert messages[:3] == ["Chưa gửi được hồ sơ. Hồ sơ đã được gửi."] * 3 and messages[3].startswith("Đã gửi hồ sơ đến bước"), messages
    assert NominationEvent.objects.filter(nomination=nomination, action=Action.SUBMIT).count() == 1


def test_withdraw_and_approve_at_once_give_one_transition(nt_world):
    """The unit withdraws while the reviewer approves, at the same moment: the row lock lets one
    through, the other is refused with its reason; never both, never a 500."""
    world = nt_world
    nomination = ready_at_stage(world, "so-y-te-nt", order=2)
    moves = {
        "unit": (Action.WITHDRAW, "officer:so-y-te-nt"),
        "reviewer": (Action.APPROVE, "stage:2"),
    }

    def act(key, start):
        action, user_key = moves[key]
        actor = get_user_model().objects.get(pk=world.users[user_key].pk)
        target = Nomination.objects.get(pk=nomination.pk)
        with clock.frozen_at(world.at_stage(2)):
            start()
            advance(target, action, actor=actor)

    outcomes = race(list(moves), act)
    done = [key for key, outcome in outcomes.items() if outcome == "done"]
    assert len(done) == 1, outcomes
    refused = next(outcome for outcome in outcomes.values() if outcome != "done")
    assert type(refused) is TransitionError, outcomes
    after = Nomination.objects.get(pk=nomination.pk)
    if done == ["unit"]:
        assert (after.status, after.stage.order) == (Status.DRAFT, 1)
        assert str(refused) == "Hồ sơ không ở bước xét."
    else:
        assert (after.status, after.stage.order) == (Status.IN_REVIEW, 3)
        assert str(refused) == "Chỉ rút được hồ sơ đã gửi mà cơ quan xét chưa xử lý."
    assert NominationEvent.objects.filter(nomination=nomination, action__in=[Action.WITHDRAW, Action.APPROVE], from_stage__order=2).count() == 1


def test_four_simultaneous_withdrawals_give_one(nt_world):
    world = nt_world
    nomination = ready_at_stage(world, "so-y-te-nt", order=2)
    outcomes = _race_action(world, nomination.pk, Action.WITHDRAW, "officer:so-y-te-nt", 2)
    refused = _one_done_three_refused(outcomes)
    assert {str(error) for error in refused} == {"Chỉ rút được hồ sơ đã gửi mà cơ quan xét chưa xử lý."}
    assert NominationEvent.objects.filter(nomination=nomination, action=Action.WITHDRAW).count() == 1
    assert Nomination.objects.get(pk=nomination.pk).status == Status.DRAFT
