"""The báo cáo thành tích of a nominee (Mẫu số 02 to 08 of the round's legal basis: criteria, values,
evidence, earlier awards, particulars or profile) and the báo cáo tóm tắt derived from it.
"""
from __future__ import annotations

from campaigns.models import NomineeKind
from campaigns.vn_format import long_date, short_date, upper_vi, vn_percent
from criteria.evaluation import summarise
from criteria.models import CriterionKind, Operator
from dossiers.models import DocumentKind
from dossiers.sources.identities import identity_for
from dossiers.sources.legal import round_block
from dossiers.sources.nominees import _nomination_queryset, council_name
from dossiers.sources.organisations import governing_body, org_block, round_org_block, signer_lines
from nominations.council import vote_outcome
from nominations.models import CouncilVote, CriterionValue, Evidence, Nomination, Registration, Status


CRITERIA_STATUS_LABELS = {"met": "Đạt", "not_met": "Chưa đạt", "pending": "Chờ đánh giá"}
LEVEL_WORDS = {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}


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
            f"{council_name(meeting.stage, meeting.unit)} họp {long_date(meeting.date)}: "
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
