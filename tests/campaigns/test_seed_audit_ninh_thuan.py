"""Ninh Thuận 2024 (campaigns/data/ninh-thuan-2024.yaml) audited line by line against
KH 1670/KH-UBND ngày 16/4/2024 (shared/seeds/002_45206a6a947eccfb.txt).

Read back the way an auditor reads them: `load_campaigns` (reference.yaml and this file only),
then `campaign_rules --json`.
"""
import copy

import pytest

from tests.campaigns.conftest import printed_rules, round_of

NINH_THUAN = "ninh-thuan-2024"
BK_TINH = "bang-khen-chu-tich-ubnd-tinh"


@pytest.fixture(scope="module")
def _printed(django_db_setup, django_db_blocker):
    return printed_rules(django_db_blocker, NINH_THUAN)[NINH_THUAN]


@pytest.fixture
def rules(_printed):
    return copy.deepcopy(_printed)


@pytest.fixture
def round_(rules):
    return round_of(rules, "nam-2024")


def _criterion(round_, code):
    rows = [c for c in round_["criteria"] if c["code"] == code]
    assert rows, code
    return rows


@pytest.mark.django_db
def test_theme_is_the_provinces_2024_action_theme_verbatim(rules):
    # mục I.1, gạch đầu dòng 2: chủ đề hành động của Tỉnh năm 2024, whole sentence.
    assert rules["theme"].startswith("Phát triển kinh tế số với 04 trụ cột: Thương mại điện tử-thanh toán không dùng tiền mặt")
    assert rules["theme"].endswith("tạo động lực quan trọng cho phát triển kinh tế - xã hội nhanh và bền vững")


@pytest.mark.django_db
def test_documents_include_the_resolution_the_movement_serves(rules):
    documents = {d["number"]: d for d in rules["legal_basis"]}
    assert {n: d["date"] for n, d in documents.items()} == {
        "1670/KH-UBND": "2024-04-16",
        "1446/KH-BĐHCĐS": "2024-04-04",
        "09-NQ/TU": "2021-11-29",  # mục I.1, gạch đầu dòng 2
    }
    assert "mục I.1" in documents["09-NQ/TU"]["note"]


@pytest.mark.django_db
def test_province_wide_statements_of_section_iii_are_recorded(rules, round_):
    # The plan sets no targets of its own; its province-wide statements are in the round's notes.
    assert rules["targets"] == []
    notes = round_["notes"]
    assert "Hệ thống thông tin báo cáo Chính phủ" in notes and "cơ sở dữ liệu quốc gia" in notes
    assert "dữ liệu mật, tuyệt mật" in notes


@pytest.mark.django_db
def test_one_award_form_without_a_stated_copy_count(round_):
    forms = round_["award_forms"]
    assert [(f["code"], f["outcome"], f["nominee_kinds"], f["dossier_copies"]) for f in forms] == [
        (BK_TINH, "award", ["collective", "individual"], 1)
    ]
    assert "mục IV.1" in forms[0]["source"] and "Không nêu" in forms[0]["copies_source"]


@pytest.mark.django_db
def test_quota_5_collectives_7_individuals_province_wide_bound_at_review(round_):
    rows = {q["code"]: (q["nominee_kind"], q["scope"], q["categories"], q["unit"], q["limit"], q["binds_at"]) for q in round_["quotas"]}
    assert rows == {
        "bk-tap-the": ("collective", "round", [], None, 5, "review"),
        "bk-ca-nhan": ("individual", "round", [], None, 7, "review"),
    }
    assert all("mục IV.2" in q["source"] and q["award_form"] == BK_TINH for q in round_["quotas"])


@pytest.mark.django_db
def test_route_and_deadlines_stated_or_derived(round_):
    stages = round_["stages"]
    assert [(s["organisation"], s["action"], s["deadline"], s["deadline_stated"]) for s in stages] == [
        (None, "unit_council", "2024-11-30", False),
        ("stttt-ninh-thuan", "review", "2024-12-15", True),  # mục V.1: trước ngày 15/12/2024
        ("snv-ninh-thuan", "appraisal", "2024-12-25", False),  # mục V.2
        ("ubnd-tinh-ninh-thuan", "decision", "2024-12-31", False),
    ]
    assert "mục V.1" in stages[1]["source"] and "15/12/2024" in stages[1]["source"]
    assert "mục V.2" in stages[2]["source"]
    assert all("suy ra" in s["source"] for s in stages if not s["deadline_stated"])


@pytest.mark.django_db
def test_registration_of_one_product_per_unit(round_):
    registration = round_["registration"]
    assert (registration["required"], registration["deadline"]) == (True, None)
    assert "mục III, gạch đầu dòng 2" in registration["source"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,categories,expected",
    [
        ("van-ban-ky-so", ["so_ban_nganh", "ubnd_huyen", "ubnd_xa"], ("percentage", "gte", 100)),
        ("ho-so-cong-viec-cap-tinh", ["so_ban_nganh"], ("percentage", "gte", 100)),
        ("ho-so-cong-viec-cap-huyen", ["ubnd_huyen"], ("percentage", "gte", 95)),
        ("ho-so-cong-viec-cap-xa", ["ubnd_xa"], ("percentage", "gte", 75)),
        ("dvc-nhieu-nen-tang", ["so_ban_nganh", "ubnd_huyen", "ubnd_xa"], ("percentage", "gte", 100)),
        ("dvc-phat-sinh-ho-so", ["so_ban_nganh", "ubnd_huyen", "ubnd_xa"], ("percentage", "gte", 60)),
        ("tthc-truc-tuyen", ["so_ban_nganh", "ubnd_huyen", "ubnd_xa"], ("percentage", "gte", 70)),
        ("bao-cao-dien-tu", ["so_ban_nganh", "ubnd_huyen"], ("percentage", "gte", 95)),
        ("cong-ttdt-nd-42", ["so_ban_nganh", "ubnd_huyen", "ubnd_xa"], ("percentage", "gte", 100)),
        ("du-lieu-mo-theo-danh-muc", ["so_ban_nganh", "ubnd_huyen"], ("percentage", "gte", 50)),
        ("cong-khai-du-lieu-mo-so-hoa", ["so_ban_nganh", "ubnd_huyen"], ("boolean", None, None)),
        ("nhiem-vu-ke-hoach-1446", [None], ("boolean", None, None)),
        ("san-pham-cu-the", [None], ("evidence", None, None)),
    ],
)
def test_thresholds_per_level(round_, code, categories, expected):
    rows = _criterion(round_, code)
    assert sorted(r["category"] or "" for r in rows) == sorted(c or "" for c in categories)
    assert {(r["kind"], r["operator"], r["threshold"]) for r in rows} == {expected}
    assert all(r["nominee_kind"] == "collective" and r["mandatory"] and not r["priority"] for r in rows)


@pytest.mark.django_db
def test_each_figure_cites_its_bullet_with_the_figure(round_):
    quoted = {
        "ho-so-cong-viec-cap-huyen": "95%",
        "ho-so-cong-viec-cap-xa": "75%",
        "dvc-phat-sinh-ho-so": "đạt 60%",
        "tthc-truc-tuyen": "đạt 70%",
        "du-lieu-mo-theo-danh-muc": "đạt 50%",
    }
    for code, figure in quoted.items():
        assert figure in _criterion(round_, code)[0]["source"], code
    assert all(c["source"].startswith("KH 1670/KH-UBND, mục ") for c in round_["criteria"])


@pytest.mark.django_db
def test_individuals_and_eligibility(round_):
    individual = [c["code"] for c in round_["criteria"] if c["nominee_kind"] == "individual"]
    assert individual == ["ca-nhan-thanh-tich"]
    assert {e["kind"] for e in round_["eligibility"]} == {"declaration", "one_award_per_achievement"}


@pytest.mark.django_db
def test_notes_record_what_is_not_a_rule(round_):
    notes = round_["notes"]
    for fragment in ("mục II.2", "mục V.3", "mục I.2", "6 tháng", "mục V.2"):
        assert fragment in notes, fragment
