"""load_campaigns: idempotent, updates from an edited file, refuses a wrong file whole."""
import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command

from campaigns.models import Campaign, Round, Stage, Unit
from campaigns.services.loading import DATA_DIR, CampaignDataError, load_campaign_files
from criteria.models import Criterion
from quotas.models import QuotaRule

pytestmark = pytest.mark.django_db

NT = "ninh-thuan-2024.yaml"


@pytest.fixture
def nt_copy(tmp_path):
    """An editable copy of the Ninh Thuận file, and a function to rewrite it."""
    shutil.copy(DATA_DIR / "reference.yaml", tmp_path / "reference.yaml")
    path = tmp_path / NT
    shutil.copy(DATA_DIR / NT, path)

    def edit(change):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return [tmp_path / "reference.yaml", path]

    return edit


def target(**fields):
    """A campaign target (mục tiêu) for the Ninh Thuận file, which states none."""
    return {"code": "muc-tieu-thu", "label": "Mục tiêu thử", "source": "KH, mục II", "operator": "gte", "threshold": 60, **fields}


def test_targets_without_a_figure_and_with_one_are_loaded(nt_copy):
    """A target may state no operator and no figure (a qualitative goal), or both."""
    from campaigns.models import CampaignTarget

    def add(data):
        data["targets"] = [target(), target(code="muc-tieu-dinh-tinh", operator=None, threshold=None)]

    load_campaign_files(nt_copy(add))
    assert sorted(CampaignTarget.objects.values_list("code", "operator", "threshold")) == [
        ("muc-tieu-dinh-tinh", "", None), ("muc-tieu-thu", "gte", 60),
    ]


def counts():
    return (Campaign.objects.count(), Round.objects.count(), Stage.objects.count(), Criterion.objects.count(), QuotaRule.objects.count(), Unit.objects.count())


def test_load_campaigns_twice_changes_nothing(capsys):
    call_command("load_campaigns")
    first = counts()
    call_command("load_campaigns")
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert "0 tạo mới, 0 cập nhật, 0 xóa" in out
    assert counts() == first
    assert first[0] == 4


def test_edited_file_updates_the_database(nt_copy):
    load_campaign_files(nt_copy(lambda d: None))

    def change(data):
        quota = next(q for q in data["rounds"][0]["quotas"] if q["code"] == "bk-tap-the")
        quota["limit"] = 6
        data["rounds"][0]["criteria"] = [c for c in data["rounds"][0]["criteria"] if c["code"] != "ca-nhan-thanh-tich"]

    report = load_campaign_files(nt_copy(change))
    assert QuotaRule.objects.get(code="bk-tap-the").limit == 6
    assert not Criterion.objects.filter(code="ca-nhan-thanh-tich").exists()
    assert (report.created, report.deleted) == (0, 1)
    assert report.updated == 1, report


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["organisations"][0].__setitem__("category", "khoi_la"), "khối không tồn tại: 'khoi_la'"),
        (lambda d: d["rounds"][0]["quotas"][0].__setitem__("limit", -1), "'limit' không được âm (-1)"),
        (
            lambda d: next(c for c in d["rounds"][0]["criteria"] if c["kind"] == "percentage").__setitem__("threshold", 120),
            "ngưỡng tỷ lệ phải từ 0 đến 100% (nhận được 120)",
        ),
        (
            lambda d: next(c for c in d["rounds"][0]["criteria"] if c["kind"] == "percentage").pop("threshold"),
            "tiêu chí tỷ lệ cần 'threshold'",
        ),
        (
            lambda d: next(c for c in d["rounds"][0]["criteria"] if c["kind"] == "percentage").__setitem__("threshold", "bảy mươi"),
            "ngưỡng phải là số (nhận được 'bảy mươi')",
        ),
        (
            lambda d: next(c for c in d["rounds"][0]["criteria"] if c["kind"] == "percentage").__setitem__("operator", "gần bằng"),
            "'operator' không hợp lệ: 'gần bằng'",
        ),
        # A campaign target: the same checks as a percentage criterion's, but it may state no figure.
        (lambda d: d.setdefault("targets", []).append(target(threshold=120)), "targets[0] (muc-tieu-thu): ngưỡng tỷ lệ phải từ 0 đến 100% (nhận được 120)"),
        (lambda d: d.setdefault("targets", []).append(target(threshold="60%")), "targets[0] (muc-tieu-thu): giá trị phải là số (nhận được '60%')"),
        (lambda d: d.setdefault("targets", []).append(target(operator="xap-xi")), "targets[0] (muc-tieu-thu): 'operator' không hợp lệ: 'xap-xi'"),
        (lambda d: d["rounds"][0]["stages"][1].pop("deadline"), "bước xét không có hạn chót"),
        (lambda d: d["rounds"][0]["stages"][1].__setitem__("deadline", "20/12/2024"), "'deadline' phải là ngày dạng YYYY-MM-DD"),
        (lambda d: d["rounds"][0]["stages"][1].__setitem__("organisation", "so-khong-co"), "cơ quan thực hiện không tồn tại: 'so-khong-co'"),
        (lambda d: d["rounds"][0]["quotas"][0].__setitem__("award_form", "huan-chuong"), "hình thức khen thưởng không có trong đợt: 'huan-chuong'"),
        (lambda d: d["rounds"][0]["quotas"][0].__setitem__("scope", "tinh"), "'scope' không hợp lệ: 'tinh'"),
        (lambda d: d["rounds"][0]["criteria"][0].__setitem__("categories", ["xyz"]), "khối không tồn tại: 'xyz'"),
        (lambda d: d["rounds"][0]["award_forms"][0].__setitem__("vote_rule", "khong-co"), "quy tắc biểu quyết không tồn tại"),
        (lambda d: d["rounds"][0]["award_forms"][0].__setitem__("dossier_copies", 0), "'dossier_copies' phải từ 1 trở lên"),
        (lambda d: d["documents"][0].__setitem__("kind", "bien_ban"), "documents[0] (1670/KH-UBND): loại văn bản không hợp lệ: 'bien_ban'"),
        (lambda d: d["rounds"][0]["stages"][1].__setitem__("dossier_minutes", [3]),
         "'dossier_minutes' chỉ gồm thứ tự của bước này hoặc bước trước nó (nhận được 3)"),
    ],
)
def test_wrong_file_is_refused_naming_file_entry_and_problem(nt_copy, change, message):
    with pytest.raises(CampaignDataError) as error:
        load_campaign_files(nt_copy(change))
    text = str(error.value)
    assert message in text
    assert text.startswith(NT + ": ")
    assert counts() == (0, 0, 0, 0, 0, 0)  # nothing half-loaded


def test_wrong_file_leaves_a_loaded_campaign_untouched(nt_copy):
    load_campaign_files(nt_copy(lambda d: None))
    before = counts()
    limit = QuotaRule.objects.get(code="bk-tap-the").limit

    def change(data):
        data["rounds"][0]["quotas"][0]["limit"] = 9
        data["rounds"][0]["stages"][2].pop("deadline")

    with pytest.raises(CampaignDataError):
        load_campaign_files(nt_copy(change))
    assert counts() == before
    assert QuotaRule.objects.get(code="bk-tap-the").limit == limit


def test_command_reports_problems_in_vietnamese(nt_copy):
    files = nt_copy(lambda d: d["rounds"][0]["quotas"][1].__setitem__("limit", -7))
    with pytest.raises(CommandError) as error:
        call_command("load_campaigns", *map(str, files))
    assert "Tệp dữ liệu không hợp lệ, không nạp gì" in str(error.value)
    assert "rounds[0] (nam-2024).quotas[1] (bk-ca-nhan): 'limit' không được âm (-7)" in str(error.value)


def test_broken_yaml_is_refused(tmp_path):
    bad = tmp_path / "hong.yaml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(CampaignDataError, match="hong.yaml: tệp YAML không đọc được"):
        load_campaign_files([DATA_DIR / "reference.yaml", bad])


def test_campaign_rules_list_and_unknown_code(capsys):
    call_command("load_campaigns")
    capsys.readouterr()
    call_command("campaign_rules", "--list")
    codes = [line.split("\t")[0] for line in capsys.readouterr().out.strip().splitlines()]
    assert codes == ["ninh-thuan-2024", "rach-gia-2022-2025", "son-la-2021-2025", "thanh-hoa-2024"]
    with pytest.raises(CommandError, match="Không có phong trào mã 'xyz'"):
        call_command("campaign_rules", "xyz", "--json")


def test_targets_of_the_documents_are_loaded(capsys):
    import json

    call_command("load_campaigns")
    capsys.readouterr()
    call_command("campaign_rules", "son-la-2021-2025", "--json")
    son_la = {t["code"]: t for t in json.loads(capsys.readouterr().out)["targets"]}
    assert (son_la["cap-quang-ho-gia-dinh"]["operator"], son_la["cap-quang-ho-gia-dinh"]["threshold"]) == ("gt", 80)
    assert son_la["tai-khoan-thanh-toan-dien-tu"]["threshold"] == 50
    call_command("campaign_rules", "rach-gia-2022-2025", "--json")
    rach_gia = json.loads(capsys.readouterr().out)["targets"]
    assert len(rach_gia) == 55
    assert {(t["year"], t["threshold"]) for t in rach_gia if t["code"].startswith("cqs-ho-so-truc-tuyen")} == {(2023, 60), (2025, 80)}
