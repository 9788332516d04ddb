"""What each kind of document is: its title, the type its number takes (none: not numbered), the
source function that reads today's data for a record, and the template that prints it.

dossiers.services and dossiers.rendering look a kind up here (`KINDS[kind]`); a new kind of
document is one entry here, one source module in dossiers/sources/ and one template.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from dossiers import numbering, sources
from dossiers.models import DocumentKind, GeneratedDocument


@dataclass(frozen=True)
class Kind:
    title: str
    number_type: str | None = None  # numbering.TYPE_ABBREVIATIONS; None: the document has no number of its own
    source: Callable[[GeneratedDocument], dict | None] | None = None  # None: built from its members (a stage dossier)
    # The template's name under templates/dossiers/<template_set>/, by the source's variant ("": any).
    templates: dict[str, str] = field(default_factory=dict)

    def template(self, variant: str = "") -> str:
        return self.templates[variant] if variant in self.templates else self.templates[""]


KINDS: dict[str, Kind] = {
    DocumentKind.TO_TRINH: Kind(
        title="Tờ trình đề nghị khen thưởng",
        number_type=numbering.TYPE_ABBREVIATIONS["to_trinh"],
        source=lambda record: sources.to_trinh_source(record.stage, record.organisation),
        templates={"": "to_trinh"},
    ),
    DocumentKind.BIEN_BAN: Kind(
        title="Biên bản họp Hội đồng Thi đua - Khen thưởng",
        number_type=numbering.TYPE_ABBREVIATIONS["bien_ban"],
        source=lambda record: sources.bien_ban_source(record.stage, record.organisation),
        templates={"": "bien_ban"},
    ),
    DocumentKind.BAO_CAO_THANH_TICH: Kind(
        title="Báo cáo thành tích",
        source=lambda record: sources.report_source(record.nomination),
        templates={"tap_the": "bao_cao_tap_the", "ca_nhan": "bao_cao_ca_nhan"},
    ),
    DocumentKind.BAO_CAO_TOM_TAT: Kind(
        title="Báo cáo tóm tắt thành tích",
        source=lambda record: sources.summary_source(record.nomination),
        templates={"": "bao_cao_tom_tat"},
    ),
    DocumentKind.DU_THAO_QUYET_DINH: Kind(
        title="Dự thảo quyết định khen thưởng",
        source=lambda record: sources.du_thao_source(record.stage, record.organisation),
        templates={"": "du_thao_quyet_dinh"},
    ),
    DocumentKind.STAGE_DOSSIER_PDF: Kind(title="Hồ sơ đề nghị khen thưởng"),
    DocumentKind.STAGE_DOSSIER_ZIP: Kind(title="Hồ sơ đề nghị khen thưởng"),
}


def source_for(record: GeneratedDocument) -> dict | None:
    """Today's source of a record of one document (not of a stage dossier)."""
    build = KINDS[record.kind].source
    if build is None:
        raise ValueError(record.kind)
    return build(record)
