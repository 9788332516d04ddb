"""Reads for the pages: which dossiers a user may build or see, and the status of a build."""
from __future__ import annotations

import re
from dataclasses import dataclass

import rules
from django.urls import reverse

from campaigns.models import Round, Stage, Unit
from dossiers.models import NOMINEE_KINDS, BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from dossiers.rules import can_build_stage
from dossiers.sources import identity_for
from nominations.models import Nomination
from campaigns.stages import stages_of
from nominations.rules import administers, council_unit_ids, stage_organisation_ids, visible_nominations_q


@dataclass
class StageDossier:
    stage: Stage
    organisation: Unit
    can_build: bool
    latest: GeneratedDocument | None

    @property
    def identity(self) -> str:
        return identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=self.stage.round_id, stage_id=self.stage.pk, organisation_id=self.organisation.pk)


def round_dossiers_for_user(user, round_id: int) -> tuple[Round, list[StageDossier]] | None:
    """The round and the dossiers of it the user may build or read (stage_dossiers_for_user, worked
    out once), or None when there is none and the user does not administer its campaign."""
    round_ = Round.objects.select_related("campaign__issuer", "legal_basis").filter(pk=round_id).first()
    if round_ is None:
        return None
    items = stage_dossiers_for_user(user, round_)
    if not (items or administers(user, round_.campaign)):
        return None
    return round_, items


def stage_dossiers_for_user(user, round_: Round) -> list[StageDossier]:
    """The (stage, organisation) pairs whose dossier the user may build or read, with the latest build."""
    stages = stages_of(round_)
    own_units = council_unit_ids(user)
    organisations = stage_organisation_ids(user)
    admin = administers(user, round_.campaign)
    pairs: list[tuple[Stage, Unit]] = []
    first = stages.first
    proposing = Nomination.objects.filter(round=round_).values_list("proposing_unit_id", flat=True).distinct()
    unit_ids = set(proposing) if admin else set(proposing) & own_units
    if organisations and not admin:
        # People of a later stage receive the units' dossiers.
        if any(s.organisation_id in organisations for s in stages.reviewing):
            unit_ids |= set(proposing)
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path", "name"):
        pairs.append((first, unit))
    for stage in stages.reviewing:
        if stage.organisation is None:
            continue
        later_or_own = admin or any(s.order >= stage.order and s.organisation_id in organisations for s in stages)
        if later_or_own:
            pairs.append((stage, stage.organisation))
    identities = [
        identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=round_.pk, stage_id=s.pk, organisation_id=o.pk) for s, o in pairs
    ]
    latest = {
        d.identity: d
        for d in GeneratedDocument.objects.filter(identity__in=identities, format=DocumentFormat.PDF, is_latest=True)
        .select_related("round__campaign__issuer", "stage")
    }
    items = []
    for stage, organisation in pairs:
        record = latest.get(identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=round_.pk, stage_id=stage.pk, organisation_id=organisation.pk))
        items.append(StageDossier(stage, organisation, can_build_stage(user, stage, organisation), record))
    readable = readable_document_ids(user, [item.latest for item in items if item.latest is not None and not item.can_build])
    # A level that receives a dossier sees it once written, and only if it may see every nomination in it.
    return [item for item in items if item.can_build or (item.latest is not None and item.latest.pk in readable)]


def readable_document_ids(user, documents: list[GeneratedDocument]) -> set[int]:
    """Which of these stage documents the user may read (can_view_document), with one query for
    the visibility of all the nominations they show."""
    readable = {d.pk for d in documents if administers(user, d.round.campaign)}
    documents = [d for d in documents if d.pk not in readable]
    shown = {pk for d in documents for pk in (d.nomination_ids or ())}
    visible = set(Nomination.objects.filter(visible_nominations_q(user), pk__in=shown).values_list("pk", flat=True)) if shown else set()
    own = council_unit_ids(user) | stage_organisation_ids(user)
    for document in documents:
        if document.nomination_ids is None:
            if document.organisation_id in own:
                readable.add(document.pk)
        elif set(document.nomination_ids) <= visible:
            readable.add(document.pk)
    return readable


def stage_dossier_for_user(user, round_id: int, order: int, unit_id: int) -> StageDossier | None:
    round_ = Round.objects.select_related("campaign__issuer", "legal_basis").filter(pk=round_id).first()
    if round_ is None:
        return None
    for item in stage_dossiers_for_user(user, round_):
        if item.stage.order == order and item.organisation.pk == unit_id:
            return item
    return None


def document_for_user(user, pk: int) -> GeneratedDocument | None:
    document = (
        GeneratedDocument.objects.select_related("round__campaign__issuer", "stage", "organisation", "nomination")
        .filter(pk=pk)
        .first()
    )
    if document is None or not rules.has_perm("dossiers.view_generateddocument", user, document):
        return None
    return document


def members_of(dossier: GeneratedDocument) -> list[GeneratedDocument]:
    return list(
        GeneratedDocument.objects.filter(dossier_links__dossier=dossier)
        .select_related("nomination")
        .order_by("dossier_links__order")
    )


def related_files(record: GeneratedDocument) -> list[GeneratedDocument]:
    """The files of the same version: a dossier's PDF and ZIP; a document's PDF and Word."""
    return list(
        GeneratedDocument.objects.filter(identity=record.identity, version=record.version).order_by("format")
    )


def latest_reports(nomination: Nomination) -> list[GeneratedDocument]:
    """The nominee's report (and summary report) files, latest versions: the report first."""
    identities = [identity_for(kind, round_id=nomination.round_id, nomination_id=nomination.pk) for kind in NOMINEE_KINDS]
    return list(GeneratedDocument.objects.filter(identity__in=identities, is_latest=True).order_by("kind", "format"))


# A failure the build recorded as "ExceptionName: text" (dossiers.tasks), possibly after "Đang thử
# lại: ", is a technical fault: its text stays in the log and the admin; people read USER_FAULT.
# A DossierError's message is already written for people and is shown as it is.
_TECHNICAL_ERROR = re.compile(r"^(Đang thử lại: )?[A-Za-z_][A-Za-z0-9_.]*:( |$)")
USER_FAULT = "Không lập được văn bản do lỗi của hệ thống; lỗi đã được ghi lại để quản trị viên xử lý. Hãy thử lập lại sau."


def user_error(error: str) -> str:
    """The failure message a user sees for a record's `error`: never a Python exception text."""
    if not error:
        return ""
    return USER_FAULT if _TECHNICAL_ERROR.match(error) else error


STALLED = "Việc lập văn bản đã dừng giữa chừng (bộ xử lý bị dừng). Hãy yêu cầu lập lại: văn bản sẽ được lập tiếp."


def status_payload(record: GeneratedDocument) -> dict:
    """What the progress page polls (dossiers:status_json)."""
    files = related_files(record)
    if record.is_batch:
        done, total = record.progress_done, max(record.progress_total, 1)
        finished = all(f.status in (BuildStatus.DONE, BuildStatus.FAILED) for f in files)
        failed = any(f.status == BuildStatus.FAILED for f in files)
        if record.status == BuildStatus.DONE and finished:
            done = total
    else:
        done = sum(f.status == BuildStatus.DONE for f in files)
        total = len(files)
        finished = all(f.status in (BuildStatus.DONE, BuildStatus.FAILED) for f in files)
        failed = any(f.status == BuildStatus.FAILED for f in files)
    stalled = not finished and any(f.lease_expired for f in files)
    if stalled:  # its worker died mid-build: say so instead of "running" for ever
        finished = failed = True
    status = BuildStatus.FAILED if failed else (BuildStatus.DONE if finished else (
        BuildStatus.RUNNING if any(f.status == BuildStatus.RUNNING for f in files) or done else BuildStatus.QUEUED
    ))
    return {
        "id": record.pk,
        "status": status,
        "status_label": BuildStatus(status).label,
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 0,
        "finished": finished,
        "failed": failed,
        "error": STALLED if stalled else user_error(next((f.error for f in files if f.status == BuildStatus.FAILED and f.error), "")),
        "files": [
            {"label": f.get_format_display(), "url": reverse("dossiers:download", args=[f.pk]), "size": f.size}
            for f in files if f.status == BuildStatus.DONE
        ],
    }
