"""Builds: records first, idempotent rebuilds, atomic writes, stale documents and new versions,
failures with their message."""
import os

import pytest
from django.core.files.storage import InMemoryStorage

from campaigns import clock
from dossiers import services, sources
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from dossiers.storage import TEMP_PREFIX, write_atomically
from nominations.services import save_nomination
from tests.dossiers.conftest import MOMENT

pytestmark = pytest.mark.django_db


def report_spec(world, nomination):
    return services.Spec(kind=DocumentKind.BAO_CAO_THANH_TICH, round=world.round, organisation=nomination.proposing_unit,
                         nomination=nomination, title=f"Báo cáo thành tích — {nomination.nominee_name}")


def to_trinh_spec(world, unit_code="so-tai-chinh-nt"):
    return services.Spec(kind=DocumentKind.TO_TRINH, round=world.round, organisation=world.units[unit_code], stage=world.stages[0])


def build(spec, fmt=DocumentFormat.PDF):
    with clock.frozen_at(MOMENT):
        record, _ = services.ensure_record(spec, fmt)
        services.build_document(record.pk)
    record.refresh_from_db()
    return record


def files_in(media):
    return sorted(p.name for p in (media / "private" / "dossiers").rglob("*") if p.is_file())


def test_report_build_is_idempotent(world, private_media):
    nomination = world.unit_nominations[1]
    spec = report_spec(world, nomination)
    record = build(spec)
    assert record.status == BuildStatus.DONE and record.builds == 1 and len(record.checksum) == 64
    first_checksum = record.checksum
    # The same task again (a duplicate message): nothing is rebuilt.
    services.build_document(record.pk, task_id="another-delivery")
    record.refresh_from_db()
    assert record.builds == 1 and record.checksum == first_checksum
    # Asking again with unchanged data: the same record, no new version.
    again, created = services.ensure_record(spec, DocumentFormat.PDF, fingerprint_now=sources.fingerprint(sources.report_source(nomination)))
    assert not created and again.pk == record.pk
    assert GeneratedDocument.objects.filter(identity=spec.identity).count() == 1
    assert files_in(private_media) == [os.path.basename(record.file.name)]


def test_retry_after_a_crash_rewrites_the_same_file_with_the_same_bytes(world, private_media):
    spec = report_spec(world, world.unit_nominations[0])
    record = build(spec)
    name, checksum = record.file.name, record.checksum
    # A worker died after writing: the record is still "running"; the redelivered task builds again.
    GeneratedDocument.objects.filter(pk=record.pk).update(status=BuildStatus.RUNNING, task_id="t-1")
    stray = private_media / os.path.dirname(name) / f"{TEMP_PREFIX}{os.path.basename(name)}.half"
    stray.write_bytes(b"%PDF-1.7 half a file")
    with clock.frozen_at(MOMENT):
        services.build_document(record.pk, task_id="t-1")
    record.refresh_from_db()
    assert record.status == BuildStatus.DONE and record.file.name == name and record.checksum == checksum
    assert GeneratedDocument.objects.filter(identity=spec.identity, format=DocumentFormat.PDF).count() == 1
    assert files_in(private_media) == [os.path.basename(name)]  # the stray temporary file is gone


def test_same_source_gives_the_same_pdf_and_docx_bytes(world):
    nomination = world.unit_nominations[1]
    source = sources.report_source(nomination)
    with clock.frozen_at(MOMENT):
        pdf, _ = services.ensure_record(report_spec(world, nomination), DocumentFormat.PDF)
        docx, _ = services.ensure_record(report_spec(world, nomination), DocumentFormat.DOCX)
    assert services.document_bytes(pdf, source)[0] == services.document_bytes(pdf, source)[0]
    assert services.document_bytes(docx, source)[0] == services.document_bytes(docx, source)[0]


def test_changed_nomination_makes_the_to_trinh_stale_and_a_rebuild_a_new_version(world):
    spec = to_trinh_spec(world)
    first = build(spec)
    assert first.number == "01/TTr-STC" and not first.is_stale and services.is_current(first)
    nomination = world.unit_nominations[1]
    officer = world.users["officer:so-tai-chinh-nt"]
    data = {f: getattr(nomination, f) for f in ("kind", "nominee_unit", "full_name", "gender", "birth_year", "position",
                                                 "person_identifier", "award_form", "eligibility_declared")}
    data["achievement_summary"] = "Chủ trì xây dựng kho dữ liệu số hóa hồ sơ tài chính, tiết kiệm 2.340.000 đồng mỗi tháng."
    with clock.frozen_at(world.at_stage(1)):
        save_nomination(actor=officer, round_=world.round, proposing_unit=nomination.proposing_unit, data=data, values={}, nomination=nomination)
    first.refresh_from_db()
    assert first.is_stale  # flagged by the signal
    assert services.refresh_staleness(first) is True  # and the fingerprint agrees
    assert not services.is_current(first)
    # Building again: a new version with a new code, the same number; the old one stays, not latest.
    current = sources.fingerprint(sources.to_trinh_source(world.stages[0], world.units["so-tai-chinh-nt"]))
    with clock.frozen_at(MOMENT):
        second, created = services.ensure_record(spec, DocumentFormat.PDF, fingerprint_now=current)
        services.build_document(second.pk)
    second.refresh_from_db()
    first.refresh_from_db()
    assert created and second.version == 2 and second.number == first.number
    assert second.verification_code != first.verification_code
    assert second.is_latest and not first.is_latest
    assert services.is_current(second) and not services.is_current(first)


def test_a_false_alarm_is_cleared_by_the_fingerprint(world):
    record = build(to_trinh_spec(world))
    services.mark_stale(round_id=world.round.pk)
    record.refresh_from_db()
    assert record.is_stale
    assert services.refresh_staleness(record) is False
    record.refresh_from_db()
    assert not record.is_stale


def test_a_dossier_without_council_votes_fails_with_a_message(world):
    with clock.frozen_at(MOMENT):
        dossier = services.build_stage_dossier_now(stage=world.stages[0], organisation=world.units["so-xd-nt"])
    assert dossier.status == BuildStatus.FAILED
    assert "Chưa có hồ sơ" in dossier.error and "Hội đồng" in dossier.error


def test_storage_without_rename_switches_the_name_then_deletes_the_old_file(world):
    record = build(report_spec(world, world.unit_nominations[1]))
    storage = InMemoryStorage()
    record.file.storage = storage
    first = write_atomically(record, b"first", "pdf")
    record.file.name = first
    second = write_atomically(record, b"second", "pdf")
    assert second != first
    assert not storage.exists(first) and storage.open(second).read() == b"second"
    assert GeneratedDocument.objects.get(pk=record.pk).file.name == second
