"""The review side through the test client: queue, actions, bulk approval, council, extensions, decision."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from campaigns.models import Stage, UnitCategory
from nominations.models import AwardDecision, CouncilMeeting, DeadlineExtension, Nomination, Status
from nominations.workflow import Action, TransitionError, advance
from nominations.quotas import check_quotas, simulate_batch
from quotas.limits import QuotaExceeded

from .conftest import hold_unit_council, new_nomination, ready_at_stage, refresh, submitted

pytestmark = pytest.mark.django_db

UNITS = ["so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt", "so-xd-nt", "so-ct-nt", "so-nn-nt", "ubnd-phan-rang"]


def queue_url(world, order=2):
    return reverse("review_queue", args=(world.round.pk, order))


def client_for(client, user):
    client.force_login(user)
    return client


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Queue: who may open it ------------------------------------------------------------------


def test_queue_reviewer_of_stage_gets_200(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(queue_url(nt_world))
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [nomination.pk]
    body = response.content.decode()
    assert "Sở Tài chính tỉnh Ninh Thuận" in body
    assert "Hạn chót của bước: <strong>15/12/2024</strong> (còn 1 ngày)" in body
    assert 'name="n"' in body  # checkboxes for bulk approval


def test_queue_unit_officer_gets_404(nt_world, client):
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    response = client_for(client, nt_world.users["officer:so-tai-chinh-nt"]).get(queue_url(nt_world))
    assert response.status_code == 404


def test_queue_reviewer_of_another_stage_gets_404(nt_world, client):
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    response = client_for(client, nt_world.users["stage:3"]).get(queue_url(nt_world))
    assert response.status_code == 404


def test_queue_anonymous_is_sent_to_login(nt_world, client):
    response = client.get(queue_url(nt_world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_queue_unit_stage_and_unknown_stage_get_404(nt_world, client):
    client_for(client, nt_world.users["stage:2"])
    assert client.get(queue_url(nt_world, order=1)).status_code == 404
    assert client.get(queue_url(nt_world, order=9)).status_code == 404


def test_queue_administrator_reads_only(nt_world, client):
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    admin = get_user_model().objects.create_superuser("quan-tri", "qt@example.vn", "x-Unused-9")
    response = client_for(client, admin).get(queue_url(nt_world))
    assert response.status_code == 200
    assert response.context["can_act"] is False
    assert 'name="n"' not in response.content.decode()
    nomination = Nomination.objects.get()
    assert client.post(reverse("review_approve", args=(nomination.pk,))).status_code == 404
    assert client.get(reverse("review_bulk_preview", args=(nt_world.round.pk, 2)), {"n": nomination.pk}).status_code == 404


# --- Queue: filters, flags, pagination ---------------------------------------------------------


def test_queue_filters_by_category_unit_award_form_and_criteria(nt_world, client):
    finance = ready_at_stage(nt_world, "so-tai-chinh-nt")
    city = ready_at_stage(nt_world, "ubnd-phan-rang")
    pending = submitted(nt_world, "so-y-te-nt")  # its evidence criterion still awaits the council
    client_for(client, nt_world.users["stage:2"])

    def shown(**params):
        with clock.frozen_at(nt_world.at_stage(2)):
            response = client.get(queue_url(nt_world), params)
        assert response.status_code == 200
        return sorted(n.pk for n in response.context["page"].object_list)

    assert shown() == sorted([finance.pk, city.pk, pending.pk])
    assert shown(category=UnitCategory.objects.get(code="ubnd_huyen").pk) == [city.pk]
    assert shown(proposing_unit=nt_world.units["so-tai-chinh-nt"].pk) == [finance.pk]
    assert shown(criteria_status="pending") == [pending.pk]
    assert shown(criteria_status="met") == sorted([finance.pk, city.pk])
    assert shown(award_form=finance.award_form_id) == sorted([finance.pk, city.pk, pending.pk])
    assert shown(category="khong-hop-le") == sorted([finance.pk, city.pk, pending.pk])  # a bad filter is ignored


def test_queue_flags_same_person_proposed_by_two_units(nt_world, client):
    first = submitted(nt_world, "so-tai-chinh-nt", kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="001185000123")
    second = submitted(nt_world, "so-y-te-nt", kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="001185000123")
    other = submitted(nt_world, "so-gddt-nt", kind="individual", full_name="Lê Văn Minh", person_identifier="001090000777")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(queue_url(nt_world))
    flags = {n.pk: n.same_person_elsewhere for n in response.context["page"].object_list}
    assert flags == {first.pk: True, second.pk: True, other.pk: False}
    assert response.content.decode().count("Một người được hai đơn vị đề nghị") == 2


def test_queue_shows_unit_council_share_and_quota_bars(nt_world, client):
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(queue_url(nt_world))
    row = response.context["page"].object_list[0]
    assert (row.unit_votes_for, row.unit_members_total, row.unit_vote.passed) == (9, 9, True)
    quotas = {q.rule.code: (q.used, q.limit) for q in response.context["quotas"]}
    assert quotas == {"bk-tap-the": (0, 5), "bk-ca-nhan": (0, 7)}
    assert "0/5" in response.content.decode()


def test_queue_paginates(nt_world, client, monkeypatch):
    from nominations.views import review

    monkeypatch.setattr(review, "PAGE_SIZE", 1)
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    ready_at_stage(nt_world, "so-y-te-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        client_for(client, nt_world.users["stage:2"])
        first = client.get(queue_url(nt_world))
        second = client.get(queue_url(nt_world), {"trang": 2})
    assert first.context["page"].paginator.num_pages == 2
    assert first.context["page"].object_list[0].pk != second.context["page"].object_list[0].pk


def test_queue_counts_returned_waiting_for_unit(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung minh chứng sản phẩm.")
        response = client_for(client, nt_world.users["stage:2"]).get(queue_url(nt_world))
    assert response.context["returned"].count == 1
    assert "Bổ sung minh chứng sản phẩm." in response.content.decode()


def _queue_queries(client, world):
    with clock.frozen_at(world.at_stage(2)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(queue_url(world))
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_queue_query_count_does_not_grow_with_nominations(nt_world, client, django_assert_num_queries):
    client_for(client, nt_world.users["stage:2"])
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    count_small, rows = _queue_queries(client, nt_world)
    assert rows == 1
    assert count_small < 30
    for code in ("so-y-te-nt", "so-gddt-nt", "ubnd-phan-rang"):
        ready_at_stage(nt_world, code)
    submitted(nt_world, "so-xd-nt", kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="001185000123")
    submitted(nt_world, "so-ct-nt", kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="001185000123")
    with clock.frozen_at(nt_world.at_stage(2)):
        # +1: the people of the page (nominations.duplicates.same_people: likely duplicates and
        # people proposed by another unit), one query made only when the page lists individuals,
        # as it does now and did not with the one collective.
        with django_assert_num_queries(count_small + 1):
            response = client.get(queue_url(nt_world))
    assert len(response.context["page"].object_list) == 6


def test_queue_links_to_the_rounds_dossiers_which_the_reviewer_may_open(nt_world, client):
    client_for(client, nt_world.users["stage:2"])
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    dossiers_url = reverse("dossiers:round", args=[nt_world.round.pk])
    with clock.frozen_at(nt_world.at_stage(2)):
        assert dossiers_url in client.get(queue_url(nt_world)).content.decode()
        assert client.get(dossiers_url).status_code == 200


# --- Actions on one nomination ----------------------------------------------------------------


def test_approve_moves_to_next_stage(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).post(
            reverse("review_approve", args=(nomination.pk,)), {"comment": "Đủ tiêu chí.", "next": queue_url(nt_world)}
        )
    assert response.status_code == 302 and response.url == queue_url(nt_world)
    assert refresh(nomination).stage.order == 3
    assert texts(response) == [f'Đã chấp thuận hồ sơ Sở Tài chính tỉnh Ninh Thuận, chuyển tới bước "{nt_world.stages[2].name}".', "Thư thông báo đã được xếp vào hàng đợi và sẽ được gửi tự động."]


def test_approve_with_pending_criteria_is_refused_with_reason(nt_world, client):
    nomination = submitted(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).post(reverse("review_approve", args=(nomination.pk,)))
    assert response.status_code == 302
    assert refresh(nomination).stage.order == 2
    assert "Còn tiêu chí chờ Hội đồng đánh giá" in texts(response)[0]


def test_approve_after_deadline_is_refused(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2, days_before=-1)):
        response = client_for(client, nt_world.users["stage:2"]).post(reverse("review_approve", args=(nomination.pk,)))
    assert refresh(nomination).stage.order == 2
    assert "Đã hết hạn" in texts(response)[0]


def test_return_without_reason_changes_nothing(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    events = nomination.events.count()
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).post(reverse("review_return", args=(nomination.pk,)), {"reason": "   "})
    assert response.status_code == 302
    assert texts(response) == ["Cần ghi rõ lý do trả lại hồ sơ và nội dung đơn vị cần bổ sung."]
    nomination = refresh(nomination)
    assert (nomination.status, nomination.stage.order, nomination.events.count()) == (Status.IN_REVIEW, 2, events)


def test_return_with_reason_sends_back_to_unit(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).post(
            reverse("review_return", args=(nomination.pk,)), {"reason": "Thiếu báo cáo thành tích."}
        )
    nomination = refresh(nomination)
    assert (nomination.status, nomination.stage.order, nomination.outcome_reason) == (Status.RETURNED, 1, "Thiếu báo cáo thành tích.")
    assert texts(response) == ["Đã trả lại hồ sơ Sở Tài chính tỉnh Ninh Thuận cho Sở Tài chính tỉnh Ninh Thuận để bổ sung.", "Thư thông báo đã được xếp vào hàng đợi và sẽ được gửi tự động."]


def test_reject_needs_reason_then_rejects(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    client_for(client, nt_world.users["stage:2"])
    url = reverse("review_reject", args=(nomination.pk,))
    with clock.frozen_at(nt_world.at_stage(2)):
        refused = client.post(url, {"reason": ""})
        assert texts(refused) == ["Cần ghi rõ lý do không chấp thuận hồ sơ."]
        assert refresh(nomination).status == Status.IN_REVIEW
        client.post(url, {"reason": "Không đạt tiêu chí dữ liệu mở."})
    assert refresh(nomination).status == Status.REJECTED


def test_actions_are_404_for_unit_officer_and_405_for_get(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    client_for(client, nt_world.users["officer:so-tai-chinh-nt"])
    for name in ("review_approve", "review_return", "review_reject"):
        assert client.post(reverse(name, args=(nomination.pk,)), {"reason": "x"}).status_code == 404
    client_for(client, nt_world.users["stage:2"])
    assert client.get(reverse("review_approve", args=(nomination.pk,))).status_code == 405
    assert refresh(nomination).stage.order == 2


def test_action_on_moved_nomination_gives_message_not_error(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt", order=3)
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).post(reverse("review_approve", args=(nomination.pk,)))
    assert response.status_code == 302
    assert "Tài khoản không thuộc cơ quan xét ở bước này." in texts(response)[0]


def test_judge_criterion_through_client(nt_world, client):
    nomination = submitted(nt_world, "so-tai-chinh-nt")
    value = nomination.criterion_values.get(status="pending")
    prefix = f"tc{value.pk}"
    client_for(client, nt_world.users["stage:2"])
    url = reverse("review_judge", args=(nomination.pk, value.pk))
    with clock.frozen_at(nt_world.at_stage(2)):
        bad = client.post(url, {f"{prefix}-judgement": "maybe"})
        assert texts(bad) == ["Chọn Đạt hoặc Không đạt."]
        client.post(url, {f"{prefix}-judgement": "met", f"{prefix}-comment": "Có sản phẩm: số hóa hồ sơ."})
    assert refresh(nomination).criteria_status == "met"


# --- The partial on the detail page -------------------------------------------------------------


def _render_actions(world, nomination, user):
    request = RequestFactory().get(f"/ho-so/{nomination.pk}/")
    request.user = user
    return render_to_string(
        "nominations/review/_actions.html",
        {"nomination": refresh(nomination), "can_review": True, "request": request, "user": user},
        request=request,
    )


def test_actions_partial_shows_pending_criteria_and_blockers(nt_world):
    nomination = submitted(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        html = _render_actions(nt_world, nomination, nt_world.users["stage:2"])
    assert "Tiêu chí chờ Hội đồng đánh giá" in html
    assert reverse("review_judge_all", args=(nomination.pk,)) in html  # every pending criterion in one form
    assert "Còn tiêu chí chờ Hội đồng đánh giá" in html
    assert reverse("review_approve", args=(nomination.pk,)) not in html
    assert reverse("review_return", args=(nomination.pk,)) in html
    assert reverse("review_reject", args=(nomination.pk,)) in html


def test_actions_partial_shows_approve_when_ready_and_nothing_for_others(nt_world):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        html = _render_actions(nt_world, nomination, nt_world.users["stage:2"])
        assert reverse("review_approve", args=(nomination.pk,)) in html
        assert "chiếm chỗ 1/5" in html
        assert _render_actions(nt_world, nomination, nt_world.users["stage:3"]).strip() == ""


# --- Quotas: the Ninh Thuận round allows 5 collectives ---------------------------------------


def six_ready(world):
    return [ready_at_stage(world, code) for code in UNITS[:6]]


def test_quota_full_refuses_the_sixth_approval(nt_world, client):
    nominations = six_ready(nt_world)
    client_for(client, nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)):
        for nomination in nominations[:5]:
            client.post(reverse("review_approve", args=(nomination.pk,)))
        response = client.post(reverse("review_approve", args=(nominations[5].pk,)))
        assert response.status_code == 302
        message = texts(response)[-1]
        assert message.startswith("Không thể chấp thuận hồ sơ Sở Nông nghiệp tỉnh Ninh Thuận: Vượt số lượng khen thưởng")
        assert "đã dùng 5/5" in message
        html = _render_actions(nt_world, nominations[5], nt_world.users["stage:2"])
        queue = client.get(queue_url(nt_world))
    assert [refresh(n).stage.order for n in nominations] == [3, 3, 3, 3, 3, 2]
    assert "Vượt số lượng khen thưởng" in html and reverse("review_approve", args=(nominations[5].pk,)) not in html
    assert {q.rule.code: (q.used, q.limit) for q in queue.context["quotas"]}["bk-tap-the"] == (5, 5)
    assert "5/5 (đã đủ)" in queue.content.decode()


def test_bulk_preview_blocks_the_sixth_and_confirm_applies_only_allowed(nt_world, client):
    nominations = six_ready(nt_world)
    pending = submitted(nt_world, "ubnd-phan-rang")  # criteria not judged: refused for that, takes no place
    ids = [n.pk for n in [pending] + nominations]
    client_for(client, nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)):
        preview = client.get(reverse("review_bulk_preview", args=(nt_world.round.pk, 2)), {"n": ids})
        assert preview.status_code == 200
        rows = preview.context["preview"].rows
        assert [r.nomination.pk for r in rows] == ids
        assert [r.passes for r in rows] == [False, True, True, True, True, True, False]
        assert "Còn tiêu chí chờ Hội đồng đánh giá" in rows[0].reasons[0]
        assert rows[6].reasons[0].startswith("Vượt số lượng khen thưởng") and "đã dùng 5/5" in rows[6].reasons[0]
        assert [p.position for r in rows[1:6] for p in r.places] == [1, 2, 3, 4, 5]
        body = preview.content.decode()
        assert body.count(f'Sẽ chuyển tới bước "{nt_world.stages[2].name}".') == 5
        effect = preview.context["preview"].effects[0]
        assert (effect.used_before, effect.taken, effect.used_after, effect.limit) == (0, 5, 5, 5)

        confirm = client.post(reverse("review_bulk_confirm", args=(nt_world.round.pk, 2)), {"n": ids})
    assert confirm.status_code == 302 and confirm.url == queue_url(nt_world)
    assert [refresh(n).stage.order for n in [pending] + nominations] == [2, 3, 3, 3, 3, 3, 2]
    messages = texts(confirm)
    assert messages[0].startswith("Đã chấp thuận 5 hồ sơ")
    assert any("Sở Nông nghiệp tỉnh Ninh Thuận: Vượt số lượng khen thưởng" in m for m in messages[1:])
    assert len(messages) == 3


def test_bulk_approval_never_echoes_a_nomination_the_reviewer_may_not_see(nt_world, client):
    """Ids of another unit's draft posted by hand: neither the preview nor the result names it."""
    ready = six_ready(nt_world)[0]
    with clock.frozen_at(nt_world.at_stage(1)):
        draft = new_nomination(nt_world, "so-y-te-nt", kind="individual", full_name="Phạm Bí Mật", person_identifier="079199000321")
    client_for(client, nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)):
        preview = client.get(reverse("review_bulk_preview", args=(nt_world.round.pk, 2)), {"n": [draft.pk, ready.pk]}, follow=True)
        assert "Phạm Bí Mật" not in preview.content.decode()
        confirm = client.post(reverse("review_bulk_confirm", args=(nt_world.round.pk, 2)), {"n": [draft.pk, ready.pk]}, follow=True)
    assert "Phạm Bí Mật" not in confirm.content.decode()
    assert not any("Phạm Bí Mật" in m for m in texts(confirm))
    assert refresh(draft).status == Status.DRAFT


def test_same_person_box_lists_only_what_the_reviewer_may_see(nt_world, client):
    shown = submitted(nt_world, "so-tai-chinh-nt", kind="individual", full_name="Nguyễn Thị Hoa", person_identifier="001185000123")
    with clock.frozen_at(nt_world.at_stage(1)):
        new_nomination(nt_world, "so-y-te-nt", kind="individual", full_name="Nguyễn Thị Hoa Nháp", person_identifier="001185000123")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(reverse("nomination_detail", args=[shown.pk]))
    assert response.status_code == 200
    assert response.context["duplicates"] == []
    assert "Nguyễn Thị Hoa Nháp" not in response.content.decode()


def test_bulk_preview_with_nothing_selected_goes_back(nt_world, client):
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(reverse("review_bulk_preview", args=(nt_world.round.pk, 2)))
    assert response.status_code == 302
    assert texts(response) == ["Chọn ít nhất một hồ sơ."]


def test_simulate_batch_agrees_with_check_quotas_in_turn(nt_world):
    nominations = six_ready(nt_world)
    with clock.frozen_at(nt_world.at_stage(2)):
        advance(nominations[0], Action.APPROVE, actor=nt_world.users["stage:2"])
    rest = [refresh(n) for n in nominations[1:]]
    simulation = simulate_batch(rest, moving_past=2, first_stage_order=1)
    verdicts = []
    with clock.frozen_at(nt_world.at_stage(2)):
        for nomination in rest:
            try:
                check_quotas(nomination, moving_past=2, first_stage_order=1)
            except QuotaExceeded as error:
                verdicts.append((False, str(error)))
            else:
                verdicts.append((True, ""))
                advance(nomination, Action.APPROVE, actor=nt_world.users["stage:2"])
    assert [(item.passes, item.message) for item in simulation.items] == verdicts
    assert [v[0] for v in verdicts] == [True, True, True, True, False]


def test_simulate_batch_agrees_with_check_quotas_for_per_unit_rules_with_exceptions(nt_world):
    from quotas.models import QuotaException, QuotaRule

    world = nt_world
    form = world.round.award_forms.get()
    rule = QuotaRule.objects.create(
        round=world.round, code="mot-ca-nhan-moi-don-vi", label="Mỗi đơn vị đề nghị 01 cá nhân", award_form=form,
        nominee_kind="individual", scope="unit", limit=1, source="thử nghiệm", order=9,
    )
    QuotaException.objects.create(rule=rule, unit=world.units["so-y-te-nt"], limit=2, source="thử nghiệm")
    people = [("so-tai-chinh-nt", "A1"), ("so-y-te-nt", "B1"), ("so-tai-chinh-nt", "A2"), ("so-y-te-nt", "B2"), ("so-y-te-nt", "B3")]
    batch = [
        ready_at_stage(world, code, kind="individual", full_name=f"Người {pid}", person_identifier=pid) for code, pid in people
    ]
    simulation = simulate_batch(batch, moving_past=2, first_stage_order=1)
    verdicts = []
    with clock.frozen_at(world.at_stage(2)):
        for nomination in batch:
            try:
                advance(refresh(nomination), Action.APPROVE, actor=world.users["stage:2"])
            except TransitionError as error:
                verdicts.append((False, str(error)))
            else:
                verdicts.append((True, ""))
    assert [(item.passes, item.message) for item in simulation.items] == verdicts
    assert [v[0] for v in verdicts] == [True, True, False, True, False]
    effects = {(e.rule.code, e.unit_name): (e.used_before, e.used_after, e.limit) for e in simulation.effects}
    assert effects[("mot-ca-nhan-moi-don-vi", "Sở Y tế tỉnh Ninh Thuận")] == (0, 2, 2)
    assert effects[("mot-ca-nhan-moi-don-vi", "Sở Tài chính tỉnh Ninh Thuận")] == (0, 1, 1)
    assert effects[("bk-ca-nhan", "")] == (0, 3, 7)


# --- Stage council ------------------------------------------------------------------------------


def test_council_page_404_when_stage_holds_no_council(nt_world, client):
    response = client_for(client, nt_world.users["stage:2"]).get(reverse("review_council", args=(nt_world.round.pk, 2)))
    assert response.status_code == 404


def test_stage_council_records_votes_and_shows_share(nt_world, client):
    Stage.objects.filter(pk=nt_world.stages[1].pk).update(holds_council=True)
    passing = ready_at_stage(nt_world, "so-tai-chinh-nt")
    failing = ready_at_stage(nt_world, "so-y-te-nt")
    url = reverse("review_council", args=(nt_world.round.pk, 2))
    client_for(client, nt_world.users["stage:2"])
    data = {
        "date": "10/12/2024", "start_time": "14:00", "end_time": "16:00", "place": "Phòng họp Sở TT&TT",
        "chair": "Lê Văn Cường", "secretary": "Phạm Thị Dung", "members_total": 9, "members_present": 7,
        "written_opinions": 2, f"vote_{passing.pk}": 8, f"vote_{failing.pk}": 4,
    }
    with clock.frozen_at(nt_world.at_stage(2)):
        blocked = client.post(reverse("review_approve", args=(failing.pk,)))
        assert "Chưa có kết quả họp Hội đồng" in texts(blocked)[0]
        bad = client.post(url, {**data, "members_present": 10})
        assert bad.status_code == 200
        assert "Số thành viên có mặt không được lớn hơn số thành viên Hội đồng." in bad.content.decode()
        assert not CouncilMeeting.objects.filter(stage=nt_world.stages[1]).exists()
        response = client.post(url, data)
        assert response.status_code == 302
        page = client.get(url)
        rows = {r.nomination.pk: r.outcome for r in page.context["rows"]}
        assert rows[passing.pk].passed and not rows[failing.pk].passed
        assert "4/9 (44,4 %) chưa đạt" in rows[failing.pk].reason
        client.post(reverse("review_approve", args=(passing.pk,)))
        refused = client.post(reverse("review_approve", args=(failing.pk,)))
    assert refresh(passing).stage.order == 3 and refresh(failing).stage.order == 2
    assert "chưa đạt" in texts(refused)[-1]


# --- Deadline extension -------------------------------------------------------------------------


def test_extension_lets_a_late_unit_submit(nt_world, client):
    world = nt_world
    officer = world.users["officer:so-tai-chinh-nt"]
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-tai-chinh-nt")
        hold_unit_council(world, "so-tai-chinh-nt", [nomination])
    late = world.at_stage(2, days_before=5)  # 10/12/2024, after the unit deadline 30/11/2024
    with clock.frozen_at(late):
        with pytest.raises(TransitionError, match="Đã hết hạn"):
            advance(nomination, Action.SUBMIT, actor=officer)
        url = reverse("review_extensions", args=(world.round.pk, 2))
        client_for(client, world.users["stage:2"])
        no_reason = client.post(url, {"unit": world.units["so-tai-chinh-nt"].pk, "new_deadline": "12/12/2024", "reason": ""})
        assert "Cần ghi rõ lý do gia hạn." in no_reason.content.decode()
        response = client.post(
            url, {"unit": world.units["so-tai-chinh-nt"].pk, "new_deadline": "12/12/2024", "reason": "Đơn vị có văn bản xin gia hạn số 45/STC."}
        )
        assert response.status_code == 302
        assert texts(response) == ["Đã gia hạn cho Sở Tài chính tỉnh Ninh Thuận đến hết ngày 12/12/2024."]
        advance(nomination, Action.SUBMIT, actor=officer)
        listing = client.get(url).content.decode()
    assert refresh(nomination).stage.order == 2
    extension = DeadlineExtension.objects.get()
    assert (extension.stage, extension.granted_by) == (world.stages[0], world.users["stage:2"])
    assert "Đơn vị có văn bản xin gia hạn số 45/STC." in listing and "12/12/2024" in listing


def test_extension_page_is_404_for_unit_officer(nt_world, client):
    response = client_for(client, nt_world.users["officer:so-tai-chinh-nt"]).get(reverse("review_extensions", args=(nt_world.round.pk, 2)))
    assert response.status_code == 404


# --- Decision -----------------------------------------------------------------------------------


def test_decision_number_format_error_then_awarding(nt_world, client):
    awarded = ready_at_stage(nt_world, "so-tai-chinh-nt", order=4)
    declined = ready_at_stage(nt_world, "so-y-te-nt", order=4)
    url = reverse("review_decision", args=(nt_world.round.pk,))
    client_for(client, nt_world.users["stage:4"])
    data = {"number": "123/QD UBND", "date": "30/12/2024", "signer": "Trần Quốc Nam", "signer_title": "CHỦ TỊCH",
            "khong": [declined.pk], f"reason_{declined.pk}": "Chưa tiêu biểu so với các đơn vị khác."}
    with clock.frozen_at(nt_world.at_stage(4)):
        bad = client.post(url, data)
        assert bad.status_code == 200
        assert "Số quyết định không đúng định dạng" in bad.content.decode()
        no_reason = client.post(url, {**data, "number": "123/QĐ-UBND", f"reason_{declined.pk}": ""})
        assert "Cần ghi lý do không khen thưởng Sở Y tế tỉnh Ninh Thuận." in no_reason.content.decode()
        bad_date = client.post(url, {**data, "number": "123/QĐ-UBND", "date": "2024-12-30"})
        assert "Ngày phải theo dạng dd/mm/yyyy" in bad_date.content.decode()
        assert not AwardDecision.objects.exists() and refresh(awarded).status == Status.IN_REVIEW
        preview = client.post(url, {**data, "number": "123/qđ-ubnd"})
        assert preview.status_code == 200 and not AwardDecision.objects.exists()  # a preview first
        response = client.post(url, {**data, "number": "123/qđ-ubnd", "xac_nhan": "1"})
        decision = AwardDecision.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("review_decision_detail", args=(nt_world.round.pk, decision.pk))
        detail = client.get(response.url)
    assert (decision.number, decision.date, decision.signer) == ("123/QĐ-UBND", dt.date(2024, 12, 30), "Trần Quốc Nam")
    awarded, declined = refresh(awarded), refresh(declined)
    assert (awarded.status, awarded.decision_id) == (Status.AWARDED, decision.pk)
    assert (declined.status, declined.outcome_reason) == (Status.NOT_AWARDED, "Chưa tiêu biểu so với các đơn vị khác.")
    assert [n.pk for n in detail.context["awarded"]] == [awarded.pk]
    assert "Quyết định số 123/QĐ-UBND ngày 30/12/2024" in detail.content.decode()


def test_decision_duplicate_number_is_refused_whole(nt_world, client):
    first = ready_at_stage(nt_world, "so-tai-chinh-nt", order=4)
    second = ready_at_stage(nt_world, "so-y-te-nt", order=4)
    url = reverse("review_decision", args=(nt_world.round.pk,))
    client_for(client, nt_world.users["stage:4"])
    base = {"date": "30/12/2024", "signer": "Trần Quốc Nam", "number": "123/QĐ-UBND", "xac_nhan": "1"}
    with clock.frozen_at(nt_world.at_stage(4)):
        client.post(url, {**base, "khong": [second.pk], f"reason_{second.pk}": "Để xét đợt sau."})
        Nomination.objects.filter(pk=second.pk).update(status=Status.IN_REVIEW, outcome_reason="")
        again = client.post(url, base)
    assert "Quyết định số 123/QĐ-UBND đã được ghi trong đợt này." in again.content.decode()
    assert refresh(second).status == Status.IN_REVIEW


def test_decision_page_is_404_for_reviewer_of_other_stage(nt_world, client):
    response = client_for(client, nt_world.users["stage:2"]).get(reverse("review_decision", args=(nt_world.round.pk,)))
    assert response.status_code == 404


# --- Home -----------------------------------------------------------------------------------------


def test_review_home_lists_the_reviewers_stages(nt_world, client):
    ready_at_stage(nt_world, "so-tai-chinh-nt")
    response = client_for(client, nt_world.users["stage:2"]).get(reverse("review_home"))
    assert response.status_code == 200
    assert [(s.order, s.waiting) for s in response.context["stages"]] == [(2, 1)]
    assert client_for(client, nt_world.users["officer:so-tai-chinh-nt"]).get(reverse("review_home")).status_code == 404


def test_detail_page_includes_the_review_panel(nt_world, client):
    nomination = ready_at_stage(nt_world, "so-tai-chinh-nt")
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client_for(client, nt_world.users["stage:2"]).get(reverse("nomination_detail", args=(nomination.pk,)))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("review_approve", args=(nomination.pk,)) in body
    assert reverse("review_return", args=(nomination.pk,)) in body


def test_review_home_says_which_stages_are_past_their_deadline(nt_world, client):
    reviewer = client_for(client, nt_world.users["stage:2"])
    with clock.frozen_at(nt_world.at_stage(2)):
        html = reviewer.get(reverse("review_home")).content.decode()
    assert "đã hết hạn" not in html
    with clock.frozen_at(dt.datetime(2024, 12, 16, 9, tzinfo=clock.VIETNAM)):  # stage 2 ended 15/12/2024
        html = reviewer.get(reverse("review_home")).content.decode()
        assert "15/12/2024" in html and "đã hết hạn" in html
        DeadlineExtension.objects.create(
            stage=nt_world.stages[1], unit=nt_world.stages[1].organisation, new_deadline=dt.date(2024, 12, 18),
            reason="Gia hạn thử", granted_by=nt_world.users["stage:3"], granted_at=clock.now(),
        )
        html = reviewer.get(reverse("review_home")).content.decode()
        assert "18/12/2024" in html and "đã hết hạn" not in html
