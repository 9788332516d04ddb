"""What each document is built from, as plain data (selectors: reads only).

Every function here returns JSON-serialisable dicts of the text the templates print, so that:
- the same data feeds the PDF (WeasyPrint) and the Word file (the same HTML, converted);
- `fingerprint(source)` is a hash of exactly what a document shows: a document is stale when the
  fingerprint of today's data differs from the one it was built from, and not before (a
  nomination moving to the next stage does not make its report stale).
Document metadata (number, date, verification code) is added by the services, not here.

The set of nominations a stage's dossier carries (`stage_nominations`):
- the unit stage (the first): the proposing unit's nominations its council voted through;
- a reviewing/appraising stage k: the nominations its level approved (they went on from stage k;
  one still waiting at k, such as one the portal refused for a quota, is not in its tờ trình),
  narrowed to those its own council voted through when the stage holds a council;
- the decision stage: the nominations waiting for the decision or awarded at it.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from django.db.models import Q

from campaigns import report_forms
from campaigns.models import AwardOutcome, CampaignDocument, DocumentFormat, LegalDocumentKind, NomineeKind, Round, Stage, StageAction, Unit
from campaigns.services.legal import citation_lines
from campaigns.stages import StageSequence, stages_of
from criteria.evaluation import summarise
from criteria.models import CriterionKind, Operator
from dossiers.formatting import (
    body_abbreviation,
    heading_upper,
    short_date,
    upper_vi,
    vn_count,
    vn_date,
    vn_percent,
    vn_time,
)
from dossiers.models import DocumentKind, GeneratedDocument
from nominations.council import vote_outcome
from nominations.models import CouncilMeeting, CouncilVote, CriterionValue, Evidence, Nomination, Registration, Status

CRITERIA_STATUS_LABELS = {"met": "Đạt", "not_met": "Chưa đạt", "pending": "Chờ đánh giá"}
LEVEL_WORDS = {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}


# --- identities --------------------------------------------------------------------------------


def identity_for(kind: str, *, round_id: int, stage_id: int | None = None, organisation_id: int | None = None, nomination_id: int | None = None) -> str:
    if kind == DocumentKind.BAO_CAO_THANH_TICH:
        return f"bao_cao/r{round_id}/n{nomination_id}"
    if kind == DocumentKind.BAO_CAO_TOM_TAT:
        return f"bao_cao_tom_tat/r{round_id}/n{nomination_id}"
    prefix = {
        DocumentKind.TO_TRINH: "to_trinh",
        DocumentKind.BIEN_BAN: "bien_ban",
        DocumentKind.DU_THAO_QUYET_DINH: "du_thao_qd",
        DocumentKind.STAGE_DOSSIER_PDF: "ho_so",
        DocumentKind.STAGE_DOSSIER_ZIP: "ho_so",
    }[kind]
    return f"{prefix}/r{round_id}/s{stage_id}/o{organisation_id}"


def fingerprint(source: dict) -> str:
    payload = json.dumps(source, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- shared pieces ------------------------------------------------------------------------------


def place_of(unit: Unit | None) -> str:
    seen = 0
    while unit is not None and seen < 10:
        if unit.place_name:
            return unit.place_name
        unit, seen = unit.parent, seen + 1
    return ""


def round_org_block(unit: Unit, round_: Round) -> dict:
    """org_block() of an organisation acting in `round_`: without a place name of its own, the
    place of the campaign's issuer."""
    return org_block(unit, fallback_place=place_of(round_.campaign.issuer))


def governing_body(unit: Unit) -> str:
    """The body a unit is under, where its category has one (a Sở under the People's Committee);
    "" for a People's Committee, a company, a mass organisation (the portal's tree still groups
    them under a People's Committee for quotas, but that is not their governing body)."""
    return unit.parent.name if unit.parent_id and unit.category.parent_in_heading else ""


def org_block(unit: Unit, *, fallback_place: str = "") -> dict:
    """How an organisation heads and signs its documents, from its category (and its own head's
    title where it has one): the parent body above its name only where the category says so
    (a Sở under the People's Committee; not a People's Committee, a company or a mass organisation)."""
    category = unit.category
    place = place_of(unit) or fallback_place
    party = category.document_format == DocumentFormat.PARTY
    block = {
        "id": unit.pk,
        "name": unit.name,
        "upper": upper_vi(unit.name),
        "parent_upper": upper_vi(governing_body(unit)),
        # The same names as the header prints them: kept whole where a line must not break.
        "heading": heading_upper(unit.name),
        "parent_heading": heading_upper(governing_body(unit)),
        "abbr": body_abbreviation(unit.name, unit.short_name),
        "place": place,
        "category": category.code,
        "is_ubnd": category.people_committee,
        "head_title": unit.head_title or category.head_title,
        "document_format": category.document_format,
        "party": party,
    }
    if party:
        # Hướng dẫn 36-HD/VPTW: the superior Party committee above the body, whose name is given
        # without the place the line above already names ("ĐẢNG BỘ TỈNH SƠN LA / VĂN PHÒNG TỈNH ỦY").
        superior = " ".join(part for part in (category.party_superior, place) if part)
        own = unit.name
        if place and own.endswith(" " + place):
            own = own[: -len(place) - 1]
        block["parent_heading"] = heading_upper(superior)
        block["heading"] = heading_upper(own)
    return block


def head_or_name(org: dict) -> str:
    """The head by title where the title is known ("Giám đốc Sở ..."), otherwise the body's name."""
    return titled(org) if org["head_title"] else org["name"]


def titled(org: dict) -> str:
    """The head of an organisation by title: "Giám đốc Sở Nội vụ tỉnh Sơn La", "Chủ tịch Ủy ban
    nhân dân tỉnh Sơn La", "Trưởng phòng Nội vụ thành phố Rạch Giá", "Chánh Văn phòng Tỉnh ủy Sơn La"
    (words that end the title and begin the name are said once); "Thủ trưởng <name>" when the title
    is not known."""
    title, name = org["head_title"] or "Thủ trưởng", org["name"]
    title_words, name_words = title.split(), name.split()
    for size in range(min(len(title_words), len(name_words) - 1), 0, -1):
        if [w.lower() for w in title_words[-size:]] == [w.lower() for w in name_words[:size]]:
            return " ".join(title_words + name_words[size:])
    return f"{title} {name}"


def signer_lines(org: dict) -> list[str]:
    """The authority and position a document of this organisation is signed with (bold capitals)."""
    if org["is_ubnd"]:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if org["head_title"]:
        return [upper_vi(org["head_title"])]
    return ["THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"]


def addressee_of(stage: Stage, organisation: Unit, stages: StageSequence) -> tuple[str, bool]:
    """(who a stage's tờ trình is sent to, whether that addressee itself grants the awards).
    The addressee is the organisation of the receiving stage, or the one who signs its decision
    ("Chủ tịch Ủy ban nhân dân tỉnh ..."); one that does not decide is asked to "xem xét, trình
    cấp có thẩm quyền", not to grant what it has no power to grant. ("", False) at the last level."""
    following = stages.receiving(stage, organisation)
    if following is None:
        return "", False
    target = following.organisation
    decides = following.action == StageAction.DECISION
    if decides and (target.head_title or target.category.head_title):
        return titled(org_block(target)), True
    return target.name, decides


def round_block(round_: Round) -> dict:
    basis = round_.legal_basis
    campaign = round_.campaign
    return {
        "id": round_.pk,
        "name": round_.name,
        "year": round_.year,
        # What the documents say the achievements were in ("có thành tích xuất sắc trong ..."): the
        # round's year for an annual round, not the whole period (one achievement, one award).
        "campaign": round_.achievement_field or campaign.achievement_field or campaign.name,
        "campaign_issuer": campaign.issuer_title,
        "template_set": basis.template_set,
        "forms": report_forms.numbers(basis.forms),
        "report_form": round_.report_form,
        # The form each kind of nominee reports on (kind of award and nominee: campaigns.report_forms).
        "report_forms": report_forms.round_report_forms(round_),
        "legal_basis": {
            "number": basis.number,
            "name": basis.name,
            "date": vn_date(basis.date) if basis.date else "",
        },
        # Mẫu số 01, note 5: the kind of award the tờ trình proposes ("chuyên đề"), data of the round.
        "award_kind": round_.award_kind,
    }


def campaign_document_line(document: CampaignDocument) -> str:
    """'Căn cứ <loại> số <số hiệu> ngày ... của <cơ quan> về <trích yếu>': the kind word once (a
    title that repeats it, or starts with 'Về', is not doubled), and no 'về ...' when the title only
    restates the reference (a document whose summary the campaign does not quote)."""
    word = LegalDocumentKind(document.kind).label if document.kind in LegalDocumentKind.values else ""
    about = document.title.strip()
    if word and about.lower().startswith(word.lower()):
        about = about[len(word):].strip()
    if about.lower().startswith("về "):
        about = about[3:].strip()
    if document.number and document.number.lower() in about.lower():
        about = ""
    head = word or "Văn bản"
    # Only what is known: no "số ..." or "ngày ... tháng ... năm" blanks in a document sent upward.
    number = f" số {document.number}" if document.number else ""
    date = f" {vn_date(document.date)}" if document.date else ""
    about = f" về {about[0].lower()}{about[1:]}" if about else ""
    return f"Căn cứ {head}{number}{date} của {document.issuer}{about}"


def legal_lines(round_: Round, extra: list[str] | None = None, *, on, local_government: bool = False, issuer: Unit | None = None,
                award_forms: list | None = None) -> list[str]:
    """The 'Căn cứ' lines of a document dated `on`: the laws in force on that day (the Law on Local
    Government first where a People's Committee's chairman decides: `local_government`), the text
    setting the issuer's functions where known (Mẫu số 01, note 7), the basis of each award form
    proposed where known (note 8), the campaign's documents, then `extra`. Each ends with ';', the
    last with '.'."""
    lines = citation_lines(on, local_government=local_government)
    if issuer is not None and issuer.functions_basis.strip():
        lines.append(f"Căn cứ {issuer.functions_basis.strip()}")
    for form in award_forms or []:
        if form.basis_clause.strip() and f"Căn cứ {form.basis_clause.strip()}" not in lines:
            lines.append(f"Căn cứ {form.basis_clause.strip()}")
    lines += [campaign_document_line(d) for d in round_.campaign.documents.all()]
    lines += list(extra or [])
    return [line + (";" if i < len(lines) - 1 else ".") for i, line in enumerate(lines)]


def nominee_row(nomination: Nomination) -> dict:
    unit = nomination.nominee_unit
    if nomination.kind == NomineeKind.INDIVIDUAL:
        position_unit = ", ".join(part for part in (nomination.position, unit.name) if part)
    else:
        position_unit = governing_body(unit)
    return {
        "id": nomination.pk,
        "kind": nomination.kind,
        "name": nomination.nominee_name,
        "position_unit": position_unit,
        "award_form": nomination.award_form.name,
        "award_form_id": nomination.award_form_id,
        "summary": nomination.achievement_summary.strip(),
        "proposing_unit": nomination.proposing_unit.name,
    }


def grouped(rows: list[dict], award_forms: list) -> list[dict]:
    """Rows grouped by award form (in the round's order), collectives first, numbered per group
    (`index`, running through collectives and individuals)."""
    groups = []
    for form in award_forms:
        mine = [r for r in rows if r["award_form_id"] == form.pk]
        if not mine:
            continue
        collectives = [r for r in mine if r["kind"] == NomineeKind.COLLECTIVE]
        individuals = [r for r in mine if r["kind"] == NomineeKind.INDIVIDUAL]
        for index, row in enumerate(collectives + individuals, start=1):
            row["index"] = index  # one numbering per award form where no sub-heading splits it
        groups.append({
            "award_form": form.name,
            "granted_by": form.granted_by,
            "granted_at_decision": form.outcome == AwardOutcome.AWARD,
            "outcome": form.outcome,
            "collectives": collectives,
            "individuals": individuals,
            "collective_count": vn_count(len(collectives)),
            "individual_count": vn_count(len(individuals)),
        })
    return groups


def nominees_phrase(collectives: int, individuals: int) -> str:
    """"các tập thể, cá nhân", or only the kind there is."""
    if collectives and not individuals:
        return "các tập thể"
    if individuals and not collectives:
        return "các cá nhân"
    return "các tập thể, cá nhân"


def count_phrase(collectives: int, individuals: int) -> str:
    parts = []
    if collectives:
        parts.append(f"{vn_count(collectives)} tập thể")
    if individuals:
        parts.append(f"{vn_count(individuals)} cá nhân")
    return " và ".join(parts) or "không có tập thể, cá nhân nào"


# --- which nominations a stage's dossier carries -------------------------------------------------


def _nomination_queryset():
    return Nomination.objects.select_related(
        "round", "stage", "award_form__vote_rule", "proposing_unit__category", "proposing_unit__parent",
        "nominee_unit__category", "nominee_unit__parent", "decision",
    )


def council_body(stage: Stage, organisation: Unit) -> Unit:
    """Whose Hội đồng Thi đua - Khen thưởng meets at a stage: the organisation acting, or the level
    whose council it is the standing body of (`Stage.council_of`: Rạch Giá's Phòng Nội vụ for the
    city's council)."""
    return stage.council_of if stage.council_of_id else organisation


def council_name(stage: Stage, organisation: Unit) -> str:
    return f"Hội đồng Thi đua - Khen thưởng {council_body(stage, organisation).name}"


def council_meeting(stage: Stage, organisation: Unit) -> CouncilMeeting | None:
    return CouncilMeeting.objects.filter(stage=stage, unit=organisation).first()


def _passing_ids(meeting: CouncilMeeting, nominations) -> set[int]:
    votes = {v.nomination_id: v.votes_for for v in CouncilVote.objects.filter(meeting=meeting)}
    passed = set()
    for nomination in nominations:
        if nomination.pk in votes and vote_outcome(meeting, votes[nomination.pk], nomination.award_form.vote_rule).passed:
            passed.add(nomination.pk)
    return passed


def stage_nominations(stage: Stage, organisation: Unit) -> list[Nomination]:
    stages = stages_of(stage.round)
    queryset = _nomination_queryset().filter(round_id=stage.round_id)
    if stages.is_first(stage):
        # What the unit proposes upward: not the Giấy khen its own head grants (outcome "unit").
        queryset = (
            queryset.filter(proposing_unit=organisation)
            .exclude(status__in=[Status.REJECTED, Status.NOT_AWARDED])
            .exclude(award_form__outcome=AwardOutcome.UNIT)
        )
    elif stage.action == StageAction.DECISION:
        # Still to decide, granted, or proposed upward by this level (Rạch Giá's Bằng khen tỉnh).
        queryset = queryset.filter(stage=stage, status__in=[Status.IN_REVIEW, Status.AWARDED, Status.PROPOSED])
    else:
        # What this level approved: the nominations that went on from stage k (still in review
        # further on, granted, proposed, or refused by a later level), never one still held at k.
        k = stage.order
        queryset = queryset.filter(
            Q(status__in=[Status.IN_REVIEW, Status.AWARDED, Status.PROPOSED], stage__order__gt=k)
            | Q(status__in=[Status.REJECTED, Status.NOT_AWARDED], stage__order__gt=k)
        )
    nominations = list(queryset.order_by("award_form__order", "kind", "proposing_unit__path", "id"))
    if stage.needs_council:
        meeting = council_meeting(stage, organisation)
        if meeting is None:
            return []
        passed = _passing_ids(meeting, nominations)
        nominations = [n for n in nominations if n.pk in passed]
    return nominations


def forwarded_minutes(stage: Stage, organisation: Unit, nominations: list[Nomination]) -> list[tuple[Stage, Unit, CouncilMeeting]]:
    """The council minutes of EARLIER stages a stage's dossier carries (Stage.dossier_minutes, data):
    the level that proposed (a Sở's council whose biên bản the Sở Nội vụ forwards), or at the unit
    stage each proposing unit of the nominations listed. Only minutes that were recorded."""
    wanted = [order for order in (stage.dossier_minutes or []) if order != stage.order]
    if not wanted:
        return []
    found = []
    for earlier in stages_of(stage.round):
        if earlier.order not in wanted or earlier.order >= stage.order:
            continue
        bodies = [earlier.organisation] if earlier.organisation_id else list(
            Unit.objects.filter(pk__in={n.proposing_unit_id for n in nominations}).order_by("path", "name")
        )
        for body in bodies:
            meeting = council_meeting(earlier, body)
            if meeting is not None:
                found.append((earlier, body, meeting))
    return found


MINUTES_NAMED_UP_TO = 3  # more proposing units' minutes than this: one Căn cứ line for all of them


def forwarded_minutes_lines(found: list[tuple[Stage, Unit, CouncilMeeting]]) -> list[str]:
    """The Căn cứ lines of the minutes a dossier forwards: each by its council and date, or, for the
    minutes of many proposing units, one line that counts them (they are all in the dossier)."""
    of_units = [item for item in found if not item[0].organisation_id]
    lines = [
        f"Căn cứ Biên bản họp {council_name(earlier, body)} {vn_date(meeting.date)}"
        for earlier, body, meeting in found
        if earlier.organisation_id or len(of_units) <= MINUTES_NAMED_UP_TO
    ]
    if len(of_units) > MINUTES_NAMED_UP_TO:
        lines.append(f"Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng của {vn_count(len(of_units))} cơ quan, đơn vị đề nghị (kèm theo hồ sơ)")
    return lines


def minutes_mismatch(stage: Stage, organisation: Unit, nominations: list[Nomination]) -> tuple[list[str], list[str]]:
    """What the council's minutes and the tờ trình of the same body at the same stage disagree on:
    (nominees the minutes propose upward that the tờ trình does not list, nominees the tờ trình lists
    that the minutes do not propose). Nominations a later level refused are not counted: this level
    did propose them."""
    meeting = council_meeting(stage, organisation)
    if meeting is None:
        return [], []
    voted = list(
        _nomination_queryset().filter(council_votes__meeting=meeting).exclude(award_form__outcome=AwardOutcome.UNIT)
    )
    passed = {n.pk: n for n in voted if n.pk in _passing_ids(meeting, voted)}
    refused_later = {
        n.pk for n in voted if n.status in (Status.REJECTED, Status.NOT_AWARDED) and n.stage.order > stage.order
    }
    listed = {n.pk: n for n in nominations}
    only_minutes = [n.nominee_name for pk, n in passed.items() if pk not in listed and pk not in refused_later]
    only_to_trinh = [n.nominee_name for pk, n in listed.items() if pk not in passed]
    return only_minutes, only_to_trinh


def split_at_decision(nominations: list[Nomination]) -> tuple[list[Nomination], list[Nomination]]:
    """(granted by the deciding level, proposed by it to a higher authority)."""
    awards = [n for n in nominations if n.award_form.outcome == AwardOutcome.AWARD]
    return awards, [n for n in nominations if n.award_form.outcome != AwardOutcome.AWARD]


def stage_issuer(stage: Stage, unit: Unit | None = None) -> Unit:
    """The organisation issuing a stage's documents: the stage's organisation, or at the unit
    stage the proposing unit."""
    return stage.organisation if stage.organisation_id else unit


# --- the documents --------------------------------------------------------------------------------


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
        extra.append(f"Căn cứ Biên bản họp {council_name(stage, organisation)} {vn_date(meeting.date)}")
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
            "date": vn_date(meeting.date),
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
        reference += f" {vn_date(issued)}"
    return f"Xét đề nghị của {head_or_name(proposer)}{reference}"


def request_phrase(addressee_decides: bool, granted_at_decision: bool) -> str:
    """What a tờ trình asks its addressee to do with one award form: grant it (the deciding level,
    for an award it grants), or pass it on to the level that can."""
    if addressee_decides and granted_at_decision:
        return "tặng"
    if addressee_decides:
        return "đề nghị cấp có thẩm quyền tặng"
    return "trình cấp có thẩm quyền tặng"


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
            "date": vn_date(meeting.date),
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
            "end_moment": f"{vn_time(meeting.end_time)}, {vn_date(meeting.date)}",
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


def _value_text(criterion, value: CriterionValue | None) -> str:
    if value is None:
        return "Chưa kê khai"
    if criterion.kind == CriterionKind.PERCENTAGE:
        return vn_percent(value.number, 2) if value.number is not None else "Chưa kê khai"
    if criterion.kind == CriterionKind.BOOLEAN:
        label = {True: "Có", False: "Không", None: "Chưa kê khai"}[value.flag]
        return f"{label}. {value.text}".strip() if value.text and value.flag is not None else label
    return value.text or "Chưa kê khai"


def _requirement_text(criterion) -> str:
    if criterion.kind == CriterionKind.PERCENTAGE and criterion.threshold is not None:
        value = vn_percent(criterion.threshold, 2)
        if criterion.operator in (Operator.GTE, Operator.EQ) and criterion.threshold >= 100:
            return f"Đạt {value}"  # not "từ 100 % trở lên": nothing is above it
        return {
            Operator.GTE: f"Từ {value} trở lên",
            Operator.GT: f"Trên {value}",
            Operator.EQ: f"Đạt {value}",
            Operator.LTE: f"Không quá {value}",
        }.get(criterion.operator, value)
    if criterion.kind == CriterionKind.RANKING and criterion.accepted_values:
        return "Đạt mức: " + ", ".join(criterion.accepted_values)
    if criterion.kind == CriterionKind.BOOLEAN:
        return "Có" + (" (kèm minh chứng)" if criterion.needs_evidence else "")
    return "Hội đồng đánh giá minh chứng"


def _earlier_awards(nomination: Nomination) -> list[dict]:
    """Awards the portal recorded for the same nominee in other rounds."""
    others = Nomination.objects.filter(status=Status.AWARDED, decision__isnull=False).exclude(round_id=nomination.round_id)
    if nomination.kind == NomineeKind.COLLECTIVE:
        others = others.filter(kind=NomineeKind.COLLECTIVE, nominee_unit_id=nomination.nominee_unit_id)
    elif nomination.person_identifier:
        others = others.filter(kind=NomineeKind.INDIVIDUAL, person_identifier=nomination.person_identifier)
    else:
        return []
    rows = []
    for other in others.select_related("decision", "award_form", "round").order_by("decision__date", "id"):
        rows.append({
            "year": str(other.decision.date.year),
            "award": other.award_form.name,
            "decision": f"Số {other.decision.number} ngày {short_date(other.decision.date)}",
            "issuer": other.award_form.granted_by,
        })
    return rows


def _particulars(nomination: Nomination, asked: set[str]) -> list[dict]:
    """The lines of "I. Sơ lược lý lịch" the round's form asks, in the form's order (wording of the
    individual form as attested: shared/law/nd98-2023-mau-02-03-bao-cao-thanh-tich.md). `value` ""
    is a blank to fill in."""
    lines = [{"label": "Họ tên", "value": nomination.full_name}]
    if asked & {"birth_date", "gender"}:
        born = short_date(nomination.birth_date) if nomination.birth_date else ""
        if not born and nomination.birth_year:
            born = f"....../....../{nomination.birth_year}"  # the year is known, the day and month to fill in
        lines.append({"label": "Sinh ngày, tháng, năm", "value": born,
                      "also": {"label": "Giới tính", "value": nomination.get_gender_display() if nomination.gender else ""}})
    for field, label in (("hometown", "Quê quán"), ("residence", "Trú quán")):
        if field in asked:
            lines.append({"label": label, "value": getattr(nomination, field)})
    lines.append({"label": "Đơn vị công tác", "value": nomination.nominee_unit.name})
    if "position" in asked:
        lines.append({"label": "Chức vụ (Đảng, chính quyền, đoàn thể)", "value": nomination.position})
    if "qualification" in asked:
        lines.append({"label": "Trình độ chuyên môn, nghiệp vụ", "value": nomination.qualification})
    if "political_theory" in asked and nomination.political_theory:
        # Not a line of the attested wording: printed when given, no blank line of its own.
        lines.append({"label": "Trình độ lý luận chính trị", "value": nomination.political_theory})
    if asked & {"academic_rank", "academic_degree"}:
        titles = ", ".join(v for v in (nomination.academic_rank, nomination.academic_degree) if v)
        lines.append({"label": "Học hàm, học vị, danh hiệu, giải thưởng", "value": titles})
    return lines


def _collective_profile(nomination: Nomination, asked: set[str]) -> list[dict]:
    """The parts of "I. Sơ lược đặc điểm, tình hình" the round's form asks (Mẫu số 02, note 3: trụ
    sở, đặc điểm, chức năng, nhiệm vụ, cơ cấu tổ chức); paragraphs as typed; [] for a blank."""
    def paragraphs(text: str) -> list[str]:
        return [p.strip() for p in text.splitlines() if p.strip()]

    parts = []
    if asked & {"headquarters", "unit_profile"}:
        parts.append({"heading": "1. Đặc điểm, tình hình", "lines": [
            {"label": "Trụ sở", "value": nomination.headquarters}] if "headquarters" in asked else [],
            "paragraphs": paragraphs(nomination.unit_profile), "blank": "unit_profile" in asked and not nomination.unit_profile.strip()})
    if "unit_functions" in asked:
        parts.append({"heading": f"{len(parts) + 1}. Chức năng, nhiệm vụ", "lines": [],
                      "paragraphs": paragraphs(nomination.unit_functions), "blank": not nomination.unit_functions.strip()})
    if "unit_structure" in asked:
        parts.append({"heading": f"{len(parts) + 1}. Tổ chức bộ máy", "lines": [],
                      "paragraphs": paragraphs(nomination.unit_structure), "blank": not nomination.unit_structure.strip()})
    return parts


def report_sources(nominations: list[Nomination]) -> dict[int, dict]:
    """The báo cáo thành tích of each nomination, with the data of all of them fetched together."""
    if not nominations:
        return {}
    ids = [n.pk for n in nominations]
    values: dict[int, list[CriterionValue]] = {}
    for value in (
        CriterionValue.objects.filter(nomination_id__in=ids)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__id")
    ):
        values.setdefault(value.nomination_id, []).append(value)
    evidence: dict[int, list[str]] = {}
    for item in Evidence.objects.filter(nomination_id__in=ids).order_by("id").values("nomination_id", "original_name"):
        evidence.setdefault(item["nomination_id"], []).append(item["original_name"])
    round_ids = {n.round_id for n in nominations}
    registrations = {
        (r.round_id, r.unit_id): r.pledge
        for r in Registration.objects.filter(round_id__in=round_ids, unit_id__in={n.proposing_unit_id for n in nominations})
    }
    first_stage_votes = {}
    for vote in CouncilVote.objects.filter(nomination_id__in=ids).select_related("meeting__stage__council_of", "meeting__unit").order_by("meeting__stage__order"):
        first_stage_votes.setdefault(vote.nomination_id, vote)
    rounds = {}
    sources = {}
    for nomination in nominations:
        round_ = nomination.round
        if round_.pk not in rounds:
            rounds[round_.pk] = round_block(round_)
        sources[nomination.pk] = _report_source(
            nomination, rounds[round_.pk], values.get(nomination.pk, []), evidence.get(nomination.pk, []),
            registrations.get((nomination.round_id, nomination.proposing_unit_id), ""), first_stage_votes.get(nomination.pk),
        )
        sources[nomination.pk]["date"] = report_date(nomination, first_stage_votes.get(nomination.pk)).isoformat()
    return sources


def report_date(nomination: Nomination, vote: CouncilVote | None):
    """A report is dated by the level that certifies it: the proposing unit's council meeting, else
    the day the unit submitted it (dossiers.dates)."""
    from dossiers import dates

    if vote is not None and vote.meeting.unit_id == nomination.proposing_unit_id:
        act = vote.meeting.date
    else:
        act = dates.local_day(nomination.submitted_at) if nomination.submitted_at else None
    identity = identity_for(DocumentKind.BAO_CAO_THANH_TICH, round_id=nomination.round_id, nomination_id=nomination.pk)
    return dates.document_date(nomination.round, identity, act)


def _report_source(nomination, round_data, values, evidence, pledge, vote) -> dict:
    unit = nomination.nominee_unit
    proposing = round_org_block(nomination.proposing_unit, nomination.round)
    issuer = org_block(unit, fallback_place=proposing["place"])
    individual = nomination.kind == NomineeKind.INDIVIDUAL
    criteria_rows = []
    for index, value in enumerate(values, start=1):
        criterion = value.criterion
        criteria_rows.append({
            "index": index,
            "label": criterion.label,
            "group": criterion.group,
            "requirement": _requirement_text(criterion),
            "value": _value_text(criterion, value),
            "status": CRITERIA_STATUS_LABELS.get(value.status, value.status),
            "met": value.status == "met",
            # Criteria that replace one another (one kind of person or another): meeting one is enough.
            "alternative": bool(criterion.alternative_group),
            "priority": criterion.priority,
        })
    overall, met_count, counted = summarise([(value.criterion, value.status) for value in values])
    certification = None
    if vote is not None:
        meeting = vote.meeting
        outcome = vote_outcome(meeting, vote.votes_for, nomination.award_form.vote_rule)
        certification = (
            f"{council_name(meeting.stage, meeting.unit)} họp {vn_date(meeting.date)}: "
            f"{vote.votes_for}/{meeting.members_total} thành viên đồng ý ({vn_percent(float(outcome.share) * 100)} tổng số thành viên Hội đồng)."
        )
    level = LEVEL_WORDS.get(unit.level, "")
    sketch = []
    if not individual:
        line = f"{unit.name}"
        if unit.category_id:
            line += f" thuộc khối {unit.category.name}"
        if level and level not in (unit.category.name if unit.category_id else ""):
            line += f", {level}"
        if superior := governing_body(unit):
            line += f"; đơn vị cấp trên: {superior}"
        sketch.append(line + ".")
    form = round_data["report_forms"][nomination.kind]
    asked = set(form["fields"])
    person = None
    if individual:
        person = {
            "name": nomination.full_name,
            "gender": nomination.get_gender_display() if nomination.gender else "",
            "birth_year": str(nomination.birth_year) if nomination.birth_year else "",
            "position": nomination.position,
            "unit": unit.name,
            # Section I of the form (Mẫu số 03: "I. Sơ lược lý lịch"), only the lines the form has; a
            # blank value is printed as a dotted line to fill in, never guessed.
            "particulars": _particulars(nomination, asked),
        }
    profile = _collective_profile(nomination, asked) if not individual else []
    earlier = _earlier_awards(nomination)
    return {
        "kind": DocumentKind.BAO_CAO_THANH_TICH,
        "variant": "ca_nhan" if individual else "tap_the",
        "round": round_data,
        "issuer": issuer,
        "proposing": proposing,
        "nominee": {
            "name": nomination.nominee_name,
            "name_upper": upper_vi(nomination.nominee_name),
            "award_form": nomination.award_form.name,
            "award_form_upper": upper_vi(nomination.award_form.name),
            "granted_by": nomination.award_form.granted_by,
        },
        "person": person,
        "sketch": sketch,
        "pledge": pledge.strip(),
        "summary": [p.strip() for p in nomination.achievement_summary.splitlines() if p.strip()],
        "criteria": criteria_rows,
        # As the workflow judges them (criteria.evaluation.summarise): priority criteria not counted,
        # an alternative group met by any of its criteria.
        "criteria_met": met_count,
        "criteria_total": counted,
        "criteria_overall": CRITERIA_STATUS_LABELS.get(overall, overall),
        "has_alternatives": any(r["alternative"] for r in criteria_rows),
        "has_priority": any(r["priority"] for r in criteria_rows),
        "evidence": evidence,
        "form": form,
        "profile": profile,
        "earlier_awards": earlier,
        "blank_award_rows": max(0, 2 - len(earlier)),
        "blank_title_rows": 2,
        "certification": certification,
        "head_lines": signer_lines(issuer),
        "proposing_lines": signer_lines(proposing),
    }


def report_source(nomination: Nomination) -> dict:
    nomination = _nomination_queryset().get(pk=nomination.pk)
    return report_sources([nomination])[nomination.pk]


def summary_from_report(report: dict) -> dict:
    """The báo cáo tóm tắt thành tích of a nominee: the same facts as the full report, one page."""
    return {**report, "kind": DocumentKind.BAO_CAO_TOM_TAT}


def summary_source(nomination: Nomination) -> dict:
    return summary_from_report(report_source(nomination))


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
