"""factory_boy factories, one per model, with plain defaults (no surprising relations).

Add factories for other apps here too; keep each one minimal.
"""
import datetime as dt

import factory
from django.contrib.auth import get_user_model

from campaigns.models import (
    Campaign,
    LegalBasis,
    Level,
    Membership,
    NomineeKind,
    Role,
    Round,
    RoundAwardForm,
    RoundKind,
    Unit,
    UnitCategory,
    VoteRule,
)
from criteria.models import Criterion, CriterionKind, Operator
from quotas.models import QuotaNomineeKind, QuotaRule, QuotaScope


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.django.Password("mat-khau-thu-9")

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class UnitCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"khoi_{n}")
    name = factory.Sequence(lambda n: f"Khối {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    category = factory.SubFactory(UnitCategoryFactory)
    level = Level.TINH
    parent = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.UNIT_OFFICER


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalBasis
        django_get_or_create = ["code"]

    code = "nd-98-2023"
    name = "Nghị định 98/2023/NĐ-CP"
    number = "98/2023/NĐ-CP"
    effective_from = dt.date(2024, 1, 1)
    effective_to = dt.date(2025, 6, 30)
    template_set = "nd98_2023"


class VoteRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteRule
        django_get_or_create = ["code"]

    code = "bang-khen-giay-khen"
    name = "Bằng khen, Giấy khen: quá bán"
    source = "Luật Thi đua, khen thưởng 06/2022/QH15"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    code = factory.Sequence(lambda n: f"phong-trao-{n}")
    name = factory.Sequence(lambda n: f"Phong trào thi đua {n}")
    issuer = factory.SubFactory(UnitFactory)
    issuer_title = "Ủy ban nhân dân tỉnh"
    period_start = dt.date(2024, 1, 1)
    period_end = dt.date(2024, 12, 31)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"dot-{n}")
    name = factory.Sequence(lambda n: f"Đợt {n}")
    kind = RoundKind.ANNUAL
    year = 2024
    legal_basis = factory.SubFactory(LegalBasisFactory)


class RoundAwardFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundAwardForm

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"hinh-thuc-{n}")
    name = "Bằng khen của Chủ tịch UBND tỉnh"
    granted_by = "Chủ tịch UBND tỉnh"
    vote_rule = factory.SubFactory(VoteRuleFactory)
    source = "Mục IV"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"tieu-chi-{n}")
    label = factory.Sequence(lambda n: f"Tiêu chí {n}")
    nominee_kind = NomineeKind.COLLECTIVE
    kind = CriterionKind.PERCENTAGE
    operator = Operator.GTE
    threshold = 90
    source = "Mục III"


class QuotaRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaRule

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"so-luong-{n}")
    award_form = factory.SubFactory(RoundAwardFormFactory, round=factory.SelfAttribute("..round"))
    nominee_kind = QuotaNomineeKind.COLLECTIVE
    scope = QuotaScope.ROUND
    limit = 5
    source = "Mục IV"
