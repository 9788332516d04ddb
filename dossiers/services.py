"""Writes: document records, numbers, builds, stage dossiers, staleness.

The order of every build (style.md, "Celery tasks"):
1. a request creates the GeneratedDocument record first (status queued, its number and
   verification code already given) and queues the task with the record's id after commit;
2. the task fetches the record, builds the file from today's data and writes it atomically
   under a name derived from the record id, then marks the record done with its checksum and the
   fingerprint of the data it was built from;
3. running the task again for a done record does nothing; for a record left running by a killed
   worker it builds again and replaces the file: one record, one file, `builds` counts the
   completed writes.
A running build holds a lease (`lease_until`, DOCUMENT_BUILD_LEASE seconds, longer than the
tasks' hard time limit): within it, nobody else builds the record (a second request or `force`
joins it); once it has expired, the build is taken as dead (a worker killed, a process gone
without a broker to deliver the task again) and the next request, forced or not, builds the same
record again.
A record whose data has changed is stale; building it again makes a new version (new record and
code, same number); the old version stays verifiable as "not current".

A stage's dossier (tờ trình + biên bản + every nominee's báo cáo thành tích, or the dự thảo quyết
định at the decision stage) is laid out in ONE WeasyPrint pass; each member's PDF is written from
the pages of that same layout; the Word files are separate small tasks; the ZIP is made when all
are done.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field

import rules
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns import clock
from campaigns.models import Round, Stage, StageAction, Unit
from campaigns.vn_format import BLANK, ascii_slug, in_vietnamese, long_date, short_date, vn_place_date
from config import background
from dossiers import contents, numbering, rendering, sources
from dossiers.models import (
    BuildStatus,
    DocumentFormat,
    DocumentDate,
    DocumentKind,
    DossierMember,
    GeneratedDocument,
    NOMINEE_KINDS,
)
from dossiers.errors import DossierError
from dossiers.kinds import KINDS, source_for
from dossiers.storage import write_atomically
from nominations.models import Nomination

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 8


def new_verification_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not GeneratedDocument.objects.filter(verification_code=code).exists():
            return code


# --- records ----------------------------------------------------------------------------------------


@dataclass
class Spec:
    """What a record is: enough to create it and, later, to rebuild its source."""

    kind: str
    round: Round
    organisation: Unit
    stage: Stage | None = None
    nomination: Nomination | None = None
    title: str = ""
    identity: str = ""
    source: dict | None = field(default=None, repr=False)
    issued_on: dt.date | None = None  # the document's date (its source's); None: today (a dossier's cover)
    fixed_number: str = ""  # a number given elsewhere (a recorded decision's), not allocated here

    def __post_init__(self):
        if not self.identity:
            self.identity = sources.identity_for(
                self.kind, round_id=self.round.pk, stage_id=self.stage.pk if self.stage else None,
                organisation_id=self.organisation.pk, nomination_id=self.nomination.pk if self.nomination else None,
            )


def latest_record(identity: str, fmt: str) -> GeneratedDocument | None:
    return GeneratedDocument.objects.filter(identity=identity, format=fmt, is_latest=True).first()


def _number_for(spec: Spec, year: int) -> str:
    doc_type = KINDS[spec.kind].number_type
    if doc_type is None:
        return ""
    council = spec.kind == DocumentKind.BIEN_BAN
    block = sources.org_block(spec.organisation)
    body = "HĐTĐKT" if council else block["abbr"]
    register = numbering.allocate_number(
        identity=spec.identity, organisation=spec.organisation, doc_type=doc_type, year=year, body=body,
        party=block["party"] and not council,
    )
    return register.text


_budget = threading.local()


@contextlib.contextmanager
def time_budget(seconds: float):
    """The build in this block must end within `seconds` (the task's soft time limit). Celery's
    soft limit is a signal raised once, anywhere: inside WeasyPrint it can land in a `try` that
    swallows it, so the build also checks the budget itself between its long steps."""
    previous = getattr(_budget, "deadline", None)
    _budget.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _budget.deadline = previous


def check_time_budget():
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise SoftTimeLimitExceeded()


def build_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE)


def lease_expired(record: GeneratedDocument) -> bool:
    """A running build whose lease has run out: its worker is taken as dead."""
    return record.lease_expired


def _reusable(latest: GeneratedDocument, fingerprint_now: str | None, force: bool) -> bool:
    if latest.status != BuildStatus.DONE:
        # Queued, running or failed: build this same record (again). A running one within its
        # lease is joined, even when forced (no second build of the same file); an expired one
        # is queued again by _needs_dispatch.
        return True
    if force:
        return False
    if fingerprint_now is None:
        return not latest.is_stale
    return latest.source_fingerprint == fingerprint_now


def ensure_record(spec: Spec, fmt: str, *, fingerprint_now: str | None = None, force: bool = False, requested_by=None) -> tuple[GeneratedDocument, bool]:
    """The record to build for `spec` in `fmt`: the latest version while it is still current (or
    not yet built), else a new version. Returns (record, created)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = (
                    GeneratedDocument.objects.select_for_update()
                    .filter(identity=spec.identity, format=fmt, is_latest=True)
                    .first()
                )
                day = spec.issued_on or clock.today()
                if latest is not None and _reusable(latest, fingerprint_now, force):
                    if latest.status != BuildStatus.DONE and spec.issued_on and latest.issued_on != day:
                        GeneratedDocument.objects.filter(pk=latest.pk).update(issued_on=day)  # not yet issued: its new date
                        latest.issued_on = day
                    return latest, False
                number = spec.fixed_number or _number_for(spec, day.year)
                if latest is not None:
                    GeneratedDocument.objects.filter(pk=latest.pk).update(is_latest=False)
                record = GeneratedDocument.objects.create(
                    kind=spec.kind, format=fmt, identity=spec.identity,
                    version=(latest.version + 1) if latest else 1,
                    round=spec.round, stage=spec.stage, organisation=spec.organisation, nomination=spec.nomination,
                    number=number, issued_on=day, title=spec.title or KINDS[spec.kind].title,
                    verification_code=new_verification_code(), requested_by=requested_by,
                )
                return record, True
        except IntegrityError:
            continue  # a concurrent request created this version first: take it
    raise DossierError("Không tạo được bản ghi văn bản, vui lòng thử lại.")


QUEUE_AGAIN_AFTER = dt.timedelta(minutes=10)


def _dispatch(task, record_id: int, *, queue: str | None = None):
    """Note the time and queue the task after commit (style.md): the worker must see the
    committed record. `queue`: the queue the calling task came from, else DOSSIERS_QUEUE."""
    GeneratedDocument.objects.filter(pk=record_id).update(queued_at=timezone.now())
    name = queue or getattr(settings, "DOSSIERS_QUEUE", None)
    options = {"queue": name} if name else {}
    # Without a broker: in a background thread, not in the request (config/background.py).
    transaction.on_commit(lambda: background.send(task, args=[record_id], **options), robust=True)


def _needs_dispatch(record: GeneratedDocument, created: bool) -> bool:
    if created or record.status == BuildStatus.FAILED or lease_expired(record):
        return True
    if record.status == BuildStatus.QUEUED:
        return record.queued_at is None or timezone.now() - record.queued_at > QUEUE_AGAIN_AFTER
    return False


# --- sources of a record -----------------------------------------------------------------------------


def source_date(source: dict, default: dt.date) -> dt.date:
    """The date a document's source carries (the act it records), else `default`."""
    return dt.date.fromisoformat(source["date"]) if source.get("date") else default


def meta_for(record: GeneratedDocument, source: dict) -> dict:
    issuer = source["issuer"]
    place = issuer.get("place", "")
    day = source_date(source, record.issued_on)
    meta = {
        "anchor": f"doc-{record.verification_code}",
        "code": record.verification_code,
        "verify_url": rendering.verification_url(record.verification_code),
        "number": record.number,
        "number_line": record.number_line,
        "date": long_date(day),
        "place_date": vn_place_date(place, day),
        "form_ref": "",
    }
    if issuer.get("party") and record.number and record.kind != DocumentKind.BIEN_BAN:
        meta["number_line"] = f"Số {record.number}"  # Hướng dẫn 36-HD/VPTW: "Số 05-TTr/VPTU", no colon
    meta["qr"] = rendering.qr_data_uri(meta["verify_url"])
    if record.kind == DocumentKind.DU_THAO_QUYET_DINH and source.get("decision"):
        # Recorded: the decision's own number and date.
        decision = source["decision"]
        signed = dt.date.fromisoformat(decision["date"])
        meta["number"] = decision["number"]
        meta["number_line"] = f"Số: {decision['number']}"
        meta["date"] = long_date(signed)
        meta["place_date"] = vn_place_date(place, signed)
    elif record.kind == DocumentKind.DU_THAO_QUYET_DINH:
        abbr = issuer["abbr"]
        meta["number"] = ""
        meta["number_line"] = f"Số:{BLANK}/QĐ-{abbr}"
        blank = f"ngày{BLANK}tháng{BLANK}năm {day.year}"
        meta["date"] = blank
        meta["place_date"] = f"{place}, {blank}" if place else blank
    forms = source["round"].get("forms") or {}
    key = rendering.template_name(source)
    form = source.get("form") or {}
    # A form number that is only inferred (campaigns/data/reference.yaml, status: inferred) is not printed.
    inferred = form.get("template") == key and form.get("status") == "inferred"
    if key in forms and source["kind"] == DocumentKind.BAO_CAO_THANH_TICH and not inferred:
        meta["form_ref"] = f"{forms[key]} — Nghị định {source['round']['legal_basis']['number']}"
    return meta


def member_title(kind: str, source: dict, *, separator: str = " — ") -> str:
    if kind in NOMINEE_KINDS:
        return f"{KINDS[kind].title}{separator}{source['nominee']['name']}"
    if kind == DocumentKind.DU_THAO_QUYET_DINH and source.get("decision"):
        return f"Quyết định khen thưởng số {source['decision']['number']}"
    return KINDS[kind].title


# --- building one document ------------------------------------------------------------------------------


def _claim(record_id: int, task_id: str | None) -> GeneratedDocument | None:
    """Lock the record and mark it running under a fresh lease, or return None when there is
    nothing to do (done, or being built by another task whose lease has not expired). The same
    task delivered again (acks_late after a crash) takes its own record over at once."""
    with transaction.atomic():
        record = GeneratedDocument.objects.select_for_update().filter(pk=record_id).first()
        if record is None:
            logger.info("Văn bản %s không còn: bỏ qua.", record_id)
            return None
        if record.status == BuildStatus.DONE:
            return None
        same_task = bool(task_id) and record.task_id == task_id
        if record.status == BuildStatus.RUNNING and not same_task and not lease_expired(record):
            logger.info("Văn bản %s đang được tạo bởi tác vụ khác: bỏ qua.", record_id)
            return None
        if record.status == BuildStatus.RUNNING and not same_task:
            logger.warning("Văn bản %s: tác vụ %s quá hạn giữ quyền, tạo lại.", record_id, record.task_id or "(trong tiến trình)")
        record.status = BuildStatus.RUNNING
        record.attempts += 1
        record.task_id = task_id or ""
        record.error = ""
        record.lease_until = timezone.now() + build_lease()
        record.save(update_fields=["status", "attempts", "task_id", "error", "lease_until", "updated_at"])
        return record


def _finish(record: GeneratedDocument, data: bytes, extension: str, *, fingerprint_value: str, nomination_ids: list[int],
            pages: int = 0):
    """Store the written file; `nomination_ids`: the nominations it shows (dossiers.contents)."""
    name = write_atomically(record, data, extension)
    GeneratedDocument.objects.filter(pk=record.pk).update(
        nomination_ids=nomination_ids,
        file=name, size=len(data), checksum=hashlib.sha256(data).hexdigest(), source_fingerprint=fingerprint_value,
        status=BuildStatus.DONE, is_stale=False, page_count=pages, builds=record.builds + 1,
        built_at=timezone.now(), updated_at=timezone.now(), error="",
    )
    record.refresh_from_db()


def mark_failed(record_id: int, error: str):
    GeneratedDocument.objects.filter(pk=record_id).exclude(status=BuildStatus.DONE).update(
        status=BuildStatus.FAILED, error=error[:2000], updated_at=timezone.now()
    )


def mark_retrying(record_id: int, error: str):
    GeneratedDocument.objects.filter(pk=record_id, status=BuildStatus.RUNNING).update(
        status=BuildStatus.QUEUED, error=f"Đang thử lại: {error}"[:2000], updated_at=timezone.now()
    )


def document_bytes(record: GeneratedDocument, source: dict) -> tuple[bytes, int]:
    html = rendering.document_html([rendering.section_html(source, meta_for(record, source))], title=record.title)
    if record.format == DocumentFormat.PDF:
        return rendering.html_to_pdf(html)
    from dossiers.docx_writer import html_to_docx

    return html_to_docx(html, title=record.title, author=record.organisation.name, date=record.issued_on), 0


@in_vietnamese
def build_document(record_id: int, *, task_id: str | None = None, queue: str | None = None, inline: bool = False) -> GeneratedDocument | None:
    """Build one document file (PDF or DOCX) of its record. Idempotent."""
    record = _claim(record_id, task_id)
    if record is None:
        existing = GeneratedDocument.objects.filter(pk=record_id).first()
        if existing is not None and existing.status == BuildStatus.DONE and not inline:
            after_member_done(existing, queue=queue)  # a redelivery after a crash: finish the chain
        return existing
    source = source_for(record)
    if source is None:
        mark_failed(record.pk, "Không còn dữ liệu để lập văn bản (chưa có kết quả họp Hội đồng?).")
        return record
    data, pages = document_bytes(record, source)
    check_time_budget()
    _finish(record, data, record.format, fingerprint_value=sources.fingerprint(source), pages=pages,
            nomination_ids=contents.nomination_ids_of(record.kind, record.nomination_id, source))
    if not inline:
        after_member_done(record, queue=queue)
    return record


# --- a document's date, chosen by its issuer ----------------------------------------------------------------


def set_to_trinh_date(*, stage: Stage, organisation: Unit, day: dt.date, actor) -> DocumentDate:
    """The issuer dates its tờ trình (by default the day it forwarded what it lists): within the
    round's period and not after today, and only before the level it goes to has acted on it. The
    next build carries the date (and the law in force on it)."""
    from dossiers import dates
    from dossiers.rules import can_build_stage

    if not can_build_stage(actor, stage, organisation):
        raise DossierError("Tài khoản không được lập hồ sơ của cơ quan, đơn vị này ở bước này.")
    dating = dates.to_trinh_dating(stage, organisation)
    if dating is None:
        raise DossierError("Chưa có hồ sơ nào để lập tờ trình ở bước này: chưa chọn được ngày.")
    if dating.issued:
        raise DossierError("Tờ trình đã được cấp nhận xem xét: không đổi ngày văn bản được nữa.")
    start, end = dating.bounds
    if not start <= day <= end:
        raise DossierError(
            f"Ngày tờ trình phải trong thời gian của đợt và không sau hôm nay: từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} "
            f"(đã chọn {day:%d/%m/%Y})."
        )
    identity = sources.identity_for(DocumentKind.TO_TRINH, round_id=stage.round_id, stage_id=stage.pk, organisation_id=organisation.pk)
    with transaction.atomic():
        chosen, _ = DocumentDate.objects.update_or_create(identity=identity, defaults={"date": day, "set_by": actor})
        mark_stale(round_id=stage.round_id)
    return chosen


# --- single documents on request ------------------------------------------------------------------------


def request_report(*, nomination: Nomination, actor, force: bool = False) -> list[GeneratedDocument]:
    """A nominee's báo cáo thành tích as PDF and Word, and its báo cáo tóm tắt when the round asks
    for one: records first, tasks after commit. The report's PDF comes first."""
    from dossiers import tasks

    if not rules.test_rule("dossiers.build_report", actor, nomination):
        raise DossierError("Tài khoản không được lập báo cáo thành tích của hồ sơ này.")
    report = sources.report_source(nomination)
    wanted = [(DocumentKind.BAO_CAO_THANH_TICH, report)]
    if nomination.round.summary_report_required:
        wanted.append((DocumentKind.BAO_CAO_TOM_TAT, sources.summary_from_report(report)))
    records = []
    with transaction.atomic():
        for kind, source in wanted:
            spec = Spec(
                kind=kind, round=nomination.round, organisation=nomination.proposing_unit,
                nomination=nomination, title=member_title(kind, source), issued_on=source_date(source, clock.today()),
            )
            fingerprint_now = sources.fingerprint(source)
            for fmt in (DocumentFormat.PDF, DocumentFormat.DOCX):
                record, created = ensure_record(spec, fmt, fingerprint_now=fingerprint_now, force=force, requested_by=actor)
                if _needs_dispatch(record, created):
                    _requeue(record)
                    _dispatch(tasks.task_build_document, record.pk)
                records.append(record)
    return records


def _requeue(record):
    """A failed record, or a running one whose lease expired, back to the queue."""
    if record.status == BuildStatus.FAILED or lease_expired(record):
        GeneratedDocument.objects.filter(pk=record.pk, status=record.status).update(status=BuildStatus.QUEUED, error="", lease_until=None)
        record.status = BuildStatus.QUEUED


# --- stage dossiers --------------------------------------------------------------------------------------


def dossier_spec(stage: Stage, organisation: Unit, kind=DocumentKind.STAGE_DOSSIER_PDF) -> Spec:
    return Spec(kind=kind, round=stage.round, organisation=organisation, stage=stage,
                title=f"Hồ sơ đề nghị khen thưởng — {organisation.name} (bước {stage.order})")


def request_stage_dossier(*, stage: Stage, organisation: Unit, actor, force: bool = False) -> GeneratedDocument:
    """Start (or join) the build of a stage's dossier; answers at once, the work is queued.

    Returns the merged-PDF record, whose page shows the progress of the whole batch."""
    from dossiers import tasks
    from dossiers.rules import can_build_stage

    if not can_build_stage(actor, stage, organisation):
        raise DossierError("Tài khoản không được lập hồ sơ của cơ quan, đơn vị này ở bước này.")
    with transaction.atomic():
        pdf, created = ensure_record(dossier_spec(stage, organisation), DocumentFormat.PDF, force=force, requested_by=actor)
        ensure_zip_record(pdf)
        if _needs_dispatch(pdf, created):
            _requeue(pdf)
            _dispatch(tasks.task_build_stage_dossier, pdf.pk)
        elif pdf.status == BuildStatus.DONE:
            resume_batch(pdf)
    return pdf


def resume_batch(dossier: GeneratedDocument, *, queue: str | None = None):
    """An interrupted batch (a lost message, a failed Word file): queue what is missing."""
    from dossiers import tasks

    for member in GeneratedDocument.objects.filter(dossier_links__dossier=dossier).exclude(status=BuildStatus.DONE):
        if _needs_dispatch(member, False):
            _requeue(member)
            _dispatch(tasks.task_build_document, member.pk, queue=queue)
    maybe_queue_zip(dossier, queue=queue)


def ensure_zip_record(pdf: GeneratedDocument) -> GeneratedDocument:
    """The ZIP record of the same version as the dossier's merged-PDF record (same code rules)."""
    archive = zip_of(pdf)
    if archive is not None:
        return archive
    with transaction.atomic():
        GeneratedDocument.objects.filter(identity=pdf.identity, format=DocumentFormat.ZIP, is_latest=True).update(is_latest=False)
        try:
            with transaction.atomic():
                return GeneratedDocument.objects.create(
                    kind=DocumentKind.STAGE_DOSSIER_ZIP, format=DocumentFormat.ZIP, identity=pdf.identity, version=pdf.version,
                    round_id=pdf.round_id, stage_id=pdf.stage_id, organisation_id=pdf.organisation_id, number="",
                    issued_on=pdf.issued_on, title=pdf.title, verification_code=new_verification_code(),
                    requested_by_id=pdf.requested_by_id,
                )
        except IntegrityError:
            return zip_of(pdf)


def zip_of(pdf: GeneratedDocument) -> GeneratedDocument | None:
    return GeneratedDocument.objects.filter(identity=pdf.identity, format=DocumentFormat.ZIP, version=pdf.version).first()


@dataclass
class PlannedMember:
    spec: Spec
    source: dict
    fingerprint: str


def plan_members(stage: Stage, organisation: Unit) -> list[PlannedMember]:
    """The documents of a stage's dossier, in order, each with today's source."""
    round_ = stage.round
    planned: list[PlannedMember] = []

    def add(kind, source, nomination=None):
        spec = Spec(kind=kind, round=round_, organisation=organisation if nomination is None else nomination.proposing_unit,
                    stage=stage if nomination is None else None, nomination=nomination,
                    title=member_title(kind, source), issued_on=source_date(source, clock.today()),
                    fixed_number=(source.get("decision") or {}).get("number", ""))
        planned.append(PlannedMember(spec, source, sources.fingerprint(source)))

    nominations = sources.stage_nominations(stage, organisation)
    if not nominations:
        raise DossierError(
            "Chưa có hồ sơ nào để lập hồ sơ trình ở bước này"
            + (" (cần kết quả họp Hội đồng Thi đua - Khen thưởng với hồ sơ đạt tỷ lệ phiếu đồng ý)." if stage.needs_council else ".")
        )
    if stage.action == StageAction.DECISION:
        # The deciding level grants what it may (a draft decision) and proposes the rest to the
        # authority above it (a tờ trình with the reports: Rạch Giá's city proposing Bằng khen tỉnh).
        awards, nominations = sources.split_at_decision(nominations)
        if awards:
            add(DocumentKind.DU_THAO_QUYET_DINH, sources.du_thao_source(stage, organisation, awards))
        if not nominations:
            return planned
    if stage.action != StageAction.DECISION:
        check_minutes_match(stage, organisation, nominations)
    add(DocumentKind.TO_TRINH, sources.to_trinh_source(stage, organisation, nominations))
    minutes = sources.bien_ban_source(stage, organisation) if stage.action != StageAction.DECISION else None
    if minutes is not None:
        add(DocumentKind.BIEN_BAN, minutes)
    # The minutes of the level that proposed (Stage.dossier_minutes): the same documents, not copies.
    for earlier, body, _meeting in sources.forwarded_minutes(stage, organisation, nominations):
        source = sources.bien_ban_source(earlier, body)
        spec = Spec(kind=DocumentKind.BIEN_BAN, round=round_, organisation=body, stage=earlier,
                    title=f"{KINDS[DocumentKind.BIEN_BAN].title} — {body.name}", issued_on=source_date(source, clock.today()))
        planned.append(PlannedMember(spec, source, sources.fingerprint(source)))
    reports = sources.report_sources(nominations)
    for nomination in nominations:
        add(DocumentKind.BAO_CAO_THANH_TICH, reports[nomination.pk], nomination)
        if round_.summary_report_required:
            add(DocumentKind.BAO_CAO_TOM_TAT, sources.summary_from_report(reports[nomination.pk]), nomination)
    return planned


def check_minutes_match(stage: Stage, organisation: Unit, nominations: list[Nomination]):
    """Before a dossier is built: the council's minutes and the tờ trình of the same body at the same
    stage list the same nominees, or the build stops and says which differ."""
    only_minutes, only_to_trinh = sources.minutes_mismatch(stage, organisation, nominations)
    if not only_minutes and not only_to_trinh:
        return
    parts = []
    if only_minutes:
        parts.append(
            f"biên bản đề nghị nhưng tờ trình không có (chưa được {organisation.name} chấp thuận chuyển tiếp, "
            f"ví dụ vì vượt số lượng): {', '.join(only_minutes)}"
        )
    if only_to_trinh:
        parts.append(f"tờ trình có nhưng biên bản không đề nghị: {', '.join(only_to_trinh)}")
    raise DossierError(
        f"Không lập được hồ sơ: biên bản họp {sources.council_name(stage, organisation)} và tờ trình của "
        f"{organisation.name} ở bước {stage.order} không cùng danh sách — " + "; ".join(parts)
        + ". Hãy chuyển tiếp, trả lại hoặc không chấp thuận các hồ sơ này (hoặc sửa kết quả họp) rồi lập lại."
    )


def _cover_html(dossier: GeneratedDocument, rows: list[dict], organisation: Unit, stage: Stage) -> str:
    issuer = sources.round_org_block(organisation, stage.round)
    url = rendering.verification_url(dossier.verification_code)
    return render_to_string("dossiers/cover.html", {
        "issuer": issuer,
        "stage": stage,
        "round": stage.round,
        "rows": rows,
        "meta": {
            "anchor": f"doc-{dossier.verification_code}",
            "code": dossier.verification_code,
            "verify_url": url,
            "qr": rendering.qr_data_uri(url),
            "place_date": vn_place_date(issuer["place"], dossier.issued_on),
        },
    })


def update_progress(dossier: GeneratedDocument):
    """Recount (never increment): retries cannot overcount."""
    members = GeneratedDocument.objects.filter(dossier_links__dossier=dossier)
    total = members.count() + 2
    done = members.filter(status=BuildStatus.DONE).count()
    archive = zip_of(dossier)
    dossier.refresh_from_db(fields=["status"])
    done += (dossier.status == BuildStatus.DONE) + bool(archive and archive.status == BuildStatus.DONE)
    GeneratedDocument.objects.filter(pk=dossier.pk).update(progress_done=done, progress_total=total)
    return done, total


@in_vietnamese
def build_stage_dossier(record_id: int, *, task_id: str | None = None, queue: str | None = None, inline: bool = False) -> GeneratedDocument | None:
    """The merged PDF of a stage dossier and each member's PDF, from ONE layout pass; queues the
    members' Word files and then the ZIP (or builds them here when `inline`)."""
    from dossiers import tasks

    dossier = _claim(record_id, task_id)
    if dossier is None:
        existing = GeneratedDocument.objects.filter(pk=record_id).first()
        if existing is not None and existing.status == BuildStatus.DONE:
            maybe_queue_zip(existing, queue=queue, inline=inline)
        return existing
    stage = Stage.objects.select_related("round__legal_basis", "round__campaign__issuer", "organisation").get(pk=dossier.stage_id)
    organisation = dossier.organisation
    try:
        planned = plan_members(stage, organisation)
    except DossierError as error:
        mark_failed(dossier.pk, str(error))
        return dossier
    # The dossier (its cover) carries the date of its first document (the tờ trình, or the decision),
    # not the day it was assembled.
    day = source_date(planned[0].source, dossier.issued_on) if planned else dossier.issued_on
    if day != dossier.issued_on:
        GeneratedDocument.objects.filter(identity=dossier.identity, version=dossier.version).update(issued_on=day)
        dossier.issued_on = day

    # 1. The member records (reused while current, a new version when their data changed).
    members: list[tuple[PlannedMember, GeneratedDocument, GeneratedDocument]] = []
    with transaction.atomic():
        for item in planned:
            pdf, _ = ensure_record(item.spec, DocumentFormat.PDF, fingerprint_now=item.fingerprint, requested_by=dossier.requested_by)
            docx, _ = ensure_record(item.spec, DocumentFormat.DOCX, fingerprint_now=item.fingerprint, requested_by=dossier.requested_by)
            members.append((item, pdf, docx))
        DossierMember.objects.filter(dossier=dossier).delete()
        DossierMember.objects.bulk_create([
            DossierMember(dossier=dossier, document=record, order=index)
            for index, record in enumerate(r for _item, pdf, docx in members for r in (pdf, docx))
        ])
        if not inline:
            for _item, _pdf, docx in members:
                if _needs_dispatch(docx, False):
                    _requeue(docx)
                    _dispatch(tasks.task_build_document, docx.pk, queue=queue)
    update_progress(dossier)

    # 2. One layout of every document, behind a cover with the contents.
    rows = [{
        "index": index, "title": member_title(item.spec.kind, item.source, separator=": "),
        "number": pdf.number, "date": short_date(pdf.issued_on), "code": pdf.verification_code,
    } for index, (item, pdf, _docx) in enumerate(members, start=1)]
    sections = [rendering.section_html(item.source, meta_for(pdf, item.source)) for item, pdf, _docx in members]
    html = rendering.document_html(sections, title=dossier.title, cover=_cover_html(dossier, rows, organisation, stage))
    document = rendering.render_document(html)
    check_time_budget()
    starts = _section_starts(document, [meta_for_anchor(pdf) for _item, pdf, _docx in members])

    # 3. The merged PDF, written once; each member's PDF painted from its pages (no second layout).
    data = rendering.write_pdf(document)
    check_time_budget()
    total_pages = len(document.pages)
    ranges = [(start, starts[i + 1] if i + 1 < len(starts) else total_pages) for i, start in enumerate(starts)]
    todo = [i for i, (_item, pdf, _docx) in enumerate(members) if pdf.status != BuildStatus.DONE]
    pieces = rendering.member_pdfs(document, [ranges[i] for i in todo], [members[i][1].title for i in todo])
    for i, piece in zip(todo, pieces):
        item, pdf, _docx = members[i]
        claimed = _claim(pdf.pk, task_id)
        if claimed is not None:
            _finish(claimed, piece, "pdf", fingerprint_value=item.fingerprint, pages=ranges[i][1] - ranges[i][0],
                    nomination_ids=contents.nomination_ids_of(claimed.kind, claimed.nomination_id, item.source))
    update_progress(dossier)

    # 4. The merged PDF's record.
    combined = dossier_fingerprint(planned)
    shown = contents.union(contents.nomination_ids_of(item.spec.kind, pdf.nomination_id, item.source) for item, pdf, _docx in members)
    _finish(dossier, data, "pdf", fingerprint_value=combined, pages=total_pages, nomination_ids=shown)
    if inline:
        for _item, _pdf, docx in members:
            build_document(docx.pk, inline=True)
    update_progress(dossier)
    maybe_queue_zip(dossier, queue=queue, inline=inline)
    return dossier


def meta_for_anchor(record: GeneratedDocument) -> str:
    return f"doc-{record.verification_code}"


def _section_starts(document, anchors: list[str]) -> list[int]:
    """The index of the first page of each section, found by its anchor (the section's id)."""
    where = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            where.setdefault(name, index)
    missing = [a for a in anchors if a not in where]
    if missing:
        raise RuntimeError(f"Không tìm thấy trang đầu của văn bản {missing[0]} trong hồ sơ gộp.")
    return [where[a] for a in anchors]


def after_member_done(record: GeneratedDocument, *, queue: str | None = None):
    for dossier in GeneratedDocument.objects.filter(member_links__document=record, status=BuildStatus.DONE).distinct():
        update_progress(dossier)
        maybe_queue_zip(dossier, queue=queue)
    for dossier in GeneratedDocument.objects.filter(member_links__document=record).exclude(status=BuildStatus.DONE).distinct():
        update_progress(dossier)


def maybe_queue_zip(dossier: GeneratedDocument, *, queue: str | None = None, inline: bool = False):
    """Queue the ZIP once the merged PDF and every member file are done (decided under a lock)."""
    from dossiers import tasks

    with transaction.atomic():
        archive = (
            GeneratedDocument.objects.select_for_update()
            .filter(identity=dossier.identity, format=DocumentFormat.ZIP, version=dossier.version)
            .first()
        )
        if archive is None or archive.status == BuildStatus.DONE:
            return
        members = GeneratedDocument.objects.filter(dossier_links__dossier=dossier)
        if dossier.status != BuildStatus.DONE or members.exclude(status=BuildStatus.DONE).exists():
            return
        if not inline:
            # Queued again even if a message was sent before: a worker may have died between
            # the commit and the send. A duplicate is harmless (the task claims under a lock;
            # a done ZIP is left alone).
            if archive.status in (BuildStatus.QUEUED, BuildStatus.FAILED) or lease_expired(archive):
                GeneratedDocument.objects.filter(pk=archive.pk).update(status=BuildStatus.QUEUED)
                _dispatch(tasks.task_build_stage_zip, archive.pk, queue=queue)
            return
    build_stage_zip(archive.pk)


@in_vietnamese
def build_stage_zip(record_id: int, *, task_id: str | None = None) -> GeneratedDocument | None:
    archive = _claim(record_id, task_id)
    if archive is None:
        return GeneratedDocument.objects.filter(pk=record_id).first()
    dossier = GeneratedDocument.objects.filter(identity=archive.identity, format=DocumentFormat.PDF, version=archive.version).first()
    members = list(
        GeneratedDocument.objects.filter(dossier_links__dossier=dossier).order_by("dossier_links__order")
    ) if dossier else []
    if dossier is None or dossier.status != BuildStatus.DONE or any(m.status != BuildStatus.DONE for m in members):
        # Not ready: back to the queue state; the last member to finish queues it again.
        GeneratedDocument.objects.filter(pk=archive.pk).update(status=BuildStatus.QUEUED, queued_at=None)
        return archive
    data = zip_bytes(dossier, members, archive.issued_on)
    _finish(archive, data, "zip", fingerprint_value=dossier.source_fingerprint,
            nomination_ids=contents.union([dossier.nomination_ids, *(m.nomination_ids for m in members)]))
    update_progress(dossier)
    return archive


def zip_entry_name(index: int, record: GeneratedDocument) -> str:
    label = ascii_slug(record.title, max_length=60)
    number = f"_{ascii_slug(record.number)}" if record.number else ""
    return f"{index:03d}_{label}{number}.{record.format}"


def zip_bytes(dossier: GeneratedDocument, members: list[GeneratedDocument], day: dt.date) -> bytes:
    stamp = (max(day.year, 1980), day.month, day.day, 8, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [(f"000_Ho-so-gop_{ascii_slug(dossier.organisation.name, max_length=40)}.pdf", dossier)]
        position = 0
        previous = None
        for member in members:
            if member.identity != previous:
                position, previous = position + 1, member.identity
            entries.append((zip_entry_name(position, member), member))
        for name, record in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with record.file.open("rb") as stream:
                archive.writestr(info, stream.read())
    return buffer.getvalue()


# --- synchronous builds (management command, tests) ------------------------------------------------------


def build_stage_dossier_now(*, stage: Stage, organisation: Unit, actor=None, force: bool = False) -> GeneratedDocument:
    """Everything of a stage dossier in this process, without Celery (build_dossier command)."""
    with transaction.atomic():
        pdf, _ = ensure_record(dossier_spec(stage, organisation), DocumentFormat.PDF, force=force, requested_by=actor)
        ensure_zip_record(pdf)
    _requeue(pdf)  # failed, or left running past its lease
    build_stage_dossier(pdf.pk, inline=True)
    pdf.refresh_from_db()
    if pdf.status == BuildStatus.DONE:
        maybe_queue_zip(pdf, inline=True)
    return pdf


def stage_organisations(stage: Stage) -> list[Unit]:
    """The organisations issuing a dossier at `stage`: the stage's organisation, or at the unit
    stage every proposing unit with nominations in the round."""
    if stage.organisation_id:
        return [stage.organisation]
    unit_ids = Nomination.objects.filter(round_id=stage.round_id).values_list("proposing_unit_id", flat=True).distinct()
    return list(Unit.objects.filter(pk__in=unit_ids).order_by("path", "name"))


# --- staleness ---------------------------------------------------------------------------------------------


def mark_stale(*, round_id: int | None = None, nomination_id: int | None = None):
    """Flag documents that may show changed data (signals call this; cheap UPDATEs). The flag
    is a hint; `refresh_staleness` compares fingerprints and clears false alarms."""
    done = GeneratedDocument.objects.filter(status=BuildStatus.DONE, is_stale=False)
    if nomination_id is not None:
        done.filter(nomination_id=nomination_id).update(is_stale=True)
    if round_id is not None:
        done.filter(round_id=round_id, nomination__isnull=True).update(is_stale=True)


def dossier_fingerprint(planned: list[PlannedMember]) -> str:
    return sources.fingerprint({"members": [[item.spec.identity, item.fingerprint] for item in planned]})


def current_fingerprint(record: GeneratedDocument) -> str | None:
    """The fingerprint today's data would give this record (None when it can no longer be built)."""
    try:
        if record.kind in (DocumentKind.STAGE_DOSSIER_PDF, DocumentKind.STAGE_DOSSIER_ZIP):
            return dossier_fingerprint(plan_members(record.stage, record.organisation))
        source = source_for(record)
    except DossierError:
        return None
    return sources.fingerprint(source) if source is not None else None


def refresh_staleness(record: GeneratedDocument) -> bool:
    """Compare the record's fingerprint with today's data; store and return whether it is stale."""
    if record.status != BuildStatus.DONE:
        return record.is_stale
    stale = current_fingerprint(record) != record.source_fingerprint
    if stale != record.is_stale:
        GeneratedDocument.objects.filter(pk=record.pk).update(is_stale=stale)
        record.is_stale = stale
    return stale


def is_current(record: GeneratedDocument) -> bool:
    """The latest version, built, and its data unchanged."""
    return record.is_latest and record.status == BuildStatus.DONE and not refresh_staleness(record)
