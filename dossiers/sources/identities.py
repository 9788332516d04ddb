"""The identity of a document (which record a rebuild replaces) and the fingerprint of its source
(what it shows: a document is stale when the fingerprint of today's data differs).
"""
from __future__ import annotations

import hashlib
import json

from dossiers.models import DocumentKind


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
