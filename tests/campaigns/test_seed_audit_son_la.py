"""Audit of Sơn La 2021-2025 (campaigns/data/son-la-2021-2025.yaml) against Chỉ thị 10/CT-UBND
(seeds/003_...) and QĐ 253/QĐ-UBND with its Kế hoạch (seeds/000_...): the rules added or corrected
by the line-by-line audit, read back through `load_campaigns` and `campaign_rules --json`.

Only reference.yaml and this campaign's file are loaded, so that another campaign's file being
edited cannot make these tests fail.
"""

import pytest

from tests.campaigns.conftest import printed_rules, round_of

CODE = "son-la-2021-2025"
BK_TINH = "bang-khen-chu-tich-ubnd-tinh"


@pytest.fixture(scope="module")
def rules(django_db_setup, django_db_blocker):
    """The audit JSON, built once for the module and rolled back afterwards."""
    return printed_rules(django_db_blocker, CODE)[CODE]


_round = round_of


def _targets(rules):
    return {t["code"]: t for t in rules["targets"]}


@pytest.mark.django_db
def test_chi_thi_target_bullet_2_holds_two_100_percent_targets(rules):
    targets = _targets(rules)
    # CT 10/CT-UBND mục II.1.a, gạch đầu dòng 2: "100% dịch vụ công trực tuyến được thiết kế, thiết kế lại ...;
    # 100% người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến được định danh và xác thực thông suốt".
    for code in ("dvc-thiet-ke-lai-dinh-danh", "nguoi-dung-dvc-dinh-danh"):
        assert (targets[code]["year"], targets[code]["operator"], targets[code]["threshold"]) == (2025, "gte", 100)
        assert targets[code]["source"].startswith("CT 10/CT-UBND, mục II.1.a, gạch đầu dòng 2")
    assert "định danh" in targets["nguoi-dung-dvc-dinh-danh"]["label"]
    # Gạch đầu dòng 1, vế sau: a target without a figure.
    link = targets["ket-noi-cong-dvc-quoc-gia"]
    assert (link["operator"], link["threshold"]) in {(None, None), ("", None)}
    assert "Cổng dịch vụ công quốc gia" in link["label"]


@pytest.mark.django_db
def test_chi_thi_thresholds_and_operators(rules):
    targets = _targets(rules)
    expected = {
        "ho-so-cong-viec-cap-xa": ("gt", 60),  # "trên 60%"
        "kiem-tra-qua-moi-truong-so": ("gt", 50),  # "Trên 50%"
        "ky-nang-so-co-ban": ("gte", 100),
        "ky-nang-phan-tich-du-lieu": ("gte", 50),
        "kinh-te-so-tung-nganh": ("gte", 10),  # "tối thiểu 10%"
        "cap-quang-ho-gia-dinh": ("gt", 80),  # "trên 80% hộ gia đình"
        "cap-quang-xa": ("gte", 100),
        "tai-khoan-thanh-toan-dien-tu": ("gt", 50),
    }
    assert {code: (targets[code]["operator"], targets[code]["threshold"]) for code in expected} == expected
    assert {t["year"] for t in rules["targets"]} == {2025}


@pytest.mark.django_db
def test_plan_priority_field_targets(rules):
    """QĐ 253/QĐ-UBND, Kế hoạch mục II.2.i: the figures stated for the priority fields."""
    targets = _targets(rules)
    assert "02 vùng nông nghiệp ứng dụng công nghệ cao" in targets["nong-nghiep-cong-nghe-cao"]["label"]
    assert targets["nong-nghiep-cong-nghe-cao"]["threshold"] is None
    for code, bullet in (("du-lich-quan-ly-dien-tu-hoa", "gạch đầu dòng 4"), ("giao-duc-co-so-chuyen-doi-so", "gạch đầu dòng 9")):
        target = targets[code]
        assert (target["year"], target["operator"], target["threshold"]) == (2025, "gte", 100)
        assert target["source"].startswith(f"QĐ 253/QĐ-UBND, Kế hoạch mục II.2.i, {bullet}")


@pytest.mark.django_db
def test_documents_are_those_a_units_to_trinh_may_cite(rules):
    """Every campaign document becomes a "Căn cứ" line of the tờ trình units issue today: the plan's
    own legal bases (942/QĐ-TTg, Nghị định 91/2017/NĐ-CP, replaced from 01/01/2024) are not listed."""
    documents = {d["number"]: d["date"] for d in rules["legal_basis"]}
    assert documents["1510/QĐ-UBND"] == "2019-06-27"
    assert not {"942/QĐ-TTg", "91/2017/NĐ-CP", "2032/HD-SNV"} & set(documents)


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024", "tong-ket-2025"])
def test_report_form_cites_the_dossier_clause(rules, round_code):
    basis = _round(rules, round_code)["dossier_legal_basis"]
    # Mục III.5 names no form ("theo quy định hiện hành"); the procedure is "theo đợt hoặc chuyên đề".
    assert basis["report_form"] == "bao_cao_phong_trao"  # a movement's round: the movement's report form
    assert basis["report_form_source"].startswith("QĐ 253/QĐ-UBND, Kế hoạch mục III.5")
    assert basis["summary_report_required"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
def test_annual_rules_stated_by_the_plan(rules, round_code):
    round_ = _round(rules, round_code)
    # Mục III.4: the three stated dates; the Chairman's is derived.
    assert [(s["deadline"][5:], s["deadline_stated"]) for s in round_["stages"]] == [
        ("12-10", True), ("12-20", True), ("12-30", True), ("12-31", False)
    ]
    # Mục III.2.1.1.b: three criteria for an individual's Bằng khen, for every category.
    individual = [c for c in round_["criteria"] if c["nominee_kind"] == "individual" and c["award_forms"] == [BK_TINH]]
    assert [(c["code"], c["category"]) for c in individual] == [
        ("cn-chap-hanh-chu-truong", None), ("cn-tich-cuc-phong-trao", None), ("cn-mo-hinh-giai-phap", None)
    ]
    # UBND huyện have neither the DVC nor the "nền tảng số" criteria of gạch đầu dòng 1.
    district = {c["code"] for c in round_["criteria"] if c["category"] == "ubnd_huyen"}
    assert not any(code.startswith("tinh-") for code in district)
    assert {"huyen-ho-so-cong-viec", "huyen-bao-cao-van-ban-dien-tu", "huyen-xep-hang-chinh-quyen-so"} <= district
    assert round_["registration"]["required"] is False


@pytest.mark.django_db
def test_final_round_forms_and_month(rules):
    round_ = _round(rules, "tong-ket-2025")
    forms = {f["code"]: (f["outcome"], f["dossier_copies"]) for f in round_["award_forms"]}
    # Kế hoạch mục III.1 and IV.3; no copy count is stated anywhere: one set.
    assert forms == {
        BK_TINH: ("award", 1),
        "bang-khen-thu-tuong": ("propose", 1),
        "khen-thuong-cap-nha-nuoc": ("propose", 1),
        "giay-khen-thu-truong": ("unit", 1),
    }
    # CT 10/CT-UBND mục III.2: tổng kết trong tháng 3/2026; every date derived.
    assert round_["stages"][-1]["deadline"].startswith("2026-03")
    assert not any(s["deadline_stated"] for s in round_["stages"])
