"""Rạch Giá 2022-2025 (campaigns/data/rach-gia-2022-2025.yaml) against its Kế hoạch (seeds/004_...).

The rules are read back the way an auditor reads them: `load_campaigns`, then `campaign_rules --json`.
Only reference.yaml and this campaign's file are loaded, so that another campaign's file being edited
cannot make these tests fail; loading the whole directory is the same command without arguments.
"""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Round, Unit
from campaigns.services.loading import DATA_DIR, REFERENCE_FILE
from tests.campaigns.conftest import printed_rules, round_of

CODE = "rach-gia-2022-2025"
FILES = [str(DATA_DIR / REFERENCE_FILE), str(DATA_DIR / f"{CODE}.yaml")]

GK_TP = "giay-khen-chu-tich-ubnd-tp"
BK_TINH = "bang-khen-chu-tich-ubnd-tinh"
BK_TTG = "bang-khen-thu-tuong"
HC_LD = "huan-chuong-lao-dong"


def _load():
    out = StringIO()
    call_command("load_campaigns", *FILES, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def rules(django_db_setup, django_db_blocker):
    """The audit JSON, built once for the module (loading takes seconds) and rolled back afterwards."""
    return printed_rules(django_db_blocker, CODE)[CODE]


@pytest.fixture
def loaded(db):
    """The campaign loaded into this test's database, for checks on rows the JSON does not print."""
    _load()


def _criterion(round_, code, category=None):
    return next(c for c in round_["criteria"] if c["code"] == code and c["category"] == category)


@pytest.mark.django_db
def test_rounds_have_kinds_years_and_legal_bases(rules):
    assert [(r["code"], r["kind"], r["year"], r["dossier_legal_basis"]["code"]) for r in rules["rounds"]] == [
        ("nam-2023", "annual", 2023, "nd-91-2017"),
        ("so-ket-2023", "interim", 2023, "nd-91-2017"),
        ("nam-2024", "annual", 2024, "nd-98-2023"),
        ("tong-ket-2025", "final", 2025, "nd-152-2025"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["so-ket-2023", "tong-ket-2025"])
def test_interim_and_final_rounds_dossier_copies_per_award_form(rules, round_code):
    forms = {f["code"]: (f["dossier_copies"], f["outcome"]) for f in round_of(rules, round_code)["award_forms"]}
    assert forms == {
        GK_TP: (1, "award"),
        BK_TINH: (3, "propose"),
        BK_TTG: (5, "propose"),
        HC_LD: (5, "propose"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
def test_annual_rounds_award_city_certificate_and_propose_provincial(rules, round_code):
    forms = {f["code"]: (f["dossier_copies"], f["outcome"]) for f in round_of(rules, round_code)["award_forms"]}
    assert forms == {GK_TP: (1, "award"), BK_TINH: (3, "propose")}


@pytest.mark.django_db
@pytest.mark.parametrize("round_code,year", [("nam-2023", 2023), ("so-ket-2023", 2023), ("nam-2024", 2024), ("tong-ket-2025", 2025)])
def test_route_goes_through_phong_noi_vu_to_city_chairman(rules, round_code, year):
    stages = round_of(rules, round_code)["stages"]
    assert [(s["order"], s["organisation"], s["action"], s["holds_council"]) for s in stages] == [
        (1, None, "unit_council", True),
        (2, "pnv-tp-rach-gia", "appraisal", True),
        (3, "ubnd-tp-rach-gia", "decision", False),
    ]
    # No step deadline is stated: all inferred, the last at the end of quý IV.
    assert [s["deadline_stated"] for s in stages] == [False, False, False]
    assert stages[-1]["deadline"] == f"{year}-12-31"


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "so-ket-2023"])
def test_registration_required_by_end_of_january_2023(rules, round_code):
    registration = round_of(rules, round_code)["registration"]
    assert (registration["required"], registration["deadline"]) == (True, "2023-01-31")
    assert "mục IV.4" in registration["source"]


@pytest.mark.django_db
def test_no_quotas_are_stated(rules):
    assert [r["quotas"] for r in rules["rounds"]] == [[], [], [], []]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,category,y2023,y2025",
    [
        ("pb-cqs-ho-so-truc-tuyen", "phong_ban_thanh_pho", ("gte", 60), ("gte", 80)),
        ("pb-cqs-danh-gia-hai-long", "mttq_doan_the", ("gte", 80), ("gte", 90)),
        ("pb-cqs-cat-giam-tthc", "phong_ban_thanh_pho", ("gte", 10), ("gte", 20)),
        ("pb-cqs-tthc-dung-han", "phong_ban_thanh_pho", ("gt", 90), ("gte", 100)),
        ("xa-xhs-dien-thoai-thong-minh", "ubnd_xa", ("gte", 85), ("gte", 90)),
        ("xa-xhs-tai-khoan-thanh-toan", "ubnd_xa", ("gte", 80), ("gte", 90)),
        ("xa-xhs-cap-quang", "ubnd_xa", ("gte", 90), ("gte", 95)),
        ("xa-xhs-ho-so-suc-khoe", "ubnd_xa", ("gte", 90), ("gte", 95)),
        ("xa-xhs-ky-nang-so", "ubnd_xa", ("gt", 70), ("gt", 80)),
        ("xa-xhs-dvc-truc-tuyen", "ubnd_xa", ("gt", 50), ("gt", 60)),
        ("xa-xhs-tu-van-suc-khoe", "ubnd_xa", ("gt", 30), ("gt", 40)),
        ("th-hoc-phi-khong-tien-mat", "truong_hoc", ("gte", 50), ("gte", 60)),
        ("yt-vien-phi-khong-tien-mat", "co_so_y_te", ("gte", 50), ("gte", 60)),
    ],
)
def test_thresholds_follow_2023_and_2025_targets(rules, code, category, y2023, y2025):
    def rule(round_code):
        c = _criterion(round_of(rules, round_code), code, category)
        return c["operator"], c["threshold"]

    # 2023 rounds and 2024 (no 2024 target in the plan) use the 2023 targets; the final round the 2025 ones.
    assert [rule("nam-2023"), rule("so-ket-2023"), rule("nam-2024"), rule("tong-ket-2025")] == [y2023, y2023, y2023, y2025]


@pytest.mark.django_db
def test_city_level_criteria_apply_to_giay_khen_only(rules):
    round_ = round_of(rules, "tong-ket-2025")
    city = {c["code"]: c["award_forms"] for c in round_["criteria"] if "mục IV.3.2.2" in c["source"]}
    assert len(city) > 30
    assert set(map(tuple, city.values())) == {(GK_TP,)}


@pytest.mark.django_db
def test_individual_profiles_are_alternatives(rules):
    round_ = round_of(rules, "nam-2023")
    individual = {c["code"]: c["alternative_group"] for c in round_["criteria"] if "IV.3.2.2" in c["source"] and c["nominee_kind"] == "individual"}
    assert individual == {
        "cn-can-bo-sang-kien": "ca-nhan-doi-tuong",
        "cn-nguoi-lao-dong": "ca-nhan-doi-tuong",
        "cn-doi-tuong-khac": "ca-nhan-doi-tuong",
    }


@pytest.mark.django_db
def test_annual_provincial_certificate_needs_contribution_at_norm(rules):
    for round_code in ("nam-2023", "nam-2024"):
        c = _criterion(round_of(rules, round_code), "bk-tinh-dong-gop-dinh-muc-tap-the")
        assert (c["kind"], c["award_forms"], c["needs_evidence"]) == ("evidence", [BK_TINH], True)
    codes = {c["code"] for c in round_of(rules, "so-ket-2023")["criteria"]}
    assert "bk-tinh-dong-gop-dinh-muc-tap-the" not in codes


@pytest.mark.django_db
def test_eligibility_cites_the_decree_of_each_round(rules):
    def eligibility(round_code):
        return [(e["code"], e["source"]) for e in round_of(rules, round_code)["eligibility"]]

    assert [code for code, _ in eligibility("nam-2023")] == [
        "khong-vi-pham-ky-luat",
        "khong-dang-bi-xem-xet",
        "mot-thanh-tich-mot-hinh-thuc",
    ]
    assert dict(eligibility("nam-2024"))["khong-dang-bi-xem-xet"] == "Nghị định 98/2023/NĐ-CP, Điều 4"
    assert dict(eligibility("tong-ket-2025"))["khong-dang-bi-xem-xet"] == "Nghị định 152/2025/NĐ-CP, Điều 4"
    assert dict(eligibility("tong-ket-2025"))["khong-vi-pham-ky-luat"] == "KH UBND TP Rạch Giá, mục IV.3.1, gạch đầu dòng 5"


@pytest.mark.django_db
def test_kien_giang_merged_into_an_giang_and_city_became_phuong(loaded):
    kien_giang = Unit.objects.get(code="ubnd-tinh-kien-giang")
    city = Unit.objects.get(code="ubnd-tp-rach-gia")
    phuong = Unit.objects.get(code="ubnd-phuong-rach-gia")
    assert (kien_giang.valid_to, kien_giang.successor.code) == (dt.date(2025, 6, 30), "ubnd-tinh-an-giang")
    assert (city.level, city.parent.code, city.valid_to, city.successor.code) == (
        "huyen", "ubnd-tinh-kien-giang", dt.date(2025, 6, 30), "ubnd-phuong-rach-gia"
    )
    assert (phuong.level, phuong.parent.code, phuong.valid_from) == ("xa", "ubnd-tinh-an-giang", dt.date(2025, 7, 1))
    assert city.current_successor(dt.date(2025, 7, 1)) == phuong
    assert city.current_successor(dt.date(2024, 12, 31)) == city
    assert Unit.objects.get(code="pnv-tp-rach-gia").valid_to == dt.date(2025, 6, 30)


@pytest.mark.django_db
def test_final_round_keeps_city_bodies_and_explains_the_2025_reorganisation(rules, loaded):
    stages = round_of(rules, "tong-ket-2025")["stages"]
    assert [s["organisation_name"] for s in stages[1:]] == ["Phòng Nội vụ thành phố Rạch Giá", "Ủy ban nhân dân thành phố Rạch Giá"]
    notes = Round.objects.get(campaign__code=CODE, code="tong-ket-2025").notes
    assert "01/7/2025" in notes and "phường Rạch Giá" in notes and "An Giang" in notes


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    _load()
    assert "0 tạo mới, 0 cập nhật, 0 xóa" in _load()
