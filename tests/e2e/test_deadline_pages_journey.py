"""What a unit officer and a reviewer see at a deadline, in Chromium: the return reason and the
date to resubmit on the officer's home, who drew up each draft, the stage council's meeting and votes
kept on its page (and printable) once its nominations moved on, the review queue on a phone (the
list first, one card per nomination), a stage past its deadline offering no action, the browser's
own form messages and file picker in Vietnamese, and the stage council's times as a time picker."""
import pytest
from django.urls import reverse

from campaigns import clock
from campaigns.models import Stage
from nominations.workflow import Action, advance
from tests.nominations.conftest import hold_stage_council, new_nomination, ready_at_stage, refresh, submitted

pytestmark = pytest.mark.e2e

UNIT = "so-tai-chinh-nt"
STAGE_2 = "2024-12-10T09:00"  # Sở TT&TT reviews until 15/12/2024
AFTER_STAGE_2 = "2024-12-16T09:00"  # the day after stage 2's deadline


def test_officer_home_shows_the_return_reason_the_resubmission_deadline_and_who_drew_up_each_draft(nt_world, open_session, portal_clock):
    world = nt_world
    officer = world.users[f"officer:{UNIT}"]
    officer.first_name = "Nguyễn Thị Lan"
    officer.save(update_fields=["first_name"])
    with clock.frozen_at(world.at_stage(1, days_before=10)):
        draft = new_nomination(world, UNIT)
    returned = submitted(world, UNIT, kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
    with clock.frozen_at(world.at_stage(2)):
        advance(returned, Action.RETURN, actor=world.users["stage:2"], comment="Bổ sung biên bản họp Hội đồng có chữ ký.")
    portal_clock("2024-11-25T09:00")  # resubmission allowed until 30/11/2024: 5 days left

    s = open_session()
    s.login(officer)
    s.goto(reverse("home"))
    notice = s.page.locator("li", has_text="Võ Thị Lan").locator(".return-notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "Lý do trả lại: Bổ sung biên bản họp Hội đồng có chữ ký." in text
    assert "Hạn gửi lại: 30/11/2024" in text and "còn 5 ngày" in text
    authors = s.page.locator("li", has_text=draft.nominee_name).first.locator(".draft-author")
    assert authors.inner_text().startswith("Người lập: Nguyễn Thị Lan, ngày ")
    s.shot("01 home return reason and author")

    s.goto(reverse("unit_round", args=[world.round.pk]))
    row = s.page.locator("tr", has_text="Võ Thị Lan")
    assert "Bổ sung biên bản họp Hội đồng có chữ ký." in row.inner_text()
    assert "Người lập: Nguyễn Thị Lan" in s.page.locator("tr", has_text=draft.nominee_name).first.inner_text()
    s.goto(reverse("nomination_detail", args=[draft.pk]))
    assert s.page.locator(".draft-author").inner_text().startswith("Người lập: Nguyễn Thị Lan, ngày ")

    portal_clock("2024-12-02T09:00")  # past the unit deadline: said so, with the way out
    s.goto(reverse("home"))
    text = s.page.locator("li", has_text="Võ Thị Lan").locator(".return-notice").inner_text()
    assert "đã hết hạn" in text and "Chỉ gửi lại được khi cơ quan xét gia hạn cho đơn vị." in text
    assert not s.csp_violations, s.csp_violations


def test_stage_council_keeps_its_meeting_and_votes_printable_after_the_nominations_moved_on(nt_world, open_session, portal_clock):
    world = nt_world
    stage = world.stages[1]
    Stage.objects.filter(pk=stage.pk).update(holds_council=True)
    stage.refresh_from_db()
    voted = [ready_at_stage(world, code) for code in (UNIT, "so-y-te-nt")]
    reviewer = world.users["stage:2"]
    with clock.frozen_at(world.at_stage(2)):
        hold_stage_council(world, stage, voted, members=9, votes=8)
        for nomination in voted:
            advance(refresh(nomination), Action.APPROVE, actor=reviewer)
    assert {refresh(n).stage.order for n in voted} == {3}
    portal_clock(STAGE_2)

    s = open_session()
    s.login(reviewer)
    s.goto(reverse("review_council", args=[world.round.pk, 2]))
    results = s.page.locator("section", has_text="Kết quả biểu quyết").first
    text = results.inner_text()
    assert "Không có hồ sơ nào ở bước này" not in text
    assert "có mặt 9/9 thành viên" in text
    for nomination in voted:
        row = results.locator("tr", has_text=nomination.nominee_name)
        assert "8/9" in row.inner_text() and "Đạt" in row.inner_text()
        assert "Đã chuyển tới bước 3." in row.inner_text()
    s.shot("02 council votes kept")

    assert s.page.get_by_role("button", name="In kết quả biểu quyết").is_visible()
    minutes = s.page.get_by_role("link", name="Biên bản họp, tờ trình (PDF, Word)")
    assert minutes.is_visible() and s.page.request.get(minutes.get_attribute("href")).status == 200
    s.page.emulate_media(media="print")
    assert results.is_visible() and "8/9" in results.inner_text()
    assert not s.page.locator("form", has_text="Lưu kết quả họp").is_visible(), "the form is not printed"
    assert not s.page.locator(".nav-tabs").is_visible()
    s.page.emulate_media(media="screen")
    assert not s.csp_violations, s.csp_violations


def test_review_queue_on_a_phone_starts_with_the_list_one_card_per_nomination(nt_world, open_session, portal_clock):
    world = nt_world
    waiting = [submitted(world, code) for code in (UNIT, "so-y-te-nt", "so-gddt-nt")]
    portal_clock(STAGE_2)

    s = open_session()
    s.login(world.users["stage:2"])
    s.page.set_viewport_size({"width": 390, "height": 844})
    s.goto(reverse("review_queue", args=[world.round.pk, 2]))
    page = s.page
    heading = page.locator("#hang-cho-tieu-de")
    assert heading.bounding_box()["y"] < 844, "the list must start on the first screen of a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"
    assert page.locator("section[aria-labelledby=hang-cho-tieu-de] table").first.bounding_box()["width"] <= 390, "no sideways scrolling in the list"
    for fold in ("Số lượng khen thưởng đã dùng", "Lọc hồ sơ"):
        details = page.locator("details", has=page.locator("summary", has_text=fold))
        assert details.get_attribute("open") is None, f"{fold} is folded on a phone"
    cards = page.locator("table.table-cards tbody tr")
    assert cards.count() == len(waiting)
    for index in range(len(waiting)):
        box = cards.nth(index).bounding_box()
        assert box["width"] <= 390 and box["height"] > 100, box
    labels = cards.first.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert '"Đơn vị đề nghị: "' in labels, labels  # each line of the card says what it is
    s.shot("03 queue on a phone")

    # Unfolded, the quotas are all there; on a wide screen they are open from the start.
    page.locator("summary", has_text="Số lượng khen thưởng đã dùng").click()
    assert page.locator("tr", has_text="05 tập thể").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    s.goto(reverse("review_queue", args=[world.round.pk, 2]))
    assert page.locator("tr", has_text="05 tập thể").first.is_visible()
    assert page.locator("table.table-cards thead").is_visible()
    assert not s.csp_violations, s.csp_violations


def test_a_stage_past_its_deadline_says_so_and_offers_no_action(nt_world, open_session, portal_clock):
    world = nt_world
    waiting = submitted(world, UNIT)
    reviewer = world.users["stage:2"]
    s = open_session()
    s.login(reviewer)

    portal_clock(STAGE_2)  # in time: the red button and the checkboxes
    s.goto(reverse("home"))
    row = s.page.locator("section[aria-labelledby=xet-ho-so] tr", has_text="Sở Thông tin và Truyền thông").first
    assert row.get_by_role("link", name="Danh sách xét").is_visible()
    s.goto(reverse("review_queue", args=[world.round.pk, 2]))
    assert s.page.locator(f"input[type=checkbox][value='{waiting.pk}']").count() == 1

    portal_clock(AFTER_STAGE_2)
    s.goto(reverse("home"))
    row = s.page.locator("section[aria-labelledby=xet-ho-so] tr", has_text="Sở Thông tin và Truyền thông").first
    assert "đã hết hạn" in row.inner_text()
    assert row.get_by_role("link", name="Danh sách xét").count() == 0
    assert row.get_by_role("link", name="Xem danh sách").is_visible()
    s.shot("04 home stage expired")
    row.get_by_role("link", name="Xem danh sách").click()
    s.page.wait_for_load_state()
    main = s.page.inner_text("main")
    assert "Bước này đã hết hạn xét (hạn chót 15/12/2024)" in main
    assert s.page.locator("input[type=checkbox]").count() == 0
    assert s.page.get_by_role("button", name="Xem trước khi chấp thuận các hồ sơ đã chọn").count() == 0
    s.shot("05 queue stage expired")
    assert not s.csp_violations, s.csp_violations


def test_browser_messages_and_file_picker_are_vietnamese_and_stage_council_times_are_a_time_picker(nt_world, open_session, portal_clock, tmp_path):
    from .conftest import small_pdf

    world = nt_world
    waiting = submitted(world, UNIT)
    portal_clock(STAGE_2)
    reviewer = open_session()
    reviewer.login(world.users["stage:2"])
    # The browser's own "Please fill out this field." is replaced by the portal's message: a return
    # without its reason is stopped in the browser, in Vietnamese.
    reviewer.goto(reverse("nomination_detail", args=[waiting.pk]))
    reviewer.page.get_by_role("button", name="Trả lại", exact=True).click()
    reason = reviewer.page.locator("form[action$='/tra-lai/'] textarea[name=reason]")
    assert reason.evaluate("el => el.validationMessage") == "Vui lòng điền vào trường này."
    assert refresh(waiting).status == "in_review"
    reason.fill("Bổ sung minh chứng.")
    assert reason.evaluate("el => el.validationMessage") == "", "the message goes once the field is filled"

    s = open_session()
    page = s.page
    # The file picker speaks Vietnamese and names the file chosen.
    with clock.frozen_at(world.at_stage(1, days_before=5)):
        draft = new_nomination(world, "so-y-te-nt")
    portal_clock("2024-11-25T09:00")
    s.login(world.users["officer:so-y-te-nt"])
    s.goto(reverse("nomination_evidence", args=[draft.pk]))
    picker = page.locator(".portal-file").first
    assert picker.get_by_role("button", name="Chọn các tệp").is_visible()  # the evidence field takes several files
    assert picker.locator(".portal-file-names").inner_text() == "Chưa chọn tệp nào"
    page.locator("input[type=file]").first.set_input_files(str(small_pdf(tmp_path / "minh-chung-1.pdf")))
    assert picker.locator(".portal-file-names").inner_text() == "minh-chung-1.pdf"
    s.shot("06 vietnamese file picker")
    # A file field a script adds later gets the same picker.
    page.evaluate("""() => { const i = document.createElement('input'); i.type = 'file'; i.multiple = true;
                             document.querySelector('main').appendChild(i); }""")
    page.get_by_role("button", name="Chọn các tệp", exact=True).wait_for()  # the added field (no label)
    assert page.locator(".portal-file").count() == 2

    # The stage council's times: the browser's time picker, as the unit council has.
    Stage.objects.filter(pk=world.stages[1].pk).update(holds_council=True)
    portal_clock(STAGE_2)
    reviewer.goto(reverse("review_council", args=[world.round.pk, 2]))
    for name in ("start_time", "end_time"):
        assert reviewer.page.locator(f"input[name={name}]").get_attribute("type") == "time"
    assert not s.csp_violations and not reviewer.csp_violations
