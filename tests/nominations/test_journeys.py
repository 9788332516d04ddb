"""Full journeys through the Django test client: a Sơn La round and a Rạch Giá round, unit to decision.

The unit prepares its nominations and council record through the services (the form-level paths are
covered in test_views_unit.py); every stage move below is a browser request: submit, the stage
councils' approvals, and the chairman's office recording the Quyết định."""
import datetime as dt

import pytest
from django.urls import reverse

from campaigns import clock
from nominations.models import Nomination, Status
from nominations.services import judge_criterion

from .conftest import build_world, hold_stage_council, hold_unit_council, load, new_nomination

pytestmark = pytest.mark.django_db


def moment(day):
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.VIETNAM)


def walk_to_decision(client, world, unit_code, award_form, decision_number):
    officer = world.users[f"officer:{unit_code}"]
    stages = world.stages
    with clock.frozen_at(moment(stages[0].deadline - dt.timedelta(days=1))):
        nomination = new_nomination(world, unit_code, award_form=award_form)
        hold_unit_council(world, unit_code, [nomination])
        client.force_login(officer)
        response = client.post(reverse("nomination_submit", args=[nomination.pk]))
        assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.stage.order) == (Status.IN_REVIEW, 2)

    for stage in stages[1:-1]:
        actor = world.users[f"stage:{stage.order}"]
        with clock.frozen_at(moment(stage.deadline - dt.timedelta(days=1))):
            for value in nomination.criterion_values.filter(status="pending"):
                judge_criterion(nomination=nomination, criterion_value=value, judgement="met", actor=actor)
            if stage.holds_council:
                hold_stage_council(world, stage, [nomination])
            client.force_login(actor)
            response = client.post(reverse("review_approve", args=[nomination.pk]), {"comment": "Đủ tiêu chuẩn"})
            assert response.status_code == 302
        nomination.refresh_from_db()
        assert nomination.stage.order == stage.order + 1, nomination.outcome_reason

    final = stages[-1]
    with clock.frozen_at(moment(final.deadline - dt.timedelta(days=1))):
        client.force_login(world.users[f"stage:{final.order}"])
        response = client.post(
            reverse("review_decision", args=[world.round.pk]),
            {
                "number": decision_number,
                "date": (final.deadline - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
                "signer": "Nguyễn Văn Khen",
                "signer_title": "CHỦ TỊCH",
                f"award_{nomination.pk}": "on",
                "xac_nhan": "1",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return Nomination.objects.select_related("decision").get(pk=nomination.pk)


def test_son_la_round_from_unit_to_decision(client):
    load("son-la-2021-2025.yaml")
    world = build_world("son-la-2021-2025", "nam-2024", [("so-tai-chinh-sl", "Sở Tài chính tỉnh Sơn La", "so_ban_nganh", None, "tinh")])
    assert [s.order for s in world.stages] == [1, 2, 3, 4]
    bang_khen = world.round.award_forms.get(code="bang-khen-chu-tich-ubnd-tinh")
    nomination = walk_to_decision(client, world, "so-tai-chinh-sl", bang_khen, "125/QĐ-UBND")
    assert nomination.status == Status.AWARDED
    assert (nomination.decision.number, nomination.decision.signer) == ("125/QĐ-UBND", "Nguyễn Văn Khen")
    assert list(nomination.events.exclude(action="judge").values_list("action", flat=True)) == ["submit", "approve", "approve", "approve"]


def test_rach_gia_round_from_unit_to_decision(client):
    load("rach-gia-2022-2025.yaml")
    world = build_world(
        "rach-gia-2022-2025", "nam-2024", [("phong-tai-chinh-rg", "Phòng Tài chính - Kế hoạch thành phố Rạch Giá", "phong_ban_thanh_pho", None, "huyen")]
    )
    assert [(s.order, s.action) for s in world.stages] == [(1, "unit_council"), (2, "appraisal"), (3, "decision")]
    giay_khen = world.round.award_forms.get(outcome="award")
    nomination = walk_to_decision(client, world, "phong-tai-chinh-rg", giay_khen, "88/QĐ-UBND")
    assert nomination.status == Status.AWARDED
    assert nomination.decision.number == "88/QĐ-UBND"
