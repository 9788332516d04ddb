"""Allocations in the data files: a plan's breakdown of places into named shares, which are the
whole allocation. load_campaigns refuses a contradictory allocation with the entry named, and
warns of the categories no share covers that the data neither maps to a share nor leaves out on
purpose (quotas.checks.allocation_problems, which a campaign editor's check calls too)."""
import json
import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from campaigns.models import Round
from campaigns.services.loading import DATA_DIR, CampaignDataError, load_campaign_files
from quotas.checks import allocation_problems
from quotas.models import QuotaAllocation, QuotaRule, QuotaShareMapping

pytestmark = pytest.mark.django_db

SL = "son-la-2021-2025.yaml"


@pytest.fixture
def sl_copy(tmp_path):
    """An editable copy of the Sơn La file (its 2023 round), and a function to rewrite it."""
    shutil.copy(DATA_DIR / "reference.yaml", tmp_path / "reference.yaml")
    path = tmp_path / SL
    shutil.copy(DATA_DIR / SL, path)

    def edit(change):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        round_ = next(r for r in data["rounds"] if r["code"] == "nam-2023")
        # The 2024 round shares the 2023 lists through YAML anchors: give 2023 its own copies.
        round_["allocations"] = yaml.safe_load(yaml.safe_dump(round_["allocations"], allow_unicode=True))
        round_["quotas"] = yaml.safe_load(yaml.safe_dump(round_["quotas"], allow_unicode=True))
        change(round_)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return [tmp_path / "reference.yaml", path]

    return edit


def _allocation(round_, code="phan-bo-bk-tap-the"):
    return next(a for a in round_["allocations"] if a["code"] == code)


def _quota(round_, code):
    return next(q for q in round_["quotas"] if q["code"] == code)


def test_son_la_allocations_are_loaded_with_their_shares_total_and_mapping():
    load_campaign_files([DATA_DIR / "reference.yaml", DATA_DIR / SL])
    allocation = QuotaAllocation.objects.get(round__code="nam-2023", round__campaign__code="son-la-2021-2025", code="phan-bo-bk-tap-the")
    assert allocation.total.code == "bk-tap-the"
    assert sorted(allocation.shares.values_list("limit", flat=True)) == [1, 1, 1, 2, 2, 4]
    mapping = allocation.mappings.get()
    assert (mapping.category.code, mapping.nominee_kind, mapping.share) == ("mttq_doan_the", "collective", None)
    assert "II.1.a" in mapping.source and "Giấy khen" in mapping.note
    assert allocation_problems(allocation.round) == []


def test_an_unnamed_category_left_unsaid_is_a_warning_of_the_load(sl_copy):
    def drop_mapping(round_):
        _allocation(round_)["mappings"] = []

    out = StringIO()
    call_command("load_campaigns", *map(str, sl_copy(drop_mapping)), stdout=out)
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("Cần xem lại")]
    assert len(warnings) == 1
    assert "son-la-2021-2025.yaml: đợt 'nam-2023', phân bổ 'phan-bo-bk-tap-the'" in warnings[0]
    assert "tập thể thuộc khối \"Mặt trận Tổ quốc và các đoàn thể, tổ chức chính trị - xã hội\" (mttq_doan_the)" in warnings[0]
    assert "III.3.a" in warnings[0]


def test_shares_that_do_not_add_up_to_the_total_are_a_warning(sl_copy):
    def shrink(round_):
        _quota(round_, "bk-tap-the-so-ban-nganh")["limit"] = 3

    report = load_campaign_files(sl_copy(shrink))
    assert [w for w in report.warnings if "cộng lại" in w] == [
        "son-la-2021-2025.yaml: đợt 'nam-2023', phân bổ 'phan-bo-bk-tap-the' (QĐ 253/QĐ-UBND, Kế hoạch mục III.3.a, "
        "gạch đầu dòng 1 (đối với tập thể)): các phần cộng lại 10, khác số tổng 11 của quy định 'bk-tap-the'."
    ]


def test_mapping_a_category_to_a_share_counts_it_there_and_silences_the_warning(sl_copy):
    def map_to_departments(round_):
        _allocation(round_)["mappings"] = [{
            "category": "mttq_doan_the", "share": "bk-tap-the-so-ban-nganh",
            "note": "Ví dụ: văn bản tính đoàn thể tỉnh vào nhóm sở, ban, ngành.", "source": "Văn bản thử, mục 1",
        }]

    report = load_campaign_files(sl_copy(map_to_departments))
    assert report.warnings == []
    mapping = QuotaShareMapping.objects.get(
        allocation__round__code="nam-2023", allocation__round__campaign__code="son-la-2021-2025", allocation__code="phan-bo-bk-tap-the",
    )
    assert mapping.share.code == "bk-tap-the-so-ban-nganh"


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda r: _quota(r, "bk-tap-the-quy-hoi").update(share_of="khong-co"), "'share_of' không phải mã phân bổ của đợt: 'khong-co'"),
        (lambda r: _quota(r, "bk-ca-nhan-quy-hoi").update(share_of="phan-bo-bk-tap-the"), "phải cùng đối tượng ('collective')"),
        (lambda r: _allocation(r).update(total="bk-ca-nhan"), "phải cùng hình thức và đối tượng với phân bổ"),
        (lambda r: _allocation(r).update(total="khong-co"), "'total' không phải mã quy định số lượng của đợt"),
        (lambda r: _allocation(r).update(award_form="khong-co"), "hình thức khen thưởng không có trong đợt: 'khong-co'"),
        (
            lambda r: [q.pop("share_of") for q in r["quotas"] if q.get("share_of") == "phan-bo-bk-tap-the"],
            "phân bổ chưa có phần nào",
        ),
        (lambda r: _allocation(r)["mappings"][0].update(share="bk-tap-the-ban-dang"), "ghi đúng một trong hai: 'share'"),
        (lambda r: _allocation(r)["mappings"][0].pop("no_share"), "ghi đúng một trong hai: 'share'"),
        (lambda r: _allocation(r)["mappings"][0].pop("note"), "thiếu 'note'"),
        (lambda r: _allocation(r)["mappings"][0].update(category="khong-co"), "khối không tồn tại: 'khong-co'"),
        (
            lambda r: _allocation(r)["mappings"][0].update(category="so_ban_nganh"),
            "khối 'so_ban_nganh' đã có trong phần 'bk-tap-the-so-ban-nganh': bỏ dòng ánh xạ này",
        ),
        (
            lambda r: _allocation(r)["mappings"].append(dict(_allocation(r)["mappings"][0])),
            "khối và đối tượng đã có dòng ánh xạ khác",
        ),
        (
            lambda r: _allocation(r)["mappings"][0].update(nominee_kind="individual"),
            "đối tượng 'individual' không thuộc phân bổ ('collective')",
        ),
        (
            lambda r: _allocation(r)["mappings"][0].update(no_share=False, share="bk-ca-nhan-quy-hoi"),
            "'share' không phải một phần của phân bổ này: 'bk-ca-nhan-quy-hoi'",
        ),
    ],
)
def test_a_contradictory_allocation_is_refused_naming_the_entry(sl_copy, change, message):
    with pytest.raises(CampaignDataError) as error:
        load_campaign_files(sl_copy(change))
    assert any(message in problem and problem.startswith(f"{SL}: rounds[0] (nam-2023)") for problem in error.value.problems), error.value.problems
    assert not Round.objects.filter(campaign__code="son-la-2021-2025").exists()  # nothing half-loaded


def test_removing_an_allocation_leaves_its_shares_as_plain_rules(sl_copy):
    load_campaign_files(sl_copy(lambda r: None))

    def drop(round_):
        round_["allocations"] = [a for a in round_["allocations"] if a["code"] != "phan-bo-bk-tap-the"]
        for quota in round_["quotas"]:
            if quota.get("share_of") == "phan-bo-bk-tap-the":
                quota.pop("share_of")

    report = load_campaign_files(sl_copy(drop))
    assert report.deleted >= 1
    rule = QuotaRule.objects.get(round__code="nam-2023", round__campaign__code="son-la-2021-2025", code="bk-tap-the-so-ban-nganh")
    assert rule.allocation is None and rule.limit == 4


def test_campaign_rules_json_shows_allocations_and_shares(capsys):
    load_campaign_files([DATA_DIR / "reference.yaml", DATA_DIR / "thanh-hoa-2024.yaml"])
    call_command("campaign_rules", "thanh-hoa-2024", "--json")
    round_ = json.loads(capsys.readouterr().out)["rounds"][0]
    assert [a["code"] for a in round_["allocations"]] == ["phan-bo-bang-khen"]
    allocation = round_["allocations"][0]
    assert (allocation["nominee_kind"], allocation["total"], allocation["source"]) == ("either", None, "HD Sở TT&TT Thanh Hóa 2024, mục III.4.a")
    assert {(m["category"], m["nominee_kind"], m["share"]) for m in allocation["mappings"]} == {
        ("ubnd_xa", "individual", "bk-ubnd-huyen-moi-don-vi"),
        ("bao_chi", "individual", None),
    }
    shares = {q["code"] for q in round_["quotas"] if q["share_of"] == "phan-bo-bang-khen" and "exception_of" not in q}
    assert shares == {"bk-cap-tinh-moi-don-vi", "bk-ubnd-huyen-moi-don-vi", "bk-ubnd-xa-moi-huyen", "bk-doanh-nghiep", "bk-bao-chi"}
