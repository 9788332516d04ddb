"""Sơn La 2021-2025 and Thanh Hóa 2024 (campaigns/data/*.yaml) against their documents.

Sơn La: Chỉ thị 10/CT-UBND (seeds/003_...) and QĐ 253/QĐ-UBND with its Kế hoạch (seeds/000_...).
Thanh Hóa: Hướng dẫn of Sở TT&TT Thanh Hóa 2024 (seeds/001_...).

The rules are read back the way an auditor reads them: `load_campaigns`, then `campaign_rules --json`.
The fixtures load reference.yaml and these two campaigns' files only, so that another campaign's
file being edited cannot make these figures fail; `test_loading_whole_directory_twice_changes_nothing`
loads the whole directory with the bare command.
"""
import copy
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Unit
from campaigns.services.loading import DATA_DIR, REFERENCE_FILE
from tests.campaigns.conftest import printed_rules, round_of

SON_LA = "son-la-2021-2025"
THANH_HOA = "thanh-hoa-2024"
FILES = [str(DATA_DIR / REFERENCE_FILE), str(DATA_DIR / f"{SON_LA}.yaml"), str(DATA_DIR / f"{THANH_HOA}.yaml")]

BK_TINH = "bang-khen-chu-tich-ubnd-tinh"


def _load(*files):
    out = StringIO()
    call_command("load_campaigns", *files, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _printed(django_db_setup, django_db_blocker):
    """Load once per module and print both campaigns' rules, then roll the load back."""
    return printed_rules(django_db_blocker, SON_LA, THANH_HOA)


@pytest.fixture
def son_la(_printed):
    return copy.deepcopy(_printed[SON_LA])


@pytest.fixture
def thanh_hoa(_printed):
    return copy.deepcopy(_printed[THANH_HOA])


@pytest.fixture
def loaded(db):
    """The files loaded inside the test's own transaction, for tests that read the database."""
    _load(*FILES)


def _criterion(round_, code, category=None):
    return next(c for c in round_["criteria"] if c["code"] == code and c["category"] == category)


def _threshold(round_, code, category):
    c = _criterion(round_, code, category)
    return c["kind"], c["operator"], c["threshold"]


# ====================================================================================== Sơn La


@pytest.mark.django_db
def test_son_la_campaign_and_documents(son_la):
    assert son_la["issuer_unit"] == "ubnd-tinh-son-la"
    assert son_la["theme"] == "Sơn La quyết tâm thi đua hoàn thành các chỉ tiêu chuyển đổi số giai đoạn 2021-2025"
    # Chỉ thị mục III.1: from the launch to the end of 12/2025.
    assert son_la["period"] == {"start": "2022-06-24", "end": "2025-12-31"}
    documents = {d["number"]: d["date"] for d in son_la["legal_basis"]}
    assert documents["10/CT-UBND"] == "2022-06-24"
    assert documents["253/QĐ-UBND"] == "2023-02-17"
    assert documents["251/KH-UBND"] == "2021-11-01"


@pytest.mark.django_db
def test_son_la_rounds_kinds_years_and_legal_bases(son_la):
    assert [(r["code"], r["kind"], r["year"], r["dossier_legal_basis"]["code"]) for r in son_la["rounds"]] == [
        ("nam-2023", "annual", 2023, "nd-91-2017"),
        ("nam-2024", "annual", 2024, "nd-98-2023"),
        ("tong-ket-2025", "final", 2025, "nd-152-2025"),
    ]
    assert all(r["registration"]["required"] is False for r in son_la["rounds"])


@pytest.mark.django_db
@pytest.mark.parametrize("round_code,year", [("nam-2023", 2023), ("nam-2024", 2024)])
def test_son_la_annual_route_and_deadlines(son_la, round_code, year):
    stages = round_of(son_la, round_code)["stages"]
    assert [(s["order"], s["organisation"], s["action"], s["holds_council"]) for s in stages] == [
        (1, None, "unit_council", True),
        (2, "stttt-son-la", "review", True),
        (3, "snv-son-la", "appraisal", False),
        (4, "ubnd-tinh-son-la", "decision", False),
    ]
    # Kế hoạch mục III.4: trước ngày 10/12, 20/12, 30/12 hằng năm; the Chairman's date is not stated.
    assert [(s["deadline"], s["deadline_stated"]) for s in stages] == [
        (f"{year}-12-10", True),
        (f"{year}-12-20", True),
        (f"{year}-12-30", True),
        (f"{year}-12-31", False),
    ]
    assert "III.4.a" in stages[0]["source"] and "III.4.b" in stages[1]["source"] and "III.4.c" in stages[2]["source"]


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
def test_son_la_annual_award_forms(son_la, round_code):
    forms = {f["code"]: (f["outcome"], f["nominee_kinds"], f["dossier_copies"]) for f in round_of(son_la, round_code)["award_forms"]}
    assert forms == {
        BK_TINH: ("award", ["collective", "individual"], 1),
        "giay-khen-thu-truong": ("unit", ["collective", "individual"], 1),
    }
    for form in round_of(son_la, round_code)["award_forms"]:
        assert form["copies_source"].startswith("Không nêu")


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
def test_son_la_annual_quotas_11_collectives_12_individuals_split_by_category(son_la, round_code):
    quotas = round_of(son_la, round_code)["quotas"]
    assert all(q["award_form"] == BK_TINH for q in quotas)
    totals = {q["nominee_kind"]: q["limit"] for q in quotas if q["scope"] == "round"}
    assert totals == {"collective": 11, "individual": 12}
    breakdown = {(q["nominee_kind"], q["category"]): q["limit"] for q in quotas if q["scope"] == "category"}
    assert breakdown == {
        ("collective", "ban_dang"): 2,
        ("collective", "so_ban_nganh"): 4,
        ("collective", "don_vi_su_nghiep"): 1,
        ("collective", "ubnd_huyen"): 2,
        ("collective", "quy_hoi"): 1,
        ("collective", "doanh_nghiep"): 1,
        ("individual", "ban_dang"): 2,
        ("individual", "so_ban_nganh"): 4,
        ("individual", "don_vi_su_nghiep"): 1,
        ("individual", "ubnd_huyen"): 3,
        ("individual", "quy_hoi"): 1,
        ("individual", "doanh_nghiep"): 1,
    }
    # The breakdown adds up to the totals; "04 sở, ban, ngành" does not name MTTQ, đoàn thể.
    for kind, total in totals.items():
        assert sum(limit for (k, _), limit in breakdown.items() if k == kind) == total
    assert all("mttq_doan_the" not in q["categories"] for q in quotas)
    assert all("III.3.a" in q["source"] for q in quotas)
    # Selection by Sở TT&TT's council, not a limit on what each unit sends.
    assert {q["binds_at"] for q in quotas} == {"review"}


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
def test_son_la_six_groups_are_the_whole_allocation(son_la, round_code):
    """Mục III.3.a: each total is split into six named groups, which are the whole allocation; MTTQ
    and đoàn thể, named in none, have no place, said on purpose with the reason."""
    round_ = round_of(son_la, round_code)
    allocations = {a["code"]: a for a in round_["allocations"]}
    assert {code: (a["nominee_kind"], a["total"]) for code, a in allocations.items()} == {
        "phan-bo-bk-tap-the": ("collective", "bk-tap-the"),
        "phan-bo-bk-ca-nhan": ("individual", "bk-ca-nhan"),
    }
    for code, allocation in allocations.items():
        shares = [q for q in round_["quotas"] if q["share_of"] == code]
        total = next(q for q in round_["quotas"] if q["code"] == allocation["total"])
        assert len(shares) == 6 and sum(q["limit"] for q in shares) == total["limit"]
        assert total["share_of"] is None
        assert [(m["category"], m["share"]) for m in allocation["mappings"]] == [("mttq_doan_the", None)]
        assert all("III.3.a" in m["source"] for m in allocation["mappings"])


@pytest.mark.django_db
@pytest.mark.parametrize("round_code", ["nam-2023", "nam-2024"])
@pytest.mark.parametrize(
    "code,category,expected",
    [
        ("tinh-tthc-dvc-toan-trinh", "so_ban_nganh", ("percentage", "gte", 100)),
        ("tinh-ho-so-truc-tuyen", "so_ban_nganh", ("percentage", "gte", 50)),
        ("tinh-ho-so-cong-viec", "ban_dang", ("percentage", "gte", 90)),
        ("tinh-ho-so-cong-viec", "mttq_doan_the", ("percentage", "gte", 90)),
        ("tinh-ho-so-cong-viec", "quy_hoi", ("percentage", "gte", 90)),
        ("tinh-bao-cao-van-ban-dien-tu", "don_vi_su_nghiep", ("percentage", "gte", 100)),
        ("huyen-ho-so-cong-viec", "ubnd_huyen", ("percentage", "gte", 80)),
        ("huyen-bao-cao-van-ban-dien-tu", "ubnd_huyen", ("percentage", "gte", 100)),
        ("tinh-hoan-thanh-nhiem-vu-kh-251", "so_ban_nganh", ("boolean", None, None)),
        ("tinh-phong-trao-mo-hinh", "so_ban_nganh", ("evidence", None, None)),
    ],
)
def test_son_la_annual_thresholds(son_la, round_code, code, category, expected):
    assert _threshold(round_of(son_la, round_code), code, category) == expected


@pytest.mark.django_db
def test_son_la_annual_criteria_groups_and_award_forms(son_la):
    round_ = round_of(son_la, "nam-2023")
    # Mục III.2.1.1.a gạch đầu dòng 1: eight "+" criteria (the fifth holds two thresholds) and the lead-in.
    group = {c["code"] for c in round_["criteria"] if c["category"] == "quy_hoi"}
    assert group == {
        "tinh-chap-hanh-chu-truong",
        "tinh-hoan-thanh-nhiem-vu-kh-251",
        "tinh-phong-trao-mo-hinh",
        "tinh-bao-cao-ttdh-thong-minh",
        "tinh-ung-dung-nen-tang-so",
        "tinh-tthc-dvc-toan-trinh",
        "tinh-ho-so-truc-tuyen",
        "tinh-ho-so-cong-viec",
        "tinh-bao-cao-van-ban-dien-tu",
        "tinh-xep-hang-chinh-quyen-so",
    }
    categories = {c["category"] for c in round_["criteria"] if c["code"] == "tinh-ho-so-cong-viec"}
    assert categories == {"ban_dang", "so_ban_nganh", "mttq_doan_the", "don_vi_su_nghiep", "quy_hoi"}
    ranking = _criterion(round_, "huyen-xep-hang-chinh-quyen-so", "ubnd_huyen")
    assert (ranking["kind"], ranking["accepted_values"], ranking["mandatory"]) == ("ranking", ["Đạt loại tốt"], True)
    # Criteria of mục III.2.1.1 are for the Bằng khen; III.2.1.2 for the Giấy khen.
    for c in round_["criteria"]:
        expected = ["giay-khen-thu-truong"] if c["code"].startswith("gk-") else [BK_TINH]
        assert c["award_forms"] == expected, c["code"]
        assert c["source"].startswith("QĐ 253/QĐ-UBND, Kế hoạch mục III.2.1.")


@pytest.mark.django_db
def test_son_la_enterprises_meet_one_of_two_profiles(son_la):
    round_ = round_of(son_la, "nam-2024")
    enterprise = {c["code"]: (c["alternative_group"], c["mandatory"]) for c in round_["criteria"] if c["category"] == "doanh_nghiep"}
    assert enterprise == {
        "dn-chap-hanh-chu-truong": (None, True),
        "dn-cung-ung-dich-vu-cntt": ("dn-loai-hinh", True),
        "dn-ung-dung-cntt": ("dn-loai-hinh", True),
    }
    individual = [c["code"] for c in round_["criteria"] if c["nominee_kind"] == "individual" and c["award_forms"] == [BK_TINH]]
    assert individual == ["cn-chap-hanh-chu-truong", "cn-tich-cuc-phong-trao", "cn-mo-hinh-giai-phap"]


@pytest.mark.django_db
def test_son_la_final_round(son_la):
    round_ = round_of(son_la, "tong-ket-2025")
    forms = {f["code"]: f["outcome"] for f in round_["award_forms"]}
    assert forms == {
        BK_TINH: "award",
        "bang-khen-thu-tuong": "propose",
        "khen-thuong-cap-nha-nuoc": "propose",
        "giay-khen-thu-truong": "unit",
    }
    stages = round_["stages"]
    assert [(s["organisation"], s["action"], s["deadline"], s["deadline_stated"]) for s in stages] == [
        (None, "unit_council", "2026-02-10", False),
        ("skhcn-son-la", "review", "2026-02-28", False),
        ("snv-son-la", "appraisal", "2026-03-15", False),
        ("ubnd-tinh-son-la", "decision", "2026-03-31", False),
    ]
    assert "3/2026" in stages[-1]["source"]
    # No quota is stated for the final review: Sở Nội vụ guides it (mục III.2.2).
    assert round_["quotas"] == []
    assert {c["nominee_kind"] for c in round_["criteria"] if "III.2.2" in c["source"]} == {"collective", "individual"}
    assert dict((e["code"], e["source"]) for e in round_["eligibility"])["khong-dang-bi-xem-xet"].startswith(
        "Nghị định 152/2025/NĐ-CP, Điều 4"
    )


@pytest.mark.django_db
def test_son_la_eligibility(son_la):
    # Each round's declaration cites the decree in force when it is held (2023: Nghị định 91/2017).
    for round_code, decree in (("nam-2023", "Nghị định 91/2017/NĐ-CP"), ("nam-2024", "Nghị định 98/2023/NĐ-CP, Điều 4")):
        eligibility = {e["kind"]: e["source"] for e in round_of(son_la, round_code)["eligibility"]}
        assert set(eligibility) == {"declaration", "one_award_per_achievement"}
        assert decree in eligibility["declaration"]


@pytest.mark.django_db
def test_son_la_stttt_merged_into_skhcn_on_1_march_2025(loaded, son_la):
    stttt = Unit.objects.get(code="stttt-son-la")
    skhcn = Unit.objects.get(code="skhcn-son-la")
    assert (stttt.valid_to, stttt.successor.code) == (dt.date(2025, 2, 28), "skhcn-son-la")
    assert (skhcn.valid_from, skhcn.valid_to, skhcn.parent.code) == (dt.date(2025, 3, 1), None, "ubnd-tinh-son-la")
    assert stttt.current_successor(dt.date(2024, 12, 20)) == stttt
    assert stttt.current_successor(dt.date(2025, 3, 1)) == skhcn
    # Each round's reviewing body is the one valid on its deadline.
    for round_ in son_la["rounds"]:
        review = next(s for s in round_["stages"] if s["action"] == "review")
        unit = Unit.objects.get(code=review["organisation"])
        assert unit.is_valid_on(dt.date.fromisoformat(review["deadline"])), round_["code"]
    assert Unit.objects.get(code="vpubnd-son-la").category.code == "so_ban_nganh"


@pytest.mark.django_db
def test_son_la_every_rule_cites_its_document(son_la):
    for round_ in son_la["rounds"]:
        for row in round_["stages"] + round_["quotas"] + round_["criteria"] + round_["award_forms"]:
            assert "QĐ 253/QĐ-UBND" in row["source"] or "CT 10/CT-UBND" in row["source"], row


# ==================================================================================== Thanh Hóa


@pytest.mark.django_db
def test_thanh_hoa_campaign_and_documents(thanh_hoa):
    assert (thanh_hoa["issuer_unit"], thanh_hoa["issuer"]) == ("stttt-thanh-hoa", "Sở Thông tin và Truyền thông tỉnh Thanh Hóa")
    documents = {d["number"]: d["date"] for d in thanh_hoa["legal_basis"]}
    assert documents == {None: None, "171/KH-UBND": "2024-08-06", "969/QĐ-UBND": "2022-03-18", "06-NQ/TU": "2021-11-10"}
    guidance = thanh_hoa["legal_basis"][0]
    assert guidance["kind"] == "huong_dan" and "không ghi số và ngày" in guidance["note"]
    assert [(r["code"], r["kind"], r["year"], r["dossier_legal_basis"]["code"]) for r in thanh_hoa["rounds"]] == [
        ("nam-2024", "annual", 2024, "nd-98-2023")
    ]


@pytest.mark.django_db
def test_thanh_hoa_route_and_deadlines(thanh_hoa):
    stages = round_of(thanh_hoa, "nam-2024")["stages"]
    assert [(s["organisation"], s["action"], s["deadline"], s["deadline_stated"]) for s in stages] == [
        (None, "unit_council", "2024-09-20", True),  # mục IV.2: trước ngày 20/9/2024
        ("stttt-thanh-hoa", "review", "2024-09-30", False),
        ("ubnd-tinh-thanh-hoa", "decision", "2024-10-10", False),  # Ngày Chuyển đổi số quốc gia
    ]
    assert "IV.2" in stages[0]["source"] and "Phòng Quản lý Công nghệ thông tin" in stages[0]["name"]
    assert "10/10" in stages[2]["source"] and "171/KH-UBND" in stages[2]["source"]


@pytest.mark.django_db
def test_thanh_hoa_award_forms_and_two_original_copies(thanh_hoa):
    forms = {f["code"]: f for f in round_of(thanh_hoa, "nam-2024")["award_forms"]}
    assert set(forms) == {BK_TINH, "giay-khen-chu-tich-ubnd-huyen-xa"}
    bk = forms[BK_TINH]
    assert (bk["outcome"], bk["dossier_copies"], bk["nominee_kinds"]) == ("award", 2, ["collective", "individual"])
    assert "02 bộ bản chính" in bk["copies_source"] and "IV.1" in bk["copies_source"]
    assert forms["giay-khen-chu-tich-ubnd-huyen-xa"]["outcome"] == "unit"


@pytest.mark.django_db
def test_thanh_hoa_quotas_per_unit_with_exceptions(thanh_hoa):
    round_ = round_of(thanh_hoa, "nam-2024")
    rows = {(q["code"], q["unit"]): (q["nominee_kind"], q["scope"], tuple(q["categories"]), q["limit"]) for q in round_["quotas"]}
    assert rows == {
        ("bk-cap-tinh-moi-don-vi", None): ("either", "unit", ("so_ban_nganh", "ban_dang", "mttq_doan_the"), 1),
        ("bk-cap-tinh-moi-don-vi", "stttt-thanh-hoa"): ("either", "unit", ("so_ban_nganh", "ban_dang", "mttq_doan_the"), 2),
        ("bk-cap-tinh-moi-don-vi", "vpubnd-thanh-hoa"): ("either", "unit", ("so_ban_nganh", "ban_dang", "mttq_doan_the"), 2),
        ("bk-ubnd-huyen-moi-don-vi", None): ("either", "unit", ("ubnd_huyen",), 1),
        ("bk-ubnd-xa-moi-huyen", None): ("collective", "parent_unit", ("ubnd_xa",), 1),
        ("bk-ubnd-xa-moi-huyen", "ubnd-tp-thanh-hoa"): ("collective", "parent_unit", ("ubnd_xa",), 2),
        ("bk-doanh-nghiep", None): ("either", "category", ("doanh_nghiep",), 3),
        ("bk-bao-chi", None): ("collective", "category", ("bao_chi",), 1),
    }
    assert all(q["award_form"] == BK_TINH and "III.4.a" in q["source"] for q in round_["quotas"])
    # Districts propose their communes.
    assert round_["registration"]["units_propose_for_children"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,category,expected",
    [
        ("so-van-ban-ky-so", "so_ban_nganh", ("percentage", "gte", 100)),
        ("so-ho-so-truc-tuyen", "so_ban_nganh", ("percentage", "gte", 90)),
        ("so-attt-cap-do", "so_ban_nganh", ("boolean", None, None)),
        ("huyen-van-ban-ky-so", "ubnd_huyen", ("percentage", "gte", 100)),
        ("huyen-tthc-truc-tuyen", "ubnd_huyen", ("percentage", "gte", 90)),
        ("huyen-truc-tuyen-toan-trinh", "ubnd_huyen", ("percentage", "gte", 85)),
        ("huyen-thanh-toan-truc-tuyen", "ubnd_huyen", ("percentage", "gte", 45)),
        ("huyen-hai-long-tthc", "ubnd_huyen", ("percentage", "gte", 90)),
        ("huyen-ky-nang-so-cbccvc", "ubnd_huyen", ("percentage", "gte", 100)),
        ("huyen-trang-ttdt-nd-42", "ubnd_huyen", ("boolean", None, None)),
        ("huyen-attt-cap-do", "ubnd_huyen", ("boolean", None, None)),
        ("huyen-ocop-san-tmdt", "ubnd_huyen", ("percentage", "gte", 100)),
        ("huyen-khong-tien-mat", "ubnd_huyen", ("percentage", "gte", 100)),
        ("huyen-dnnvv-nen-tang-so", "ubnd_huyen", ("percentage", "gte", 50)),
        ("huyen-dien-thoai-thong-minh", "ubnd_huyen", ("percentage", "gte", 80)),
        ("huyen-cap-quang-ho-gia-dinh", "ubnd_huyen", ("percentage", "gte", 80)),
        ("huyen-tai-khoan-thanh-toan", "ubnd_huyen", ("percentage", "gte", 80)),
        ("huyen-chu-ky-so-ca-nhan", "ubnd_huyen", ("percentage", "gte", 30)),
        ("huyen-ky-nang-so-nguoi-dan", "ubnd_huyen", ("percentage", "gte", 60)),
        ("huyen-ho-so-suc-khoe-dien-tu", "ubnd_huyen", ("percentage", "gte", 90)),
        ("huyen-kham-chua-benh-tu-xa", "ubnd_huyen", ("percentage", "gte", 10)),
        ("huyen-sang-kien-mo-hinh", "ubnd_huyen", ("evidence", None, None)),
        ("xa-van-ban-ky-so", "ubnd_xa", ("percentage", "gte", 100)),
        ("xa-tthc-truc-tuyen", "ubnd_xa", ("percentage", "gte", 65)),
        ("xa-truc-tuyen-toan-trinh", "ubnd_xa", ("percentage", "gte", 65)),
        ("xa-hai-long-tthc", "ubnd_xa", ("percentage", "gte", 90)),
        ("xa-dnnvv-nen-tang-so", "ubnd_xa", ("percentage", "gte", 50)),
        ("xa-chu-ky-so-ca-nhan", "ubnd_xa", ("percentage", "gte", 30)),
        ("xa-kham-chua-benh-tu-xa", "ubnd_xa", ("percentage", "gte", 10)),
        ("xa-cong-nhan-hoan-thanh-cds", "ubnd_xa", ("boolean", None, None)),
    ],
)
def test_thanh_hoa_thresholds(thanh_hoa, code, category, expected):
    assert _threshold(round_of(thanh_hoa, "nam-2024"), code, category) == expected


@pytest.mark.django_db
def test_thanh_hoa_district_and_commune_lists(thanh_hoa):
    round_ = round_of(thanh_hoa, "nam-2024")
    huyen = {c["code"].removeprefix("huyen-") for c in round_["criteria"] if c["category"] == "ubnd_huyen" and c["code"].startswith("huyen-")}
    xa = {c["code"].removeprefix("xa-") for c in round_["criteria"] if c["category"] == "ubnd_xa" and c["code"].startswith("xa-")}
    # The commune list has no online-payment line and adds the Chairman's recognition.
    assert huyen - xa == {"thanh-toan-truc-tuyen"}
    assert xa - huyen == {"cong-nhan-hoan-thanh-cds"}
    groups = {}
    for c in round_["criteria"]:
        if c["category"] == "ubnd_huyen" and c["group"]:
            groups[c["group"]] = groups.get(c["group"], 0) + 1
    assert groups == {"Chính quyền số": 8, "Kinh tế số": 3, "Xã hội số": 7}


@pytest.mark.django_db
def test_thanh_hoa_dti_ranking_gives_priority_without_excluding(thanh_hoa):
    round_ = round_of(thanh_hoa, "nam-2024")
    ranking = [c for c in round_["criteria"] if c["kind"] == "ranking"]
    assert {(c["code"], c["category"]) for c in ranking} == {
        ("uu-tien-xep-hang-cds-cao", "so_ban_nganh"),
        ("uu-tien-xep-hang-cds-cao", "ubnd_huyen"),
        ("uu-tien-xep-hang-cds-cao", "ubnd_xa"),
        ("so-xep-hang-cds-2022-2023", "so_ban_nganh"),
        ("huyen-xep-hang-cds-2022-2023", "ubnd_huyen"),
        ("xa-xep-hang-cds-2022-2023", "ubnd_xa"),
    }
    assert all(c["priority"] and not c["mandatory"] and c["accepted_values"] for c in ranking)
    assert "mục II.2, gạch đầu dòng 3" in _criterion(round_, "uu-tien-xep-hang-cds-cao", "ubnd_xa")["source"]


@pytest.mark.django_db
def test_thanh_hoa_other_lists(thanh_hoa):
    round_ = round_of(thanh_hoa, "nam-2024")

    def codes(category):
        return [c["code"] for c in round_["criteria"] if c["category"] == category and not c["priority"]]

    assert codes("mttq_doan_the") == ["dt-trien-khai-chi-tieu", "dt-nhan-thuc-tuyen-truyen", "dt-dong-gop-sang-kien"]
    assert codes("bao_chi") == ["bc-trien-khai-chi-tieu", "bc-chuyen-trang-chuyen-muc", "bc-tuyen-truyen-ngay-cds", "bc-ung-dung-sang-kien"]
    assert codes("doanh_nghiep") == ["dn-chap-hanh-chu-truong", "dn-tien-phong-cds", "dn-giai-thuong-dong-gop"]
    individual = [c["code"] for c in round_["criteria"] if c["nominee_kind"] == "individual" and not c["priority"]]
    assert individual == ["cn-chap-hanh-hoan-thanh-nhiem-vu", "cn-thanh-tich-cds"]
    assert all(c["source"].startswith("HD Sở TT&TT Thanh Hóa 2024, mục ") for c in round_["criteria"])


@pytest.mark.django_db
def test_thanh_hoa_eligibility(thanh_hoa):
    eligibility = {e["kind"]: e for e in round_of(thanh_hoa, "nam-2024")["eligibility"]}
    assert set(eligibility) == {"declaration", "one_award_per_achievement"}
    assert "mục II.2, gạch đầu dòng 5" in eligibility["declaration"]["source"]
    assert "Nghị định 98/2023/NĐ-CP, Điều 4" in eligibility["declaration"]["source"]
    assert "đơn thư khiếu nại, tố cáo" in eligibility["declaration"]["label"]
    assert "mục II.2, gạch đầu dòng 4" in eligibility["one_award_per_achievement"]["source"]


@pytest.mark.django_db
def test_thanh_hoa_organisations_and_their_history(loaded):
    stttt = Unit.objects.get(code="stttt-thanh-hoa")
    skhcn = Unit.objects.get(code="skhcn-thanh-hoa")
    assert (stttt.valid_to, stttt.successor.code, skhcn.valid_from) == (dt.date(2025, 2, 28), "skhcn-thanh-hoa", dt.date(2025, 3, 1))
    assert stttt.current_successor(dt.date(2024, 9, 30)) == stttt
    assert stttt.current_successor(dt.date(2025, 3, 1)) == skhcn
    city = Unit.objects.get(code="ubnd-tp-thanh-hoa")
    assert (city.category.code, city.level, city.parent.code, city.valid_to) == (
        "ubnd_huyen", "huyen", "ubnd-tinh-thanh-hoa", dt.date(2025, 6, 30)
    )
    assert Unit.objects.get(code="vpubnd-thanh-hoa").category.code == "so_ban_nganh"


# ===================================================================================== loading


@pytest.mark.django_db
def test_loading_these_files_twice_changes_nothing():
    _load(*FILES)
    assert "0 tạo mới, 0 cập nhật, 0 xóa" in _load(*FILES)


@pytest.mark.django_db
def test_loading_whole_directory_twice_changes_nothing():
    first = _load()
    assert SON_LA in first and THANH_HOA in first
    assert "0 tạo mới, 0 cập nhật, 0 xóa" in _load()
