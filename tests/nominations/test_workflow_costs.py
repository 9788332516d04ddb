"""What moving many nominations costs: simulate_round and bulk approval read the round's rules once
(workflow.RoundRules) and hand them to every advance(). The cost of one nomination's moves does not
grow with the number of nominations, the rules are read a fixed number of times per run, and the
outcome is exactly the one advance() gives when it reads everything itself.

The PostgreSQL test at the end runs only with DATABASE_URL=postgres://... (row locks)."""
import contextlib
import datetime as dt
import json
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from campaigns import clock
from campaigns.models import UnitCategory
from nominations import services
from demo import simulation
from nominations.batch import approve_batch
from nominations.models import Nomination, Status
from nominations.services import grant_extension
from nominations.workflow import Action, RoundRules, TransitionError, advance, blockers

from .conftest import load, race, ready_at_stage, refresh

pytestmark = pytest.mark.django_db

# Statements that read a round's rule definitions (never the places used, never a vote).
RULE_READS = {
    "stages": re.compile(r'\bFROM "campaigns_stage"'),
    "quota rules": re.compile(r'\bFROM "quotas_quotaexception"'),  # one per reading of the rules (their prefetch)
    "award forms": re.compile(r'\bFROM "campaigns_roundawardform"'),
    "eligibility": re.compile(r'\bFROM "campaigns_eligibilitycondition"'),
    "extensions": re.compile(r'\bFROM "nominations_deadlineextension"'),
}
CRITERIA_READS = re.compile(r'\bFROM "criteria_criterion"')


@contextlib.contextmanager
def counting_queries():
    """Every statement sent to the database (savepoints included: they are round trips too)."""
    seen = {"n": 0, "sql": []}

    def wrapper(execute, sql, params, many, context):
        seen["n"] += 1
        seen["sql"].append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def run(monkeypatch, round_, n, *, seed=1, share_rules=True, **shares):
    """simulate_round rolled back, with the statements of each nomination's advance() calls
    attributed to it. Returns (result, costs by path, all statements of the run)."""
    per_nomination = defaultdict(int)
    paths = defaultdict(list)
    real = simulation.advance

    with counting_queries() as seen:

        def counted(nomination, action, **kwargs):
            before, outcome = seen["n"], "refused"
            try:
                moved = real(nomination, action, **kwargs)
                outcome = "moved"
                return moved
            finally:
                per_nomination[nomination.pk] += seen["n"] - before
                paths[nomination.pk].append((action, outcome))

        with monkeypatch.context() as patch:
            patch.setattr(simulation, "advance", counted)
            patch.setattr(services, "advance", counted)  # record_decision's own advance() calls
            with transaction.atomic():
                result = simulation.simulate_round(round_=round_, nominations=n, seed=seed, share_rules=share_rules, **shares)
                kinds = dict(Nomination.objects.filter(pk__in=per_nomination).values_list("pk", "kind"))
                transaction.set_rollback(True)
    by_path = defaultdict(list)
    for pk, cost in per_nomination.items():
        by_path[(kinds[pk], tuple(paths[pk]))].append(cost)
    return result, by_path, seen["sql"]


def rule_reads(statements) -> dict:
    return {name: sum(1 for sql in statements if pattern.search(sql)) for name, pattern in RULE_READS.items()}


def test_queries_per_nomination_do_not_grow_with_the_number_of_nominations(nt_round, monkeypatch):
    small, small_paths, _ = run(monkeypatch, nt_round, 5)
    large, large_paths, large_sql = run(monkeypatch, nt_round, 20)
    assert large.refused_by_quota > 0  # the 20 fill the quotas: refusals are measured too
    common = set(small_paths) & set(large_paths)
    assert common, (small_paths, large_paths)
    for path in common:
        # The same walk costs the same whatever the number of nominations; the first move at a
        # stage may read that stage's extensions, the first submission the registrations.
        floor = min(small_paths[path])
        assert min(large_paths[path]) == floor, path
        assert max(large_paths[path]) <= floor + 2, (path, large_paths[path])
    for path, costs in large_paths.items():
        moves = len(path[1])
        # Per move: savepoint, the nomination locked (alone) and read, its council vote, the quota
        # rules locked and the places counted, the save (and the dossiers' stale flags), the
        # event. Reading the rules again at every move costs ~15.
        assert max(costs) <= 11 * moves, (path, costs)
    # Per nomination over the whole run (drafts, their required evidence files, councils, judgements
    # and decision included; each submission reads the nomination's evidence once).
    assert len(large_sql) / 20 <= 64


def test_the_round_rules_are_read_a_fixed_number_of_times(nt_round, monkeypatch):
    _, _, small = run(monkeypatch, nt_round, 5)
    _, _, large = run(monkeypatch, nt_round, 20)
    assert rule_reads(small) == rule_reads(large)
    assert rule_reads(large)["quota rules"] == 1
    assert rule_reads(large)["stages"] <= 1
    # Criteria: once per (kind, category, award form) met, however many nominations share it.
    combinations = 2 * UnitCategory.objects.count() * nt_round.award_forms.count()
    assert sum(1 for sql in large if CRITERIA_READS.search(sql)) <= combinations
    # Without the shared rules every advance() reads them: the measure above sees the difference.
    _, _, unshared = run(monkeypatch, nt_round, 20, share_rules=False)
    assert rule_reads(unshared)["quota rules"] > 20
    assert len(unshared) > len(large)


def _command(*args):
    out = StringIO()
    with transaction.atomic():
        call_command("simulate_round", *args, "--json", stdout=out)
        outcomes = list(
            Nomination.objects.order_by("pk").values_list(
                "kind", "nominee_unit__code", "award_form__code", "status", "stage__order", "outcome_reason", "criteria_status"
            )
        )
        events = list(
            Nomination.objects.order_by("pk", "events__pk").values_list(
                "events__action", "events__from_status", "events__to_status", "events__to_stage__order", "events__comment", "events__at"
            )
        )
        transaction.set_rollback(True)
    return out.getvalue(), outcomes, events


@pytest.mark.parametrize(
    "campaign, round_code, args",
    [
        ("ninh-thuan-2024", "nam-2024", ["--nominations", "40", "--seed", "7"]),
        ("ninh-thuan-2024", "nam-2024", ["--nominations", "40", "--seed", "4", "--leave-share", "0.2", "--return-share", "0.15", "--reject-share", "0.1"]),
        ("thanh-hoa-2024", "nam-2024", ["--nominations", "40", "--seed", "8", "--reject-share", "0.1"]),
    ],
)
def test_json_output_is_the_same_with_and_without_the_shared_rules(campaign, round_code, args):
    load(f"{campaign}.yaml")
    args = ["--campaign", campaign, "--round", round_code, *args]
    shared = _command(*args)
    unshared = _command(*args, "--no-shared-rules")
    assert json.loads(shared[0])["nominations"] == 40
    assert shared[0] == unshared[0]  # same numbers, same refusals
    assert shared[1] == unshared[1]  # same outcome and reason for every nomination
    assert shared[2] == unshared[2]  # same history, event by event


# --- RoundRules in advance() and in a bulk approval ---------------------------------------------


def test_round_rules_give_the_same_blockers_and_honour_extensions(nt_world):
    world = nt_world
    first = ready_at_stage(world, "so-tai-chinh-nt")
    second = ready_at_stage(world, "so-y-te-nt")
    reviewer = world.users["stage:2"]
    past = world.at_stage(2, days_before=-3)  # three days after the stage-2 deadline
    with clock.frozen_at(past):
        rules = RoundRules.load(world.round)
        for nomination in (first, second):
            assert [b.message for b in blockers(nomination, Action.APPROVE, actor=reviewer, round_rules=rules)] == [
                b.message for b in blockers(nomination, Action.APPROVE, actor=reviewer)
            ]
            with pytest.raises(TransitionError, match="Đã hết hạn"):
                advance(nomination, Action.APPROVE, actor=reviewer, round_rules=rules)
    # An extension for the reviewing organisation, granted by the next stage, read by the next operation.
    stage2 = world.stages[1]
    with clock.frozen_at(world.at_stage(2)):
        grant_extension(
            actor=world.users["stage:3"], stage=stage2, unit=stage2.organisation,
            new_deadline=stage2.deadline + dt.timedelta(days=5), reason="Chờ biên bản Hội đồng",
        )
    with clock.frozen_at(past):
        rules = RoundRules.load(world.round)
        moved = advance(first, Action.APPROVE, actor=reviewer, round_rules=rules)
    assert moved.stage.order == 3 and refresh(first).stage.order == 3


def test_record_decision_hands_its_round_rules_to_each_transition(nt_world):
    """record_decision moves every nomination through advance(): with round_rules, none re-reads the rules."""
    world = nt_world
    nominations = [ready_at_stage(world, code, order=4) for code in ("so-tai-chinh-nt", "so-y-te-nt")]
    rules = RoundRules.load(world.round)
    with clock.frozen_at(world.at_stage(4)):
        with counting_queries() as seen:
            services.record_decision(
                actor=world.users["stage:4"], round_=world.round, number="12/QĐ-UBND", date=clock.today(),
                signer="Trần Quốc Nam", nominations=nominations, round_rules=rules,
            )
    assert rule_reads(seen["sql"])["quota rules"] == 0
    assert [refresh(n).status for n in nominations] == [Status.AWARDED, Status.AWARDED]


def test_bulk_approval_with_round_rules_keeps_the_quota(nt_world):
    world = nt_world
    codes = ["so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt", "so-xd-nt", "so-ct-nt", "so-nn-nt"]
    nominations = [ready_at_stage(world, code) for code in codes]
    with clock.frozen_at(world.at_stage(2)):
        results = approve_batch(stage=world.stages[1], nomination_ids=[n.pk for n in nominations], actor=world.users["stage:2"])
    assert [r.ok for r in results] == [True] * 5 + [False]
    assert "Vượt số lượng khen thưởng" in results[5].message and "đã dùng 5/5" in results[5].message
    assert [refresh(n).stage.order for n in nominations] == [3, 3, 3, 3, 3, 2]


# --- PostgreSQL: two bulk approvals, each with its own RoundRules, race for the last place -------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bulk_approvals_take_the_last_place_at_once(nt_world):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL (SELECT ... FOR UPDATE row locks); run with DATABASE_URL=postgres://...")
    world = nt_world
    codes = ["so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt", "so-xd-nt", "so-ct-nt", "so-nn-nt"]
    nominations = [ready_at_stage(world, code) for code in codes]
    stage2 = world.stages[1]
    with clock.frozen_at(world.at_stage(2)):
        approve_batch(stage=stage2, nomination_ids=[n.pk for n in nominations[:4]], actor=world.users["stage:2"])
    contenders = nominations[4:]
    def approve(nomination_id, start):
        reviewer = get_user_model().objects.get(pk=world.users["stage:2"].pk)
        stage = type(stage2).objects.select_related("round", "organisation").get(pk=stage2.pk)
        with clock.frozen_at(world.at_stage(2)):
            rules = RoundRules.load(stage.round)  # read before the race: definitions only
            nomination = Nomination.objects.get(pk=nomination_id)
            start()
            advance(nomination, Action.APPROVE, actor=reviewer, round_rules=rules)

    outcomes = race([n.pk for n in contenders], approve)
    approved = [pk for pk, outcome in outcomes.items() if outcome == "done"]
    refused = [outcome for outcome in outcomes.values() if outcome != "done"]
    assert len(approved) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], TransitionError) and "đã dùng 5/5" in str(refused[0]), repr(refused[0])
    assert Nomination.objects.filter(stage__order=3, status=Status.IN_REVIEW).count() == 5
