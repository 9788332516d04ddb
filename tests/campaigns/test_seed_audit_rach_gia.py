"""Audit of Rạch Giá 2022-2025 (campaigns/data/rach-gia-2022-2025.yaml) against its Kế hoạch
(seeds/004_...): the rules added or corrected by the line-by-line audit, read back through
`load_campaigns` and `campaign_rules --json`.

Only reference.yaml and this campaign's file are loaded, so that another campaign's file being
edited cannot make these tests fail.
"""

import pytest

from tests.campaigns.conftest import printed_rules, round_of

CODE = "rach-gia-2022-2025"
ROUNDS = ["nam-2023", "so-ket-2023", "nam-2024", "tong-ket-2025"]


@pytest.fixture(scope="module")
def rules(django_db_setup, django_db_blocker):
    """The audit JSON, built once for the module and rolled back afterwards."""
    return printed_rules(django_db_blocker, CODE)[CODE]


_round = round_of


@pytest.mark.django_db
def test_general_target_of_section_II_1(rules):
    targets = {t["code"]: t for t in rules["targets"]}
    general = targets["muc-tieu-chung-2025"]
    assert (general["year"], general["threshold"]) == (2025, None)
    assert general["source"] == "KH UBND TP Rạch Giá, mục II.1 (mục tiêu chung)"
    assert "Chính quyền số" in general["label"] and "đô thị thông minh" in general["label"]
    # Mục II.2: 27 specific targets to 2023 and 27 to 2025 (two bullets hold two figures each).
    specific = [t for t in rules["targets"] if t["code"] != "muc-tieu-chung-2025"]
    assert sorted({t["year"] for t in specific}) == [2023, 2025]
    assert sum(t["year"] == 2023 for t in specific) == 27
    assert sum(t["year"] == 2025 for t in specific) == 27


@pytest.mark.django_db
def test_target_operators_follow_the_wording(rules):
    targets = {t["code"]: (t["operator"], t["threshold"]) for t in rules["targets"]}
    assert targets["cqs-tthc-dung-han-2023"] == ("gt", 90)  # "Trên 90%"
    assert targets["cqs-tthc-dung-han-2025"] == ("gte", 100)  # "100%"
    assert targets["cqs-ho-so-cong-viec-cap-xa-2023"] == ("gte", 80)
    assert targets["cqs-ho-so-cong-viec-cap-xa-2025"] == ("gte", 90)
    assert targets["kts-ty-trong-grdp-2025"] == ("gte", 30)  # "đạt 30%"
    assert targets["kts-hop-dong-dien-tu-2025"] == ("gt", 90)  # "đạt trên 90%"
    assert targets["xhs-ky-nang-so-2023"] == ("gt", 70)
    assert targets["xhs-cap-quang-2025"] == ("gte", 95)


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ROUNDS)
def test_report_form_cites_the_dossier_clause(rules, round_code):
    basis = _round(rules, round_code)["dossier_legal_basis"]
    # Mục V.1.c: "Báo cáo thành tích của tập thể, cá nhân ... theo quy định": the forms per nominee.
    assert basis["report_form"] == "bao_cao_phong_trao"  # a movement's round: the movement's report form
    assert basis["report_form_source"].startswith("KH UBND TP Rạch Giá, mục V.1.c")


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ROUNDS)
def test_copies_per_award_form(rules, round_code):
    """Mục V.2: Huân chương Lao động 05, Bằng khen Thủ tướng 05, Bằng khen Chủ tịch UBND tỉnh 03, Giấy khen 01."""
    expected = {"huan-chuong-lao-dong": 5, "bang-khen-thu-tuong": 5, "bang-khen-chu-tich-ubnd-tinh": 3, "giay-khen-chu-tich-ubnd-tp": 1}
    forms = {f["code"]: f for f in _round(rules, round_code)["award_forms"]}
    for code, form in forms.items():
        assert form["dossier_copies"] == expected[code]
        assert "mục V.2" in form["copies_source"]
    # Higher forms only at the interim and final reviews (mục IV.2.b, IV.2.c), not every year (IV.2.a).
    higher = {"huan-chuong-lao-dong", "bang-khen-thu-tuong"}
    assert (higher <= set(forms)) == (round_code in ("so-ket-2023", "tong-ket-2025"))


@pytest.mark.django_db
def test_registration_and_review_months(rules):
    for round_ in rules["rounds"]:
        # Mục IV.4, gạch đầu dòng 2: đăng ký hoàn thành trong tháng 01 năm 2023, once for the movement.
        assert (round_["registration"]["required"], round_["registration"]["deadline"]) == (True, "2023-01-31")
        # Nothing is stated but the quarter: every stage date is derived.
        assert not any(s["deadline_stated"] for s in round_["stages"])
    assert _round(rules, "so-ket-2023")["kind"] == "interim"
    assert _round(rules, "so-ket-2023")["stages"][-1]["deadline"] == "2023-12-31"  # quý IV năm 2023
    assert _round(rules, "tong-ket-2025")["stages"][-1]["deadline"] == "2025-12-31"  # quý IV năm 2025
