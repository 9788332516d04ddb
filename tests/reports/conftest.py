"""A Ninh Thuận 2024 round walked through the real workflow, with something at every stage:

- Sở Tài chính (collective) and Sở Y tế (an individual): awarded by Quyết định 123/QĐ-UBND;
- Sở Giáo dục và Đào tạo (collective): at stage 3, appraisal;
- UBND thành phố Phan Rang - Tháp Chàm (collective): at stage 2, review;
- Sở Xây dựng (collective): returned by Sở TT&TT, waiting for the unit;
- Sở Công Thương: a draft never sent;
- Sở Nông nghiệp: registered, nothing sent, its deadline extended by Sở TT&TT.
"""
import datetime as dt

import pytest

from campaigns import clock
from campaigns.models import Membership, Role
from nominations import notifications
from nominations.models import Nomination
from nominations.services import grant_extension, record_decision
from nominations.workflow import Action, advance
from tests.factories import UserFactory
from tests.worlds import built_once, module_builds_worlds_per_test, reloaded
from tests.nominations.conftest import (
    NT_PARTICIPANTS,
    build_world,
    load,
    new_nomination,
    ready_at_stage,
    refresh,
    submitted,
)

DECISION_NUMBER = "123/QĐ-UBND"


def make_report_world():
    load("ninh-thuan-2024.yaml")
    world = build_world("ninh-thuan-2024", "nam-2024", NT_PARTICIPANTS)
    with notifications.muted():
        awarded_collective = ready_at_stage(world, "so-tai-chinh-nt", order=4)
        awarded_person = ready_at_stage(
            world, "so-y-te-nt", order=4, kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="058185000123"
        )
        with clock.frozen_at(world.at_stage(4)):
            decision = record_decision(
                actor=world.users["stage:4"],
                round_=world.round,
                number=DECISION_NUMBER,
                date=world.stages[-1].deadline,
                signer="Trần Quốc Nam",
                signer_title="Chủ tịch Ủy ban nhân dân tỉnh Ninh Thuận",
                nominations=[awarded_collective, awarded_person],
            )
        at_appraisal = ready_at_stage(world, "so-gddt-nt", order=3)
        at_review = submitted(world, "ubnd-phan-rang")
        returned = submitted(world, "so-xd-nt")
        with clock.frozen_at(world.at_stage(2)):
            advance(returned, Action.RETURN, actor=world.users["stage:2"], comment="Bổ sung biên bản họp Hội đồng.")
        with clock.frozen_at(world.at_stage(1)):
            draft = new_nomination(world, "so-ct-nt")
        with clock.frozen_at(world.at_stage(1, days_before=2)):
            grant_extension(
                actor=world.users["stage:2"],
                stage=world.stages[0],
                unit=world.units["so-nn-nt"],
                new_deadline=world.stages[0].deadline + dt.timedelta(days=5),
                reason="Đơn vị đề nghị gia hạn do sáp nhập phòng chuyên môn.",
            )
    world.decision = decision
    world.nominations = {
        "awarded_collective": refresh(awarded_collective),
        "awarded_person": refresh(awarded_person),
        "at_appraisal": refresh(at_appraisal),
        "at_review": refresh(at_review),
        "returned": refresh(returned),
        "draft": refresh(draft),
    }
    # People around the round: an administrator (of the campaign's issuing organisation), a
    # stranger with no role, an officer of a unit.
    admin_unit = world.round.campaign.issuer
    world.users["administrator"] = UserFactory(username="quan-tri-nt")
    Membership.objects.create(user=world.users["administrator"], unit=admin_unit, role=Role.ADMINISTRATOR)
    world.users["stranger"] = UserFactory(username="nguoi-ngoai")
    return world


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Export files go to a fresh MEDIA_ROOT per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def module_report_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """make_report_world() once per module, rolled back after its last test (tests/worlds.py);
    None in a module with tests on committed data."""
    if module_builds_worlds_per_test(request):
        yield None
        return
    with built_once(django_db_blocker, MEDIA_ROOT=tmp_path_factory.mktemp("report-world-media")):
        yield make_report_world()


@pytest.fixture
def report_world(module_report_world, db):
    """The world of this module's docstring: each test in its own savepoint on top of the module's
    world, with its own Python objects (built per test where the module has tests on committed data)."""
    if module_report_world is None:
        return make_report_world()
    return reloaded(module_report_world)


@pytest.fixture
def after_export_date():
    """Export dates are the portal clock's: freeze it after the decision."""
    with clock.frozen_at(dt.datetime(2025, 1, 6, 9, 0, tzinfo=clock.VIETNAM)):
        yield dt.date(2025, 1, 6)


def nomination_count(round_):
    return Nomination.objects.filter(round=round_).count()
