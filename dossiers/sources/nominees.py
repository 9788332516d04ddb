"""The nominations of a stage's dossier, the councils that voted on them, the rows and phrases that
list them.

The set of nominations a stage's dossier carries (`stage_nominations`):
- the unit stage (the first): the proposing unit's nominations its council voted through;
- a reviewing/appraising stage k: the nominations its level approved (they went on from stage k;
  one still waiting at k, such as one the portal refused for a quota, is not in its tờ trình),
  narrowed to those its own council voted through when the stage holds a council;
- the decision stage: the nominations waiting for the decision or awarded at it.
"""
from __future__ import annotations

from django.db.models import Q

from campaigns.models import AwardOutcome, NomineeKind, Stage, StageAction, Unit
from campaigns.vn_format import long_date, vn_count
from dossiers.sources.organisations import governing_body
from nominations.council import vote_outcome
from nominations.models import CouncilMeeting, CouncilVote, Nomination, Status
from campaigns.stages import stages_of


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
        f"Căn cứ Biên bản họp {council_name(earlier, body)} {long_date(meeting.date)}"
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
