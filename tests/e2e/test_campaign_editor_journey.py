"""Journey, in Chromium: a provincial officer (quản trị phong trào at the Sơn La People's Committee)
sets up a 2026-2030 campaign from nothing in the editor: its plan document, one round with three
stages, two award forms, five criteria and two quotas typed into the tables with the browser's
controls (add a row, move one up, remove one); a stage without deadline is refused in Vietnamese
and every other row is kept as typed; fixed, saved, "Kiểm tra" is empty and the round is
published. An officer of Sở KH&CN then sees the round on the home page, writes a nomination in it,
records the unit council's meeting and submits."""
import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Membership, PublicationStatus, Role, Round, Unit
from campaigns.services.loading import load_campaign_files
from nominations.models import Nomination, Status

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

CODE = "son-la-cds-2026-2030"
ROUND = "nam-2026"
INSIDE_FIRST_STAGE = "2026-11-10T09:00"  # the unit stage ends 15/11/2026
DETAIL_URL = re.compile(r"/ho-so/\d+/(#.*)?$")

AWARD_FORMS = [
    {"code": "bang-khen", "name": "Bằng khen của Chủ tịch UBND tỉnh", "granted_by": "Chủ tịch UBND tỉnh",
     "kinds": ["collective", "individual"], "source": "Kế hoạch 12/KH-UBND, mục III.1"},
    {"code": "giay-khen", "name": "Giấy khen của Giám đốc Sở KH&CN", "granted_by": "Giám đốc Sở Khoa học và Công nghệ",
     "kinds": ["individual"], "source": "Kế hoạch 12/KH-UBND, mục III.2"},
]
STAGES = [  # the first row is on the new round's page already
    {"name": "Sở KH&CN tổng hợp", "organisation": "skhcn-son-la", "action": "review", "deadline": "30/11/2026", "source": "mục IV.2"},
    {"name": "Chủ tịch UBND tỉnh quyết định", "organisation": "vpubnd-son-la", "action": "decision", "deadline": "20/12/2026", "council": True, "source": "mục IV.3"},
]
CRITERIA = {
    "tc-1": ("Tỷ lệ văn bản ký số", "collective", "percentage", "gte", "80"),
    "tc-2": ("Có kế hoạch chuyển đổi số năm 2026", "collective", "boolean", "", ""),
    "tc-3": ("Sản phẩm chuyển đổi số tiêu biểu", "collective", "evidence", "", ""),
    "tc-4": ("Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng", "individual", "percentage", "gt", "50"),
    "tc-5": ("Hoàn thành xuất sắc nhiệm vụ", "individual", "boolean", "", ""),
}
QUOTAS = [
    ("bk-tap-the", "Bằng khen: không quá 05 tập thể", "bang-khen", "collective", "5", "mục III.1.a"),
    ("bk-ca-nhan", "Bằng khen: không quá 07 cá nhân", "bang-khen", "individual", "7", "mục III.1.b"),
]


def rows(page, prefix):
    return page.locator(f"#bang-{prefix} [data-rows] > [data-row]")


def add_row(page, prefix):
    """'+ Thêm dòng' under a table: the new, last row."""
    page.locator(f"#bang-{prefix}").get_by_role("button", name="+ Thêm dòng").click()
    return rows(page, prefix).last


def field(row, name):
    return row.locator(f"[name$='-{name}']")


def fill_award_form(row, values):
    for name in ("code", "name", "granted_by", "source"):
        field(row, name).fill(values[name])
    for kind in values["kinds"]:
        row.locator(f"input[name$='-nominee_kinds'][value={kind}]").check()
    field(row, "dossier_copies").fill("1")
    field(row, "vote_rule").fill("bang-khen-giay-khen-nd152")
    field(row, "outcome").select_option("award")


def fill_stage(row, values):
    for name in ("name", "organisation", "deadline", "source"):
        if values.get(name):
            field(row, name).fill(values[name])
    field(row, "action").select_option(values["action"])
    assert field(row, "deadline_stated").is_checked()  # the spec's default: the plan states it
    if values.get("council"):
        field(row, "holds_council").check()


def fill_criterion(row, code):
    label, kind_of_nominee, kind, operator, threshold = CRITERIA[code]
    field(row, "code").fill(code)
    field(row, "label").fill(label)
    field(row, "nominee_kind").select_option(kind_of_nominee)
    field(row, "kind").select_option(kind)
    if operator:
        field(row, "operator").select_option(operator)
        field(row, "threshold").fill(threshold)
    field(row, "mandatory").check()
    field(row, "source").fill(f"Kế hoạch 12/KH-UBND, mục II.{code[-1]}")


def fill_quota(row, values):
    code, label, award_form, kind, limit, source = values
    field(row, "code").fill(code)
    field(row, "label").fill(label)
    field(row, "award_form").fill(award_form)
    field(row, "nominee_kind").select_option(kind)
    field(row, "scope").select_option("round")
    field(row, "limit").fill(limit)
    field(row, "source").fill(source)


def codes_in(page, prefix):
    return [field(row, "code").input_value() for row in rows(page, prefix).all() if row.get_attribute("data-removed") != "1"]


@pytest.fixture
def son_la(db):
    load_campaign_files()
    from tests.nominations.conftest import make_user

    manager = make_user("qtpt-son-la", Unit.objects.get(code="ubnd-tinh-son-la"), Role.CAMPAIGN_MANAGER)
    manager.first_name, manager.last_name = "Minh", "Lò Văn"
    manager.save()
    officer = make_user("can-bo-skhcn", Unit.objects.get(code="skhcn-son-la"), Role.UNIT_OFFICER)
    return manager, officer


def test_a_provincial_officer_sets_up_a_campaign_and_a_unit_submits_to_it(son_la, open_session, portal_clock, eager_tasks, e2e_media):
    manager, officer = son_la
    portal_clock(INSIDE_FIRST_STAGE)

    s = open_session()
    page = s.page
    s.login(manager)
    page.get_by_role("link", name="Quản trị phong trào").click()
    page.wait_for_url(f"**{reverse('campaign_editor_home')}")
    s.shot("01 editor home")

    # --- The campaign, from nothing -------------------------------------------------------------
    page.fill("input[name=code]", CODE)
    page.fill("input[name=name]", "Phong trào thi đua chuyển đổi số tỉnh Sơn La giai đoạn 2026-2030")
    page.select_option("select[name=issuer]", "ubnd-tinh-son-la")
    page.fill("input[name=issuer_title]", "Ủy ban nhân dân tỉnh Sơn La")
    page.fill("input[name=period_start]", "01/01/2026")
    page.fill("input[name=period_end]", "31/12/2030")
    page.get_by_role("button", name="Tạo bản nháp").click()
    page.wait_for_url(f"**{reverse('campaign_editor', args=[CODE])}")
    assert "Đã tạo phong trào" in s.messages()
    campaign = Campaign.objects.get(code=CODE)
    assert campaign.status == PublicationStatus.DRAFT

    # Its plan document, in the documents table.
    document = add_row(page, "documents")
    field(document, "number").fill("12/KH-UBND")
    field(document, "date").fill("15/01/2026")
    field(document, "title").fill("Kế hoạch phát động phong trào thi đua chuyển đổi số giai đoạn 2026-2030")
    field(document, "issuer").fill("Ủy ban nhân dân tỉnh Sơn La")
    field(document, "kind").select_option("ke_hoach")
    s.shot("02 campaign with its plan")
    page.get_by_role("button", name="Lưu phong trào").click()
    page.wait_for_url(f"**{reverse('campaign_editor', args=[CODE])}")
    assert "Đã lưu phong trào" in s.messages(), page.locator("[data-problems]").all_inner_texts()
    assert list(campaign.documents.values_list("number", flat=True)) == ["12/KH-UBND"]

    # --- The round -------------------------------------------------------------------------------
    page.get_by_role("link", name="+ Thêm đợt").click()
    page.wait_for_url(f"**{reverse('round_create', args=[CODE])}")
    page.fill("input[name='round-code']", ROUND)
    page.fill("input[name='round-name']", "Khen thưởng năm 2026")
    page.select_option("select[name='round-kind']", "annual")
    page.fill("input[name='round-year']", "2026")
    page.fill("input[name='round-legal_basis']", "nd-152-2025")
    page.fill("[name='round-source']", "Kế hoạch số 12/KH-UBND, mục III")

    for values in AWARD_FORMS:
        fill_award_form(add_row(page, "award_forms"), values)

    # The first stage is there; it gets its deadline. The third is added without one (the mistake).
    first = rows(page, "stages").first
    assert field(first, "name").input_value() == "Đơn vị đề nghị"
    field(first, "deadline").fill("15/11/2026")
    field(first, "deadline_stated").check()
    field(first, "holds_council").check()
    field(first, "source").fill("mục IV.1")
    # The decision typed before the review: the review's row is moved up (a stage's order is its row).
    fill_stage(add_row(page, "stages"), {**STAGES[1], "deadline": ""})
    fill_stage(add_row(page, "stages"), STAGES[0])
    rows(page, "stages").last.get_by_role("button", name="↑ Lên").click()
    assert [field(r, "name").input_value() for r in rows(page, "stages").all()] == ["Đơn vị đề nghị", "Sở KH&CN tổng hợp", "Chủ tịch UBND tỉnh quyết định"]
    assert page.locator("#bang-stages [data-row-count]").inner_text() == "3"

    # Five criteria, typed 1, 2, 3, 5, 4: the fourth is moved up one row.
    for code in ("tc-1", "tc-2", "tc-3", "tc-5", "tc-4"):
        fill_criterion(add_row(page, "criteria"), code)
    rows(page, "criteria").last.get_by_role("button", name="↑ Lên").click()
    assert codes_in(page, "criteria") == ["tc-1", "tc-2", "tc-3", "tc-4", "tc-5"]
    assert [n.inner_text() for n in page.locator("#bang-criteria [data-row-number]").all()] == ["1", "2", "3", "4", "5"]

    # Two quotas, and a third typed by mistake then removed.
    for values in QUOTAS:
        fill_quota(add_row(page, "quotas"), values)
    wrong = add_row(page, "quotas")
    fill_quota(wrong, ("nhap-nham", "Dòng nhập nhầm", "huan-chuong", "collective", "1", "?"))
    wrong.get_by_role("button", name="Xóa dòng").click()
    assert wrong.get_attribute("data-removed") == "1"
    assert page.locator("#bang-quotas [data-row-count]").inner_text() == "2"
    s.shot("03 round typed with a stage without deadline")

    page.get_by_role("button", name="Lưu đợt").click()
    page.wait_for_load_state()
    problems = page.locator("[data-problems]").inner_text()
    assert "Chưa lưu được" in problems
    assert "Các bước xét và hạn chót, dòng 3 (Chủ tịch UBND tỉnh quyết định): bước xét không có hạn chót ('deadline')" in problems
    assert not Round.objects.filter(campaign=campaign).exists()
    s.shot("04 refused stage without deadline")
    # Nothing typed is lost: the rows come back as they were, in the order given, the removed one out.
    assert page.input_value("input[name='round-code']") == ROUND
    assert codes_in(page, "award_forms") == ["bang-khen", "giay-khen"]
    assert [field(r, "name").input_value() for r in rows(page, "stages").all()] == ["Đơn vị đề nghị", "Sở KH&CN tổng hợp", "Chủ tịch UBND tỉnh quyết định"]
    assert codes_in(page, "criteria") == ["tc-1", "tc-2", "tc-3", "tc-4", "tc-5"]
    assert field(rows(page, "criteria").nth(3), "threshold").input_value() == "50"
    assert codes_in(page, "quotas") == ["bk-tap-the", "bk-ca-nhan"]
    assert page.locator("#bang-quotas [data-row-count]").inner_text() == "2"

    # Fixed, saved.
    field(rows(page, "stages").nth(2), "deadline").fill("20/12/2026")
    page.get_by_role("button", name="Lưu đợt").click()
    page.wait_for_url(f"**{reverse('round_editor', args=[CODE, ROUND])}")
    assert "Đã lưu đợt" in s.messages(), page.locator("[data-problems]").all_inner_texts()
    round_ = Round.objects.get(campaign=campaign, code=ROUND)
    assert round_.status == PublicationStatus.DRAFT
    assert [(st.order, st.name, st.deadline.isoformat()) for st in round_.stages.order_by("order")] == [
        (1, "Đơn vị đề nghị", "2026-11-15"), (2, "Sở KH&CN tổng hợp", "2026-11-30"), (3, "Chủ tịch UBND tỉnh quyết định", "2026-12-20"),
    ]
    assert list(round_.award_forms.order_by("order").values_list("code", flat=True)) == ["bang-khen", "giay-khen"]
    assert list(round_.criteria.order_by("order").values_list("code", flat=True)) == ["tc-1", "tc-2", "tc-3", "tc-4", "tc-5"]
    assert sorted(round_.quota_rules.values_list("code", flat=True)) == ["bk-ca-nhan", "bk-tap-the"]
    s.shot("05 round saved")

    # --- Kiểm tra, publish -------------------------------------------------------------------------
    page.get_by_role("link", name="Kiểm tra và công bố").click()
    page.wait_for_url(f"**{reverse('round_check', args=[CODE, ROUND])}")
    assert page.locator("[data-check-problems]").count() == 0
    assert "Không còn vấn đề nào" in page.locator("[data-check-ok]").inner_text()
    s.shot("06 check empty")
    page.get_by_role("button", name="Công bố đợt").click()
    page.wait_for_url(f"**{reverse('round_check', args=[CODE, ROUND])}")
    assert "Đã công bố đợt" in s.messages()
    round_.refresh_from_db()
    campaign.refresh_from_db()
    assert (round_.status, campaign.status) == (PublicationStatus.PUBLISHED, PublicationStatus.PUBLISHED)
    s.shot("07 published")
    assert not s.csp_violations, s.csp_violations

    # --- A unit officer of Sở KH&CN: the round on the home page, a nomination, submitted --------
    u = open_session()
    page = u.page
    u.login(officer, PASSWORD)
    card = page.locator(".portal-card", has_text="Khen thưởng năm 2026")
    assert card.count() == 1
    assert "Đang diễn ra" in card.inner_text()
    u.shot("08 unit home shows the round")
    card.get_by_role("link", name="Khen thưởng năm 2026").click()
    page.get_by_role("link", name="Lập hồ sơ đề nghị").click()
    page.wait_for_url("**/ho-so/moi/**")
    criterion = lambda code: page.locator(f'.criterion-row[data-code="{code}"]')  # noqa: E731
    criterion("tc-1").locator("input").fill("92,5")
    criterion("tc-2").locator("select").select_option("yes")
    criterion("tc-3").locator("textarea").fill("Nền tảng số hóa hồ sơ khoa học và công nghệ của tỉnh")
    page.fill("textarea[name=achievement_summary]", "Dẫn đầu các sở, ngành về chuyển đổi số năm 2026.")
    if page.locator("input[name=eligibility_declared]").count():
        page.check("input[name=eligibility_declared]")
    u.shot("09 nomination form")
    page.get_by_role("button", name="Lưu hồ sơ", exact=True).click()
    page.wait_for_url(DETAIL_URL)
    nomination = Nomination.objects.get(round=round_, proposing_unit__code="skhcn-son-la")
    assert (nomination.kind, nomination.award_form.code) == ("collective", "bang-khen")

    u.goto(reverse("unit_council", args=[round_.pk]))
    page.fill("input[name=date]", "05/11/2026")
    page.fill("input[name=start_time]", "08:00")
    page.fill("input[name=end_time]", "10:00")
    page.fill("input[name=place]", "Phòng họp Sở Khoa học và Công nghệ")
    page.fill("input[name=chair]", "Cầm Văn Giám")
    page.fill("input[name=secretary]", "Quàng Thị Thư")
    page.fill("input[name=members_total]", "7")
    page.fill("input[name=members_present]", "7")
    page.fill("input[name=written_opinions]", "0")
    page.fill(f"input[name=phieu_{nomination.pk}]", "7")
    page.get_by_role("button", name="Ghi kết quả họp").click()
    page.wait_for_url("**/hoi-dong/**")
    assert "Đã ghi kết quả họp Hội đồng Thi đua - Khen thưởng" in u.messages()

    u.goto(reverse("nomination_detail", args=[nomination.pk]))
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.locator("dialog#xac-nhan-gui").get_by_role("button", name="Xác nhận gửi hồ sơ").click()
    page.wait_for_url(f"**{reverse('nomination_detail', args=[nomination.pk])}")
    assert "Đã gửi hồ sơ đến bước" in u.messages()
    nomination.refresh_from_db()
    assert (nomination.status, nomination.stage.order) == (Status.IN_REVIEW, 2)
    u.shot("10 submitted")
    assert not u.csp_violations, u.csp_violations
    assert Membership.objects.filter(user=manager, role=Role.CAMPAIGN_MANAGER).count() == 1
