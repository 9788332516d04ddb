"""load_demo: demo units, accounts that log in with the printed password, a live round per
campaign, history at several stages; twice in a row changes nothing."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from campaigns import clock
from campaigns.models import Campaign, Membership, Role, Round, Unit
from demo.services import DEMO_PASSWORD, read_demo_file
from nominations.models import Nomination

pytestmark = pytest.mark.django_db


def printed_accounts(output: str) -> list[tuple[str, str, str]]:
    """(username, password, role) from the table load_demo prints at the end."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Tài khoản "))
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            continue
        username, password, *rest = line.split()
        rows.append((username, password, " ".join(rest)))
    return rows


def snapshot():
    User = get_user_model()
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "rounds": sorted(Round.objects.values_list("campaign__code", "code")),
        "nominations": Nomination.objects.count(),
        "statuses": sorted(Nomination.objects.values_list("pk", "status", "stage_id")),
    }


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """load_demo run twice on one database (kept for the module's tests, then removed)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            first = StringIO()
            call_command("load_demo", stdout=first, stderr=StringIO())
            before = snapshot()
            second = StringIO()
            call_command("load_demo", stdout=second, stderr=StringIO())
            after = snapshot()
            yield {"first": first.getvalue(), "second": second.getvalue(), "before": before, "after": after}
            transaction.set_rollback(True)


def test_load_demo_twice_changes_nothing_the_second_time(demo_output):
    assert demo_output["after"] == demo_output["before"]
    assert printed_accounts(demo_output["second"]) == printed_accounts(demo_output["first"])
    assert "Đã mô phỏng" in demo_output["first"]
    assert "Đã mô phỏng" not in demo_output["second"]


def test_load_demo_prints_one_account_per_role_per_campaign(demo_output):
    accounts = printed_accounts(demo_output["first"])
    usernames = [a[0] for a in accounts]
    assert len(usernames) == len(set(usernames))
    assert {a[1] for a in accounts} == {DEMO_PASSWORD}
    campaigns = set(Campaign.objects.values_list("code", flat=True))
    for territory in read_demo_file()["territories"]:
        if territory["campaign"] not in campaigns:
            continue
        prefix = territory["prefix"]
        assert {f"{prefix}.canbo", f"{prefix}.thuky", f"{prefix}.vanphong"} <= set(usernames)
        assert {f"{prefix}.xetduyet", f"{prefix}.thamdinh"} & set(usernames)
    admin = get_user_model().objects.get(username="quantri")
    assert admin.is_staff and admin.is_superuser


def test_load_demo_accounts_log_in_with_the_printed_password(demo_output):
    for username, password, _role in printed_accounts(demo_output["second"]):
        assert Client().login(username=username, password=password), username


def test_load_demo_officer_signs_in_through_the_login_page(demo_output):
    client = Client()
    response = client.post(reverse("login"), {"username": "sonla.canbo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="sonla.canbo").pk)


def test_load_demo_accounts_have_the_role_they_are_printed_with(demo_output):
    labels = dict(Role.choices)
    for username, _password, role_and_units in printed_accounts(demo_output["first"]):
        roles = {labels[r] for r in Membership.objects.filter(user__username=username).values_list("role", flat=True)}
        assert len(roles) == 1 and role_and_units.startswith(roles.pop()), username


def test_load_demo_keeps_the_historical_campaigns_as_they_were(demo_output):
    history = Campaign.objects.filter(demonstration=False)
    assert sorted(history.values_list("code", flat=True)) == [
        "ninh-thuan-2024", "rach-gia-2022-2025", "son-la-2021-2025", "thanh-hoa-2024",
    ]
    assert not Round.objects.filter(campaign__in=history, cloned_from__isnull=False).exists()
    assert not Round.objects.filter(campaign__in=history, year__gt=2025).exists()


def test_load_demo_opens_a_live_round_per_new_phase_with_deadlines_ahead(demo_output):
    from campaigns.services.rounds import RoundState, round_state

    today = clock.today()
    phases = Campaign.objects.filter(demonstration=True)
    assert phases.count() == 4
    for campaign in phases:
        assert "(trình diễn)" in campaign.name
        assert campaign.status == "published" and not campaign.documents.exists() and not campaign.targets.exists()
        assert (campaign.period_start.year, campaign.period_end.year) == (2026, 2030)
        live = [r for r in campaign.rounds.all() if round_state(r, today=today) == RoundState.LIVE]
        assert len(live) == 1, campaign.code
        round_ = live[0]
        assert round_.year == today.year
        # Today's organisations: no district unit, no body ended before the round.
        for stage in round_.stages.select_related("organisation"):
            assert stage.organisation is None or stage.organisation.is_valid_on(stage.deadline), stage
            assert stage.organisation is None or stage.organisation.level != "huyen"
        assert not round_.stages.filter(organisation__code__startswith="stttt-").exists()
        assert round_.legal_basis.code == "nd-152-2025"
        assert all(s.deadline > today for s in round_.stages.all())
        # Only a few drafts there; the history is in the past rounds.
        assert set(Nomination.objects.filter(round=round_).values_list("status", flat=True)) <= {"draft"}
        assert Nomination.objects.filter(round=round_).count() <= 2


def test_load_demo_leaves_nominations_at_several_stages_and_statuses(demo_output):
    history = Nomination.objects.filter(round__campaign__demonstration=False)
    assert history.count() == 12 * Campaign.objects.filter(demonstration=False).count()
    assert len(set(history.values_list("stage__order", flat=True))) >= 3
    statuses = set(history.values_list("status", flat=True))
    assert {"draft", "in_review", "awarded"} <= statuses
    assert len(statuses) >= 5


def test_load_demo_units_come_from_the_demo_file_under_each_territory(demo_output):
    from campaigns.selectors import territory_root

    for territory in read_demo_file()["territories"]:
        campaign = Campaign.objects.filter(code=territory["campaign"]).first()
        if campaign is None:
            continue
        root = territory_root(campaign)
        for entry in territory["units"]:
            unit = Unit.objects.get(code=entry["code"])
            assert unit.name == entry["name"]
            if "parent" not in entry:
                assert unit.parent == root
    assert Unit.objects.get(code="ubnd-huyen-moc-chau").valid_to.isoformat() == "2025-06-30"
    assert Unit.objects.get(code="so-tai-chinh-ninh-thuan").successor.code == "so-tai-chinh-khanh-hoa"


def test_load_demo_officer_home_shows_who_drew_up_each_draft(demo_output):
    officer = get_user_model().objects.get(username="sonla.canbo")
    client = Client()
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    drafts = Nomination.objects.filter(proposing_unit__memberships__user=officer, status="draft")
    assert drafts.exists() and set(drafts.values_list("created_by", flat=True)) == {officer.pk}
    assert html.count(f"Người lập: {officer.get_full_name()}, ngày ") == drafts.count() >= 1


def test_the_demo_campaign_manager_edits_the_province_s_new_phase_only(demo_output):
    client = Client()
    assert client.login(username="sonla.phongtrao", password=DEMO_PASSWORD)
    phase = Campaign.objects.get(demonstration=True, issuer__code__contains="son-la")
    assert client.get(reverse("campaign_editor", args=[phase.code])).status_code == 200
    other = Campaign.objects.filter(demonstration=True).exclude(pk=phase.pk).first()
    assert client.get(reverse("campaign_editor", args=[other.code])).status_code == 404
