"""E-mail: transition mails (queued after commit, sent by the Celery task, eager here) and
deadline reminders (7, 3 and 1 days before, only to units that have not submitted, never twice)."""
import datetime as dt

import pytest

from campaigns import clock
from campaigns.models import Membership, Role
from nominations.reminders import send_deadline_reminders
from nominations.services import record_decision
from nominations.workflow import Action, advance

from .conftest import NT_PARTICIPANTS, judge_pending, ready_at_stage, refresh, submitted

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"


def officer_emails(unit_code):
    return [f"officer-{unit_code}@example.vn"]


def stage_emails(world, order):
    return [world.users[f"stage:{order}"].email]


def test_submit_mails_the_reviewers_of_the_next_stage_only(nt_world, mail):
    with mail.capture():
        nomination = submitted(nt_world, UNIT)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (stage_emails(nt_world, 2), f"[Thi đua CĐS] Hồ sơ mới cần xét: {nomination.nominee_name}")
    ]
    assert "Sở Thông tin và Truyền thông tỉnh Ninh Thuận" in mail.outbox[0].body
    assert f"/ho-so/{nomination.pk}/" in mail.outbox[0].body


def test_return_mails_the_unit_officers_with_the_reason(nt_world, mail):
    nomination = submitted(nt_world, UNIT)
    mail.outbox.clear()
    with mail.capture(), clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung biên bản họp Hội đồng.")
    assert [m.to for m in mail.outbox] == [officer_emails(UNIT)]
    assert mail.outbox[0].subject.endswith("Trả lại để bổ sung")
    assert "Lý do: Bổ sung biên bản họp Hội đồng." in mail.outbox[0].body


def test_reject_mails_the_unit_officers_with_the_reason(nt_world, mail):
    nomination = submitted(nt_world, UNIT)
    mail.outbox.clear()
    with mail.capture(), clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.REJECT, actor=nt_world.users["stage:2"], comment="Thành tích chưa tiêu biểu.")
    assert [m.to for m in mail.outbox] == [officer_emails(UNIT)]
    assert mail.outbox[0].subject.endswith("Không chấp thuận")
    assert "Lý do: Thành tích chưa tiêu biểu." in mail.outbox[0].body


def test_approve_mails_the_unit_and_the_appraisers_of_the_next_stage(nt_world, mail):
    nomination = judge_pending(nt_world, submitted(nt_world, UNIT))
    mail.outbox.clear()
    with mail.capture(), clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.APPROVE, actor=nt_world.users["stage:2"])
    assert [m.to for m in mail.outbox] == [officer_emails(UNIT), stage_emails(nt_world, 3)]
    assert "Sở Nội vụ thẩm định" in mail.outbox[0].body  # the unit sees where its dossier is now
    assert mail.outbox[1].subject.startswith("[Thi đua CĐS] Hồ sơ mới cần xét")


def test_award_mails_the_unit_officers_with_the_decision(nt_world, mail):
    nomination = ready_at_stage(nt_world, UNIT, order=4)
    mail.outbox.clear()
    with mail.capture(), clock.frozen_at(nt_world.at_stage(4)):
        record_decision(
            actor=nt_world.users["stage:4"], round_=nt_world.round, number="123/QĐ-UBND", date=dt.date(2024, 12, 30),
            signer="Trần Quốc Nam", nominations=[nomination],
        )
    assert refresh(nomination).status == "awarded"
    assert [m.to for m in mail.outbox] == [officer_emails(UNIT)]
    assert mail.outbox[0].subject.endswith("Được khen thưởng")
    assert "Quyết định khen thưởng số 123/QĐ-UBND ngày 30/12/2024." in mail.outbox[0].body


def test_officers_without_an_address_are_skipped(nt_world, mail):
    officer = nt_world.users[f"officer:{UNIT}"]
    officer.email = ""
    officer.save(update_fields=["email"])
    nomination = submitted(nt_world, UNIT)
    mail.outbox.clear()
    with mail.capture(), clock.frozen_at(nt_world.at_stage(2)):
        advance(nomination, Action.RETURN, actor=nt_world.users["stage:2"], comment="Bổ sung.")
    assert mail.outbox == []


# ---------------------------------------------------------------- reminders (deadline 30/11/2024)


def test_reminders_go_7_3_and_1_days_before_to_units_that_have_not_submitted_and_never_twice(nt_world, mail):
    submitted(nt_world, UNIT)  # this unit has sent its dossier: no reminder
    mail.outbox.clear()
    waiting = sorted(f"officer-{code}@example.vn" for code, *_ in NT_PARTICIPANTS if code != UNIT)

    assert send_deadline_reminders(dt.date(2024, 11, 23)) == len(waiting)
    assert sorted(address for m in mail.outbox for address in m.to) == waiting
    assert all(m.subject.startswith("[Thi đua CĐS] Còn 7 ngày") for m in mail.outbox)
    assert "Hạn gửi: hết ngày 30/11/2024 (còn 7 ngày)." in mail.outbox[0].body

    assert send_deadline_reminders(dt.date(2024, 11, 23)) == 0  # the same day again: nothing
    assert send_deadline_reminders(dt.date(2024, 11, 25)) == 0  # 5 days: not a reminder day
    assert len(mail.outbox) == len(waiting)

    assert send_deadline_reminders(dt.date(2024, 11, 27)) == len(waiting)
    assert send_deadline_reminders(dt.date(2024, 11, 29)) == len(waiting)
    assert send_deadline_reminders(dt.date(2024, 11, 29)) == 0
    assert [m.subject.split(":")[0] for m in mail.outbox[len(waiting):]] == (
        ["[Thi đua CĐS] Còn 3 ngày"] * len(waiting) + ["[Thi đua CĐS] Còn 1 ngày"] * len(waiting)
    )
    assert f"officer-{UNIT}@example.vn" not in {a for m in mail.outbox for a in m.to}


def test_reminders_skip_reviewers_and_stop_once_the_unit_submits(nt_world, mail):
    assert send_deadline_reminders(dt.date(2024, 11, 27)) == len(NT_PARTICIPANTS)
    reviewers = set(Membership.objects.exclude(role=Role.UNIT_OFFICER).values_list("user__email", flat=True))
    assert not reviewers & {a for m in mail.outbox for a in m.to}
    submitted(nt_world, UNIT)
    mail.outbox.clear()
    assert send_deadline_reminders(dt.date(2024, 11, 29)) == len(NT_PARTICIPANTS) - 1
    assert f"officer-{UNIT}@example.vn" not in {a for m in mail.outbox for a in m.to}
