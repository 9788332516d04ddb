"""Journey 1, in Chromium: a unit officer registers, writes a collective and an individual
nomination with KPI figures and an evidence PDF, sees a criterion fail ("Chưa đạt") and fixes it,
records the unit council's meeting and submits; after the deadline the submit is refused (the
button is gone, and a direct POST is refused with the date)."""
import re

import pytest
from django.urls import reverse

from nominations.models import Evidence, Nomination, Registration, Status

from .conftest import small_pdf

pytestmark = pytest.mark.e2e

UNIT = "so-tai-chinh-nt"
DETAIL_URL = re.compile(r"/ho-so/\d+/(#.*)?$")  # the form's script may add #doi-tuong
PERCENTAGES = {  # Sở ban ngành, collective: every figure meets its threshold...
    "van-ban-ky-so": "100",
    "ho-so-cong-viec-cap-tinh": "100",
    "dvc-nhieu-nen-tang": "100",
    "dvc-phat-sinh-ho-so": "45",  # ...but this one: 45 % < 60 %
    "tthc-truc-tuyen": "82,5",
    "bao-cao-dien-tu": "97",
    "cong-ttdt-nd-42": "100",
    "du-lieu-mo-theo-danh-muc": "64",
}


def criterion(page, code):
    return page.locator(f'.criterion-row[data-code="{code}"]')


def badge_of(page, code):
    return criterion(page, code).locator("[data-status] [data-badge]")


def test_unit_officer_registers_nominates_fixes_votes_submits_then_deadline_refuses(nt_world, open_session, portal_clock, eager_tasks, e2e_media, tmp_path):
    world = nt_world
    round_ = world.round
    unit = world.units[UNIT]
    Registration.objects.filter(unit=unit).delete()  # the journey registers
    officer = world.users[f"officer:{UNIT}"]
    officer.first_name, officer.last_name = "Hằng", "Nguyễn Thị"
    officer.save()

    s = open_session()
    page = s.page
    s.login(officer)
    s.shot("01 home")

    # --- Registration (đăng ký thi đua) ---------------------------------------------------------
    s.goto(reverse("unit_round", args=[round_.pk]))
    page.get_by_role("link", name="Đăng ký thi đua").first.click()
    page.fill("textarea[name=pledge]", "Sản phẩm: số hóa 100% hồ sơ ngân sách; <script>alert(1)</script> không chạy")
    page.get_by_role("button", name="Đăng ký thi đua").click()
    page.wait_for_url(f"**{reverse('unit_round', args=[round_.pk])}")
    assert "Đã ghi đăng ký thi đua" in s.messages()
    assert Registration.objects.filter(round=round_, unit=unit).count() == 1
    s.shot("02 registered")

    # --- A collective nomination: one KPI figure under its threshold ------------------------------
    page.get_by_role("link", name="Lập hồ sơ đề nghị").click()
    page.wait_for_url("**/ho-so/moi/**")
    for code, value in PERCENTAGES.items():
        criterion(page, code).locator("input").fill(value)
    for code in ("nhiem-vu-ke-hoach-1446", "cong-khai-du-lieu-mo-so-hoa"):
        criterion(page, code).locator("select").select_option("yes")
    criterion(page, "san-pham-cu-the").locator("textarea").fill("Phần mềm quản lý hồ sơ ngân sách trực tuyến")
    # The browser evaluates as the officer types (static/js/criteria.js): the failing figure shows at once.
    assert badge_of(page, "dvc-phat-sinh-ho-so").inner_text() == "Chưa đạt"
    assert badge_of(page, "van-ban-ky-so").inner_text() == "Đạt"
    page.fill("textarea[name=achievement_summary]", "Dẫn đầu khối sở, ngành về chuyển đổi số năm 2024.")
    page.check("input[name=eligibility_declared]")
    s.shot("03 collective form criterion fails")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_url(DETAIL_URL)
    collective = Nomination.objects.get(round=round_, proposing_unit=unit, kind="collective")
    assert collective.criteria_status == "not_met"
    assert "Có tiêu chí bắt buộc chưa đạt" in page.locator("#viec-cua-don-vi").locator("..").inner_text()
    assert page.get_by_role("button", name="Gửi hồ sơ").count() == 0
    s.shot("04 collective saved not met")

    # --- Evidence: a small real PDF for the "sản phẩm cụ thể" criterion -------------------------
    page.get_by_role("link", name="Tệp minh chứng").first.click()
    page.wait_for_url("**/minh-chung/")
    page.set_input_files("input[name=file]", str(small_pdf(tmp_path / "san-pham-so-hoa.pdf", "San pham so hoa ho so")))
    page.select_option("select[name=criterion]", label=page.locator("select[name=criterion] option", has_text="sản phẩm cụ thể").inner_text())
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_url("**/minh-chung/")
    assert "Đã tải lên tệp minh chứng \"san-pham-so-hoa.pdf\"" in s.messages()
    evidence = Evidence.objects.get(nomination=collective)
    assert (evidence.content_type, evidence.criterion.code) == ("application/pdf", "san-pham-cu-the")
    s.shot("05 evidence uploaded")

    # --- Fix the failing figure ---------------------------------------------------------------
    s.goto(reverse("nomination_edit", args=[collective.pk]))
    criterion(page, "dvc-phat-sinh-ho-so").locator("input").fill("75,5")
    assert badge_of(page, "dvc-phat-sinh-ho-so").inner_text() == "Đạt"
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_url(f"**{reverse('nomination_detail', args=[collective.pk])}")
    collective.refresh_from_db()
    assert collective.criteria_status != "not_met"
    assert str(collective.criterion_values.get(criterion__code="dvc-phat-sinh-ho-so").number) == "75.50"

    # --- An individual nomination: choosing "cá nhân" re-renders the form with its criteria ------
    s.goto(reverse("nomination_create", args=[round_.pk]))
    with page.expect_navigation():
        page.check("input[name=kind][value=individual]")
    assert criterion(page, "ca-nhan-thanh-tich").count() == 1
    assert criterion(page, "dvc-phat-sinh-ho-so").count() == 0
    page.fill("input[name=full_name]", "  Nguyễn   Thị Hằng ")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=birth_year]", "1986")
    page.fill("input[name=position]", "Trưởng phòng Tin học - Thống kê")
    page.fill("input[name=person_identifier]", "079 186 000 123")
    criterion(page, "ca-nhan-thanh-tich").locator("textarea").fill("Chủ trì số hóa hồ sơ quyết toán ngân sách")
    page.fill("textarea[name=achievement_summary]", "Tham mưu xây dựng kho dữ liệu tài chính số của tỉnh.")
    page.check("input[name=eligibility_declared]")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_url(DETAIL_URL)
    individual = Nomination.objects.get(round=round_, proposing_unit=unit, kind="individual")
    assert (individual.full_name, individual.person_identifier) == ("Nguyễn Thị Hằng", "079186000123")
    s.shot("06 individual saved")
    # Its criterion marked "cần tệp minh chứng" needs its file before it can be sent: the link in
    # "Chưa gửi được vì" opens the upload with that criterion chosen.
    page.locator("ul.submit-blockers").get_by_role("link", name="Tải lên tệp minh chứng").click()
    page.wait_for_url("**/minh-chung/?tieu_chi=*")
    page.set_input_files("input[name=file]", str(small_pdf(tmp_path / "thanh-tich.pdf", "Thanh tich ca nhan")))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_url("**/minh-chung/")
    assert individual.evidence.get().criterion.code == "ca-nhan-thanh-tich"

    # --- The unit council's meeting and votes -------------------------------------------------
    s.goto(reverse("unit_council", args=[round_.pk]))
    page.fill("input[name=date]", "20/11/2024")
    page.fill("input[name=start_time]", "08:00")
    page.fill("input[name=end_time]", "10:30")
    page.fill("input[name=place]", "Phòng họp tầng 2, Sở Tài chính")
    page.fill("input[name=chair]", "Lê Văn Giám")
    page.fill("input[name=secretary]", "Phạm Thị Thư")
    page.fill("input[name=members_total]", "9")
    page.fill("input[name=members_present]", "9")
    page.fill("input[name=written_opinions]", "0")
    page.fill(f"input[name=phieu_{collective.pk}]", "9")
    page.fill(f"input[name=phieu_{individual.pk}]", "8")
    page.get_by_role("button", name="Ghi kết quả họp").click()
    page.wait_for_url("**/hoi-dong/**")
    assert "Đã ghi kết quả họp Hội đồng Thi đua - Khen thưởng" in s.messages()
    s.shot("07 council recorded")

    # --- Submit the collective -----------------------------------------------------------------
    s.goto(reverse("nomination_detail", args=[collective.pk]))
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.locator("dialog#xac-nhan-gui").get_by_role("button", name="Xác nhận gửi hồ sơ").click()
    page.wait_for_url(f"**{reverse('nomination_detail', args=[collective.pk])}")
    assert "Đã gửi hồ sơ đến bước" in s.messages()
    collective.refresh_from_db()
    assert (collective.status, collective.stage.order) == (Status.IN_REVIEW, 2)
    s.shot("08 collective submitted")

    # The individual could be submitted now...
    s.goto(reverse("nomination_detail", args=[individual.pk]))
    assert page.get_by_role("button", name="Gửi hồ sơ").count() == 1

    # --- ...but the deadline passes: the button is gone and a direct POST is refused ------------
    portal_clock("2024-12-01T08:00")
    s.goto(reverse("nomination_detail", args=[individual.pk]))
    assert page.get_by_role("button", name="Gửi hồ sơ").count() == 0
    blockers = page.locator("#viec-cua-don-vi").locator("..").inner_text()
    assert "Đã hết hạn" in blockers and "30/11/2024" in blockers
    s.shot("09 after deadline no submit button")
    response = s.post_form(reverse("nomination_submit", args=[individual.pk]))
    assert response.status == 302
    s.goto(reverse("nomination_detail", args=[individual.pk]))
    refusal = s.messages()
    assert "Chưa gửi được hồ sơ. Đã hết hạn" in refusal and "30/11/2024" in refusal
    s.shot("10 after deadline direct post refused")
    individual.refresh_from_db()
    assert (individual.status, individual.submitted_at) == (Status.DRAFT, None)
    assert not s.csp_violations, s.csp_violations
