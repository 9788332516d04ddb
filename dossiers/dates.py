"""The date of each document: the date of the act it records (reads only).

- a stage's tờ trình: the day that level forwarded what it approved (the last submission or
  approval it recorded for the nominations the tờ trình lists), or the day its issuer chose
  (DocumentDate) while it may still change it;
- the biên bản: the day of the council's meeting;
- a báo cáo thành tích: the day the proposing unit's council certified it (its meeting), else the
  day the unit submitted it;
- the draft decision: printed blank for the signer; it cites the law in force on the day of the
  decision when one is recorded, else on the day of the proposal it answers.
Without any act yet, a document keeps the date of its previous version, or takes today, kept
inside the round's period (a 2024 round's document built in 2026 is dated 31/12/2024 and cites the
law in force then).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from campaigns import clock
from campaigns.models import Round, Stage
from campaigns.services.legal import round_period
from campaigns.stages import stages_of
from dossiers.models import DocumentDate, GeneratedDocument
from nominations.models import CouncilMeeting, NominationEvent

FORWARDING_ACTIONS = ("submit", "approve")


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, clock.VIETNAM).date()


def forwarded_on(stage: Stage, nomination_ids) -> dt.date | None:
    """The last day the stage's level forwarded (submitted or approved) one of these nominations."""
    last = (
        NominationEvent.objects.filter(from_stage=stage, nomination_id__in=list(nomination_ids), action__in=FORWARDING_ACTIONS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return local_day(last) if last else None


def certified_on(nomination) -> dt.date | None:
    """The day the proposing level certified a nominee's report: its council's meeting at the first
    stage, else the day it submitted the nomination."""
    meeting = (
        CouncilMeeting.objects.filter(votes__nomination=nomination, unit_id=nomination.proposing_unit_id)
        .order_by("stage__order", "date")
        .values_list("date", flat=True)
        .first()
    )
    if meeting:
        return meeting
    return local_day(nomination.submitted_at) if nomination.submitted_at else None


def chosen_date(identity: str) -> dt.date | None:
    return DocumentDate.objects.filter(identity=identity).values_list("date", flat=True).first()


def fallback_date(round_: Round, identity: str) -> dt.date:
    """No act recorded yet: the date of the document's previous version, else today kept in the round's period."""
    previous = (
        GeneratedDocument.objects.filter(identity=identity, is_latest=True).values_list("issued_on", flat=True).first()
    )
    if previous:
        return previous
    start, end = round_period(round_)
    return min(max(clock.today(), start), end)


def document_date(round_: Round, identity: str, act: dt.date | None, *, choosable: bool = False) -> dt.date:
    """The date a document carries: the issuer's choice (where it may choose), else the act's, else the fallback."""
    if choosable and (chosen := chosen_date(identity)):
        return chosen
    return act or fallback_date(round_, identity)


def date_bounds(round_: Round) -> tuple[dt.date, dt.date]:
    """The days an issuer may date a document: within the round's period and not after today."""
    start, end = round_period(round_)
    return start, max(start, min(end, clock.today()))


def to_trinh_issued(stage: Stage, organisation, nomination_ids) -> bool:
    """A tờ trình is issued once the level it goes to has acted on what it lists (approved, returned
    or refused one of them at its own stage, or recorded their decision): its date is then fixed."""
    ids = list(nomination_ids)
    following = stages_of(stage.round).receiving(stage, organisation)
    if following is None:
        return False
    return NominationEvent.objects.filter(nomination_id__in=ids, from_stage__order__gte=following.order).exists()


@dataclass
class Dating:
    """What the stage page shows of a tờ trình's date and whether its issuer may still change it."""

    date: dt.date
    chosen: bool
    act: dt.date | None
    issued: bool
    bounds: tuple[dt.date, dt.date]


def to_trinh_dating(stage: Stage, organisation) -> Dating | None:
    from dossiers.sources.identities import identity_for
    from dossiers.sources.nominees import stage_nominations

    nominations = stage_nominations(stage, organisation)
    if not nominations:
        return None
    identity = identity_for("to_trinh", round_id=stage.round_id, stage_id=stage.pk, organisation_id=organisation.pk)
    ids = [n.pk for n in nominations]
    act = forwarded_on(stage, ids)
    chosen = chosen_date(identity)
    return Dating(
        date=chosen or act or fallback_date(stage.round, identity), chosen=chosen is not None, act=act,
        issued=to_trinh_issued(stage, organisation, ids), bounds=date_bounds(stage.round),
    )
