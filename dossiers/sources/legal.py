"""The round as the documents print it and the "Căn cứ" lines: the laws in force on the document's
date, the issuer's functions, the award forms' bases, the campaign's documents.
"""
from __future__ import annotations

from campaigns import report_forms
from campaigns.models import CampaignDocument, LegalDocumentKind, Round, Unit
from campaigns.services.legal import citation_lines
from campaigns.vn_format import long_date


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
            "date": long_date(basis.date) if basis.date else "",
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
    date = f" {long_date(document.date)}" if document.date else ""
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
