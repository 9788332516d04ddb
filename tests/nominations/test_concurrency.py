"""Two reviewers take the last quota place at the same moment: the lock in check_quotas serialises
them and exactly one wins. Needs PostgreSQL (row locks); run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_dev .venv/bin/python -m pytest tests/nominations/test_concurrency.py
"""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from campaigns import clock
from nominations.models import Nomination, Status
from nominations.workflow import Action, TransitionError, advance

from .conftest import race, ready_at_stage, refresh

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNITS = ["so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt", "so-xd-nt", "so-ct-nt", "so-nn-nt"]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"Concurrency test needs PostgreSQL (SELECT ... FOR UPDATE row locks); the database is {connection.vendor}. "
            "Run with DATABASE_URL=postgres://... to include it."
        )


def test_two_reviewers_take_the_last_place_at_once(nt_world):
    world = nt_world
    nominations = [ready_at_stage(world, code) for code in UNITS]
    with clock.frozen_at(world.at_stage(2)):
        for nomination in nominations[:4]:
            advance(nomination, Action.APPROVE, actor=world.users["stage:2"])
    contenders = nominations[4:]
    assert Nomination.objects.filter(stage__order=3, status=Status.IN_REVIEW).count() == 4  # one place left of 5

    def approve(nomination_id, start):
        # Each thread: its own connection, its own user object, its own (thread-local) portal clock.
        reviewer = get_user_model().objects.get(pk=world.users["stage:2"].pk)
        nomination = Nomination.objects.get(pk=nomination_id)
        with clock.frozen_at(world.at_stage(2)):
            start()
            advance(nomination, Action.APPROVE, actor=reviewer)

    outcomes = race([n.pk for n in contenders], approve)
    approved = [pk for pk, outcome in outcomes.items() if outcome == "done"]
    refused = {pk: outcome for pk, outcome in outcomes.items() if outcome != "done"}
    assert len(approved) == 1, outcomes
    assert len(refused) == 1, outcomes
    (loser, error), = refused.items()
    assert isinstance(error, TransitionError), repr(error)
    assert "Vượt số lượng khen thưởng" in str(error) and "đã dùng 5/5" in str(error)

    assert Nomination.objects.filter(stage__order=3, status=Status.IN_REVIEW).count() == 5
    assert refresh(Nomination.objects.get(pk=approved[0])).stage.order == 3
    assert refresh(Nomination.objects.get(pk=loser)).stage.order == 2
    assert Nomination.objects.get(pk=loser).events.filter(action="approve").count() == 0
