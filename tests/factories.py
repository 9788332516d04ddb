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
    Stage,
    StageAction,
    Unit,
    UnitCategory,
    VoteRule,
)
from criteria.models import Criterion, CriterionKind, Operator
from dossiers.models import BuildStatus, DocumentFormat, DocumentKind, GeneratedDocument
from nominations.models import CouncilMeeting, Nomination
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


class StageFactory(factory.django.DjangoModelFactory):
    """The unit stage (order 1) of a round by default: each unit's own council proposes."""

    class Meta:
        model = Stage

    round = factory.SubFactory(RoundFactory)
    order = 1
    name = "Đơn vị họp Hội đồng, đề nghị"
    organisation = None
    action = StageAction.UNIT_COUNCIL
    deadline = dt.date(2024, 11, 30)
    holds_council = True
    source = "Mục V"


class NominationFactory(factory.django.DjangoModelFactory):
    """A collective's draft at its round's first stage, proposed by the unit it nominates; the
    stage and award form belong to the nomination's round."""

    class Meta:
        model = Nomination

    round = factory.SubFactory(RoundFactory)
    stage = factory.SubFactory(StageFactory, round=factory.SelfAttribute("..round"))
    award_form = factory.SubFactory(RoundAwardFormFactory, round=factory.SelfAttribute("..round"))
    proposing_unit = factory.SubFactory(UnitFactory)
    nominee_unit = factory.SelfAttribute("proposing_unit")
    kind = NomineeKind.COLLECTIVE
    achievement_summary = "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số."
    eligibility_declared = True
    created_by = factory.SubFactory(UserFactory)

    class Params:
        individual = factory.Trait(
            kind=NomineeKind.INDIVIDUAL,
            full_name=factory.Sequence(lambda n: f"Nguyễn Văn {n}"),
            gender="male",
            birth_year=1985,
            position="Chuyên viên",
            person_identifier=factory.Sequence(lambda n: f"0790850{n:05d}"),
        )


class CouncilMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a unit's council at its stage: every member present."""

    class Meta:
        model = CouncilMeeting

    stage = factory.SubFactory(StageFactory)
    round = factory.SelfAttribute("stage.round")
    unit = factory.SubFactory(UnitFactory)
    date = factory.LazyAttribute(lambda o: o.stage.deadline - dt.timedelta(days=3))
    start_time = dt.time(8)
    end_time = dt.time(10)
    place = factory.LazyAttribute(lambda o: f"Hội trường {o.unit.name}")
    chair = "Nguyễn Văn An"
    secretary = "Trần Thị Bình"
    members_total = 9
    members_present = 9
    written_opinions = 0
    recorded_by = factory.SubFactory(UserFactory)


class GeneratedDocumentFactory(factory.django.DjangoModelFactory):
    """A stage's PDF dossier record, queued (no file) by default."""

    class Meta:
        model = GeneratedDocument

    kind = DocumentKind.STAGE_DOSSIER_PDF
    format = DocumentFormat.PDF
    identity = factory.Sequence(lambda n: f"ho_so/thu-nghiem/{n}")
    round = factory.SubFactory(RoundFactory)
    stage = None
    organisation = factory.SubFactory(UnitFactory)
    issued_on = dt.date(2024, 12, 14)
    title = "Hồ sơ đề nghị khen thưởng"
    status = BuildStatus.QUEUED
    verification_code = factory.Sequence(lambda n: f"TN{n:08d}")
