"""clone_campaign: a new phase (a draft) from an old one; publish_campaign."""
import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Campaign, CampaignDocument, PublicationStatus, Round, Unit
from campaigns.services.campaigns import CampaignCloneError, clone_campaign, publish_campaign
from campaigns.services.loading import DATA_DIR, load_campaign_files

pytestmark = pytest.mark.django_db


def load(*codes):
    load_campaign_files([DATA_DIR / "reference.yaml"] + [DATA_DIR / f"{code}.yaml" for code in codes])
    return [Campaign.objects.get(code=code) for code in codes]


def test_clone_campaign_makes_a_draft_phase_with_rounds_redated_and_no_plan_documents():
    (son_la,) = load("son-la-2021-2025")
    assert son_la.documents.exists() and son_la.targets.exists()
    new = clone_campaign(campaign=son_la, code="son-la-2026-2030", name="Giai đoạn 2026-2030", start=2026, end=2030)
    assert (new.period_start, new.period_end) == (dt.date(2026, 1, 1), dt.date(2030, 12, 31))
    assert new.status == PublicationStatus.DRAFT
    assert not new.documents.exists() and not new.targets.exists()
    assert "2026-2030" in new.theme and "2021-2025" not in new.theme
    rounds = list(new.rounds.order_by("year"))
    # The final review stays the phase's last round: years move by 5.
    assert [(r.code, r.year, r.status) for r in rounds] == [
        ("nam-2028", 2028, "draft"), ("nam-2029", 2029, "draft"), ("tong-ket-2030", 2030, "draft"),
    ]
    assert "giai đoạn 2026-2030" in rounds[-1].name
    for round_ in rounds:
        assert round_.legal_basis.code == "nd-152-2025"
        organisations = {s.organisation.code for s in round_.stages.exclude(organisation=None)}
        assert "stttt-son-la" not in organisations and "skhcn-son-la" in organisations
    # The old phase is untouched.
    assert set(son_la.rounds.values_list("code", flat=True)) == {"nam-2023", "nam-2024", "tong-ket-2025"}
    assert CampaignDocument.objects.filter(campaign=son_la).exists()


def test_clone_campaign_uses_the_successor_province_and_drops_the_district_chairman_giay_khen():
    thanh_hoa, ninh_thuan = load("thanh-hoa-2024", "ninh-thuan-2024")
    new = clone_campaign(campaign=ninh_thuan, code="kh-2026", name="Khánh Hòa 2026-2030", start=2026, end=2030)
    assert new.issuer.code.endswith("khanh-hoa") and new.issuer.is_valid_on(dt.date(2026, 1, 1))
    assert "Khánh Hòa" in new.issuer_title
    th = clone_campaign(campaign=thanh_hoa, code="th-2026", name="Thanh Hóa 2026-2030", start=2026, end=2030)
    round_ = th.rounds.get()
    assert round_.year == 2026
    forms = {f.code: f for f in round_.award_forms.all()}
    giay_khen = forms["giay-khen-chu-tich-ubnd-huyen-xa"]
    assert giay_khen.granting_levels == ["xa"]
    assert "huyện" not in giay_khen.name and "huyện" not in giay_khen.granted_by
    # The exception naming the city of Thanh Hóa (a district unit, ended 30/6/2025) is gone.
    assert not round_.quota_rules.filter(exceptions__unit__code="ubnd-tp-thanh-hoa").exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"code": "thanh-hoa-2024"}, "Mã phong trào 'thanh-hoa-2024' đã được dùng"),
        ({"start": 2030, "end": 2026}, "Năm kết thúc (2026) không được trước năm bắt đầu (2030)"),
        ({"name": "  "}, "Cần tên phong trào mới"),
        ({"start": 20261}, "Năm bắt đầu không hợp lệ: 20261"),
    ],
)
def test_clone_campaign_refuses_in_vietnamese_and_leaves_nothing(kwargs, message):
    (thanh_hoa,) = load("thanh-hoa-2024")
    before = (Campaign.objects.count(), Round.objects.count())
    arguments = {"campaign": thanh_hoa, "code": "moi", "name": "Mới", "start": 2026, "end": 2030, **kwargs}
    with pytest.raises(CampaignCloneError, match=re.escape(message)):
        clone_campaign(**arguments)
    assert (Campaign.objects.count(), Round.objects.count()) == before


def test_clone_campaign_refuses_a_body_that_ceased_without_successor_and_rolls_back():
    (thanh_hoa,) = load("thanh-hoa-2024")
    Unit.objects.filter(code="skhcn-thanh-hoa").update(valid_to=dt.date(2025, 12, 31))
    with pytest.raises(CampaignCloneError, match="Sở Thông tin và Truyền thông tỉnh Thanh Hóa không còn hoạt động vào ngày 01/01/2026"):
        clone_campaign(campaign=thanh_hoa, code="moi", name="Mới", start=2026, end=2030)
    assert not Campaign.objects.filter(code="moi").exists()


def test_clone_campaign_command_prints_the_rounds_and_says_unknown_campaign():
    load("thanh-hoa-2024")
    out = StringIO()
    call_command(
        "clone_campaign", "--campaign", "thanh-hoa-2024", "--code", "th-2026-2030", "--name", "Thanh Hóa 2026-2030",
        "--start", "2026", "--end", "2030", stdout=out,
    )
    assert "Đã tạo phong trào 'th-2026-2030' (bản nháp, 2026-2030)" in out.getvalue()
    assert "nam-2026" in out.getvalue()
    with pytest.raises(CommandError, match="Không có phong trào mã 'khong-co'"):
        call_command("clone_campaign", "--campaign", "khong-co", "--code", "x", "--name", "X", "--start", "2026", "--end", "2030")


def test_publish_campaign_publishes_the_phase_and_its_rounds():
    (thanh_hoa,) = load("thanh-hoa-2024")
    new = clone_campaign(campaign=thanh_hoa, code="th-2026", name="Thanh Hóa 2026-2030", start=2026, end=2030)
    assert not new.rounds.get().is_published
    publish_campaign(campaign=new)
    new.refresh_from_db()
    assert new.status == "published" and new.rounds.get().is_published


def test_publish_campaign_refuses_a_phase_without_rounds():
    (thanh_hoa,) = load("thanh-hoa-2024")
    new = clone_campaign(campaign=thanh_hoa, code="th-2026", name="Thanh Hóa 2026-2030", start=2026, end=2030)
    new.rounds.all().delete()
    with pytest.raises(CampaignCloneError, match="phong trào chưa có đợt nào"):
        publish_campaign(campaign=new)
    new.refresh_from_db()
    assert new.status == "draft"
