"""Journey 2, in Chromium: the reviewers of each stage approve, return and reject; the quota bar
fills; the last place cannot be taken twice (two browsers approve two nominations for the one
place left: one succeeds, the other is told the quota is full); the chairman's office records
the award decision."""
import pytest
from django.db import connection
from django.urls import reverse

from campaigns import clock
from campaigns.models import Role
from nominations.models import AwardDecision, Nomination, Status
from nominations.workflow import Action, advance
from nominations.quotas import quota_usage
from tests.nominations.conftest import make_user, ready_at_stage, refresh, submitted

pytestmark = pytest.mark.e2e

STAGE_2 = "2024-12-10T09:00"  # Sở TT&TT reviews until 15/12/2024
STAGE_3 = "2024-12-20T09:00"  # Sở Nội vụ appraises until 25/12/2024
STAGE_4 = "2024-12-28T09:00"  # the Chairman decides until 31/12/2024


def quota_bar(page, label_part):
    """(aria-valuenow, rendered width of the filled bar / width of the track) of a quota row."""
    row = page.locator("tr", has_text=label_part).first
    track = row.locator(".progress")
    bar = track.locator(".progress-bar")
    ratio = bar.bounding_box()["width"] / track.bounding_box()["width"]
    return int(track.get_attribute("aria-valuenow")), round(ratio, 2)


def approve_button(page):
    return page.get_by_role("button", name="Chấp thuận", exact=True)


def test_reviewers_approve_return_reject_quota_fills_last_place_once_decision(nt_world, open_session, portal_clock, eager_tasks, e2e_media):
    world = nt_world
    round_ = world.round
    # Three collectives already past stage 2 (3 of the 5 places of "Bằng khen: không quá 05 tập thể").
    past = [ready_at_stage(world, code, order=3) for code in ("so-y-te-nt", "so-gddt-nt", "so-xd-nt")]
    # At stage 2: one collective whose evidence criterion the reviewer still has to judge, two
    # judged collectives that will race for the last place, and two individuals.
    to_judge = submitted(world, "so-ct-nt")
    racers = [ready_at_stage(world, code, order=2) for code in ("so-nn-nt", "ubnd-phan-rang")]
    to_return = submitted(world, "so-tai-chinh-nt", kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
    to_reject = submitted(world, "so-tai-chinh-nt", kind="individual", full_name="Đỗ Văn Nam", person_identifier="079190000002")
    reviewer = world.users["stage:2"]
    second_reviewer = make_user("reviewer-stttt-2", reviewer.memberships.get().unit, Role.REVIEWER)
    portal_clock(STAGE_2)

    # --- Stage 2: the queue and its quota bar ----------------------------------------------------
    a = open_session()
    a.login(reviewer)
    a.goto(reverse("review_queue", args=[round_.pk, 2]))
    assert a.page.locator("h2", has_text="Hồ sơ chờ xét").locator(".badge").inner_text() == "5"
    assert quota_bar(a.page, "05 tập thể")[0] == 3
    a.shot("01 queue stage 2 quota 3 of 5")

    # Judge the pending criterion, then approve: the nomination moves to stage 3.
    a.page.get_by_role("link", name=to_judge.nominee_name).click()
    a.page.locator("input[type=radio][value=met]").first.check()
    a.page.get_by_role("button", name="Ghi đánh giá").first.click()
    a.page.wait_for_load_state()
    assert "Đã ghi đánh giá 1 tiêu chí." in a.messages()
    assert "chiếm chỗ 4/5" in a.page.inner_text("main")
    a.shot("02 criterion judged approve offered")
    approve_button(a.page).click()
    a.page.wait_for_load_state()
    assert "Đã chấp thuận hồ sơ" in a.messages()
    assert refresh(to_judge).stage.order == 3

    # Return one individual with what to add, reject the other with the reason.
    a.goto(reverse("nomination_detail", args=[to_return.pk]))
    a.page.locator("form[action$='/tra-lai/'] textarea[name=reason]").fill("Bổ sung báo cáo thành tích có xác nhận của thủ trưởng đơn vị.")
    a.page.get_by_role("button", name="Trả lại", exact=True).click()
    a.page.wait_for_load_state()
    assert "Đã trả lại hồ sơ Võ Thị Lan" in a.messages()
    a.goto(reverse("nomination_detail", args=[to_reject.pk]))
    a.page.locator("form[action$='/khong-chap-thuan/'] textarea[name=reason]").fill("Thành tích chưa tiêu biểu so với khối.")
    a.page.get_by_role("button", name="Không chấp thuận", exact=True).click()
    a.page.wait_for_load_state()
    assert "Đã ghi không chấp thuận hồ sơ Đỗ Văn Nam" in a.messages()
    assert (refresh(to_return).status, refresh(to_reject).status) == (Status.RETURNED, Status.REJECTED)
    assert refresh(to_return).outcome_reason.startswith("Bổ sung báo cáo thành tích")

    a.goto(reverse("review_queue", args=[round_.pk, 2]))
    used, filled = quota_bar(a.page, "05 tập thể")
    assert used == 4
    assert filled == pytest.approx(0.8, abs=0.05), "the quota bar must show 4/5 filled in the browser"
    a.shot("03 queue quota 4 of 5 returned listed")

    # --- The last place, wanted by two reviewers at once -----------------------------------------
    b = open_session()
    b.login(second_reviewer)
    a.goto(reverse("nomination_detail", args=[racers[0].pk]))
    b.goto(reverse("nomination_detail", args=[racers[1].pk]))
    for session in (a, b):
        assert "chiếm chỗ 5/5" in session.page.inner_text("main")
    if connection.vendor == "postgresql":
        # Both requests in flight together: the quota rules' row lock serialises them.
        with a.page.expect_navigation(), b.page.expect_navigation():
            approve_button(a.page).click(no_wait_after=True)
            approve_button(b.page).click(no_wait_after=True)
    else:
        # SQLite's in-memory test database is one connection shared by the server's threads, so the
        # two approvals go one after the other; page B still shows the place it saw as free.
        for session in (a, b):
            with session.page.expect_navigation():
                approve_button(session.page).click()
    outcomes = {session: session.messages() for session in (a, b)}
    winners = [s for s, text in outcomes.items() if "Đã chấp thuận hồ sơ" in text]
    losers = [s for s, text in outcomes.items() if "Vượt số lượng khen thưởng" in text and "đã dùng 5/5" in text]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    winners[0].shot("04 last place taken")
    losers[0].shot("05 last place refused quota full")
    moved = Nomination.objects.filter(pk__in=[n.pk for n in racers], stage__order=3).count()
    assert moved == 1
    usage = {row.rule.code: (row.used, row.limit) for row in quota_usage(round_, past_stage_order=2)}
    assert usage["bk-tap-the"] == (5, 5)
    a.goto(reverse("review_queue", args=[round_.pk, 2]))
    assert quota_bar(a.page, "05 tập thể") == (5, 1.0)
    assert "5/5 (đã đủ)" in a.page.inner_text("main")
    a.shot("06 queue quota full")

    # --- Stage 3: the appraiser approves one in the browser; the rest move on by the service ------
    portal_clock(STAGE_3)
    appraiser = world.users["stage:3"]
    c = open_session()
    c.login(appraiser)
    c.goto(reverse("nomination_detail", args=[to_judge.pk]))
    c.shot("07 appraiser detail")
    approve_button(c.page).click()
    c.page.wait_for_load_state()
    assert "Đã chấp thuận hồ sơ" in c.messages()
    assert refresh(to_judge).stage.order == 4
    winner = Nomination.objects.get(pk__in=[n.pk for n in racers], stage__order=3)
    with clock.frozen_at(world.at_stage(3)):
        for nomination in past + [winner]:
            advance(refresh(nomination), Action.APPROVE, actor=appraiser)

    # --- Stage 4: the chairman's office records the decision -----------------------------------
    portal_clock(STAGE_4)
    d = open_session()
    d.login(world.users["stage:4"])
    d.goto(reverse("review_decision", args=[round_.pk]))
    d.page.fill("input[name=number]", "2468/QĐ-UBND")
    d.page.fill("input[name=date]", "28/12/2024")
    d.page.fill("input[name=signer]", "Trần Quốc Nam")
    d.page.fill("input[name=signer_title]", "CHỦ TỊCH")
    not_awarded = past[0]
    # Awarded by default: a reason box opens only for a nomination ticked "not awarded" (sparse-form.js).
    assert d.page.is_disabled(f"input[name=reason_{not_awarded.pk}]")
    d.page.check(f"input[name=khong][value='{not_awarded.pk}']")
    assert d.page.is_enabled(f"input[name=reason_{not_awarded.pk}]") and d.page.is_disabled(f"input[name=reason_{winner.pk}]")
    d.page.fill(f"input[name=reason_{not_awarded.pk}]", "Chưa đủ tiêu chuẩn theo Nghị định 98/2023/NĐ-CP.")
    d.shot("08 decision form")
    d.page.get_by_role("button", name="Xem trước quyết định").click()
    d.page.get_by_role("button", name="Xác nhận ghi quyết định").click()
    d.page.wait_for_url("**/quyet-dinh/*/")
    assert "Đã ghi Quyết định" in d.messages() or "2468/QĐ-UBND" in d.page.inner_text("main")
    d.shot("09 decision recorded")
    decision = AwardDecision.objects.get(round=round_)
    assert decision.number == "2468/QĐ-UBND"
    assert set(Nomination.objects.filter(decision=decision, status=Status.AWARDED).values_list("pk", flat=True)) == {
        n.pk for n in [to_judge, winner] + past[1:]
    }
    assert refresh(not_awarded).status == Status.NOT_AWARDED
    usage = {row.rule.code: (row.used, row.limit) for row in quota_usage(round_, past_stage_order=4)}
    assert usage["bk-tap-the"] == (4, 5)
    violations = [v for s in (a, b, c, d) for v in s.csp_violations]
    assert not violations, violations
