"""Document numbers: per organisation, type and year; no gaps, no repeats; one number per document,
also when many documents are numbered at once (PostgreSQL, threads)."""
import threading

import pytest
from django.db import connection, connections

from campaigns.models import Unit, UnitCategory
from campaigns.vn_format import body_abbreviation
from dossiers.models import DocumentNumber, DocumentNumberCounter
from dossiers.numbering import allocate_number, format_number


@pytest.fixture
def organisations(db):
    category = UnitCategory.objects.create(code="so_ban_nganh_t", name="Sở, ban, ngành")
    return [
        Unit.objects.create(code="stttt-t", name="Sở Thông tin và Truyền thông tỉnh Sơn La", short_name="STTTT", category=category, level="tinh"),
        Unit.objects.create(code="snv-t", name="Sở Nội vụ tỉnh Sơn La", short_name="SNV", category=category, level="tinh"),
    ]


def test_format_number_pads_below_10():
    assert format_number(5, "TTr", "STTTT") == "05/TTr-STTTT"
    assert format_number(15, "TTr", "SNV") == "15/TTr-SNV"
    assert format_number(123, "BB", "HĐTĐKT") == "123/BB-HĐTĐKT"


def test_body_abbreviation_from_short_name_or_initials():
    assert body_abbreviation("Sở Thông tin và Truyền thông tỉnh Sơn La", "STTTT") == "STTTT"
    assert body_abbreviation("Sở Tài chính tỉnh Ninh Thuận") == "STC"
    assert body_abbreviation("Sở Giáo dục và Đào tạo tỉnh Ninh Thuận") == "SGDĐT"
    assert body_abbreviation("UBND thành phố Phan Rang - Tháp Chàm") == "UBND"


def test_numbers_follow_each_other_without_gaps(organisations):
    stttt = organisations[0]
    texts = [allocate_number(identity=f"doc-{i}", organisation=stttt, doc_type="TTr", year=2024, body="STTTT").text for i in range(12)]
    assert texts == [f"{i:02d}/TTr-STTTT" for i in range(1, 13)]
    assert DocumentNumberCounter.objects.get(organisation=stttt, doc_type="TTr", year=2024).last_number == 12


def test_same_document_keeps_its_number(organisations):
    stttt = organisations[0]
    first = allocate_number(identity="to_trinh/r1/s2/o1", organisation=stttt, doc_type="TTr", year=2024, body="STTTT")
    again = allocate_number(identity="to_trinh/r1/s2/o1", organisation=stttt, doc_type="TTr", year=2024, body="STTTT")
    assert again.pk == first.pk and again.text == "01/TTr-STTTT"
    assert DocumentNumber.objects.count() == 1


def test_counters_are_separate_per_organisation_type_and_year(organisations):
    stttt, snv = organisations
    assert allocate_number(identity="a", organisation=stttt, doc_type="TTr", year=2024, body="STTTT").value == 1
    assert allocate_number(identity="b", organisation=snv, doc_type="TTr", year=2024, body="SNV").value == 1
    assert allocate_number(identity="c", organisation=stttt, doc_type="BB", year=2024, body="HĐTĐKT").value == 1
    assert allocate_number(identity="d", organisation=stttt, doc_type="TTr", year=2025, body="STTTT").value == 1
    assert allocate_number(identity="e", organisation=stttt, doc_type="TTr", year=2024, body="STTTT").value == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_has_no_gaps_or_repeats(organisations):
    """16 threads, each numbering documents at once (some the same document twice), on PostgreSQL
    row locks: the register ends with 1..n exactly, one number per document."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SELECT ... FOR UPDATE); run with DATABASE_URL=postgres://...")
    stttt = organisations[0]
    barrier = threading.Barrier(16)
    errors = []
    results = {}

    def work(worker):
        try:
            barrier.wait(timeout=30)
            for i in range(5):
                identity = f"doc-{worker}-{i}" if i < 4 else f"shared-{worker % 4}"  # 4 documents asked for by 4 threads each
                number = allocate_number(identity=identity, organisation=stttt, doc_type="TTr", year=2024, body="STTTT")
                results.setdefault(identity, set()).add(number.value)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    values = sorted(DocumentNumber.objects.filter(organisation=stttt, doc_type="TTr", year=2024).values_list("value", flat=True))
    documents = 16 * 4 + 4
    assert values == list(range(1, documents + 1))  # no gaps, no repeats
    assert all(len(numbers) == 1 for numbers in results.values())  # each document one number
    assert DocumentNumberCounter.objects.get(organisation=stttt, doc_type="TTr", year=2024).last_number == documents
