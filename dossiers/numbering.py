"""Document numbers: per issuing organisation, type and year, without gaps or repeats.

"Số: 05/TTr-STTTT": the number (two digits below 10), "/", the type's abbreviation, "-", the
issuing body's abbreviation (Nghị định 30/2020/NĐ-CP, Phụ lục I). Numbers restart every
calendar year.

The counter row is locked (`select_for_update`) for the increment, and the number is written to
the register (`DocumentNumber`) in the same transaction, keyed by the logical document: a
second request for the same document gets the number already given; two documents never get the
same number; a failed transaction gives its number back (the increment rolls back with it).
"""
from __future__ import annotations

from django.db import IntegrityError, transaction

from dossiers.models import DocumentNumber, DocumentNumberCounter

TYPE_ABBREVIATIONS = {
    "to_trinh": "TTr",
    "bien_ban": "BB",
    "bao_cao": "BC",
    "quyet_dinh": "QĐ",
}


def format_number(value: int, doc_type: str, body: str, *, party: bool = False) -> str:
    """"05/TTr-STC" (Nghị định 30/2020); a Party body's "05-TTr/VPTU" (Hướng dẫn 36-HD/VPTW: the number,
    "-", the type, "/", the body)."""
    if party:
        return f"{value:02d}-{doc_type}/{body}"
    return f"{value:02d}/{doc_type}-{body}"


def _locked_counter(organisation, doc_type: str, year: int) -> DocumentNumberCounter:
    lookup = {"organisation": organisation, "doc_type": doc_type, "year": year}
    counter = DocumentNumberCounter.objects.select_for_update().filter(**lookup).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            DocumentNumberCounter.objects.create(**lookup, last_number=0)
    except IntegrityError:
        pass  # created meanwhile by a concurrent transaction: lock that one
    return DocumentNumberCounter.objects.select_for_update().get(**lookup)


def allocate_number(*, identity: str, organisation, doc_type: str, year: int, body: str, party: bool = False) -> DocumentNumber:
    """The register line of the document `identity`, allocating the next number if it has none."""
    existing = DocumentNumber.objects.filter(identity=identity).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                counter = _locked_counter(organisation, doc_type, year)
                value = counter.last_number + 1
                number = DocumentNumber.objects.create(
                    organisation=organisation, doc_type=doc_type, year=year, value=value,
                    text=format_number(value, doc_type, body, party=party), identity=identity,
                )
                DocumentNumberCounter.objects.filter(pk=counter.pk).update(last_number=value)
                return number
        except IntegrityError:
            # Another transaction numbered this same document first: use its number (our
            # increment rolled back with the savepoint, so no number is lost).
            existing = DocumentNumber.objects.filter(identity=identity).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"Không cấp được số văn bản cho {identity}.")


def number_of(identity: str) -> DocumentNumber | None:
    return DocumentNumber.objects.filter(identity=identity).first()
