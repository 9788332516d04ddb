"""The tờ trình đề nghị khen thưởng of a stage (Mẫu số 01) and the lines it shares with the
other documents of a stage (the proposal line, the request phrase).
"""
from __future__ import annotations

from campaigns.models import NomineeKind, Stage, StageAction, Unit
from campaigns.vn_format import long_date
from dossiers.models import DocumentKind, GeneratedDocument
from dossiers.sources.identities import identity_for
from dossiers.sources.legal import legal_lines, round_block
from dossiers.sources.nominees import (
    council_meeting,
    council_name,
    count_phrase,
    forwarded_minutes,
    forwarded_minutes_lines,
    grouped,
    nominee_row,
    nominees_phrase,
    stage_nominations,
)
from dossiers.sources.organisations import addressee_of, head_or_name, org_block, round_org_block, signer_lines
from nominations.models import Nomination
from campaigns.stages import StageSequence, stages_of


def to_trinh_date(stage: Stage, organisation: Unit, nominations: list[Nomination]):
    """The day a stage's tờ trình is dated (dossiers.dates): the issuer's choice, else the day the
    level forwarded what it lists."""
    from dossiers import dates

    identity = identity_for(DocumentKind.TO_TRINH, round_id=stage.round_id, stage_id=stage.pk, organisation_id=organisation.pk)
    act = dates.forwarded_on(stage, [n.pk for n in nominations])
    return dates.document_date(stage.round, identity, act, choosable=True)


def to_trinh_source(stage: Stage, organisation: Unit, nominations: list[Nomination] | None = None) -> dict:
    round_ = stage.round
    stages = stages_of(round_)
    nominations = stage_nominations(stage, organisation) if nominations is None else nominations
    rows = [nominee_row(n) for n in nominations]
    issuer = round_org_block(organisation, round_)
    meeting = council_meeting(stage, organisation) if stage.needs_council else None
    collectives = sum(1 for r in rows if r["kind"] == NomineeKind.COLLECTIVE)
    individuals = len(rows) - collectives
    day = to_trinh_date(stage, organisation, nominations)
    extra = []
    if meeting is not None:
        extra.append(f"Căn cứ Biên bản họp {council_name(stage, organisation)} {long_date(meeting.date)}")
    extra += forwarded_minutes_lines(forwarded_minutes(stage, organisation, nominations))
    proposal = proposal_line(stage, stages)
    if proposal:
        extra.append(proposal)
    award_forms = list(round_.award_forms.all())
    groups = grouped(rows, award_forms)
    addressee, decides = addressee_of(stage, organisation, stages)
    authorities = {g["granted_by"] for g in groups}
    to_authority = not addressee and len(authorities) == 1  # the last level of the round
    if to_authority:
        # The last level of the round proposes to the authority that grants the award, and asks it to grant.
        addressee, decides = authorities.pop(), True
    for group in groups:
        group["request"] = "tặng" if to_authority else request_phrase(decides, group["granted_at_decision"])
    proposed_forms = [f for f in award_forms if any(r["award_form_id"] == f.pk for r in rows)]
    return {
        "kind": DocumentKind.TO_TRINH,
        "round": round_block(round_),
        "stage": {"order": stage.order, "name": stage.name},
        "issuer": issuer,
        "date": day.isoformat(),
        "addressee": addressee,
        "addressee_decides": decides,
        "work_done": WORK_DONE.get(stage.action, "đã xem xét"),
        "council": council_name(stage, organisation),
        "legal_lines": legal_lines(round_, extra, on=day, issuer=organisation, award_forms=proposed_forms),
        "meeting": {
            "date": long_date(meeting.date),
            "members_total": meeting.members_total,
            "members_present": meeting.members_present,
        } if meeting else None,
        "groups": groups,
        "award_forms_phrase": ", ".join(g["award_form"] for g in groups),
        "count_phrase": count_phrase(collectives, individuals),
        "nominees_phrase": nominees_phrase(collectives, individuals),
        "collective_count": collectives,
        "individual_count": individuals,
        "total": len(rows),
        "signer": {"lines": signer_lines(issuer), "name": meeting.chair if meeting else ""},
        "noi_nhan": ["Như trên", f"Lưu: VT, {issuer['abbr']}"],
    }


WORK_DONE = {
    StageAction.UNIT_COUNCIL: "đã tổ chức bình xét, lựa chọn",
    StageAction.REVIEW: "đã xem xét, tổng hợp",
    StageAction.APPRAISAL: "đã thẩm định hồ sơ, thành tích của",
    StageAction.DECISION: "đã xem xét",
}


def proposing_stage(stage: Stage, stages: StageSequence) -> Stage | None:
    """The stage before this one when one organisation held it: its tờ trình is the proposal this
    stage acts on (not the unit stage, whose units each wrote their own)."""
    previous = stages.before(stage)
    return previous if previous is not None and previous.organisation_id else None


def proposal_line(stage: Stage, stages: StageSequence) -> str:
    """'Xét đề nghị của <head of the level before> tại Tờ trình số ... ngày ...'."""
    from dossiers.numbering import number_of

    previous = proposing_stage(stage, stages)
    if previous is None:
        return ""
    proposer = org_block(previous.organisation)
    identity = identity_for(DocumentKind.TO_TRINH, round_id=stage.round_id, stage_id=previous.pk, organisation_id=previous.organisation_id)
    register = number_of(identity)
    reference = f" tại Tờ trình số {register.text}" if register else ""
    issued = GeneratedDocument.objects.filter(identity=identity, is_latest=True).values_list("issued_on", flat=True).first()
    if register and issued:
        reference += f" {long_date(issued)}"
    return f"Xét đề nghị của {head_or_name(proposer)}{reference}"


def request_phrase(addressee_decides: bool, granted_at_decision: bool) -> str:
    """What a tờ trình asks its addressee to do with one award form: grant it (the deciding level,
    for an award it grants), or pass it on to the level that can."""
    if addressee_decides and granted_at_decision:
        return "tặng"
    if addressee_decides:
        return "đề nghị cấp có thẩm quyền tặng"
    return "trình cấp có thẩm quyền tặng"
