"""Before a nomination goes, in Chromium: a criterion marked "bắt buộc · cần tệp minh chứng" without
its file keeps "Gửi hồ sơ" away and is named, with a link to upload it; the reviewer sees which
criteria lack their file; "Gửi hồ sơ" shows what goes (nominee, award form, criteria, files, council
vote) and sends only once confirmed."""
import pytest
from django.urls import reverse

from campaigns import clock
from nominations.models import Evidence, Nomination, Status
from tests.e2e.conftest import small_pdf
from tests.nominations.conftest import hold_unit_council, new_nomination, refresh, submitted

pytestmark = pytest.mark.e2e

UNIT = "so-tai-chinh-nt"
REQUIRED = "Đăng ký, triển khai thực hiện mỗi cơ quan, đơn vị có một sản phẩm cụ thể"  # san-pham-cu-the


def test_required_evidence_blocks_submission_names_the_criterion_and_links_to_the_upload(nt_world, open_session, portal_clock, e2e_media, tmp_path):
    world = nt_world
    with clock.frozen_at(world.at_stage(1, days_before=10)):
        draft = new_nomination(world, UNIT, evidence=False)
        hold_unit_council(world, UNIT, [draft])
    s = open_session()
    s.login(world.users[f"officer:{UNIT}"])
    s.goto(reverse("nomination_detail", args=[draft.pk]))
    page = s.page
    assert page.get_by_role("button", name="Gửi hồ sơ").count() == 0
    reasons = page.locator("ul.submit-blockers li")
    assert reasons.count() == 1
    assert reasons.first.inner_text().startswith(f"Thiếu tệp minh chứng cho tiêu chí bắt buộc \"{REQUIRED}\".")
    s.shot("01 missing evidence named")
    reasons.first.get_by_role("link", name="Tải lên tệp minh chứng").click()
    page.wait_for_url("**/minh-chung/?tieu_chi=*")
    assert REQUIRED in page.locator("select[name=criterion] option:checked").inner_text()
    page.set_input_files("input[name=file]", str(small_pdf(tmp_path / "san-pham.pdf", "San pham cu the")))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_url("**/minh-chung/")
    assert Evidence.objects.get(nomination=draft).criterion.code == "san-pham-cu-the"

    s.goto(reverse("nomination_detail", args=[draft.pk]))
    assert page.locator("ul.submit-blockers").count() == 0
    assert page.get_by_role("button", name="Gửi hồ sơ").count() == 1
    # A direct POST is refused by the workflow itself while a required file is missing.
    Evidence.objects.filter(nomination=draft).delete()
    response = s.post_form(reverse("nomination_submit", args=[draft.pk]))
    assert response.status == 302
    s.goto(reverse("nomination_detail", args=[draft.pk]))
    assert f"Chưa gửi được hồ sơ. Thiếu tệp minh chứng cho tiêu chí bắt buộc \"{REQUIRED}\"." in s.messages()
    assert refresh(draft).status == Status.DRAFT
    assert not s.csp_violations, s.csp_violations


def test_reviewer_sees_which_required_criteria_lack_evidence(nt_world, open_session, portal_clock):
    world = nt_world
    waiting = submitted(world, UNIT)
    Evidence.objects.filter(nomination=waiting).delete()  # e.g. a file removed in the admin after submission
    portal_clock("2024-12-10T09:00")
    s = open_session()
    s.login(world.users["stage:2"])
    s.goto(reverse("nomination_detail", args=[waiting.pk]))
    alert = s.page.locator(".missing-evidence")
    assert alert.is_visible()
    assert REQUIRED in alert.inner_text() and "Thiếu tệp minh chứng cho tiêu chí bắt buộc:" in alert.inner_text()
    row = s.page.locator("tr", has_text=REQUIRED)
    assert "Thiếu tệp minh chứng (bắt buộc)" in row.inner_text()
    assert not s.csp_violations, s.csp_violations


def test_submit_shows_a_summary_and_sends_only_once_confirmed(nt_world, open_session, portal_clock):
    world = nt_world
    with clock.frozen_at(world.at_stage(1, days_before=10)):
        draft = new_nomination(world, UNIT)
        hold_unit_council(world, UNIT, [draft], members=9, present=9, votes=8)
    s = open_session()
    s.login(world.users[f"officer:{UNIT}"])
    s.goto(reverse("nomination_detail", args=[draft.pk]))
    page = s.page
    dialog = page.locator("dialog#xac-nhan-gui")
    assert not dialog.is_visible()
    page.get_by_role("button", name="Gửi hồ sơ").click()
    assert dialog.is_visible()
    text = dialog.inner_text()
    draft = refresh(draft)
    assert draft.nominee_name in text and draft.award_form.name in text
    assert f"{draft.criteria_met}/{draft.criteria_total} tiêu chí đạt" in text
    assert "minh-chung-san-pham-cu-the.pdf" in text
    assert "8/9 đồng ý" in text
    s.shot("02 submit confirmation")
    assert refresh(draft).status == Status.DRAFT, "nothing sent before the confirmation"
    dialog.get_by_role("button", name="Quay lại").click()
    assert not dialog.is_visible()
    assert refresh(draft).status == Status.DRAFT

    page.get_by_role("button", name="Gửi hồ sơ").click()
    dialog.get_by_role("button", name="Xác nhận gửi hồ sơ").click()
    page.wait_for_load_state()
    assert "Đã gửi hồ sơ đến bước" in s.messages()
    assert refresh(draft).status == Status.IN_REVIEW
    assert not s.csp_violations, s.csp_violations


def test_a_duplicate_is_refused_with_what_exists_a_link_and_the_typed_data_kept_and_carried_into_it(nt_world, open_session, portal_clock):
    world = nt_world
    officer = world.users[f"officer:{UNIT}"]
    officer.first_name = "Nguyễn Thị Lan"
    officer.save(update_fields=["first_name"])
    with clock.frozen_at(world.at_stage(1, days_before=10)):
        existing = new_nomination(world, UNIT)
    s = open_session()
    s.login(officer)
    s.goto(reverse("nomination_create", args=[world.round.pk]))
    page = s.page
    typed = "Triển khai nền tảng số dùng chung cho toàn ngành tài chính (nội dung nhập lại)."
    page.fill("textarea[name=achievement_summary]", typed)
    page.check("input[name=eligibility_declared]")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_load_state()
    alert = page.locator(".alert-danger", has=page.locator(".duplicate-of"))
    text = alert.inner_text()
    day = existing.created_at.astimezone(clock.VIETNAM).strftime("%d/%m/%Y")
    assert "đã có hồ sơ đề nghị" in text and f"(nháp, đơn vị đề nghị: Sở Tài chính tỉnh Ninh Thuận, lập ngày {day})" in text
    assert "người lập: Nguyễn Thị Lan" in text
    link = alert.get_by_role("link", name=existing.nominee_name, exact=False)
    assert link.get_attribute("href") == reverse("nomination_detail", args=[existing.pk])
    assert page.input_value("textarea[name=achievement_summary]") == typed, "what was typed is kept"
    s.shot("04 duplicate refused")
    assert Nomination.objects.filter(round=world.round, proposing_unit__code=UNIT).count() == 1

    alert.get_by_role("button", name="Chuyển dữ liệu vừa nhập vào hồ sơ đã có").click()
    page.wait_for_url(f"**{reverse('nomination_detail', args=[existing.pk])}")
    assert "Đã lưu hồ sơ" in s.messages()
    assert refresh(existing).achievement_summary == typed
    assert Nomination.objects.filter(round=world.round, proposing_unit__code=UNIT).count() == 1
    assert not s.csp_violations, s.csp_violations


def test_a_draft_is_deleted_by_its_unit_after_confirmation_and_leaves_the_council_form(nt_world, open_session, portal_clock):
    from nominations.models import CouncilMeeting, CouncilVote, CriterionValue

    world = nt_world
    with clock.frozen_at(world.at_stage(1, days_before=10)):
        kept = new_nomination(world, UNIT)
        test_draft = new_nomination(world, UNIT, kind="individual", full_name="Hồ sơ thử nghiệm", person_identifier="079190000099")
        hold_unit_council(world, UNIT, [kept, test_draft])
    sent = submitted(world, "so-y-te-nt")
    meeting = CouncilMeeting.objects.get(unit__code=UNIT)
    s = open_session()
    s.login(world.users[f"officer:{UNIT}"])
    s.goto(reverse("unit_council", args=[world.round.pk]))
    assert s.page.locator("form", has_text="Hồ sơ thử nghiệm").count() == 1

    s.goto(reverse("nomination_detail", args=[test_draft.pk]))
    page = s.page
    page.get_by_role("link", name="Xoá hồ sơ nháp").click()
    page.wait_for_url("**/xoa/")
    summary = page.locator("main").inner_text()
    assert "Hồ sơ thử nghiệm" in summary and "Không khôi phục được." in summary
    assert "minh-chung-ca-nhan-thanh-tich.pdf" in summary and "dòng biểu quyết của hồ sơ" in summary
    s.shot("05 delete confirmation")
    assert Nomination.objects.filter(pk=test_draft.pk).exists(), "nothing deleted before the confirmation"
    page.get_by_role("button", name="Xoá hồ sơ").click()
    page.wait_for_url(f"**{reverse('unit_round', args=[world.round.pk])}")
    assert "Đã xoá hồ sơ nháp của Hồ sơ thử nghiệm." in s.messages()
    assert not Nomination.objects.filter(pk=test_draft.pk).exists()
    assert not CriterionValue.objects.filter(nomination_id=test_draft.pk).exists()
    # Nothing else: the other draft, its vote, the meeting, the other unit's nomination.
    assert Nomination.objects.filter(pk__in=[kept.pk, sent.pk]).count() == 2
    assert CouncilMeeting.objects.filter(pk=meeting.pk).exists()
    assert list(CouncilVote.objects.filter(meeting=meeting).values_list("nomination_id", flat=True)) == [kept.pk]
    s.goto(reverse("unit_council", args=[world.round.pk]))
    assert "Hồ sơ thử nghiệm" not in page.locator("main").inner_text()

    # A submitted nomination offers no deletion, and a direct POST is refused.
    s.goto(reverse("nomination_detail", args=[kept.pk]))
    assert page.get_by_role("link", name="Xoá hồ sơ nháp").count() == 1
    with clock.frozen_at(world.at_stage(1)):
        from nominations.workflow import Action, advance

        advance(refresh(kept), Action.SUBMIT, actor=world.users[f"officer:{UNIT}"])
    s.goto(reverse("nomination_detail", args=[kept.pk]))
    assert page.get_by_role("link", name="Xoá hồ sơ nháp").count() == 0
    response = s.post_form(reverse("nomination_delete", args=[kept.pk]))
    assert response.status == 302
    s.goto(reverse("nomination_detail", args=[kept.pk]))
    assert "Chưa xoá được hồ sơ. Chỉ xoá được hồ sơ nháp chưa gửi lần nào" in s.messages()
    assert refresh(kept).status == Status.IN_REVIEW
    assert not s.csp_violations, s.csp_violations


def test_the_award_decision_is_previewed_and_recorded_only_once_confirmed(nt_world, open_session, portal_clock):
    from nominations.models import AwardDecision
    from tests.nominations.conftest import ready_at_stage

    world = nt_world
    winner = ready_at_stage(world, UNIT, order=4)
    person = ready_at_stage(world, "so-y-te-nt", order=4, kind="individual", full_name="Lê Văn Bình", person_identifier="079190000123")
    portal_clock("2024-12-30T10:00")
    s = open_session()
    s.login(world.users["stage:4"])
    s.goto(reverse("review_decision", args=[world.round.pk]))
    page = s.page
    page.fill("input[name=number]", "2468/QĐ-UBND")
    page.fill("input[name=date]", "28/12/2024")
    page.fill("input[name=signer]", "Trần Quốc Nam")
    page.check(f"input[name=khong][value='{person.pk}']")
    page.fill(f"input[name=reason_{person.pk}]", "Chưa tiêu biểu so với các cá nhân khác.")
    page.get_by_role("button", name="Xem trước quyết định").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Xem trước: quyết định khen thưởng"
    assert "Quyết định số 2468/QĐ-UBND ngày 28/12/2024" in page.locator(".decision-preview").inner_text()
    assert "1 hồ sơ được khen thưởng, 1 hồ sơ không được khen thưởng" in page.locator(".decision-preview").inner_text()
    assert winner.nominee_name in page.locator("table.awarded").inner_text()
    declined = page.locator("table.not-awarded").inner_text()
    assert "Lê Văn Bình, Chuyên viên" in declined and "Chưa tiêu biểu so với các cá nhân khác." in declined
    s.shot("06 decision preview")
    assert not AwardDecision.objects.exists(), "nothing recorded before the confirmation"

    page.get_by_role("button", name="Sửa lại").click()
    page.wait_for_load_state()
    assert page.is_checked(f"input[name=khong][value='{person.pk}']")
    assert page.input_value(f"input[name=reason_{person.pk}]") == "Chưa tiêu biểu so với các cá nhân khác."
    page.get_by_role("button", name="Xem trước quyết định").click()
    page.get_by_role("button", name="Xác nhận ghi quyết định").click()
    page.wait_for_url("**/quyet-dinh/*/")
    decision = AwardDecision.objects.get()
    assert (refresh(winner).status, refresh(winner).decision_id) == (Status.AWARDED, decision.pk)
    assert (refresh(person).status, refresh(person).outcome_reason) == (Status.NOT_AWARDED, "Chưa tiêu biểu so với các cá nhân khác.")
    assert not s.csp_violations, s.csp_violations


def test_reviewer_judges_every_pending_criterion_in_one_form_and_the_page_stays_there(nt_world, open_session, portal_clock):
    from criteria.models import Criterion
    from nominations.models import NominationEvent

    world = nt_world
    # A second criterion the council judges, so that the nomination waits on two.
    Criterion.objects.filter(round=world.round, code="cong-khai-du-lieu-mo-so-hoa").update(kind="evidence")
    waiting = submitted(world, UNIT)
    pending = list(waiting.criterion_values.filter(status="pending").select_related("criterion").order_by("criterion__order"))
    assert len(pending) == 2
    portal_clock("2024-12-10T09:00")
    s = open_session()
    s.login(world.users["stage:2"])
    s.page.set_viewport_size({"width": 1280, "height": 500})  # a laptop's window: the panel is below the fold
    s.goto(reverse("nomination_detail", args=[waiting.pk]))
    page = s.page
    form = page.locator("form.judge-all")
    assert form.locator("input[type=radio]").count() == 4, "both criteria in the one form"
    assert page.locator("form[action*='/tieu-chi/'] button", has_text="Ghi đánh giá").count() == 1
    form.locator(f"input[name=tc{pending[0].pk}-judgement][value=met]").check()
    form.locator(f"input[name=tc{pending[1].pk}-judgement][value=not_met]").check()
    form.locator(f"textarea[name=tc{pending[1].pk}-comment]").fill("Chưa công khai danh mục dữ liệu mở.")
    form.get_by_role("button", name="Ghi đánh giá các tiêu chí").click()
    page.wait_for_url("**#xet-ho-so-tieu-de")
    assert "Đã ghi đánh giá 2 tiêu chí." in s.messages()
    # The page comes back scrolled down to the reviewer's panel, its heading in the window.
    # (the browser scrolls to the fragment once the page is laid out, which may come after "load")
    page.wait_for_function("window.scrollY > 0", timeout=5000)
    assert 0 <= page.locator("#xet-ho-so-tieu-de").bounding_box()["y"] < 500 - 40
    assert sorted(waiting.criterion_values.filter(pk__in=[v.pk for v in pending]).values_list("judgement", flat=True)) == ["met", "not_met"]
    assert NominationEvent.objects.filter(nomination=waiting, action="judge").count() == 2
    assert refresh(waiting).criteria_status == "not_met"
    s.shot("07 criteria judged in one form")
    assert not s.csp_violations, s.csp_violations


def test_the_same_person_proposed_three_times_is_flagged_to_the_unit_and_every_reviewer(nt_world, open_session, portal_clock):
    import unicodedata

    world = nt_world
    names = ["Nguyễn Văn Hùng", "NGUYỄN VĂN HÙNG", unicodedata.normalize("NFD", "Nguyễn  Văn Hùng")]
    same = [
        submitted(world, UNIT, kind="individual", full_name=name, person_identifier=f"07918500000{index}")
        for index, name in enumerate(names, start=1)
    ]
    other = submitted(world, UNIT, kind="individual", full_name="Nguyễn Văn Hưng", person_identifier="079185000009")
    # The same identifier in another unit's draft: a reviewer cannot see it, so it is never compared.
    with clock.frozen_at(world.at_stage(1)):
        hidden = new_nomination(world, "so-y-te-nt", kind="individual", full_name="Nguyễn Văn Hùng", person_identifier="079185000001")

    portal_clock("2024-12-10T09:00")
    r = open_session()
    r.login(world.users["stage:2"])
    r.goto(reverse("review_queue", args=[world.round.pk, 2]))
    page = r.page
    for nomination in same:
        row = page.locator("tbody tr", has=page.locator(f"a[href='{reverse('nomination_detail', args=[nomination.pk])}']")).first
        note = row.locator("td[data-label='Lưu ý'] .likely-duplicates").inner_text()
        assert "Có thể trùng người" in note
        assert note.count("Sở Tài chính tỉnh Ninh Thuận") == 2, note  # the two others
    other_row = page.locator("tbody tr", has=page.locator(f"a[href='{reverse('nomination_detail', args=[other.pk])}']")).first
    assert other_row.locator(".likely-duplicates").count() == 0
    assert f"/ho-so/{hidden.pk}/" not in page.content()
    r.shot("08 queue flags likely duplicates")

    # The approval preview shows the position, the year of birth and the flag.
    for nomination in same:
        page.check(f"input[name=n][value='{nomination.pk}']")
    page.get_by_role("button", name="Xem trước").first.click()
    page.wait_for_url("**/duyet-nhieu/**")
    preview_row = page.locator("tbody tr", has_text="NGUYỄN VĂN HÙNG").first.inner_text()
    assert "NGUYỄN VĂN HÙNG, Chuyên viên" in preview_row and "sinh năm 1985" in preview_row and "Có thể trùng người" in preview_row
    r.shot("09 approval preview position and flag")

    # The unit sees it on each nomination's page.
    u = open_session()
    u.login(world.users[f"officer:{UNIT}"])
    u.goto(reverse("nomination_detail", args=[same[0].pk]))
    flag = u.page.locator(".likely-duplicates").inner_text()
    assert "Có thể trùng người" in flag and "079185000002" in flag and "079185000003" in flag
    assert not r.csp_violations and not u.csp_violations


def test_limited_fields_show_their_limit_and_a_live_count_and_a_long_paste_is_not_cut(nt_world, open_session, portal_clock):
    world = nt_world
    s = open_session()
    s.login(world.users[f"officer:{UNIT}"])
    s.goto(reverse("nomination_create", args=[world.round.pk]))
    page = s.page
    with page.expect_navigation():
        page.check("input[name=kind][value=individual]")
    name = page.locator("input[name=full_name]")
    count = page.locator("#" + name.get_attribute("aria-describedby").split()[-1])
    assert count.inner_text() == "0/200 ký tự"
    name.fill("Nguyễn Thị Hằng")
    assert count.inner_text() == "15/200 ký tự"
    summary_count = page.locator("textarea[name=achievement_summary] + .char-count")
    assert summary_count.inner_text().startswith("0/") and summary_count.inner_text().endswith(" ký tự")
    # Every limited text field of the form has its count (short ones, dates and years, aside).
    limited = page.locator("[data-maxlength]")
    assert limited.count() >= 10 and limited.count() == page.locator(".char-count").count()

    long_name = "Nguyễn Thị Hằng " * 125  # 2,000 characters
    name.fill(long_name)
    assert name.input_value() == long_name, "the browser no longer cuts it to 200 silently"
    assert count.inner_text().startswith("2000/200 ký tự — dài hơn giới hạn 200 ký tự")
    assert "text-danger" in count.get_attribute("class")
    s.shot("10 live count over the limit")
    page.fill("textarea[name=achievement_summary]", "Tham mưu xây dựng kho dữ liệu tài chính số.")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_load_state()
    assert "Không quá 200 ký tự (đã nhập 1999)." in page.locator("main").inner_text()  # the server's own message
    assert not Nomination.objects.filter(proposing_unit__code=UNIT).exists()
    assert not s.csp_violations, s.csp_violations


def test_several_evidence_files_in_the_nomination_form_and_in_one_upload_with_full_labels(nt_world, open_session, portal_clock, e2e_media, tmp_path):
    from criteria.models import Criterion

    world = nt_world
    s = open_session()
    s.login(world.users[f"officer:{UNIT}"])
    s.goto(reverse("nomination_create", args=[world.round.pk]))
    page = s.page
    required = Criterion.objects.get(round=world.round, code="san-pham-cu-the")
    files = [str(small_pdf(tmp_path / f"san-pham-{i}.pdf", f"San pham {i}")) for i in (1, 2)]
    field = page.locator(f"input[type=file][name=minh_chung_{required.pk}]")
    assert field.get_attribute("multiple") is not None
    field.set_input_files(files)
    page.locator(f"[data-code=san-pham-cu-the] textarea").fill("Phần mềm quản lý hồ sơ ngân sách trực tuyến")
    page.fill("textarea[name=achievement_summary]", "Dẫn đầu khối sở, ngành về chuyển đổi số năm 2024.")
    page.check("input[name=eligibility_declared]")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_url("**/ho-so/*/")
    nomination = Nomination.objects.get(proposing_unit__code=UNIT)
    stored = sorted(nomination.evidence.values_list("original_name", "criterion__code"))
    assert stored == [("san-pham-1.pdf", "san-pham-cu-the"), ("san-pham-2.pdf", "san-pham-cu-the")]
    assert "Thiếu tệp minh chứng" not in page.locator("main").inner_text()

    # The evidence page takes several files in one upload, its criteria in full.
    s.goto(reverse("nomination_evidence", args=[nomination.pk]))
    longest = max(Criterion.objects.filter(round=world.round, nominee_kind="collective"), key=lambda c: len(c.label))
    assert len(longest.label) > 120
    options = page.locator("select[name=criterion] option").all_inner_texts()
    assert longest.label in options and not any(o.endswith("…") for o in options)
    more = [str(small_pdf(tmp_path / f"du-lieu-mo-{i}.pdf", f"Du lieu mo {i}")) for i in (1, 2, 3)]
    page.set_input_files("input[name=file]", more)
    page.select_option("select[name=criterion]", label=longest.label)
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_url("**/minh-chung/")
    assert 'Đã tải lên tệp minh chứng "du-lieu-mo-1.pdf", "du-lieu-mo-2.pdf", "du-lieu-mo-3.pdf".' in s.messages()
    assert nomination.evidence.filter(criterion=longest).count() == 3
    assert page.locator("main").inner_text().count(longest.label) >= 3  # listed in full, not cut with "…"
    s.shot("11 several files full labels")
    assert not s.csp_violations, s.csp_violations
