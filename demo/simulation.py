"""Simulate a round: many nominations walked through every stage by the real services.

What is real: registrations (`register_unit`), council meetings and votes
(`record_council_meeting`), criterion judgements (`judge_criterion`), every stage move
(`workflow.advance`: deadlines, criteria, council votes, quotas under lock), the award decision
(`record_decision`). Each action happens as the right user, at a moment inside its stage's window
(`clock.frozen_at`: 10:00 Vietnam time on the day before the stage deadline).

What is batched, for speed (10,000 nominations): the demo units and accounts, and the drafts with
their criterion values (`bulk_create`). The drafts keep the rules `save_nomination` enforces: an
award form given to that kind of nominee, a collective only for the proposing unit (or its
children where the round allows it), one collective per round and one person per unit, the
criteria that `applicable_criteria` selects, and each value judged by `criteria.evaluation`.

Transition e-mail is muted: a simulation never writes to real officers.
Deterministic for a seed: every choice comes from `random.Random(seed)` over ordered rows.

The round's rules (stages, award forms, vote rules, quota rule definitions, criteria, deadlines)
are read once for the run (`workflow.RoundRules`) and handed to every `advance()`; the quota
places are still counted under lock at each move. `share_rules=False` (`--no-shared-rules`) makes
every move read them again, as single requests do: the outcome is the same, only slower.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q

from campaigns import clock
from campaigns.models import AwardOutcome, Level, Membership, NomineeKind, Role, Round, Unit, UnitCategory
from campaigns.selectors import territory_root, territory_units
from campaigns.stages import stages_of
from campaigns.vn_format import in_vietnamese
from criteria import evaluation
from criteria.models import CriterionKind, Operator
from criteria.selectors import criteria_for
from nominations import notifications
from nominations.guards_evidence import requires_evidence
from nominations.models import CriterionValue, Evidence, Nomination, Registration, Status, person_key
from nominations.rules import STAGE_ROLES
from nominations.services import ServiceError, judge_criterion, record_council_meeting, record_decision, register_unit
from nominations.workflow import Action, RoundRules, TransitionError, advance
from quotas.limits import QuotaExceeded

CHUNK = 500
COLLECTIVE_SHARE = 0.35  # of the nominations, when the round's forms allow both kinds
FAILING_SHARE = 0.08  # drafts with one mandatory criterion not met: they stay drafts
DEMO_PREFIX = "mo-phong"
NOT_ACCEPTED_REASON = "Thành tích chưa tiêu biểu so với các tập thể, cá nhân cùng khối; không đề nghị khen thưởng."

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lò", "Cầm", "Hà", "Quàng"]
MIDDLE = {"male": ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân"], "female": ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh"]}
GIVEN = {
    "male": ["An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn", "Việt", "Thắng"],
    "female": ["Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Lan", "Linh", "Mai", "Ngân", "Phương", "Thảo", "Trang", "Yến"],
}
POSITIONS = [
    "Chuyên viên",
    "Chuyên viên chính",
    "Phó Trưởng phòng",
    "Trưởng phòng",
    "Kỹ sư công nghệ thông tin",
    "Phó Giám đốc",
    "Cán bộ đầu mối chuyển đổi số",
]
ACHIEVEMENTS = [
    "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số được giao trong năm.",
    "Triển khai 100% dịch vụ công trực tuyến toàn trình thuộc thẩm quyền; số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
    "Đi đầu trong ứng dụng nền tảng số, xử lý hồ sơ công việc trên môi trường mạng, ký số văn bản điện tử.",
    "Tổ chức tập huấn kỹ năng số cho cán bộ và người dân; phát triển mô hình tổ công nghệ số cộng đồng.",
    "Có sáng kiến ứng dụng công nghệ thông tin được áp dụng hiệu quả trong ngành, lĩnh vực.",
]
LEVEL_OF_CATEGORY = {"ubnd_tinh": Level.TINH, "ubnd_huyen": Level.HUYEN, "phong_ban_thanh_pho": Level.HUYEN, "ubnd_xa": Level.XA}


class SimulationError(Exception):
    """The simulation cannot run (Vietnamese message)."""


@dataclass
class SimulationResult:
    nominations: int
    by_stage: dict
    by_status: dict
    refused_by_quota: int
    awarded: list
    ids: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {
            "nominations": self.nominations,
            "by_stage": self.by_stage,
            "by_status": self.by_status,
            "refused_by_quota": self.refused_by_quota,
            "awarded": self.awarded,
        }


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.VIETNAM)


def _person(rng: random.Random) -> tuple[str, str]:
    gender = rng.choice(("female", "male"))
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    return name, gender


# ---------------------------------------------------------------- criterion values


def criterion_value_for(criterion, rng, *, fail=False):
    """A value meeting the criterion (or, with `fail`, one that does not): (number, flag, text)."""
    if criterion.kind == CriterionKind.PERCENTAGE:
        t = criterion.threshold if criterion.threshold is not None else Decimal(0)
        op = criterion.operator
        if op in (Operator.GTE, Operator.GT):
            low = t + Decimal("0.01") if op == Operator.GT else t
            if fail:
                return (Decimal(rng.randint(0, max(0, int(t * 100) - 1))) / 100 if t > 0 else Decimal(0)), None, ""
            low = min(low, Decimal(100))
            return Decimal(rng.randint(int(low * 100), 10000)) / 100, None, ""
        if op == Operator.LTE:
            if fail and t < 100:
                return Decimal(rng.randint(int(t * 100) + 1, 10000)) / 100, None, ""
            return Decimal(rng.randint(0, int(t * 100))) / 100, None, ""
        if op == Operator.EQ:
            return (t - 1 if fail and t >= 1 else (t + 1 if fail else t)), None, ""
        return Decimal(100), None, ""
    if criterion.kind == CriterionKind.BOOLEAN:
        return None, not fail, ""
    if criterion.kind == CriterionKind.RANKING:
        accepted = list(criterion.accepted_values or [])
        if fail:
            others = [c for c in (criterion.choices or []) if c not in accepted]
            return None, None, (rng.choice(others) if others else "Không xếp hạng")
        return None, None, (rng.choice(accepted) if accepted else "")
    return None, None, "Thuyết minh thành tích, kèm minh chứng."


def _can_fail(criterion) -> bool:
    return criterion.mandatory and not criterion.priority and not criterion.alternative_group and criterion.kind in (
        CriterionKind.PERCENTAGE,
        CriterionKind.BOOLEAN,
        CriterionKind.RANKING,
    )


# ---------------------------------------------------------------- the world: units and accounts


class _World:
    def __init__(self, round_: Round, rng: random.Random):
        self.round = round_
        self.rng = rng
        self.stages = stages_of(round_)
        self.first = self.stages.first
        self.campaign = round_.campaign
        self.root = territory_root(self.campaign)
        self.officers: dict[int, object] = {}  # unit id → user acting as its officer
        self.stage_users: dict[int, object] = {}  # stage id → user acting there
        self.rules: RoundRules | None = None  # the round's rules read once for the run (share_rules)
        self.password = make_password(None)  # unusable: simulated accounts cannot log in

    # -- participants

    def categories(self) -> list[UnitCategory]:
        categories = list(
            UnitCategory.objects.filter(Q(criteria__round=self.round) | Q(quota_rules__round=self.round)).distinct().order_by("order", "code")
        )
        return categories or list(UnitCategory.objects.filter(code="so_ban_nganh"))

    def participants(self, categories) -> list[Unit]:
        units = territory_units(self.campaign, self.first.deadline)
        return list(units.filter(category__in=categories).select_related("category").order_by("code"))

    def create_demo_units(self, count: int, categories: list[UnitCategory], existing: list[Unit]) -> list[Unit]:
        """`count` more participants named "Đơn vị mô phỏng NNN", categories in turn; communes go under
        a district of the territory (so rounds where districts propose for communes see them)."""
        prefix = f"{DEMO_PREFIX}-{self.root.code}-"
        taken = Unit.objects.filter(code__startswith=prefix).count()
        districts = [u for u in existing if u.category.code == "ubnd_huyen"]
        first_pass, second_pass = [], []
        for i in range(count):
            number = taken + i + 1
            category = categories[i % len(categories)]
            unit = Unit(
                code=f"{prefix}{number:03d}",
                name=f"Đơn vị mô phỏng {number:03d}",
                short_name=f"DVMP{number:03d}",
                category=category,
                level=LEVEL_OF_CATEGORY.get(category.code, self.root.level),
                parent=self.root,
                place_name=self.root.place_name,
                history_note="Đơn vị mô phỏng (simulate_round).",
            )
            if category.code == "ubnd_xa":
                second_pass.append(unit)
            else:
                first_pass.append(unit)
                if category.code == "ubnd_huyen":
                    districts.append(unit)
        Unit.objects.bulk_create(first_pass)
        for index, unit in enumerate(second_pass):
            unit.parent = districts[index % len(districts)] if districts else self.root
        Unit.objects.bulk_create(second_pass)
        created = first_pass + second_pass
        by_pk = {u.pk: u for u in created}
        for unit in created:  # Unit.save() computes the path; bulk_create does not
            parent = by_pk.get(unit.parent_id, unit.parent)
            unit.path = f"{parent.path}{unit.pk}/"
        Unit.objects.bulk_update(created, ["path"], batch_size=CHUNK)
        return created

    # -- accounts

    def ensure_officers(self, units: list[Unit]):
        """The unit's first officer (by account id) acts for it; a unit without one gets a simulated account."""
        User = get_user_model()
        found = {}
        for chunk in _chunks([u.pk for u in units]):
            for membership in Membership.objects.filter(unit_id__in=chunk, role=Role.UNIT_OFFICER).select_related("user").order_by("user_id"):
                found.setdefault(membership.unit_id, membership.user)
        missing = [u for u in units if u.pk not in found]
        if missing:
            names = [f"{DEMO_PREFIX}.can-bo.{u.code}"[:150] for u in missing]
            existing = {u.username: u for u in User.objects.filter(username__in=names)}
            new = [User(username=n, password=self.password, first_name="Cán bộ", last_name="mô phỏng") for n in names if n not in existing]
            User.objects.bulk_create(new)
            users = {**existing, **{u.username: u for u in User.objects.filter(username__in=[n.username for n in new])}}
            Membership.objects.bulk_create(
                [Membership(user=users[n], unit=u, role=Role.UNIT_OFFICER) for n, u in zip(names, missing)], ignore_conflicts=True
            )
            for name, unit in zip(names, missing):
                found[unit.pk] = users[name]
        self.officers.update(found)

    def ensure_stage_accounts(self):
        User = get_user_model()
        for stage in self.stages.reviewing:
            role = STAGE_ROLES[stage.action][0]
            membership = (
                Membership.objects.filter(unit=stage.organisation, role=role).select_related("user").order_by("user_id").first()
            )
            if membership is None:
                user, _ = User.objects.get_or_create(
                    username=f"{DEMO_PREFIX}.{role}.{stage.organisation.code}"[:150],
                    defaults={"password": self.password, "first_name": "Cán bộ", "last_name": "mô phỏng"},
                )
                Membership.objects.get_or_create(user=user, unit=stage.organisation, role=role)
            else:
                user = membership.user
            # One object per account, so the permission cache on it serves every call.
            self.stage_users[stage.pk] = next((u for u in self.stage_users.values() if u.pk == user.pk), user)


# ---------------------------------------------------------------- the simulation


@in_vietnamese  # the history it writes (the refusals' reasons) is the round's record, not its caller's page
def simulate_round(
    *,
    round_: Round,
    nominations: int,
    seed: int = 0,
    leave_share: float = 0.0,
    return_share: float = 0.0,
    reject_share: float = 0.0,
    share_rules: bool = True,
) -> SimulationResult:
    """Create `nominations` nominations in `round_` and walk them through every stage.

    By default every nomination goes as far as the rules let it: reviewers try to approve all, and
    only the rules (criteria, quotas) stop them. For a demo with nominations in every state:
    `leave_share` is the share left waiting at each stage, `return_share` the share a reviewer
    returns to the unit, `reject_share` the share a reviewer does not accept (at the final stage:
    not awarded in the decision). `share_rules=False`: every advance() reads the round's rules
    itself instead of sharing one RoundRules (same result; a check, and a measure of the saving)."""
    if nominations < 1:
        raise SimulationError("Số hồ sơ mô phỏng phải từ 1 trở lên.")
    if not all(0 <= share < 1 for share in (leave_share, return_share, reject_share)):
        raise SimulationError("Tỷ lệ để lại / trả lại / không chấp thuận phải trong khoảng [0, 1).")
    round_ = Round.objects.select_related("campaign__issuer__category").get(pk=round_.pk)
    rng = random.Random(seed)
    world = _World(round_, rng)
    if len(world.stages) < 1 or not round_.award_forms.exists():
        raise SimulationError(f"Đợt '{round_.code}' chưa có bước xét hoặc hình thức khen thưởng.")
    if share_rules:
        world.rules = RoundRules.load(round_)
    with notifications.muted(), transaction.atomic():
        plan = _plan(world, nominations)
        ids = _create_drafts(world, plan)
        refused = _walk(world, ids, leave_share=leave_share, return_share=return_share, reject_share=reject_share)
    return _summary(world, ids, refused)


def _plan(world: _World, total: int) -> list[tuple]:
    """(kind, proposing unit, nominee unit, award form) for each nomination, with demo units and accounts as needed."""
    rng, round_ = world.rng, world.round
    if world.rules:
        forms = list(world.rules.award_forms)
        quota_forms = {rule.award_form_id for rule in world.rules.quota_rules}
    else:
        forms = list(round_.award_forms.order_by("order", "pk"))
        quota_forms = set(round_.quota_rules.values_list("award_form_id", flat=True))
    weights = {f.pk: 3 if f.pk in quota_forms else 1 for f in forms}
    collective_forms = [f for f in forms if f.for_collectives]
    individual_forms = [f for f in forms if f.for_individuals]
    if not collective_forms:
        n_collective = 0
    elif not individual_forms:
        n_collective = total
    else:
        n_collective = round(total * COLLECTIVE_SHARE)
    n_individual = total - n_collective

    categories = world.categories()
    units = world.participants(categories)
    taken = set(
        Nomination.objects.filter(round=round_, kind=NomineeKind.COLLECTIVE).exclude(status=Status.REJECTED).values_list("nominee_unit_id", flat=True)
    )

    def layout(units):
        ids = {u.pk for u in units}
        if round_.units_propose_for_children:
            proposing = [u for u in units if u.parent_id not in ids]
            children = defaultdict(list)
            for u in units:
                if u.parent_id in ids:
                    children[u.parent_id].append(u)
        else:
            proposing, children = units, {}
        slots = [(p, n) for p in proposing for n in [p, *children.get(p.pk, [])] if n.pk not in taken]
        return proposing, slots

    proposing, slots = layout(units)
    shortfall = max(n_collective - len(slots), 0 if proposing else 1)
    if shortfall:
        world.create_demo_units(shortfall, categories, units)
        units = world.participants(categories)
        proposing, slots = layout(units)
    world.ensure_officers(proposing)
    world.ensure_stage_accounts()

    def pick_form(candidates):
        return rng.choices(candidates, weights=[weights[f.pk] for f in candidates])[0]

    rng.shuffle(slots)
    plan = [(NomineeKind.COLLECTIVE, p, n, pick_form(collective_forms)) for p, n in slots[:n_collective]]
    plan += [(NomineeKind.INDIVIDUAL, p, p, pick_form(individual_forms)) for p in (rng.choice(proposing) for _ in range(n_individual))]
    rng.shuffle(plan)
    return plan


def _create_drafts(world: _World, plan) -> list[int]:
    rng, round_, first = world.rng, world.round, world.first
    if round_.registration_required:
        day = min(first.deadline, round_.registration_deadline or first.deadline) - dt.timedelta(days=1)
        registered = set(Registration.objects.filter(round=round_).values_list("unit_id", flat=True))
        with clock.frozen_at(_moment(day)):
            for unit in sorted({p for _, p, _, _ in plan}, key=lambda u: u.code):
                if unit.pk not in registered:
                    register_unit(round_=round_, unit=unit, actor=world.officers[unit.pk], pledge=round_.pledge_label or "Đăng ký thi đua thực hiện chuyển đổi số")

    serial = Nomination.objects.filter(round=round_, kind=NomineeKind.INDIVIDUAL).count()
    province = world.root.pk % 96 + 1
    criteria_cache = {}
    drafts, values = [], []
    for kind, proposing, nominee, form in plan:
        key = (kind, nominee.category_id, form.pk)
        if key not in criteria_cache:
            if world.rules:
                criteria_cache[key] = world.rules.criteria_for(nominee_kind=kind, category=nominee.category, award_form=form)
            else:
                criteria_cache[key] = list(criteria_for(round_=round_, nominee_kind=kind, category=nominee.category, award_form=form))
        criteria = criteria_cache[key]
        nomination = Nomination(
            round=round_,
            proposing_unit=proposing,
            kind=kind,
            nominee_unit=nominee,
            award_form=form,
            achievement_summary=rng.choice(ACHIEVEMENTS),
            eligibility_declared=True,
            stage=first,
            status=Status.DRAFT,
            created_by=world.officers[proposing.pk],
        )
        if kind == NomineeKind.INDIVIDUAL:
            serial += 1
            name, gender = _person(rng)
            birth_year = rng.randint(1966, 1998)
            nomination.full_name, nomination.gender, nomination.birth_year = name, gender, birth_year
            nomination.position = rng.choice(POSITIONS)
            # A 12-digit number shaped like a CCCD: province, century-and-sex digit, year of birth, serial.
            nomination.person_identifier = f"{province:03d}{1 if gender == 'female' else 0}{birth_year % 100:02d}{serial:06d}"
        failing = rng.random() < FAILING_SHARE
        can_fail = [c for c in criteria if _can_fail(c)]
        fail_code = rng.choice(can_fail).pk if failing and can_fail else None
        rows = []
        for criterion in criteria:
            number, flag, text = criterion_value_for(criterion, rng, fail=criterion.pk == fail_code)
            status = evaluation.evaluate(criterion, number=number, flag=flag, text=text)
            rows.append((criterion, CriterionValue(criterion=criterion, number=number, flag=flag, text=text, status=status)))
        overall, met, total = evaluation.summarise([(c, v.status) for c, v in rows])
        nomination.criteria_status, nomination.criteria_met, nomination.criteria_total = overall, met, total
        # What save() would keep; bulk_create does not call it.
        nomination.person_key = person_key(nomination.full_name, nomination.birth_year, nomination.nominee_unit_id)
        drafts.append(nomination)
        values.append([v for _, v in rows])

    Nomination.objects.bulk_create(drafts, batch_size=CHUNK)
    for nomination, rows in zip(drafts, values):
        for value in rows:
            value.nomination = nomination
    CriterionValue.objects.bulk_create([v for rows in values for v in rows], batch_size=CHUNK)
    _attach_required_evidence(world, drafts, criteria_cache)
    ids = [n.pk for n in drafts]
    created_at = _moment(first.deadline - dt.timedelta(days=7), 9)
    for chunk in _chunks(ids):
        Nomination.objects.filter(pk__in=chunk).update(created_at=created_at)
    return ids


def _attach_required_evidence(world: _World, drafts, criteria_cache) -> None:
    """Each draft gets the file its "bắt buộc · cần tệp minh chứng" criteria need before it can be
    submitted (nominations.guards_evidence): one stored one-page PDF, one Evidence row per criterion."""
    rows = []
    stored = pdf = None
    for nomination in drafts:
        key = (nomination.kind, nomination.nominee_unit.category_id, nomination.award_form_id)
        for criterion in criteria_cache[key]:
            if not requires_evidence(criterion):
                continue
            if stored is None:
                pdf = blank_pdf()
                stored = default_storage.save(f"private/evidence/{world.round.pk}/{uuid.uuid4().hex}", ContentFile(pdf))
            rows.append(Evidence(
                nomination=nomination, criterion=criterion, file=stored, original_name=f"minh-chung-{criterion.code}.pdf",
                content_type="application/pdf", size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
                uploaded_by=nomination.created_by,
            ))
    Evidence.objects.bulk_create(rows, batch_size=CHUNK)


def blank_pdf() -> bytes:
    """A valid one-page PDF (blank A4) written with pypdf."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _at_stage(ids, stage, statuses):
    found = []
    for chunk in _chunks(ids):
        found += list(
            Nomination.objects.filter(pk__in=chunk, stage=stage, status__in=statuses)
            .select_related("award_form__vote_rule", "stage", "round")
            .order_by("pk")
        )
    return found


def _votes(rule, members: int) -> int:
    """Enough 'đồng ý' of all members to pass the rule (strict: more than the share)."""
    share = members * rule.approval_numerator / rule.approval_denominator
    return math.floor(share) + 1 if rule.approval_strict else math.ceil(share)


def _hold_council(world: _World, *, actor, stage, unit, nominations, day):
    if not nominations:
        return
    rng = world.rng
    members = rng.randint(7, 15)
    chair, _ = _person(rng)
    secretary, _ = _person(rng)
    data = {
        "date": day,
        "start_time": dt.time(8),
        "end_time": dt.time(10, 30),
        "place": f"Phòng họp {unit.name}",
        "chair": chair,
        "secretary": secretary,
        "members_total": members,
        "members_present": members,
        "written_opinions": 0,
    }
    for chunk in _chunks(nominations, 2000):
        votes = {n.pk: rng.randint(min(_votes(n.award_form.vote_rule, members), members), members) for n in chunk}
        record_council_meeting(actor=actor, stage=stage, unit=unit, data=data, votes=votes)


def _is_quota(error: Exception) -> bool:
    return isinstance(error.__cause__, QuotaExceeded)


def _walk(world: _World, ids, *, leave_share, return_share, reject_share) -> int:
    rng, stages = world.rng, world.stages
    refused = 0

    # Stage 1: each unit's council votes, then the unit submits what meets the criteria.
    first = world.first
    with clock.frozen_at(_moment(first.deadline - dt.timedelta(days=1))):
        drafts = [n for n in _at_stage(ids, first, [Status.DRAFT]) if n.criteria_status != "not_met"]
        drafts = [n for n in drafts if rng.random() >= leave_share]
        by_unit = defaultdict(list)
        for n in drafts:
            by_unit[n.proposing_unit_id].append(n)
        units = {u.pk: u for u in Unit.objects.filter(pk__in=by_unit.keys())}
        for unit_id in sorted(by_unit):
            _hold_council(
                world, actor=world.officers[unit_id], stage=first, unit=units[unit_id], nominations=by_unit[unit_id],
                day=first.deadline - dt.timedelta(days=3),
            )
        rng.shuffle(drafts)
        for nomination in drafts:
            try:
                advance(nomination, Action.SUBMIT, actor=world.officers[nomination.proposing_unit_id], round_rules=world.rules)
            except TransitionError as error:
                refused += _is_quota(error)  # refused at submission: the draft stays with the unit

    # Later stages: judge what awaits the council, hold the stage council, approve; refused → not approved.
    for stage in stages.reviewing:
        actor = world.stage_users[stage.pk]
        final = stages.is_last(stage)
        day = stage.deadline - dt.timedelta(days=1)
        with clock.frozen_at(_moment(day)):
            waiting = [n for n in _at_stage(ids, stage, [Status.IN_REVIEW]) if rng.random() >= leave_share]
            returned = [n for n in waiting if rng.random() < return_share]
            for nomination in returned:
                advance(
                    nomination, Action.RETURN, actor=actor, comment="Đề nghị bổ sung minh chứng, số liệu tiêu chí và biên bản họp Hội đồng.",
                    round_rules=world.rules,
                )
            returned_ids = {n.pk for n in returned}
            waiting = [n for n in waiting if n.pk not in returned_ids]
            not_accepted = [n for n in waiting if rng.random() < reject_share]
            not_accepted_ids = {n.pk for n in not_accepted}
            waiting = [n for n in waiting if n.pk not in not_accepted_ids]
            if not final:
                for nomination in not_accepted:
                    _reject(world, nomination, actor, NOT_ACCEPTED_REASON)
            _judge_pending(waiting, actor)
            if stage.holds_council:
                _hold_council(world, actor=actor, stage=stage, unit=stage.organisation, nominations=waiting, day=stage.deadline - dt.timedelta(days=2))
            rng.shuffle(waiting)
            if final:
                refused += _decide(world, stage, actor, waiting, day, not_awarded=not_accepted)
                continue
            for nomination in waiting:
                try:
                    advance(nomination, Action.APPROVE, actor=actor, round_rules=world.rules)
                except TransitionError as error:
                    refused += _is_quota(error)
                    _reject(world, nomination, actor, str(error))
    return refused


def _judge_pending(nominations, actor):
    by_id = {n.pk: n for n in nominations}
    for chunk in _chunks(list(by_id)):
        pending = CriterionValue.objects.filter(nomination_id__in=chunk, status="pending").select_related("criterion").order_by("nomination_id", "pk")
        for value in pending:
            judge_criterion(nomination=by_id[value.nomination_id], criterion_value=value, judgement=evaluation.MET, actor=actor)


def _reject(world: _World, nomination, actor, reason):
    try:
        advance(nomination, Action.REJECT, actor=actor, comment=reason, round_rules=world.rules)
    except TransitionError:
        pass  # left where it is


def _decide(world: _World, stage, actor, nominations, day, *, not_awarded) -> int:
    """The chairman's office records one decision for the awards (and the ones not awarded, with
    the reason) and forwards the proposals upward."""
    refused = 0
    awards = [n for n in nominations if n.award_form.outcome == AwardOutcome.AWARD]
    proposals = [n for n in nominations if n.award_form.outcome != AwardOutcome.AWARD]
    for nomination in proposals:
        try:
            advance(nomination, Action.APPROVE, actor=actor, comment="Đề nghị cấp có thẩm quyền khen thưởng.", round_rules=world.rules)
        except TransitionError as error:
            refused += _is_quota(error)
            _reject(world, nomination, actor, str(error))
    if not awards and not not_awarded:
        return refused
    from nominations.models import AwardDecision

    number = world.rng.randint(100, 4999)
    used = set(AwardDecision.objects.filter(round=world.round).values_list("number", flat=True))
    while f"{number}/QĐ-UBND" in used:
        number += 1
    signer, _ = _person(world.rng)
    kwargs = dict(
        actor=actor, round_=world.round, number=f"{number}/QĐ-UBND", date=day, signer=signer,
        signer_title=f"Chủ tịch {stage.organisation.name}",
    )
    reasons = {n.pk: NOT_ACCEPTED_REASON for n in not_awarded}
    try:
        record_decision(nominations=awards, not_awarded=reasons, round_rules=world.rules, **kwargs)
    except ServiceError:
        # One of them cannot be approved: record the decision for those that can, one by one.
        decision = record_decision(nominations=[], **kwargs)
        for nomination in awards:
            try:
                advance(
                    nomination, Action.APPROVE, actor=actor, comment=f"Quyết định số {decision.number}", decision=decision,
                    round_rules=world.rules,
                )
            except TransitionError as error:
                refused += _is_quota(error)
                _reject(world, nomination, actor, str(error))
        for nomination in not_awarded:
            _reject(world, nomination, actor, NOT_ACCEPTED_REASON)
    return refused


def _summary(world: _World, ids, refused) -> SimulationResult:
    by_stage = {str(s.order): 0 for s in world.stages}
    by_status = {value: 0 for value in Status.values}
    awarded = Counter()
    for chunk in _chunks(ids):
        rows = Nomination.objects.filter(pk__in=chunk)
        for row in rows.values("stage__order").annotate(n=Count("id")):
            by_stage[str(row["stage__order"])] += row["n"]
        for row in rows.values("status").annotate(n=Count("id")):
            by_status[row["status"]] += row["n"]
        for row in (
            rows.filter(status=Status.AWARDED)
            .values("award_form__code", "kind", "nominee_unit__category__code", "proposing_unit__code")
            .annotate(n=Count("id"))
        ):
            awarded[(row["award_form__code"], row["kind"], row["nominee_unit__category__code"], row["proposing_unit__code"])] += row["n"]
    return SimulationResult(
        nominations=len(ids),
        by_stage=by_stage,
        by_status=by_status,
        refused_by_quota=refused,
        awarded=[
            {"award_form": f, "nominee_kind": k, "category": c, "unit": u, "count": n}
            for (f, k, c, u), n in sorted(awarded.items())
        ],
        ids=list(ids),
    )
