"""The dự thảo quyết định khen thưởng of the decision stage (or the recorded decision), and the
authority that signs a decision.
"""
from __future__ import annotations

from campaigns.models import NomineeKind, Round, Stage, StageAction, Unit
from campaigns.vn_format import upper_vi
from dossiers.models import DocumentKind
from dossiers.sources.identities import identity_for
from dossiers.sources.legal import legal_lines, round_block
from dossiers.sources.nominees import count_phrase, grouped, nominee_row, split_at_decision, stage_nominations
from dossiers.sources.organisations import head_or_name, org_block, round_org_block, signer_lines, titled
from dossiers.sources.to_trinh import proposal_line, proposing_stage
from nominations.models import Nomination
from campaigns.stages import stages_of


def recorded_decision(nominations: list[Nomination]):
    """The award decision recorded for all these nominations (one decision), else None."""
    ids = {n.decision_id for n in nominations}
    if len(ids) != 1 or None in ids:
        return None
    return nominations[0].decision


def decision_signer_lines(decision, issuer: dict) -> list[str]:
    """The signature block of a recorded decision: the signer's title as recorded ("KT. CHỦ TỊCH,
    PHÓ CHỦ TỊCH" is two lines), or the issuer's head when the title only names the authority."""
    title = (decision.signer_title or "").strip()
    head = issuer["head_title"] or ""
    if not title or (head and title.lower().startswith(head.lower()) and len(title) > len(head)):
        return [upper_vi(head)] if head else signer_lines(issuer)
    return [upper_vi(part.strip()) for part in title.split(",") if part.strip()]


def du_thao_source(stage: Stage, organisation: Unit, nominations: list[Nomination] | None = None) -> dict:
    """The decision of the deciding level: a draft (number and date blank for the signer) until the
    decision is recorded, then the decision with its number, date and signer. It cites the law in
    force on the decision's date, or before it is recorded on the day of the proposal it answers."""
    from dossiers import dates

    round_ = stage.round
    stages = stages_of(round_)
    nominations = stage_nominations(stage, organisation) if nominations is None else nominations
    nominations, _proposed = split_at_decision(nominations)  # what this level itself grants
    rows = [nominee_row(n) for n in nominations]
    issuer = round_org_block(organisation, round_)
    previous = proposing_stage(stage, stages)
    proposer = org_block(previous.organisation) if previous is not None else None
    proposal = proposal_line(stage, stages)
    extra = [proposal] if proposal else []
    collectives = sum(1 for r in rows if r["kind"] == NomineeKind.COLLECTIVE)
    groups = grouped(rows, list(round_.award_forms.all()))
    authority = upper_vi(titled(issuer))
    executors = [f"Chánh Văn phòng {organisation.name}"] if issuer["is_ubnd"] else []
    if proposer:
        executors.append(titled(proposer))
    decision = recorded_decision(nominations)
    identity = identity_for(DocumentKind.DU_THAO_QUYET_DINH, round_id=stage.round_id, stage_id=stage.pk, organisation_id=organisation.pk)
    if decision is not None:
        day = decision.date
    else:
        before = stages.before(stage)
        act = dates.forwarded_on(before, [n.pk for n in nominations]) if before is not None else None
        day = dates.document_date(round_, identity, act)
    lines = legal_lines(round_, extra, on=day, local_government=issuer["is_ubnd"])
    signer = {"lines": [upper_vi(issuer["head_title"])] if issuer["is_ubnd"] else signer_lines(issuer), "name": ""}
    if decision is not None:
        signer = {"lines": decision_signer_lines(decision, issuer), "name": decision.signer}
    return {
        "kind": DocumentKind.DU_THAO_QUYET_DINH,
        "round": round_block(round_),
        "stage": {"order": stage.order, "name": stage.name},
        "issuer": issuer,
        # The day the law is read on; the draft prints its date blank for the signer.
        "date": day.isoformat(),
        "decision": {
            "number": decision.number,
            "date": decision.date.isoformat(),
            "signer": decision.signer,
        } if decision is not None else None,
        "authority": authority,
        "authority_text": head_or_name(issuer),
        "legal_lines": lines,
        "groups": groups,
        "award_forms_phrase": ", ".join(g["award_form"] for g in groups),
        "count_phrase": count_phrase(collectives, len(rows) - collectives),
        "total": len(rows),
        "executors": executors,
        "signer": signer,
        # "Lưu: VT, <đơn vị soạn thảo>" (Nghị định 30/2020, Phụ lục I): the level before, which drafts the
        # decision (Sở Nội vụ), or the issuer itself when no other level precedes it.
        "noi_nhan": ["Như Điều 3", f"Lưu: VT, {proposer['abbr'] if proposer else issuer['abbr']}"],
    }


def decision_authority(round_: Round) -> str:
    """Who grants the awards of a round's decision, by title: "Chủ tịch Ủy ban nhân dân tỉnh Sơn La"
    (the organisation of its decision stage), "" when the round has none."""
    stage = next((s for s in stages_of(round_) if s.action == StageAction.DECISION and s.organisation_id), None)
    return head_or_name(org_block(stage.organisation)) if stage is not None else ""
