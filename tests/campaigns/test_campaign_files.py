"""A campaign written out as a data file (`export_campaign`) and read back (`load_campaigns FILE`)
gives the same rules; a file is never written silently over rules edited in the portal."""
import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.models import Campaign, Stage
from campaigns.selectors import campaign_rules
from campaigns.services.campaign_files import campaign_data, campaign_yaml
from campaigns.services.loading import DATA_DIR, REFERENCE_FILE, CampaignDataError, load_campaign_files
from quotas.models import QuotaRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_campaigns")]

SEEDS = ["ninh-thuan-2024", "rach-gia-2022-2025", "son-la-2021-2025", "thanh-hoa-2024"]


def audit(code) -> dict:
    rules = campaign_rules(Campaign.objects.get(code=code))
    rules.pop("data_file")
    return rules


@pytest.mark.parametrize("code", SEEDS)
def test_export_then_load_gives_the_same_rules(code, tmp_path):
    before = audit(code)
    out = tmp_path / f"{code}-xuat.yaml"
    call_command("export_campaign", code, "--out", str(out), stdout=StringIO())
    Campaign.objects.filter(code=code).delete()
    assert not Campaign.objects.filter(code=code).exists()

    call_command("load_campaigns", str(out), stdout=StringIO())

    assert json.dumps(audit(code), sort_keys=True, ensure_ascii=False) == json.dumps(before, sort_keys=True, ensure_ascii=False)
    # Written again, the file is the same file.
    assert campaign_yaml(Campaign.objects.get(code=code)) == out.read_text(encoding="utf-8")


def test_the_export_is_in_the_data_files_format(capsys):
    call_command("export_campaign", "ninh-thuan-2024")
    exported = yaml.safe_load(capsys.readouterr().out)
    source = yaml.safe_load((DATA_DIR / "ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    assert {"code", "name", "issuer", "issuer_title", "period", "documents", "organisations", "rounds"} <= exported.keys()
    # A stage's entry says what the file says; a key left out is one whose value is its default.
    exported_stage, source_stage = exported["rounds"][0]["stages"][1], source["rounds"][0]["stages"][1]
    assert {k: v for k, v in exported_stage.items() if k in source_stage} == {k: v for k, v in source_stage.items() if k in exported_stage}
    assert {k: source_stage[k] for k in source_stage.keys() - exported_stage.keys()} == {"deadline_stated": True, "holds_council": False}
    assert [q["code"] for q in exported["rounds"][0]["quotas"]] == [q["code"] for q in source["rounds"][0]["quotas"]]
    assert exported["rounds"][0]["quotas"][0]["limit"] == source["rounds"][0]["quotas"][0]["limit"]
    # The units the file names are in it, so it loads where they do not exist yet.
    codes = {u["code"] for u in exported["organisations"]}
    assert {exported["issuer"]} | {s["organisation"] for s in exported["rounds"][0]["stages"] if "organisation" in s} <= codes


def test_unknown_campaign_and_unwritable_file_are_refused_in_vietnamese(tmp_path):
    with pytest.raises(CommandError, match="Không có phong trào mã 'khong-co'"):
        call_command("export_campaign", "khong-co")
    with pytest.raises(CommandError, match="Không ghi được tệp"):
        call_command("export_campaign", "ninh-thuan-2024", "--out", str(tmp_path / "khong" / "co" / "thu-muc.yaml"))


def test_a_file_does_not_silently_overwrite_an_edit_made_in_the_portal(tmp_path):
    rule = QuotaRule.objects.get(round__campaign__code="ninh-thuan-2024", code="bk-tap-the")
    rule.limit = 4  # an officer lowers the quota in the portal
    rule.save()

    with pytest.raises(CampaignDataError) as refused:
        load_campaign_files()
    assert "phong trào 'ninh-thuan-2024' đã được sửa trên cổng" in str(refused.value)
    assert "export_campaign ninh-thuan-2024" in str(refused.value)
    rule.refresh_from_db()
    assert rule.limit == 4  # nothing written
    with pytest.raises(CommandError, match="đã được sửa trên cổng"):
        call_command("load_campaigns", stdout=StringIO())

    # Exported, edited on file and loaded back: the file was made from the rules as they are now.
    out = tmp_path / "nt.yaml"
    call_command("export_campaign", "ninh-thuan-2024", "--out", str(out), stdout=StringIO())
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    data["rounds"][0]["quotas"][0]["limit"] = 3
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("load_campaigns", str(out), stdout=StringIO())
    rule.refresh_from_db()
    assert rule.limit == 3

    # The same exported file is stale once the portal changes the rules again.
    Stage.objects.filter(round=rule.round, order=2).update(deadline_stated=False)
    with pytest.raises(CampaignDataError, match="đã được sửa trên cổng"):
        load_campaign_files([DATA_DIR / REFERENCE_FILE, out])

    # --overwrite puts the repository's file back, on purpose.
    call_command("load_campaigns", "--overwrite", stdout=StringIO())
    rule.refresh_from_db()
    assert rule.limit == 5


def test_loading_the_same_files_again_is_not_an_edit():
    report = load_campaign_files()
    assert report.changed == 0


def test_the_export_of_every_seed_names_every_rule():
    """Each entity's spec is the export's and the audit's: every quota, criterion and stage of
    the audit is in the export."""
    for code in SEEDS:
        campaign = Campaign.objects.get(code=code)
        data, rules = campaign_data(campaign), campaign_rules(campaign)
        for exported, audited in zip(data["rounds"], rules["rounds"]):
            assert exported["code"] == audited["code"]
            assert [s["order"] for s in exported["stages"]] == [s["order"] for s in audited["stages"]]
            assert {q["code"] for q in exported.get("quotas", [])} == {q["code"] for q in audited["quotas"]}
            assert {c["code"] for c in exported.get("criteria", [])} == {c["code"] for c in audited["criteria"]}
