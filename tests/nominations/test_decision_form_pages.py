"""The decision form a page at a time: what a page reads does not grow with the list, moving
between pages keeps every tick and reason, and the decision sent from any page covers the whole
list (every nomination waiting is awarded unless ticked, the ticked ones need a reason)."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from nominations.models import AwardDecision, CouncilVote, CriterionValue, Nomination, Status
from nominations.views import review
from tests.nominations.conftest import nt_world  # noqa: F401  (a fixture)
from tests.nominations.test_forms_for_thousands import _fields, copies_at_stage

pytestmark = pytest.mark.django_db

PER_PAGE = 3
HEADER = {"number": "2468/QĐ-UBND", "date": "30/12/2024", "signer": "Trần Quốc Nam", "signer_title": "CHỦ TỊCH"}


@pytest.fixture
def world(nt_world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(review, "DECISION_FORM_PAGE_SIZE", PER_PAGE)
    nt_world.waiting = copies_at_stage(nt_world, order=4, count=10)
    return nt_world


def _grow(world, total):
    """Copies of the first nomination waiting at the final stage (its votes and criteria too), up to `total` waiting."""
    model = Nomination.objects.get(pk=world.waiting[0])
    values = list(CriterionValue.objects.filter(nomination=model))
    votes = list(CouncilVote.objects.filter(nomination=model))
    clones = []
    for index in range(len(_waiting(world)), total):
        clone = Nomination.objects.get(pk=model.pk)
        clone.pk = None
        clone.full_name = f"Trần Văn {index:04d}"
        clone.person_identifier = f"0792{index:08d}"
        clones.append(clone)
    clones = Nomination.objects.bulk_create(clones)
    CriterionValue.objects.bulk_create([CriterionValue(**{**_fields(v), "nomination_id": c.pk}) for c in clones for v in values])
    CouncilVote.objects.bulk_create([CouncilVote(meeting_id=v.meeting_id, nomination_id=c.pk, votes_for=v.votes_for) for c in clones for v in votes])


def _waiting(world):
    """The ids waiting at the final stage, in the form's order."""
    return list(
        Nomination.objects.filter(round=world.round, stage__order=4, status=Status.IN_REVIEW)
        .order_by("proposing_unit__name", "kind", "id").values_list("pk", flat=True)
    )


def _shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'type="checkbox" name="khong" value="(\d+)"', response.content.decode())]


def _carried(response) -> dict[int, str]:
    page = response.content.decode()
    ids = [int(pk) for pk in re.findall(r'<input type="hidden" name="khong" value="(\d+)">', page)]
    return {pk: re.search(rf'<input type="hidden" name="reason_{pk}" value="([^"]*)">', page).group(1) for pk in ids}


def test_a_page_of_the_form_reads_the_same_whatever_the_number_waiting(client, world):
    client.force_login(world.users["stage:4"])
    url = reverse("review_decision", args=(world.round.pk,))
    counts = []
    with clock.frozen_at(world.at_stage(4)):
        for total in (12, 36):
            _grow(world, total)
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url + "?trang=2")
            assert response.status_code == 200
            assert _shown(response) == _waiting(world)[PER_PAGE:2 * PER_PAGE]
            counts.append(len(queries.captured_queries))
            turned = client.post(url, {**HEADER, "den_trang": "3", "khong": _waiting(world)[:1]})
            assert _shown(turned) == _waiting(world)[2 * PER_PAGE:3 * PER_PAGE]
    assert counts[0] == counts[1]
    assert len(_waiting(world)) > 6 * PER_PAGE


def test_moving_between_pages_keeps_every_tick_and_the_decision_covers_every_page(client, world):
    waiting = _waiting(world)
    assert len(waiting) > 2 * PER_PAGE
    first, second = waiting[1], waiting[PER_PAGE + 2]  # one on page 1, one on page 2
    client.force_login(world.users["stage:4"])
    url = reverse("review_decision", args=(world.round.pk,))
    with clock.frozen_at(world.at_stage(4)):
        page_1 = client.get(url)
        assert _shown(page_1) == waiting[:PER_PAGE] and "Trang 1/" in page_1.content.decode()
        # Page 1: tick one, give its reason, move on: nothing is judged yet (the number is missing).
        page_2 = client.post(url, {**HEADER, "number": "", "trang": "1", "den_trang": "2", "khong": [first], f"reason_{first}": 'Chưa "đủ" <tiêu chuẩn>.'})
        assert page_2.status_code == 200
        body = page_2.content.decode()
        assert _shown(page_2) == waiting[PER_PAGE:2 * PER_PAGE]
        assert _carried(page_2) == {first: "Chưa &quot;đủ&quot; &lt;tiêu chuẩn&gt;."}
        assert "is-invalid" not in body and "Cần nhập số quyết định." not in body
        assert 'value="30/12/2024"' in body
        # Back to page 1 with a tick made on page 2: page 1 shows its own tick, page 2's is carried.
        back = client.post(url, {**HEADER, "trang": "2", "den_trang": "1", "khong": [first, second],
                                  f"reason_{first}": "Chưa đủ tiêu chuẩn.", f"reason_{second}": "Trùng khen thưởng."})
        assert _shown(back) == waiting[:PER_PAGE]
        assert f'value="{first}" id="khong-{first}" checked' in back.content.decode()
        assert _carried(back) == {second: "Trùng khen thưởng."}
        # Sent for the preview from page 1 without the reason of page 2's tick: refused, said on page 1.
        refused = client.post(url, {**HEADER, "trang": "1", "khong": [first, second], f"reason_{first}": "Chưa đủ tiêu chuẩn."})
        assert refused.status_code == 200 and _shown(refused) == waiting[:PER_PAGE]
        assert "Ở trang khác của danh sách:" in refused.content.decode()
        assert _carried(refused) == {second: ""}
        # With both reasons: the preview, then the decision for the whole list.
        sent = {**HEADER, "trang": "1", "khong": [first, second], f"reason_{first}": "Chưa đủ tiêu chuẩn.", f"reason_{second}": "Trùng khen thưởng."}
        preview = client.post(url, sent)
        assert "Xác nhận ghi quyết định" in preview.content.decode()
        assert len(preview.context["awarded"]) == len(waiting) - 2
        recorded = client.post(url, {**sent, "xac_nhan": "1"})
    assert recorded.status_code == 302
    decision = AwardDecision.objects.get(number="2468/QĐ-UBND")
    awarded = set(Nomination.objects.filter(decision=decision).exclude(status=Status.NOT_AWARDED).values_list("pk", flat=True))
    assert awarded == set(waiting) - {first, second}
    assert dict(Nomination.objects.filter(pk__in=(first, second)).values_list("pk", "outcome_reason")) == {
        first: "Chưa đủ tiêu chuẩn.", second: "Trùng khen thưởng.",
    }
    assert set(Nomination.objects.filter(pk__in=(first, second)).values_list("status", flat=True)) == {Status.NOT_AWARDED}


def test_an_id_not_waiting_carried_from_another_page_is_refused_when_sent(client, world):
    from tests.nominations.conftest import ready_at_stage

    elsewhere = ready_at_stage(world, "so-tai-chinh-nt", order=2)
    client.force_login(world.users["stage:4"])
    url = reverse("review_decision", args=(world.round.pk,))
    with clock.frozen_at(world.at_stage(4)):
        turned = client.post(url, {**HEADER, "den_trang": "2", "khong": [elsewhere.pk, "1 OR 1=1"], f"reason_{elsewhere.pk}": "x"})
        assert _carried(turned) == {elsewhere.pk: "x"}
        sent = client.post(url, {**HEADER, "trang": "2", "khong": [elsewhere.pk], f"reason_{elsewhere.pk}": "x"})
    assert f"Hồ sơ mã {elsewhere.pk} không còn chờ quyết định." in sent.content.decode()
    assert not AwardDecision.objects.filter(number="2468/QĐ-UBND").exists()
