"""The award decision and the stage and unit councils are sent for 1,500 nominations.

Before, both forms posted fields per nomination (the decision two: a checkbox and a reason box,
sent even when empty), and Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) with
an English "Bad Request (400)": the decision failed from about 500 nominations, the council from
about 990 (the unit council alike). Now the decision sends one field per nomination *not* awarded
(and its reason), a council one common count and a count per nomination only where it differs.

1,500 nominations are copies (bulk_create) of one walked through the real workflow to the stage,
with its unit council vote and criterion values; the round's quota rules are removed, since the
point here is the form, not the quotas (tests/nominations/test_workflow.py covers those).
"""
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from campaigns.models import Stage
from nominations.models import AwardDecision, CouncilMeeting, CouncilVote, CriterionValue, Nomination, Status
from quotas.models import QuotaRule
from tests.nominations.conftest import nt_world, ready_at_stage  # noqa: F401  (nt_world is a fixture)

pytestmark = pytest.mark.django_db

MANY = 1_500


def copies_at_stage(world, order, count=MANY):
    """`count` individual nominations of Sở Y tế waiting at stage `order`, all alike but the person."""
    QuotaRule.objects.filter(round=world.round).delete()
    model = ready_at_stage(world, "so-y-te-nt", order=order, kind="individual", full_name="Nguyễn Văn Mẫu",
                           person_identifier="079100000000")
    values = list(CriterionValue.objects.filter(nomination=model))
    votes = list(CouncilVote.objects.filter(nomination=model))
    clones = []
    for index in range(1, count):
        clone = Nomination.objects.get(pk=model.pk)
        clone.pk = None
        clone.full_name = f"Nguyễn Văn {index:04d}"
        clone.person_identifier = f"0791{index:08d}"
        clones.append(clone)
    clones = Nomination.objects.bulk_create(clones, batch_size=500)
    CriterionValue.objects.bulk_create(
        [CriterionValue(**{**_fields(v), "nomination_id": c.pk}) for c in clones for v in values], batch_size=1000
    )
    CouncilVote.objects.bulk_create(
        [CouncilVote(meeting_id=v.meeting_id, nomination_id=c.pk, votes_for=v.votes_for) for c in clones for v in votes], batch_size=1000
    )
    ids = [model.pk] + [c.pk for c in clones]
    assert Nomination.objects.filter(pk__in=ids, stage__order=order, status=Status.IN_REVIEW).count() == count
    return ids


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}


def test_decision_for_1500_nominations_is_sent_and_saved_whole(nt_world, client):
    ids = copies_at_stage(nt_world, order=4)
    declined = ids[10:13]
    data = {
        "number": "123/QĐ-UBND", "date": "30/12/2024", "signer": "Trần Quốc Nam", "signer_title": "CHỦ TỊCH",
        "khong": declined, **{f"reason_{pk}": "Chưa tiêu biểu." for pk in declined}, "xac_nhan": "1",
    }
    fields = 5 + 2 * len(declined)  # what the confirmation sends (empty reason boxes are left out)
    assert fields < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    client.force_login(nt_world.users["stage:4"])
    url = reverse("review_decision", args=(nt_world.round.pk,))
    with clock.frozen_at(nt_world.at_stage(4)):
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = AwardDecision.objects.get()
    assert Nomination.objects.filter(pk__in=ids, status=Status.AWARDED, decision=decision).count() == MANY - len(declined)
    assert sorted(Nomination.objects.filter(status=Status.NOT_AWARDED).values_list("pk", flat=True)) == sorted(declined)
    assert set(Nomination.objects.filter(pk__in=declined).values_list("outcome_reason", flat=True)) == {"Chưa tiêu biểu."}


def test_decision_refuses_ids_not_waiting_at_the_stage_in_vietnamese(nt_world, client):
    ids = copies_at_stage(nt_world, order=4, count=3)
    elsewhere = ready_at_stage(nt_world, "so-tai-chinh-nt", order=2)
    client.force_login(nt_world.users["stage:4"])
    url = reverse("review_decision", args=(nt_world.round.pk,))
    data = {"number": "123/QĐ-UBND", "date": "30/12/2024", "signer": "Trần Quốc Nam",
            "khong": [elsewhere.pk], f"reason_{elsewhere.pk}": "x"}
    with clock.frozen_at(nt_world.at_stage(4)):
        response = client.post(url, data)
        assert response.status_code == 200
        assert f"Hồ sơ mã {elsewhere.pk} không còn chờ quyết định." in response.content.decode()
        every = client.post(url, {**data, "khong": ids, **{f"reason_{pk}": "Không" for pk in ids}})
        assert "Chọn ít nhất một hồ sơ được khen thưởng." in every.content.decode()
    assert not AwardDecision.objects.exists()
    assert Nomination.objects.filter(pk__in=ids, status=Status.IN_REVIEW).count() == 3


def test_stage_council_for_1500_nominations_is_sent_and_saved_whole(nt_world, client):
    stage = nt_world.stages[1]
    Stage.objects.filter(pk=stage.pk).update(holds_council=True)
    ids = copies_at_stage(nt_world, order=2)
    data = {
        "date": "10/12/2024", "start_time": "14:00", "end_time": "16:00", "place": "Phòng họp Sở TT&TT",
        "chair": "Lê Văn Cường", "secretary": "Phạm Thị Dung", "members_total": 9, "members_present": 7,
        "written_opinions": 2, "votes_all": 8, f"vote_{ids[0]}": 4, f"vote_{ids[1]}": 9,
    }
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    client.force_login(nt_world.users["stage:2"])
    url = reverse("review_council", args=(nt_world.round.pk, 2))
    with clock.frozen_at(nt_world.at_stage(2)):
        with CaptureQueriesContext(connection) as sent:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        meeting = CouncilMeeting.objects.get(stage=stage)
        votes = dict(CouncilVote.objects.filter(meeting=meeting).values_list("nomination_id", "votes_for"))
        assert len(votes) == MANY
        assert (votes[ids[0]], votes[ids[1]]) == (4, 9)
        assert set(votes[pk] for pk in ids[2:]) == {8}
        # The votes are written in batches, not one query (or two) per nomination.
        assert len(sent) <= 40, len(sent)
        # Shown again, the common count is the most frequent and only the two others have their own.
        form = client.get(url).context["form"]
        # Recorded again with another common count: every vote that changed is corrected, in batches.
        with CaptureQueriesContext(connection) as corrected:
            response = client.post(url, {**data, "votes_all": 7, f"vote_{ids[1]}": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert len(corrected) <= 40, len(corrected)
    assert form.initial["votes_all"] == 8
    own = {n.pk: form[f"vote_{n.pk}"].value() for n in form.nominations}
    assert {pk: v for pk, v in own.items() if v is not None} == {ids[0]: 4, ids[1]: 9}
    votes = dict(CouncilVote.objects.filter(meeting=meeting).values_list("nomination_id", "votes_for"))
    assert len(votes) == MANY and votes[ids[0]] == 4 and set(votes[pk] for pk in ids[1:]) == {7}


def test_stage_council_refuses_three_billion_members_in_vietnamese(nt_world, client):
    stage = nt_world.stages[1]
    Stage.objects.filter(pk=stage.pk).update(holds_council=True)
    ready_at_stage(nt_world, "so-tai-chinh-nt", order=2)
    client.force_login(nt_world.users["stage:2"])
    data = {
        "date": "10/12/2024", "start_time": "14:00", "end_time": "16:00", "place": "Phòng họp", "chair": "Lê Văn Cường",
        "secretary": "Phạm Thị Dung", "members_total": 3_000_000_000, "members_present": 7, "written_opinions": 0,
        "votes_all": 3_000_000_000,
    }
    with clock.frozen_at(nt_world.at_stage(2)):
        response = client.post(reverse("review_council", args=(nt_world.round.pk, 2)), data)
    assert response.status_code == 200
    assert response.context["form"].errors["members_total"] == ["Không được lớn hơn 500."]
    assert response.context["form"].errors["votes_all"] == ["Không được lớn hơn 500."]
    assert not CouncilMeeting.objects.filter(stage=stage).exists()


def drafts_of_one_unit(world, count):
    """`count` individual drafts of Sở Tài chính (copies of one made through the service)."""
    from tests.nominations.conftest import new_nomination

    with clock.frozen_at(world.at_stage(1)):
        model = new_nomination(world, "so-tai-chinh-nt", kind="individual", full_name="Trần Văn Mẫu", person_identifier="079200000000")
    clones = []
    for index in range(1, count):
        clone = Nomination.objects.get(pk=model.pk)
        clone.pk, clone.full_name, clone.person_identifier = None, f"Trần Văn {index:04d}", f"0792{index:08d}"
        clones.append(clone)
    return [model.pk] + [c.pk for c in Nomination.objects.bulk_create(clones, batch_size=500)]


def test_unit_council_for_1500_drafts_is_sent_with_a_common_count(nt_world, client):
    ids = drafts_of_one_unit(nt_world, MANY)
    data = {
        "date": "25/11/2024", "start_time": "08:00", "end_time": "10:30", "place": "Hội trường Sở Tài chính",
        "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình", "members_total": "9", "members_present": "9",
        "written_opinions": "0", "phieu_chung": "9", f"phieu_{ids[0]}": "5",
    }
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    client.force_login(nt_world.users["officer:so-tai-chinh-nt"])
    url = reverse("unit_council", args=[nt_world.round.pk])
    with clock.frozen_at(nt_world.at_stage(1)):
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors if response.context else response.status_code
        votes = dict(CouncilVote.objects.filter(nomination_id__in=ids).values_list("nomination_id", "votes_for"))
        assert len(votes) == MANY and votes[ids[0]] == 5 and set(votes[pk] for pk in ids[1:]) == {9}
        # The same count everywhere but one: each shown with its own count (no common count to show).
        form = client.get(url).context["form"]
    assert form[f"phieu_{ids[0]}"].value() == 5 and form[f"phieu_{ids[1]}"].value() == 9


def test_unit_council_common_count_above_those_present_is_refused(nt_world, client):
    ids = drafts_of_one_unit(nt_world, 2)
    client.force_login(nt_world.users["officer:so-tai-chinh-nt"])
    data = {
        "date": "25/11/2024", "start_time": "08:00", "end_time": "10:30", "place": "Hội trường", "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình", "members_total": "9", "members_present": "7", "written_opinions": "0", "phieu_chung": "8",
    }
    with clock.frozen_at(nt_world.at_stage(1)):
        response = client.post(reverse("unit_council", args=[nt_world.round.pk]), data)
        assert response.context["form"].errors["phieu_chung"] == [
            "Số phiếu đồng ý không được lớn hơn số thành viên có mặt cộng ý kiến bằng văn bản (7)."
        ]
        assert not CouncilVote.objects.filter(nomination_id__in=ids).exists()
        response = client.post(reverse("unit_council", args=[nt_world.round.pk]), {**data, "phieu_chung": "7"})
        assert response.status_code == 302
        form = client.get(reverse("unit_council", args=[nt_world.round.pk])).context["form"]
    assert form["phieu_chung"].value() == 7 and form[f"phieu_{ids[0]}"].value() is None  # one count for all: shown once
