"""A dossier sent upward is complete and consistent: a level's tờ trình lists what that level approved
(never a nomination still held at its stage, such as one the portal refused for a quota), the minutes
and the tờ trình of the same body at the same stage list the same nominees or the build stops and
says which differ, and the minutes of the level that proposed go with the dossier."""
import datetime as dt

import pytest

from campaigns import clock
from campaigns.models import Stage, Unit
from dossiers import services, sources
from dossiers.errors import DossierError
from dossiers.models import DocumentKind
from nominations.models import CouncilMeeting
from nominations.workflow import Action, advance
from tests.nominations.conftest import build_world, hold_stage_council, judge_pending, load, refresh, submitted

pytestmark = pytest.mark.django_db

UNITS = [
    ("so-tu-phap-sl", "Sở Tư pháp tỉnh Sơn La", "so_ban_nganh", None, "tinh"),
    ("so-tai-chinh-sl", "Sở Tài chính tỉnh Sơn La", "so_ban_nganh", None, "tinh"),
]


@pytest.fixture
def reviewed():
    """Sơn La 2024: two collectives at stage 2 (Sở TT&TT, which holds a council); its council voted
    both through; its reviewer approved only the first."""
    load("son-la-2021-2025.yaml")
    world = build_world("son-la-2021-2025", "nam-2024", UNITS)
    first = judge_pending(world, submitted(world, "so-tu-phap-sl"))
    held = judge_pending(world, submitted(world, "so-tai-chinh-sl"))
    review = world.stages[1]
    with clock.frozen_at(world.at_stage(2)):
        hold_stage_council(world, review, [first, held])
        advance(refresh(first), Action.APPROVE, actor=world.users["stage:2"])
    world.first, world.held, world.review = refresh(first), refresh(held), review
    return world


def test_a_to_trinh_lists_only_what_its_level_approved(reviewed):
    listed = sources.stage_nominations(reviewed.review, reviewed.review.organisation)
    assert [n.pk for n in listed] == [reviewed.first.pk]
    assert reviewed.held.stage.order == 2 and reviewed.held.status == "in_review"  # still held at the stage


def test_minutes_and_to_trinh_that_differ_stop_the_build_with_the_nominees_named(reviewed):
    with pytest.raises(DossierError) as caught:
        services.plan_members(reviewed.review, reviewed.review.organisation)
    message = str(caught.value)
    assert message.startswith(
        "Không lập được hồ sơ: biên bản họp Hội đồng Thi đua - Khen thưởng Sở Thông tin và Truyền thông tỉnh Sơn La "
        "và tờ trình của Sở Thông tin và Truyền thông tỉnh Sơn La ở bước 2 không cùng danh sách"
    )
    assert "biên bản đề nghị nhưng tờ trình không có" in message and "Sở Tài chính tỉnh Sơn La" in message
    assert "Sở Tư pháp tỉnh Sơn La" not in message


def test_once_both_agree_the_dossier_carries_both_minutes_and_the_to_trinh_cites_them(reviewed):
    with clock.frozen_at(reviewed.at_stage(2)):
        advance(refresh(reviewed.held), Action.APPROVE, actor=reviewed.users["stage:2"])
    members = services.plan_members(reviewed.review, reviewed.review.organisation)
    kinds = [(m.spec.kind, m.spec.stage.order if m.spec.stage else None) for m in members]
    # Its own council's minutes, then each proposing unit's (Stage.dossier_minutes: [1, 2]).
    assert kinds[:4] == [(DocumentKind.TO_TRINH, 2), (DocumentKind.BIEN_BAN, 2), (DocumentKind.BIEN_BAN, 1), (DocumentKind.BIEN_BAN, 1)]
    assert reviewed.review.dossier_minutes == [1, 2]
    to_trinh = members[0].source
    minutes_lines = [line for line in to_trinh["legal_lines"] if line.startswith("Căn cứ Biên bản họp")]
    assert [line.split(" ngày ")[0] for line in minutes_lines] == [
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Thông tin và Truyền thông tỉnh Sơn La",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Tư pháp tỉnh Sơn La",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Tài chính tỉnh Sơn La",
    ]
    minutes = members[1].source
    assert sorted(r["name"] for r in minutes["rows"] if r["passed"]) == sorted(r["name"] for g in to_trinh["groups"] for r in g["collectives"] + g["individuals"])


def test_the_appraising_level_forwards_the_minutes_of_the_council_that_proposed(reviewed):
    with clock.frozen_at(reviewed.at_stage(2)):
        advance(refresh(reviewed.held), Action.APPROVE, actor=reviewed.users["stage:2"])
    appraisal = reviewed.stages[2]  # Sở Nội vụ: no council of its own
    with clock.frozen_at(reviewed.at_stage(3)):
        for nomination in (reviewed.first, reviewed.held):
            advance(refresh(nomination), Action.APPROVE, actor=reviewed.users["stage:3"])
    members = services.plan_members(appraisal, appraisal.organisation)
    assert [(m.spec.kind, m.spec.stage.order if m.spec.stage else None) for m in members][:2] == [
        (DocumentKind.TO_TRINH, 3), (DocumentKind.BIEN_BAN, 2),
    ]
    assert any(
        line.startswith("Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Thông tin và Truyền thông tỉnh Sơn La ngày 18 tháng 12 năm 2024")
        for line in members[0].source["legal_lines"]
    )


def test_the_minutes_of_many_proposing_units_are_cited_in_one_line():
    unit_stage, review = Stage(order=1), Stage(order=2, organisation_id=1)
    meeting = CouncilMeeting(date=dt.date(2024, 12, 7))
    units = [(unit_stage, Unit(name=f"Sở {n} tỉnh Sơn La"), meeting) for n in ("Tư pháp", "Tài chính", "Y tế", "Xây dựng")]
    council = (review, Unit(name="Sở Thông tin và Truyền thông tỉnh Sơn La"), meeting)
    assert sources.forwarded_minutes_lines(units[:3]) == [
        f"Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở {n} tỉnh Sơn La ngày 07 tháng 12 năm 2024" for n in ("Tư pháp", "Tài chính", "Y tế")
    ]
    assert sources.forwarded_minutes_lines([council] + units) == [
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở Thông tin và Truyền thông tỉnh Sơn La ngày 07 tháng 12 năm 2024",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng của 04 cơ quan, đơn vị đề nghị (kèm theo hồ sơ)",
    ]
