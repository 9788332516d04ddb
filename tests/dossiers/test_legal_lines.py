"""The "Căn cứ" lines a tờ trình or a draft decision opens with, built from the campaign's documents."""
import datetime as dt
import re

import pytest

from campaigns.models import CampaignDocument, LegalDocumentKind
from dossiers.sources import campaign_document_line
from tests.nominations.conftest import load


def line(**fields):
    defaults = {"number": "", "date": None, "issuer": "Ủy ban nhân dân tỉnh Sơn La", "title": "", "kind": ""}
    return campaign_document_line(CampaignDocument(**{**defaults, **fields}))


def test_the_kind_word_is_said_once_and_the_summary_follows_ve():
    assert line(number="17-NQ/TU", date=dt.date(2021, 8, 31), issuer="Ban Thường vụ Tỉnh ủy Sơn La",
                title="Về chuyển đổi số tỉnh Sơn La giai đoạn 2021-2025", kind="nghi_quyet") == (
        "Căn cứ Nghị quyết số 17-NQ/TU ngày 31 tháng 8 năm 2021 của Ban Thường vụ Tỉnh ủy Sơn La "
        "về chuyển đổi số tỉnh Sơn La giai đoạn 2021-2025")
    assert line(number="22-NQ/TU", date=dt.date(2022, 6, 8), issuer="Tỉnh ủy Kiên Giang",
                title="Nghị quyết về chuyển đổi số tỉnh Kiên Giang", kind="nghi_quyet").endswith(
        "của Tỉnh ủy Kiên Giang về chuyển đổi số tỉnh Kiên Giang")
    assert line(number="253/QĐ-UBND", date=dt.date(2023, 2, 17), title="Về việc ban hành Kế hoạch", kind="quyet_dinh").endswith(
        "của Ủy ban nhân dân tỉnh Sơn La về việc ban hành Kế hoạch")


def test_a_title_that_only_restates_the_reference_is_not_repeated():
    assert line(number="09-NQ/TU", date=dt.date(2021, 11, 29), issuer="Ban Thường vụ Tỉnh ủy Ninh Thuận",
                title="Nghị quyết số 09-NQ/TU ngày 29/11/2021 của Ban Thường vụ Tỉnh ủy", kind="nghi_quyet") == (
        "Căn cứ Nghị quyết số 09-NQ/TU ngày 29 tháng 11 năm 2021 của Ban Thường vụ Tỉnh ủy Ninh Thuận")


def test_an_unknown_number_or_date_is_left_out_never_printed_as_blanks():
    text = line(title="Khen thưởng chuyển đổi số", kind="")
    assert text == "Căn cứ Văn bản của Ủy ban nhân dân tỉnh Sơn La về khen thưởng chuyển đổi số"
    assert line(number="12/KH-UBND", title="Kế hoạch chuyển đổi số", kind="ke_hoach") == (
        "Căn cứ Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh Sơn La về chuyển đổi số")


@pytest.mark.django_db
def test_every_seed_document_reads_as_a_legal_reference():
    load("son-la-2021-2025.yaml", "thanh-hoa-2024.yaml", "ninh-thuan-2024.yaml", "rach-gia-2022-2025.yaml")
    documents = list(CampaignDocument.objects.all())
    assert len(documents) >= 15
    for document in documents:
        text = campaign_document_line(document)
        assert text.startswith(f"Căn cứ {LegalDocumentKind(document.kind).label} "), text
        assert not re.search(r"\bvề về\b|\bVăn bản\b|\(", text, re.IGNORECASE), text
