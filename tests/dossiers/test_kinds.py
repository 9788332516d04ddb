"""The registry of document kinds (dossiers/kinds.py): every kind has its title, number type,
source and template."""
import pytest

from dossiers import rendering
from dossiers.kinds import KINDS
from dossiers.models import MEMBER_KINDS, DocumentKind


def test_every_kind_of_document_is_in_the_registry():
    assert sorted(KINDS) == sorted(DocumentKind.values)


@pytest.mark.parametrize(
    "kind, title, number_type",
    [
        (DocumentKind.TO_TRINH, "Tờ trình đề nghị khen thưởng", "TTr"),
        (DocumentKind.BIEN_BAN, "Biên bản họp Hội đồng Thi đua - Khen thưởng", "BB"),
        (DocumentKind.BAO_CAO_THANH_TICH, "Báo cáo thành tích", None),
        (DocumentKind.BAO_CAO_TOM_TAT, "Báo cáo tóm tắt thành tích", None),
        (DocumentKind.DU_THAO_QUYET_DINH, "Dự thảo quyết định khen thưởng", None),
        (DocumentKind.STAGE_DOSSIER_PDF, "Hồ sơ đề nghị khen thưởng", None),
        (DocumentKind.STAGE_DOSSIER_ZIP, "Hồ sơ đề nghị khen thưởng", None),
    ],
)
def test_title_and_number_type_of_each_kind(kind, title, number_type):
    assert (KINDS[kind].title, KINDS[kind].number_type) == (title, number_type)


@pytest.mark.parametrize(
    "kind, variant, template",
    [
        (DocumentKind.TO_TRINH, "", "to_trinh"),
        (DocumentKind.BIEN_BAN, "", "bien_ban"),
        (DocumentKind.BAO_CAO_THANH_TICH, "tap_the", "bao_cao_tap_the"),
        (DocumentKind.BAO_CAO_THANH_TICH, "ca_nhan", "bao_cao_ca_nhan"),
        (DocumentKind.BAO_CAO_TOM_TAT, "ca_nhan", "bao_cao_tom_tat"),
        (DocumentKind.DU_THAO_QUYET_DINH, "", "du_thao_quyet_dinh"),
    ],
)
@pytest.mark.parametrize("template_set", ["nd91_2017", "nd98_2023", "nd152_2025"])
def test_each_member_kind_has_a_source_and_a_template_in_every_set(kind, variant, template, template_set):
    assert kind in MEMBER_KINDS and KINDS[kind].source is not None
    assert rendering.template_name({"kind": kind, "variant": variant, "round": {"template_set": template_set}}) == template
    assert rendering.has_template(template_set, template)


@pytest.mark.parametrize("kind", [DocumentKind.STAGE_DOSSIER_PDF, DocumentKind.STAGE_DOSSIER_ZIP])
def test_a_stage_dossier_has_no_source_of_its_own(kind):
    assert KINDS[kind].source is None and KINDS[kind].templates == {}
