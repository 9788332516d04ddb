"""Reads for the pages: which dossiers a user may build or see, and the status of a build."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from campaigns.models import Round, Stage, Unit
from dossiers.models import NOMINEE_KINDS, BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from dossiers.permissions import can_build_stage, can_view_document
from dossiers.sources import identity_for
from nominations.models import Nomination
from nominations.permissions import council_unit_ids, is_administrator, stage_organisation_ids
from nominations.workflow import stages_of


@dataclass
class StageDossier:
    stage: Stage
    organisation: Unit
    can_build: bool
    latest: GeneratedDocument | None

    @property
    def identity(self) -> str:
        return identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=self.stage.round_id, stage_id=self.stage.pk, organisation_id=self.organisation.pk)


def round_for_user(user, round_id: int) -> Round | None:
    round_ = Round.objects.select_related("campaign", "legal_basis").filter(pk=round_id).first()
    if round_ is None or not (is_administrator(user) or stage_dossiers_for_user(user, round_)):
        return None
    return round_


def stage_dossiers_for_user(user, round_: Round) -> list[StageDossier]:
    """The (stage, organisation) pairs whose dossier the user may build or read, with the latest build."""
    stages = stages_of(round_)
    own_units = council_unit_ids(user)
    organisations = stage_organisation_ids(user)
    admin = is_administrator(user)
    pairs: list[tuple[Stage, Unit]] = []
    first = stages[0]
    proposing = Nomination.objects.filter(round=round_).values_list("proposing_unit_id", flat=True).distinct()
    unit_ids = set(proposing) if admin else set(proposing) & own_units
    if organisations and not admin:
        # People of a later stage receive the units' dossiers.
        if any(s.organisation_id in organisations for s in stages[1:]):
            unit_ids |= set(proposing)
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path", "name"):
        pairs.append((first, unit))
    for stage in stages[1:]:
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
    }
    return [
        StageDossier(stage, organisation, can_build_stage(user, stage, organisation),
                     latest.get(identity_for(DocumentKind.STAGE_DOSSIER_PDF, round_id=round_.pk, stage_id=stage.pk, organisation_id=organisation.pk)))
        for stage, organisation in pairs
    ]


def stage_dossier_for_user(user, round_id: int, order: int, unit_id: int) -> StageDossier | None:
    round_ = Round.objects.select_related("campaign", "legal_basis").filter(pk=round_id).first()
    if round_ is None:
        return None
    for item in stage_dossiers_for_user(user, round_):
        if item.stage.order == order and item.organisation.pk == unit_id:
            return item
    return None


def document_for_user(user, pk: int) -> GeneratedDocument | None:
    document = (
        GeneratedDocument.objects.select_related("round__campaign", "stage", "organisation", "nomination")
        .filter(pk=pk)
        .first()
    )
    if document is None or not can_view_document(user, document):
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
        "error": STALLED if stalled else next((f.error for f in files if f.status == BuildStatus.FAILED and f.error), ""),
        "files": [
            {"label": f.get_format_display(), "url": reverse("dossiers:download", args=[f.pk]), "size": f.size}
            for f in files if f.status == BuildStatus.DONE
        ],
    }
