"""campaigns.stages: a round's stage sequence (first, last, after, before, receiving) and
Stage.needs_council."""
import datetime as dt

import pytest

from campaigns.models import Stage, StageAction
from campaigns.stages import StageSequence, stages_of
from nominations.selectors import round_with_stages
from tests.factories import RoundFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _stage(round_, order, action, organisation=None, **fields):
    return Stage.objects.create(
        round=round_, order=order, name=f"Bước {order}", organisation=organisation, action=action,
        deadline=dt.date(2024, 10, order), source="Điều 1", **fields,
    )


@pytest.fixture
def route():
    """A unit stage, a review and an appraisal by one Sở, and a decision by the province."""
    round_ = RoundFactory()
    so, tinh = UnitFactory(), UnitFactory()
    stages = [
        _stage(round_, 1, StageAction.UNIT_COUNCIL),
        _stage(round_, 2, StageAction.REVIEW, so),
        _stage(round_, 3, StageAction.APPRAISAL, so, holds_council=True),
        _stage(round_, 4, StageAction.DECISION, tinh),
    ]
    return round_, stages, so, tinh


def test_stage_sequence_first_last_after_before(route):
    round_, (unit, review, appraisal, decision), _so, _tinh = route
    stages = stages_of(round_)
    assert (stages.first, stages.last) == (unit, decision)
    assert [stages.after(s) for s in (unit, review, appraisal, decision)] == [review, appraisal, decision, None]
    assert [stages.before(s) for s in (unit, review, appraisal, decision)] == [None, unit, review, appraisal]
    assert list(stages.reviewing) == [review, appraisal, decision]
    assert (stages.is_first(unit), stages.is_first(review), stages.is_last(decision), stages.is_last(appraisal)) == (True, False, True, False)
    assert (stages.index(appraisal), stages.by_order(3), stages.by_order(9), stages.orders) == (2, appraisal, None, [1, 2, 3, 4])


def test_stage_sequence_receiving_skips_the_organisations_own_later_stages(route):
    round_, (unit, review, appraisal, decision), so, tinh = route
    stages = stages_of(round_)
    assert stages.receiving(unit, UnitFactory()) == review
    # The Sở proposing its own staff at the unit stage writes to the level after its own stages.
    assert stages.receiving(unit, so) == decision
    assert stages.receiving(decision, tinh) is None


def test_stages_of_reads_once_per_round_object(route, django_assert_num_queries):
    round_ = route[0]
    with django_assert_num_queries(1):
        first = stages_of(round_)
        assert stages_of(round_) is first
        assert [s.organisation_id for s in first] == [s.organisation_id for s in route[1]]
        assert [s.organisation for s in first][-1] == route[3]


def test_stages_of_uses_the_stages_prefetched_with_the_round(route, django_assert_num_queries):
    round_ = round_with_stages(route[0].pk)
    with django_assert_num_queries(0):
        assert list(stages_of(round_)) == route[1]
        assert stages_of(round_).last.organisation == route[3]


def test_empty_stage_sequence_is_false_and_has_no_first():
    stages = StageSequence([])
    assert (bool(stages), len(stages), stages.first, stages.last) == (False, 0, None, None)


def test_stage_needs_council_at_the_unit_stage_and_where_a_council_meets(route):
    unit, review, appraisal, decision = route[1]
    assert [s.needs_council for s in (unit, review, appraisal, decision)] == [True, False, True, False]
