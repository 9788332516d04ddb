"""Thanh Hóa 2024 (campaigns/data/thanh-hoa-2024.yaml) audited line by line against the Hướng dẫn
of Sở TT&TT Thanh Hóa 2024 (shared/seeds/001_bc34866730b41f74.txt).

Complements tests/campaigns/test_seed_rules.py: every numeric KPI of mục III.1.1 a), d), e) with its
operator and unit level, the point at which each quota of mục III.4.a binds, the dossier of mục IV.1
(report form, summary report, 02 originals) and the deadline of mục IV.2.
Read back through `load_campaigns` (reference.yaml and this file only) and `campaign_rules --json`.
"""
import copy

import pytest

from tests.campaigns.conftest import printed_rules, round_of

THANH_HOA = "thanh-hoa-2024"
BK_TINH = "bang-khen-chu-tich-ubnd-tinh"
GK = "giay-khen-chu-tich-ubnd-huyen-xa"


@pytest.fixture(scope="module")
def _printed(django_db_setup, django_db_blocker):
    return printed_rules(django_db_blocker, THANH_HOA)[THANH_HOA]


@pytest.fixture
def round_(_printed):
    return round_of(copy.deepcopy(_printed), "nam-2024")


def _rows(round_, category):
    return {c["code"]: c for c in round_["criteria"] if c["category"] == category and not c["priority"]}


# Every percentage of mục III.1.1, per unit level: (code, threshold). All are "đạt từ ... trở lên"
# or "100%": operator ≥.
SO = {"so-van-ban-ky-so": 100, "so-ho-so-truc-tuyen": 90}
HUYEN = {
    "huyen-van-ban-ky-so": 100, "huyen-tthc-truc-tuyen": 90, "huyen-truc-tuyen-toan-trinh": 85,
    "huyen-thanh-toan-truc-tuyen": 45, "huyen-hai-long-tthc": 90, "huyen-ky-nang-so-cbccvc": 100,
    "huyen-ocop-san-tmdt": 100, "huyen-khong-tien-mat": 100, "huyen-dnnvv-nen-tang-so": 50,
    "huyen-dien-thoai-thong-minh": 80, "huyen-cap-quang-ho-gia-dinh": 80, "huyen-tai-khoan-thanh-toan": 80,
    "huyen-chu-ky-so-ca-nhan": 30, "huyen-ky-nang-so-nguoi-dan": 60, "huyen-ho-so-suc-khoe-dien-tu": 90,
    "huyen-kham-chua-benh-tu-xa": 10,
}
XA = {
    "xa-van-ban-ky-so": 100, "xa-tthc-truc-tuyen": 65, "xa-truc-tuyen-toan-trinh": 65,
    "xa-hai-long-tthc": 90, "xa-ky-nang-so-cbccvc": 100,
    "xa-ocop-san-tmdt": 100, "xa-khong-tien-mat": 100, "xa-dnnvv-nen-tang-so": 50,
    "xa-dien-thoai-thong-minh": 80, "xa-cap-quang-ho-gia-dinh": 80, "xa-tai-khoan-thanh-toan": 80,
    "xa-chu-ky-so-ca-nhan": 30, "xa-ky-nang-so-nguoi-dan": 60, "xa-ho-so-suc-khoe-dien-tu": 90,
    "xa-kham-chua-benh-tu-xa": 10,
}


@pytest.mark.django_db
@pytest.mark.parametrize("category,expected", [("so_ban_nganh", SO), ("ubnd_huyen", HUYEN), ("ubnd_xa", XA)])
def test_every_percentage_per_level_with_operator(round_, category, expected):
    rows = _rows(round_, category)
    percentages = {code: c for code, c in rows.items() if c["kind"] == "percentage"}
    assert {code: c["threshold"] for code, c in percentages.items()} == expected
    assert {c["operator"] for c in percentages.values()} == {"gte"}
    assert all(c["mandatory"] and c["nominee_kind"] == "collective" for c in percentages.values())


@pytest.mark.django_db
def test_yes_no_and_evidence_criteria_of_each_level(round_):
    def kinds(category):
        return {code: c["kind"] for code, c in _rows(round_, category).items() if c["kind"] != "percentage"}

    assert kinds("so_ban_nganh") == {
        "so-trien-khai-chi-tieu": "boolean", "so-ban-chi-dao-ke-hoach": "boolean",
        "so-attt-cap-do": "boolean", "so-sang-kien-mo-hinh": "evidence",
    }
    assert kinds("ubnd_huyen") == {
        "huyen-trien-khai-chi-tieu": "boolean", "huyen-trang-ttdt-nd-42": "boolean",
        "huyen-attt-cap-do": "boolean", "huyen-sang-kien-mo-hinh": "evidence",
    }
    assert kinds("ubnd_xa") == {
        "xa-trien-khai-chi-tieu": "boolean", "xa-trang-ttdt-nd-42": "boolean", "xa-attt-cap-do": "boolean",
        "xa-cong-nhan-hoan-thanh-cds": "boolean", "xa-sang-kien-mo-hinh": "evidence",
    }
    # Đảng, đoàn thể các cấp share one list (mục III.1.1.b).
    assert set(_rows(round_, "ban_dang")) == set(_rows(round_, "mttq_doan_the")) == {
        "dt-trien-khai-chi-tieu", "dt-nhan-thuc-tuyen-truyen", "dt-dong-gop-sang-kien",
    }


@pytest.mark.django_db
def test_criteria_apply_to_their_category_only_and_to_every_award_form(round_):
    by_code = {}
    for c in round_["criteria"]:
        by_code.setdefault(c["code"], set()).add(c["category"])
    for code in HUYEN:
        assert by_code[code] == {"ubnd_huyen"}, code
    for code in XA:
        assert by_code[code] == {"ubnd_xa"}, code
    assert by_code["dn-giai-thuong-dong-gop"] == {"doanh_nghiep"}
    assert by_code["cn-thanh-tich-cds"] == {None}  # mục III.1.2: every individual
    assert all(c["award_forms"] == [] for c in round_["criteria"])


@pytest.mark.django_db
def test_quotas_bind_where_the_document_places_them(round_):
    binds = {q["code"]: q["binds_at"] for q in round_["quotas"]}
    # Per proposing unit / per district: the unit's own submission is limited.
    assert binds["bk-cap-tinh-moi-don-vi"] == binds["bk-ubnd-huyen-moi-don-vi"] == binds["bk-ubnd-xa-moi-huyen"] == "submission"
    # Totals over a category (enterprises, press): Sở TT&TT selects (mục III.4, đoạn đầu).
    assert binds["bk-doanh-nghiep"] == binds["bk-bao-chi"] == "review"
    limits = {(q["code"], q["unit"]): q["limit"] for q in round_["quotas"]}
    assert limits[("bk-cap-tinh-moi-don-vi", None)] == 1
    assert limits[("bk-cap-tinh-moi-don-vi", "stttt-thanh-hoa")] == limits[("bk-cap-tinh-moi-don-vi", "vpubnd-thanh-hoa")] == 2
    assert limits[("bk-ubnd-xa-moi-huyen", "ubnd-tp-thanh-hoa")] == 2
    assert (limits[("bk-doanh-nghiep", None)], limits[("bk-bao-chi", None)]) == (3, 1)
    # Giấy khen of district / commune chairmen: no quota (mục III.4.b).
    assert all(q["award_form"] == BK_TINH for q in round_["quotas"])


@pytest.mark.django_db
def test_dossier_of_section_iv_1(round_):
    basis = round_["dossier_legal_basis"]
    assert (basis["code"], basis["report_form"], basis["summary_report_required"]) == ("nd-98-2023", "bao_cao_phong_trao", True)
    assert "Mẫu số 08" in basis["report_form_source"] and "IV.1" in basis["summary_report_source"]
    forms = {f["code"]: f for f in round_["award_forms"]}
    assert (forms[BK_TINH]["dossier_copies"], forms[GK]["dossier_copies"]) == (2, 1)
    assert forms[GK]["outcome"] == "unit" and "Không nêu" in forms[GK]["copies_source"]
    unit_stage = round_["stages"][0]
    assert (unit_stage["action"], unit_stage["holds_council"], unit_stage["deadline"], unit_stage["deadline_stated"]) == (
        "unit_council", True, "2024-09-20", True
    )


@pytest.mark.django_db
def test_no_registration_priority_rules_and_eligibility(round_):
    assert round_["registration"]["required"] is False
    priority = {c["code"] for c in round_["criteria"] if c["priority"]}
    assert {"uu-tien-tap-the-truc-tiep-tham-gia", "uu-tien-ca-nhan-truc-tiep-tham-gia", "uu-tien-xep-hang-cds-cao"} <= priority
    assert all(not c["mandatory"] for c in round_["criteria"] if c["priority"])
    assert {e["code"] for e in round_["eligibility"]} == {"khong-dang-bi-xem-xet", "mot-thanh-tich-mot-hinh-thuc"}
