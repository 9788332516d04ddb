"""Council votes: quorum and the share of all members a proposal needs (rules are data: VoteRule)."""
from dataclasses import dataclass
from fractions import Fraction


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
        reason = (
            f"Cuộc họp không đủ túc số: {meeting.members_present}/{meeting.members_total} thành viên có mặt, "
            f"cần ít nhất {rule.quorum_numerator}/{rule.quorum_denominator} ({rule.source})."
        )
    elif not passed_share:
        word = "trên" if rule.approval_strict else "từ"
        reason = (
            f"Số phiếu đồng ý {votes_for}/{meeting.members_total} ({_percent(share)}) chưa đạt: cần {word} "
            f"{_percent(required)} tổng số thành viên Hội đồng ({rule.source})."
        )
    return VoteOutcome(has_quorum and passed_share, has_quorum, share, required, rule.approval_strict, reason)
