"""Whose category a quota rule counts by (QuotaRule.category_of, excluded_categories), on Thanh Hóa
2024, mục III.4.a: "mỗi đơn vị [sở, ban, ngành...] đề nghị 01 tập thể hoặc 01 cá nhân" limits what
a unit PROPOSES, its sub-units included; "UBND cấp huyện: không quá 01 tập thể hoặc 01 cá nhân"
besides the 01 commune each district chooses (a rule of its own). And whose level
(QuotaRule.level): the "cấp tỉnh" rule does not count a district's mass organisation."""
import json

import pytest
from django.core.management import call_command

from nominations.models import Status
from nominations.workflow import TransitionError

from .conftest import build_world, load, make_unit, submitted

pytestmark = pytest.mark.django_db

SO = "so-y-te-th"
HUYEN = "ubnd-huyen-nga-son"


@pytest.fixture
def th_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load("thanh-hoa-2024.yaml")
    world = build_world("thanh-hoa-2024", "nam-2024", [
        (SO, "Sở Y tế tỉnh Thanh Hóa", "so_ban_nganh", None, "tinh"),
        (HUYEN, "UBND huyện Nga Sơn", "ubnd_huyen", None, "huyen"),
        ("tinh-doan-th", "Tỉnh đoàn Thanh Hóa", "mttq_doan_the", None, "tinh"),
        ("huyen-doan-nga-son", "Huyện đoàn Nga Sơn", "mttq_doan_the", HUYEN, "huyen"),
    ])
    world.hospital = make_unit("bv-da-khoa-th", "Bệnh viện Đa khoa tỉnh Thanh Hóa", "don_vi_su_nghiep", world.units[SO], "tinh")
    world.commune = make_unit("ubnd-xa-nga-thai", "UBND xã Nga Thái", "ubnd_xa", world.units[HUYEN], "xa")
    return world


submit = submitted  # created, voted by the unit council and submitted inside the unit stage


def test_a_department_proposing_its_hospital_uses_its_one_place(th_world):
    first = submit(th_world, SO, nominee_unit=th_world.hospital)  # a đơn vị sự nghiệp, proposed by the Sở
    assert first.status == Status.IN_REVIEW
    with pytest.raises(TransitionError, match="đã dùng 1/1"):
        submit(th_world, SO, kind="individual", full_name="Lê Văn Bình", person_identifier="038080000111")


def test_a_district_keeps_its_own_place_besides_the_commune_it_chooses(th_world):
    commune = submit(th_world, HUYEN, nominee_unit=th_world.commune)  # bk-ubnd-xa-moi-huyen
    own = submit(th_world, HUYEN)  # the district itself: bk-ubnd-huyen-moi-don-vi, the commune not counted
    assert (commune.status, own.status) == (Status.IN_REVIEW, Status.IN_REVIEW)
    with pytest.raises(TransitionError, match="đã dùng 1/1"):
        submit(th_world, HUYEN, kind="individual", full_name="Mai Thị Hoa", person_identifier="038185000222")


def test_the_provincial_rule_does_not_count_a_district_mass_organisation(th_world):
    """"Cấp tỉnh (gồm Sở, ban ngành, khối đảng, đoàn thể), mỗi đơn vị 01": a district's Youth Union
    is of the same category as the province's, but not of its level. It is in no other group of
    mục III.4.a either, and the groups are the whole allocation: proposing itself, it has no place
    (tests/nominations/test_quota_shares.py); the province's Youth Union keeps its one."""
    with pytest.raises(TransitionError, match="Không có chỉ tiêu Bằng khen"):
        submit(th_world, "huyen-doan-nga-son")
    submit(th_world, "tinh-doan-th")
    with pytest.raises(TransitionError, match="đã dùng 1/1"):
        submit(th_world, "tinh-doan-th", kind="individual", full_name="Hà Thị Lan", person_identifier="038190000444")


def test_campaign_rules_show_whose_category_counts(th_world, capsys):
    call_command("campaign_rules", "thanh-hoa-2024", "--json")
    quotas = {q["code"]: q for q in json.loads(capsys.readouterr().out)["rounds"][0]["quotas"] if "exception_of" not in q}
    assert (quotas["bk-cap-tinh-moi-don-vi"]["category_of"], quotas["bk-cap-tinh-moi-don-vi"]["level"]) == ("proposing_unit", "tinh")
    assert quotas["bk-doanh-nghiep"]["level"] is None
    assert (quotas["bk-ubnd-huyen-moi-don-vi"]["category_of"], quotas["bk-ubnd-huyen-moi-don-vi"]["excluded_categories"]) == ("proposing_unit", ["ubnd_xa"])
    assert (quotas["bk-doanh-nghiep"]["category_of"], quotas["bk-doanh-nghiep"]["excluded_categories"]) == ("nominee", [])


def test_clone_keeps_whose_category_counts(th_world):
    from campaigns.services.rounds import clone_round

    clone = clone_round(round_=th_world.round, year=2025)
    rule = clone.quota_rules.get(code="bk-ubnd-huyen-moi-don-vi")
    assert rule.category_of == "proposing_unit"
    assert [c.code for c in rule.excluded_categories.all()] == ["ubnd_xa"]
    assert clone.quota_rules.get(code="bk-cap-tinh-moi-don-vi").level == "tinh"


@pytest.mark.parametrize("change, message", [
    ({"category_of": "don_vi_cap_tren"}, "'category_of' không hợp lệ: 'don_vi_cap_tren'"),
    ({"excluded_categories": ["khoi-khong-co"]}, "khối không tồn tại: 'khoi-khong-co'"),
    ({"level": "trung_uong"}, "'level' không hợp lệ: 'trung_uong'"),
])
def test_a_wrong_quota_field_is_refused_whole(tmp_path, change, message):
    import shutil

    import yaml

    from campaigns.services.loading import DATA_DIR, CampaignDataError, load_campaign_files
    from quotas.models import QuotaRule

    shutil.copy(DATA_DIR / "reference.yaml", tmp_path / "reference.yaml")
    data = yaml.safe_load((DATA_DIR / "thanh-hoa-2024.yaml").read_text(encoding="utf-8"))
    data["rounds"][0]["quotas"][0].update(change)
    path = tmp_path / "thanh-hoa-2024.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CampaignDataError, match=message):
        load_campaign_files([tmp_path / "reference.yaml", path])
    assert not QuotaRule.objects.exists()
