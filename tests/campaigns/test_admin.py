"""The admin of campaigns, criteria and quotas: every page answers, in Vietnamese, without N+1 lists."""
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, LegalBasis, Membership, Round, RuleChange, Unit, UnitCategory, VoteRule
from criteria.models import Criterion
from quotas.models import QuotaRule
from tests.factories import CriterionFactory, MembershipFactory, QuotaRuleFactory, RoundFactory, UnitFactory, UserFactory

OUR_APPS = {"campaigns", "criteria", "quotas"}
OUR_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)
MODEL_IDS = [model._meta.label for model in OUR_MODELS]


FALLBACK_FACTORIES = {  # rows the seed data does not hold
    Membership: MembershipFactory,
    RuleChange: lambda: RuleChange.objects.create(round=Round.objects.order_by("pk").first(), version=1, summary=["sửa số lượng 'x': limit"]),
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(superuser=True))
    return client


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The seed campaigns, loaded once for this module (loading takes seconds) inside a transaction
    that is rolled back when the module ends; each test still runs in its own nested transaction."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_campaigns", verbosity=0)
            yield
            transaction.set_rollback(True)


def test_admin_registers_the_models_the_portal_configures():
    required = {Campaign, Round, Criterion, QuotaRule, Unit, UnitCategory, VoteRule, LegalBasis, Membership}

    assert required <= set(OUR_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=MODEL_IDS)
def test_admin_changelist_answers_after_loading_campaigns(superuser_client, loaded, model):
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=MODEL_IDS)
def test_admin_changelist_search_answers(superuser_client, loaded, model):
    if not admin.site._registry[model].search_fields:
        pytest.skip("no search box")
    assert superuser_client.get(admin_url(model, "changelist"), {"q": "Sở"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=MODEL_IDS)
def test_admin_add_page_answers_after_loading_campaigns(superuser_client, loaded, model):
    expected = 403 if model is RuleChange else 200  # a log: read only
    assert superuser_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=MODEL_IDS)
def test_admin_change_page_answers_after_loading_campaigns(superuser_client, loaded, model):
    obj = model.objects.order_by("pk").first() or FALLBACK_FACTORIES[model]()
    assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.django_db
def test_admin_index_has_vietnamese_header(superuser_client):
    page = superuser_client.get(reverse("admin:index"))

    assert page.status_code == 200
    assert "Quản trị Cổng thi đua chuyển đổi số" in page.content.decode()


@pytest.mark.django_db
def test_round_changelist_links_to_its_criteria_and_quotas(superuser_client):
    round_ = RoundFactory()
    CriterionFactory.create_batch(2, round=round_)
    QuotaRuleFactory(round=round_)

    html = superuser_client.get(admin_url(Round, "changelist")).content.decode()

    assert f'href="{admin_url(Criterion, "changelist")}?round__id__exact={round_.pk}">2 tiêu chí</a>' in html
    assert f'href="{admin_url(QuotaRule, "changelist")}?round__id__exact={round_.pk}">1 quy định</a>' in html


@pytest.mark.django_db
def test_criterion_changelist_filtered_by_round_shows_source(superuser_client):
    criterion = CriterionFactory(source="Mục III.1, Kế hoạch 1670/KH-UBND")
    CriterionFactory(label="Tiêu chí của đợt khác")

    page = superuser_client.get(admin_url(Criterion, "changelist"), {"round__id__exact": criterion.round_id})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Mục III.1, Kế hoạch 1670/KH-UBND" in html
    assert "Tiêu chí của đợt khác" not in html


def _make_units(count):
    parent = UnitFactory()
    UnitFactory.create_batch(count, parent=parent, successor=parent)


def _make_criteria(count):
    for _ in range(count):
        CriterionFactory()


def _make_quotas(count):
    for _ in range(count):
        QuotaRuleFactory()


def _make_rounds(count):
    for _ in range(count):
        CriterionFactory(round=RoundFactory())


LISTS = {"unit": (Unit, _make_units), "criterion": (Criterion, _make_criteria), "quota": (QuotaRule, _make_quotas), "round": (Round, _make_rounds)}


@pytest.mark.django_db
@pytest.mark.parametrize("model, make", LISTS.values(), ids=LISTS.keys())
def test_admin_changelist_queries_do_not_grow_with_rows(superuser_client, model, make):
    counts = []
    for size in (1, 3):
        make(size)
        url = admin_url(model, "changelist")
        superuser_client.get(url)  # warm the session and content-type caches
        with CaptureQueriesContext(connection) as queries:
            assert superuser_client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_saving_a_round_that_cites_a_text_out_of_force_says_so(loaded, rf, admin_user):
    """The admin saves the round (its inline rows come after it) and then names, in Vietnamese, what
    it cites out of force in its period: the check load_campaigns and clone_round refuse on."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    round_ = Round.objects.get(campaign__code="son-la-2021-2025", code="nam-2023")
    round_.legal_basis = LegalBasis.objects.get(code="nd-152-2025")  # in force from 01/7/2025 only

    class SavedForm:  # what ModelAdmin.save_related reads of the round's form
        instance = round_

        def save_m2m(self):
            pass

    request = rf.post("/admin/campaigns/round/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    admin.site._registry[Round].save_related(request, SavedForm(), [], change=True)
    said = [str(m) for m in get_messages(request)]
    assert said and all(m.startswith("Đợt này chưa mở được:") for m in said)
    assert any("152/2025" in m for m in said), said


def test_saving_an_allocation_lists_the_categories_no_share_covers(loaded, rf, admin_user):
    """After an allocation is saved (its mappings inline), the admin runs the check load_campaigns
    runs (quotas.checks.allocation_problems): a category left unsaid is named."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from quotas.models import QuotaAllocation

    allocation = QuotaAllocation.objects.get(round__campaign__code="son-la-2021-2025", round__code="nam-2023", code="phan-bo-bk-tap-the")
    allocation.mappings.all().delete()  # as if the officer removed the inline row

    class SavedForm:
        instance = allocation

        def save_m2m(self):
            pass

    request = rf.post("/admin/quotas/quotaallocation/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    admin.site._registry[QuotaAllocation].save_related(request, SavedForm(), [], change=True)
    said = [str(m) for m in get_messages(request)]
    assert len(said) == 1 and "(mttq_doan_the) không có trong phần nào" in said[0], said
