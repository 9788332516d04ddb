"""Large rounds for the benchmarks (tests/benchmarks/test_export_bench.py, test_dashboard_bench.py).

simulate_round walks every nomination through the real workflow; on a shared machine that is about
a third of a second per nomination, an hour for 10,000. So a large round is built in two parts, and
the benchmarks say so when they print:

1. `simulated` nominations through demo.simulation.simulate_round (real councils, votes,
   criteria, quotas, returns, a decision), on top of the report world of tests/reports/conftest.py;
2. copies of those up to `total`, bulk-created: each copy takes the stage, status, award form,
   decision, criteria counts and proposing unit of a simulated nomination, becomes an individual
   (a fresh name and identifier, so the round's uniqueness rules hold), and gets the same unit
   council vote and the same history events (submit, return) as its model.
"""
from __future__ import annotations

import random

from nominations.models import CouncilVote, Nomination, NominationEvent, Status, person_key
from demo.simulation import FAMILY_NAMES, GIVEN, MIDDLE, POSITIONS, simulate_round
from campaigns.stages import stages_of

from .conftest import make_report_world

CHUNK = 1000


def build_large_round(*, listed: int, simulated: int = 100, seed: int = 11):
    """(world, SimulationResult): the report world's round holding `listed` nominations past the
    draft stage (what an award list shows), plus the few drafts of the simulation."""
    world = make_report_world()
    result = simulate_round(round_=world.round, nominations=simulated, seed=seed, leave_share=0.35, return_share=0.1)
    sent = Nomination.objects.filter(round=world.round).exclude(status=Status.DRAFT).count()
    add_copies(world.round, listed - sent, seed=seed)
    return world, result


def add_copies(round_, count: int, *, seed: int = 0):
    """`count` copies of the round's sent nominations (drafts are not copied)."""
    if count <= 0:
        return
    rng = random.Random(seed)
    first = stages_of(round_).first
    # Identifiers go on from the round's size, so a round can grow by several calls.
    numbered_from = Nomination.objects.filter(round=round_).count()
    models = list(Nomination.objects.filter(round=round_).exclude(status=Status.DRAFT).order_by("id"))
    votes = {
        v.nomination_id: v
        for v in CouncilVote.objects.filter(nomination__round=round_, meeting__stage=first).select_related("meeting")
    }
    events = {}
    for event in NominationEvent.objects.filter(nomination__round=round_, action__in=("submit", "return")).order_by("at", "id"):
        events.setdefault(event.nomination_id, []).append(event)
    made = 0
    while made < count:
        batch = []
        for _ in range(min(CHUNK, count - made)):
            model = models[(made + len(batch)) % len(models)]
            gender = rng.choice(("female", "male"))
            name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
            batch.append(
                Nomination(
                    round=round_,
                    proposing_unit_id=model.proposing_unit_id,
                    kind="individual",
                    nominee_unit_id=model.proposing_unit_id,
                    full_name=name,
                    gender=gender,
                    birth_year=rng.randint(1966, 1998),
                    position=rng.choice(POSITIONS),
                    person_identifier=f"9{numbered_from + made + len(batch):011d}",
                    award_form_id=model.award_form_id,
                    achievement_summary=model.achievement_summary,
                    eligibility_declared=True,
                    stage_id=model.stage_id,
                    furthest_stage_order=model.furthest_stage_order,
                    status=model.status,
                    criteria_status=model.criteria_status,
                    criteria_met=model.criteria_met,
                    criteria_total=model.criteria_total,
                    outcome_reason=model.outcome_reason,
                    decision_id=model.decision_id if model.status in (Status.AWARDED, Status.PROPOSED) else None,
                    created_by_id=model.created_by_id,
                    submitted_at=model.submitted_at,
                )
            )
            copy = batch[-1]
            copy.person_key = person_key(copy.full_name, copy.birth_year, copy.nominee_unit_id)  # what save() keeps
        sources = [models[(made + i) % len(models)] for i in range(len(batch))]
        Nomination.objects.bulk_create(batch)
        CouncilVote.objects.bulk_create(
            [
                CouncilVote(meeting_id=votes[s.pk].meeting_id, nomination=n, votes_for=votes[s.pk].votes_for)
                for n, s in zip(batch, sources)
                if s.pk in votes
            ]
        )
        NominationEvent.objects.bulk_create(
            [
                NominationEvent(
                    nomination=n, actor_id=e.actor_id, at=e.at, action=e.action, from_stage_id=e.from_stage_id,
                    to_stage_id=e.to_stage_id, from_status=e.from_status, to_status=e.to_status, comment=e.comment,
                )
                for n, s in zip(batch, sources)
                for e in events.get(s.pk, ())
            ]
        )
        made += len(batch)
