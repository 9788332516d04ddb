"""The rules of a council meeting, the unit's and a stage organisation's alike, in one place: the
meeting's figures (`meeting_problems`), the votes it can give (`votes_allowed`), its day
(`check_meeting_date`), and the outcome of a nominee's votes: quorum and the share of all members a
proposal needs (`vote_outcome`; the thresholds are data: VoteRule).

The council form (nominations.forms.CouncilMeetingForm, one class for both councils) and the
service that records a meeting (nominations.services.record_council_meeting) both ask these; each
words the refusal for its page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.stages import stages_of
from nominations.validators import validate_not_after_today, validate_round_date

# The codes of meeting_problems(), each with the form field it belongs to.
PRESENT_OVER_TOTAL = "present_over_total"  # more members present than the council has
WRITTEN_OVER_ABSENT = "written_over_absent"  # more written opinions than absent members
END_NOT_AFTER_START = "end_not_after_start"
# Their wording where the limit is not shown: the stage council's form and the recording service.
PLAIN_PROBLEM_MESSAGES = {
    PRESENT_OVER_TOTAL: _("Số thành viên có mặt không được lớn hơn số thành viên Hội đồng."),
    WRITTEN_OVER_ABSENT: _("Số ý kiến bằng văn bản không được lớn hơn số thành viên vắng mặt."),
    END_NOT_AFTER_START: _("Giờ kết thúc phải sau giờ bắt đầu."),
}


@dataclass
class VoteOutcome:
    passed: bool
    quorum_met: bool
    share: Fraction
    required: Fraction
    strict: bool
    reason: str = ""

    @property
    def share_percent(self) -> float:
        return round(float(self.share) * 100, 1)


def _percent(fraction: Fraction) -> str:
    """'44,4 %' — Vietnamese decimal comma, no trailing ',0'."""
    text = f"{float(fraction) * 100:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + " %"


def quorum_met(meeting, rule) -> bool:
    return meeting.members_present * rule.quorum_denominator >= rule.quorum_numerator * meeting.members_total


def vote_outcome(meeting, votes_for: int, rule) -> VoteOutcome:
    """Judge one nominee's 'đồng ý' votes against the rule: the share is of ALL members of the council."""
    required = Fraction(rule.approval_numerator, rule.approval_denominator)
    share = Fraction(votes_for, meeting.members_total)
    has_quorum = quorum_met(meeting, rule)
    passed_share = share > required if rule.approval_strict else share >= required
    reason = ""
    if not has_quorum:
        reason = gettext(
            "Cuộc họp không đủ túc số: %(present)s/%(total)s thành viên có mặt, cần ít nhất %(numerator)s/%(denominator)s (%(source)s)."
        ) % {
            "present": meeting.members_present, "total": meeting.members_total, "numerator": rule.quorum_numerator,
            "denominator": rule.quorum_denominator, "source": rule.source,
        }
    elif not passed_share:
        facts = {
            "votes": votes_for, "total": meeting.members_total, "share": _percent(share), "required": _percent(required),
            "source": rule.source,
        }
        if rule.approval_strict:
            reason = gettext(
                "Số phiếu đồng ý %(votes)s/%(total)s (%(share)s) chưa đạt: cần trên %(required)s tổng số thành viên Hội đồng (%(source)s)."
            ) % facts
        else:
            reason = gettext(
                "Số phiếu đồng ý %(votes)s/%(total)s (%(share)s) chưa đạt: cần từ %(required)s tổng số thành viên Hội đồng (%(source)s)."
            ) % facts
    return VoteOutcome(has_quorum and passed_share, has_quorum, share, required, rule.approval_strict, reason)


# --- The meeting's figures, votes and day ----------------------------------------------------------


@dataclass(frozen=True)
class MeetingProblem:
    field: str  # the form field it is shown under
    code: str  # PRESENT_OVER_TOTAL, WRITTEN_OVER_ABSENT, END_NOT_AFTER_START
    limit: int | None = None  # the bound it broke (members of the council, members absent)


def meeting_problems(*, total: int | None, present: int | None, written: int | None,
                     start: dt.time | None, end: dt.time | None) -> list[MeetingProblem]:
    """What is wrong with a meeting's figures: at most the members of the council present, at most
    one written opinion per absent member, an end after the start. A figure still missing (None) is
    not judged; written opinions are judged only once `present` is possible."""
    problems = []
    if total is not None and present is not None and present > total:
        problems.append(MeetingProblem("members_present", PRESENT_OVER_TOTAL, total))
    elif None not in (total, present, written) and written > total - present:
        problems.append(MeetingProblem("written_opinions", WRITTEN_OVER_ABSENT, total - present))
    if start and end and end <= start:
        problems.append(MeetingProblem("end_time", END_NOT_AFTER_START))
    return problems


def common_count(frequencies) -> int | None:
    """The count a council form asks for once (the stage council's "số phiếu đồng ý chung"): the
    most frequent of the recorded 'đồng ý' counts, the smaller on a tie; `frequencies` maps each
    count to how many nominations got it. None when nothing was recorded."""
    return min(frequencies, key=lambda votes: (-frequencies[votes], votes)) if frequencies else None


def votes_allowed(*, present: int, written: int) -> int:
    """The most 'đồng ý' votes a nominee can get: the members present and the written opinions."""
    return present + written


def votes_possible(votes_for: int, *, present: int, written: int) -> bool:
    return 0 <= votes_for <= votes_allowed(present=present, written=written)


def check_meeting_date(day: dt.date, *, what: str, round_=None, today: dt.date | None = None) -> None:
    """A meeting's day (ValidationError otherwise): inside `round_` when it is given (from its start
    to one year after its last deadline, nominations.validators), and not after `today` when that is
    given (what a user types has happened)."""
    if round_ is not None:
        validate_round_date(day, round_=round_, last_deadline=stages_of(round_).last.deadline, what=what, today=today)
    elif today is not None:
        validate_not_after_today(day, what=what, today=today)
