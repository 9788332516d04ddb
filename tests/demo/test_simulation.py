"""simulate_round: many nominations walked through the real workflow, quotas binding."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from nominations.models import Nomination, NominationEvent, Status
from demo.simulation import SimulationError, simulate_round

pytestmark = pytest.mark.django_db

AWARDED_KEYS = {"award_form", "nominee_kind", "category", "unit", "count"}


def run(*args):
    out = StringIO()
    call_command("simulate_round", "--campaign", "ninh-thuan-2024", "--round", "nam-2024", *args, stdout=out)
    return out.getvalue()


def test_simulate_round_json_has_exactly_the_documented_shape(nt_round):
    result = json.loads(run("--nominations", "15", "--seed", "3", "--json"))
    assert set(result) == {"nominations", "by_stage", "by_status", "refused_by_quota", "awarded"}
    assert result["nominations"] == 15
    assert set(result["by_stage"]) == {"1", "2", "3", "4"}
    assert set(result["by_status"]) == set(Status.values)
    assert sum(result["by_stage"].values()) == sum(result["by_status"].values()) == 15
    assert isinstance(result["refused_by_quota"], int)
    assert result["awarded"]
    for row in result["awarded"]:
        assert set(row) == AWARDED_KEYS
        assert row["award_form"] == "bang-khen-chu-tich-ubnd-tinh"
        assert row["nominee_kind"] in ("collective", "individual")
        assert row["count"] >= 1
    assert sum(r["count"] for r in result["awarded"]) == result["by_status"]["awarded"]
    assert Nomination.objects.count() == 15


@pytest.mark.parametrize("caller_language", ["vi", "en"])
def test_simulate_round_quotas_bind_on_ninh_thuan_with_40_nominations(nt_round, caller_language):
    """Quotas bind; the reasons it records are Vietnamese whatever language its caller runs in (the
    refusals are written in the active language, the round's history in the portal's)."""
    with translation.override(caller_language):
        result = simulate_round(round_=nt_round, nominations=40, seed=7).as_dict()
    collectives = sum(r["count"] for r in result["awarded"] if r["nominee_kind"] == "collective")
    individuals = sum(r["count"] for r in result["awarded"] if r["nominee_kind"] == "individual")
    assert collectives <= 5  # KH 1670/KH-UBND, mục IV.2: không quá 05 tập thể
    assert individuals <= 7  # ... và 07 cá nhân
    assert result["refused_by_quota"] > 0
    refused = Nomination.objects.filter(status=Status.REJECTED)
    assert refused.count() == result["refused_by_quota"]
    assert all(n.outcome_reason.startswith("Vượt số lượng khen thưởng") for n in refused)


def test_simulate_round_is_deterministic_for_a_seed(nt_round):
    with transaction.atomic():
        first = simulate_round(round_=nt_round, nominations=20, seed=11).as_dict()
        transaction.set_rollback(True)
    assert Nomination.objects.count() == 0
    with transaction.atomic():
        second = simulate_round(round_=nt_round, nominations=20, seed=11).as_dict()
        people = sorted(Nomination.objects.exclude(full_name="").values_list("full_name", "person_identifier"))
        transaction.set_rollback(True)
    third = simulate_round(round_=nt_round, nominations=20, seed=11).as_dict()
    assert first == second == third
    assert people == sorted(Nomination.objects.exclude(full_name="").values_list("full_name", "person_identifier"))


def test_simulate_round_moves_every_nomination_through_the_workflow(nt_round):
    simulate_round(round_=nt_round, nominations=25, seed=5)
    submitted = Nomination.objects.exclude(status=Status.DRAFT)
    assert submitted.exists()
    for nomination in submitted.prefetch_related("events"):
        actions = [e.action for e in nomination.events.all()]
        assert actions[0] == "submit"
        assert actions.count("submit") == 1
    awarded = Nomination.objects.filter(status=Status.AWARDED)
    assert awarded.exists()
    for nomination in awarded:
        assert nomination.decision.number.endswith("/QĐ-UBND")
        assert nomination.stage.order == 4
        assert [e.to_stage.order for e in nomination.events.filter(action__in=["submit", "approve"])] == [2, 3, 4, 4]
    # Drafts left with the units are those whose mandatory criteria are not met.
    assert set(Nomination.objects.filter(status=Status.DRAFT).values_list("criteria_status", flat=True)) <= {"not_met"}
    assert NominationEvent.objects.filter(action="submit").count() == submitted.count()


def test_simulate_round_individuals_have_distinct_person_identifiers(nt_round):
    simulate_round(round_=nt_round, nominations=30, seed=2)
    identifiers = list(Nomination.objects.filter(kind="individual").values_list("person_identifier", flat=True))
    assert identifiers and len(identifiers) == len(set(identifiers))
    assert all(len(i) == 12 and i.isdigit() for i in identifiers)


def test_simulate_round_twice_on_a_round_adds_new_nominations(nt_round):
    simulate_round(round_=nt_round, nominations=10, seed=1)
    result = simulate_round(round_=nt_round, nominations=10, seed=1)
    assert result.nominations == 10
    assert Nomination.objects.count() == 20


def test_simulate_round_leave_return_and_reject_shares_spread_nominations(nt_round):
    result = simulate_round(round_=nt_round, nominations=40, seed=4, leave_share=0.2, return_share=0.15, reject_share=0.1)
    statuses = {status for status, count in result.by_status.items() if count}
    assert {"in_review", "returned", "rejected", "awarded"} <= statuses
    assert sum(1 for count in result.by_stage.values() if count) >= 3


def test_simulate_round_sends_no_mail(nt_round, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        simulate_round(round_=nt_round, nominations=10, seed=1)
    assert mailoutbox == []


def test_simulate_round_refuses_zero_nominations(nt_round):
    with pytest.raises(SimulationError, match="từ 1 trở lên"):
        simulate_round(round_=nt_round, nominations=0)
    with pytest.raises(CommandError, match="không có đợt mã 'khong-co'"):
        call_command("simulate_round", "--campaign", "ninh-thuan-2024", "--round", "khong-co", "--nominations", "5")


def test_simulate_round_prints_a_vietnamese_summary(nt_round):
    text = run("--nominations", "8", "--seed", "1")
    assert "8 hồ sơ mô phỏng" in text
    assert "Bị từ chối do vượt số lượng:" in text
