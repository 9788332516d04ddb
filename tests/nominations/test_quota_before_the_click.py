"""The quota known before the click (client tests: the pages' text is what matters, no script is
involved): the draft page shows the unit's quota use and, when a rule is full, says so in "Chưa gửi
được vì" with "Gửi hồ sơ" gone; the reviewer's quota table counts what waits in its queue besides
what it approved."""
from django.urls import reverse

from campaigns import clock
from nominations.models import Status
from quotas.models import QuotaRule
from tests.nominations.conftest import hold_unit_council, new_nomination, refresh, submitted

UNIT = "so-tai-chinh-nt"


def _one_individual_per_unit_at_submission(world):
    return QuotaRule.objects.create(
        round=world.round, code="mot-ca-nhan-moi-don-vi", label="Mỗi đơn vị đề nghị 01 cá nhân",
        award_form=world.round.award_forms.get(), nominee_kind="individual", scope="unit", limit=1, binds_at="submission",
        source="thử nghiệm", order=9,
    )


def test_draft_page_shows_quota_use_and_a_full_quota_among_the_reasons_before_the_click(nt_world, client):
    world = nt_world
    _one_individual_per_unit_at_submission(world)
    submitted(world, UNIT, kind="individual", full_name="Trần Văn An", person_identifier="079190000001")
    with clock.frozen_at(world.at_stage(1)):
        second = new_nomination(world, UNIT, kind="individual", full_name="Lê Thị Bình", person_identifier="079190000002")
        hold_unit_council(world, UNIT, [second])
        client.force_login(world.users[f"officer:{UNIT}"])
        html = client.get(reverse("nomination_detail", args=[second.pk])).content.decode()
        assert "Số lượng khen thưởng (tính khi gửi):" in html
        assert "Mỗi đơn vị đề nghị 01 cá nhân — Sở Tài chính tỉnh Ninh Thuận: đã dùng 1/1 (đã đủ)" in html
        assert "Chưa gửi được vì:" in html
        assert "Vượt số lượng khen thưởng: Mỗi đơn vị đề nghị 01 cá nhân" in html and "đã dùng 1/1" in html
        assert f'action="{reverse("nomination_submit", args=[second.pk])}"' not in html
        # The same words as the refusal "Gửi hồ sơ" meets.
        response = client.post(reverse("nomination_submit", args=[second.pk]), follow=True)
    assert "Vượt số lượng khen thưởng: Mỗi đơn vị đề nghị 01 cá nhân" in response.content.decode()
    assert refresh(second).status == Status.DRAFT


def test_draft_page_with_room_left_offers_submit_and_shows_the_use(nt_world, client):
    world = nt_world
    _one_individual_per_unit_at_submission(world)
    with clock.frozen_at(world.at_stage(1)):
        draft = new_nomination(world, UNIT, kind="individual", full_name="Lê Thị Bình", person_identifier="079190000002")
        hold_unit_council(world, UNIT, [draft])
        client.force_login(world.users[f"officer:{UNIT}"])
        html = client.get(reverse("nomination_detail", args=[draft.pk])).content.decode()
    assert "Mỗi đơn vị đề nghị 01 cá nhân — Sở Tài chính tỉnh Ninh Thuận: đã dùng 0/1 (còn chỗ)" in html
    assert f'action="{reverse("nomination_submit", args=[draft.pk])}"' in html
    assert "chiếm chỗ 1/1" in html  # in the confirmation's summary


def test_reviewer_quota_table_counts_what_waits_in_the_queue(nt_world, client):
    world = nt_world
    for code in (UNIT, "so-y-te-nt", "so-gddt-nt"):
        submitted(world, code)
    with clock.frozen_at(world.at_stage(2)):
        client.force_login(world.users["stage:2"])
        page = client.get(reverse("review_queue", args=[world.round.pk, 2]))
    rows = {row.rule.code: row for row in page.context["quotas"]}
    assert (rows["bk-tap-the"].used, rows["bk-tap-the"].waiting, rows["bk-tap-the"].limit) == (0, 3, 5)
    assert "+ 3 chờ xét ở bước này: 3/5 nếu chấp thuận tất cả" in page.content.decode()


def test_reviewer_home_quota_bar_counts_what_waits_in_the_queue(nt_world, client):
    world = nt_world
    for code in (UNIT, "so-y-te-nt"):
        submitted(world, code)
    with clock.frozen_at(world.at_stage(2)):
        client.force_login(world.users["stage:2"])
        html = client.get(reverse("home")).content.decode()
    assert "+ 2 chờ xét ở bước này: 2/5 nếu chấp thuận tất cả" in html
