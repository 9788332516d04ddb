"""The biên bản họp Hội đồng Thi đua - Khen thưởng of a stage: the meeting, the rules applied, the
vote on each nomination, the conclusion.
"""
from __future__ import annotations

from collections import OrderedDict

from campaigns.models import AwardOutcome, NomineeKind, Stage, Unit
from campaigns.vn_format import heading_upper, long_date, upper_vi, vn_count, vn_percent, vn_time
from dossiers.models import DocumentKind
from dossiers.sources.legal import round_block
from dossiers.sources.nominees import council_body, council_meeting, council_name, count_phrase, grouped, nominee_row
from dossiers.sources.organisations import addressee_of, round_org_block, titled
from dossiers.sources.to_trinh import request_phrase
from nominations.council import vote_outcome
from nominations.models import CouncilVote
from campaigns.stages import stages_of


def council_conclusion(groups: list[dict], *, addressee: str, addressee_decides: bool, issuer: dict) -> str:
    """The council's conclusion: what it proposes upward (each award form with what the addressee
    may do with it, as in the tờ trình), and what the unit's own head grants."""
    upward, own = [], []
    for group in groups:
        passed = [r for r in group["collectives"] + group["individuals"] if r["passed"]]
        if not passed:
            continue
        collectives = sum(1 for r in passed if r["kind"] == NomineeKind.COLLECTIVE)
        phrase = f"{group['award_form']} cho {count_phrase(collectives, len(passed) - collectives)}"
        if group["outcome"] == AwardOutcome.UNIT:
            own.append(phrase)
        else:
            upward.append(f"{request_phrase(addressee_decides, group['granted_at_decision'])} {phrase}")
    parts = []
    if upward:
        parts.append(f"đề nghị {addressee or 'cấp có thẩm quyền'} xem xét, {'; '.join(upward)}")
    if own:
        parts.append(f"đề nghị {titled(issuer)} tặng {'; '.join(own)}")
    return "; ".join(parts) if parts else "không đề nghị khen thưởng trường hợp nào"


def _rule_text(rule) -> str:
    share = vn_percent(rule.approval_numerator * 100 / rule.approval_denominator, 0)
    if rule.approval_strict:
        return f"trên {share} tổng số thành viên"
    return f"từ {share} tổng số thành viên trở lên"


def bien_ban_source(stage: Stage, organisation: Unit) -> dict | None:
    meeting = council_meeting(stage, organisation)
    if meeting is None:
        return None
    round_ = stage.round
    stages = stages_of(round_)
    issuer = round_org_block(organisation, round_)
    votes = list(
        CouncilVote.objects.filter(meeting=meeting)
        .select_related("nomination__award_form__vote_rule", "nomination__nominee_unit__parent", "nomination__proposing_unit")
        .order_by("nomination__award_form__order", "nomination__kind", "nomination__id")
    )
    rows, rules = [], OrderedDict()
    for vote in votes:
        nomination = vote.nomination
        rule = nomination.award_form.vote_rule
        outcome = vote_outcome(meeting, vote.votes_for, rule)
        rules[rule.pk] = rule
        rows.append({
            **nominee_row(nomination),
            "votes_for": vote.votes_for,
            "share": vn_percent(float(outcome.share) * 100),
            "rule": _rule_text(rule),
            "passed": outcome.passed,
            "result": "Đạt" if outcome.passed else "Không đạt",
        })
    quorum_lines = []
    for rule in rules.values():
        needed = rule.quorum_numerator * meeting.members_total
        ok = meeting.members_present * rule.quorum_denominator >= needed
        quorum_lines.append(
            f"Túc số theo quy định: ít nhất {rule.quorum_numerator}/{rule.quorum_denominator} tổng số thành viên; "
            f"có mặt {meeting.members_present}/{meeting.members_total} thành viên: {'đủ' if ok else 'không đủ'} túc số."
        )
    passed = [r for r in rows if r["passed"]]
    collectives = sum(1 for r in passed if r["kind"] == NomineeKind.COLLECTIVE)
    absent = meeting.members_total - meeting.members_present
    groups = grouped(rows, list(round_.award_forms.all()))
    addressee, decides = addressee_of(stage, organisation, stages)
    council = council_body(stage, organisation)
    return {
        "kind": DocumentKind.BIEN_BAN,
        "round": round_block(round_),
        "date": meeting.date.isoformat(),  # the meeting's: a biên bản records it
        "stage": {"order": stage.order, "name": stage.name},
        "issuer": issuer,
        "council_upper": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "council": council_name(stage, organisation),
        "council_parent_upper": upper_vi(council.name),
        "council_heading": heading_upper("Hội đồng Thi đua - Khen thưởng"),
        "council_parent_heading": heading_upper(council.name),
        "addressee": addressee,
        "addressee_decides": decides,
        "meeting": {
            "date": long_date(meeting.date),
            "start": vn_time(meeting.start_time),
            "end": vn_time(meeting.end_time),
            "place": meeting.place,
            "chair": meeting.chair,
            "secretary": meeting.secretary,
            "members_total": vn_count(meeting.members_total),
            "members_total_raw": meeting.members_total,
            "members_present": vn_count(meeting.members_present),
            "absent": vn_count(absent),
            "absent_raw": absent,
            "written_opinions": vn_count(meeting.written_opinions),
            "present_share": vn_percent(meeting.members_present * 100 / meeting.members_total),
            "notes": [p.strip() for p in meeting.notes.splitlines() if p.strip()],
            # The members by name where the meeting recorded them (Nghị định 30/2020, Mẫu 1.9: thành phần tham dự).
            "attendees": [p.strip() for p in meeting.attendees.splitlines() if p.strip()],
            "absentees": [p.strip() for p in meeting.absentees.splitlines() if p.strip()],
            "end_moment": f"{vn_time(meeting.end_time)}, {long_date(meeting.date)}",
        },
        # Mẫu 1.9: "Nơi nhận: - ……; - Lưu: VT, Hồ sơ." (the body the minutes go to with the dossier).
        "noi_nhan": [item for item in (addressee, "Lưu: VT, Hồ sơ") if item],
        "quorum_lines": quorum_lines,
        "groups": groups,
        "conclusion": council_conclusion(groups, addressee=addressee, addressee_decides=decides, issuer=issuer),
        "rows": rows,
        "passed_phrase": count_phrase(collectives, len(passed) - collectives),
        "voted_phrase": count_phrase(
            sum(1 for r in rows if r["kind"] == NomineeKind.COLLECTIVE), sum(1 for r in rows if r["kind"] != NomineeKind.COLLECTIVE)
        ),
        "failed_count": len(rows) - len(passed),
        "total": len(rows),
    }
