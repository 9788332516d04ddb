"""One spec per entity of a campaign's rules: its fields as the data files name them, how each is
checked, written to its model, read back, and shown in the audit JSON.

The loader (`campaigns.services.loading`: validation and writing), the audit (`campaign_rules
--json`, `campaigns.selectors.campaign_rules`), the export (`export_campaign`) and the campaign
editor all iterate these specs: a new field of a round, a stage, an award form, a criterion or a
quota rule is declared once, here, with the Vietnamese label the editor shows.

Source of truth: the database. A data file seeds a campaign; once the campaign is edited in the
portal (or the admin), `load_campaigns` refuses to overwrite it unless told to
(`campaigns.services.loading`, `Campaign.loaded_digest`), and `export_campaign` writes the edited
rules back in the data files' format.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from campaigns.models import (
    AwardOutcome,
    Campaign,
    CampaignDocument,
    CampaignTarget,
    EligibilityCondition,
    EligibilityKind,
    LegalDocumentKind,
    Level,
    NomineeKind,
    PublicationStatus,
    ReportForm,
    Round,
    RoundAwardForm,
    RoundKind,
    Stage,
    StageAction,
    Unit,
)
from criteria.models import Criterion, CriterionKind, Operator
from quotas.models import (
    QuotaAllocation,
    QuotaCategoryOf,
    QuotaException,
    QuotaNomineeKind,
    QuotaRule,
    QuotaScope,
    QuotaShareMapping,
    QuotaStep,
)

MISSING = object()
PERCENT_OPERATORS = [Operator.GTE, Operator.GT, Operator.EQ, Operator.LTE]

DEFAULT_DOSSIER_SOURCE = (
    "Hồ sơ trình gồm biên bản xét khen thưởng của Hội đồng Thi đua - Khen thưởng cấp trình khen thưởng "
    "(Nghị định 98/2023/NĐ-CP, 152/2025/NĐ-CP; shared/law/bien-ban-hoi-dong.md): biên bản của chính bước "
    "khi bước họp Hội đồng, và biên bản của bước họp Hội đồng gần nhất trước đó."
)


@dataclass
class SpecContext:
    """What the checks and the writing look codes up in. For the checks, sets of known codes; for
    the writing, functions from a code to its row (`unit`, `category`, ...). `award_forms` are the
    current round's (codes when checking, rows when writing); `stages` the round's stage entries."""

    units: Any = dataclass_field(default_factory=set)
    categories: Any = dataclass_field(default_factory=set)
    vote_rules: Any = dataclass_field(default_factory=set)
    legal_bases: Any = dataclass_field(default_factory=set)
    award_forms: Any = dataclass_field(default_factory=dict)
    allocations: Any = dataclass_field(default_factory=dict)
    quota_rules: Any = dataclass_field(default_factory=dict)
    stages: list = dataclass_field(default_factory=list)
    quotas: dict = dataclass_field(default_factory=dict)  # the round's quota entries by code (checks)
    allocation_kind: str = ""  # the nominee kind of the allocation whose mappings are checked or written
    resolve: Callable[[str, str], Any] | None = None  # (kind, code) -> row, when writing

    ROUND_KINDS = ("award_forms", "allocations", "quota_rules")  # codes of the round itself

    def row(self, kind: str, code: str):
        if kind in self.ROUND_KINDS:
            return getattr(self, kind)[code]
        return self.resolve(kind, code)


# ---------------------------------------------------------------- field types


class FieldType:
    """A value's type: `check` returns problems (Vietnamese, without the entry's name), `write`
    the model's values, `read` the data file's value from a row, `audit` the JSON's value."""

    m2m = False

    def check(self, field: "Field", value, ctx: SpecContext) -> list[str]:
        return []

    def write(self, field: "Field", value, ctx: SpecContext) -> dict:
        return {field.attr: value}

    def read(self, field: "Field", obj):
        return getattr(obj, field.attr)

    def audit(self, field: "Field", obj):
        return self.read(field, obj)


class Text(FieldType):
    def __init__(self, *, strip=False):
        self.strip = strip

    def write(self, field, value, ctx):
        value = "" if value is None else value
        return {field.attr: value.strip() if self.strip and isinstance(value, str) else value}


class Date(FieldType):
    def check(self, field, value, ctx):
        if not isinstance(value, dt.date):
            return [f"'{field.name}' phải là ngày dạng YYYY-MM-DD (nhận được '{value}')"]
        return []

    def audit(self, field, obj):
        value = self.read(field, obj)
        return value.isoformat() if value else None


class Bool(FieldType):
    def check(self, field, value, ctx):
        if not isinstance(value, bool):
            return [f"'{field.name}' phải là true hoặc false (nhận được '{value}')"]
        return []

    def write(self, field, value, ctx):
        return {field.attr: bool(value)}


class Count(FieldType):
    def __init__(self, minimum=0):
        self.minimum = minimum

    def check(self, field, value, ctx):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"'{field.name}' phải là số nguyên (nhận được '{value}')"]
        if value < 0:
            return [f"'{field.name}' không được âm ({value})"]
        if value < self.minimum:
            return [f"'{field.name}' phải từ {self.minimum} trở lên"]
        return []


class Choice(FieldType):
    """One value of a fixed set: a list, or a TextChoices class (its labels shown in the editor)."""

    def __init__(self, choices, message=""):
        if isinstance(choices, type):
            self.labels = {value: str(label) for value, label in choices.choices}
            choices = choices.values
        else:
            self.labels = {}
        self.choices, self.message = list(choices), message

    def check(self, field, value, ctx):
        if value not in self.choices:
            if self.message:
                return [self.message.format(value=value, choices=", ".join(c for c in self.choices if c))]
            return [f"'{field.name}' không hợp lệ: '{value}' (chọn một trong: {', '.join(sorted(self.choices))})"]
        return []

    def write(self, field, value, ctx):
        return {field.attr: value or ""}


def as_number(value):
    """A stored decimal as the data files write it: 80, not 80.00; 12.5 stays 12.5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class Number(FieldType):
    """A figure with two decimals (thresholds); `check` is the entry's (see PercentageCheck)."""

    def write(self, field, value, ctx):
        return {field.attr: Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None}

    def read(self, field, obj):
        return as_number(getattr(obj, field.attr))


class StringList(FieldType):
    def check(self, field, value, ctx):
        if not isinstance(value, list):
            return [f"'{field.name}' phải là một danh sách"]
        return []

    def write(self, field, value, ctx):
        return {field.attr: list(value or [])}

    def read(self, field, obj):
        return list(getattr(obj, field.attr) or [])


class ChoiceList(FieldType):
    """A list of values each from a fixed set (an award form's granting levels)."""

    def __init__(self, choices):
        self.choices = list(choices)

    def check(self, field, value, ctx):
        if not isinstance(value, list):
            return [f"'{field.name}' phải là một danh sách"]
        return [
            f"'{field.name}' không hợp lệ: '{v}' (chọn một trong: {', '.join(sorted(self.choices))})" for v in value if v not in self.choices
        ]

    def write(self, field, value, ctx):
        return {field.attr: list(value or [])}

    def read(self, field, obj):
        return list(getattr(obj, field.attr) or [])


class Ref(FieldType):
    """A code naming a row of another table: a unit, a vote rule, a legal basis, an award form of
    the round. `missing` is the problem when the code is unknown ({code} is replaced)."""

    def __init__(self, kind, missing):
        self.kind, self.missing = kind, missing

    def check(self, field, value, ctx):
        if value not in getattr(ctx, self.kind):
            return [self.missing.format(code=value)]
        return []

    def write(self, field, value, ctx):
        return {field.attr: ctx.row(self.kind, value) if value else None}

    def read(self, field, obj):
        row = getattr(obj, field.attr)
        return row.code if row is not None else None


class RefList(Ref):
    """A list of codes (categories, award forms of the round): a many-to-many."""

    m2m = True

    def check(self, field, value, ctx):
        if not isinstance(value, list):
            return [f"'{field.name}' phải là danh sách mã"]
        return [self.missing.format(code=code) for code in value if code not in getattr(ctx, self.kind)]

    def write(self, field, value, ctx):
        return {field.attr: [ctx.row(self.kind, code) for code in value or []]}

    def read(self, field, obj):
        return [row.code for row in getattr(obj, field.attr).all()]


class NomineeKinds(FieldType):
    """An award form's nominees (`collective`, `individual`): two flags on the row."""

    def check(self, field, value, ctx):
        if not isinstance(value, list) or not value or any(k not in NomineeKind.values for k in value):
            return [f"'nominee_kinds' không hợp lệ: {value}"]
        return []

    def write(self, field, value, ctx):
        return {"for_collectives": NomineeKind.COLLECTIVE in value, "for_individuals": NomineeKind.INDIVIDUAL in value}

    def read(self, field, obj):
        return [k for k, on in ((NomineeKind.COLLECTIVE.value, obj.for_collectives), (NomineeKind.INDIVIDUAL.value, obj.for_individuals)) if on]


class NoShare(FieldType):
    """A share mapping that gives its category nothing (`no_share: true`): no share on the row."""

    def check(self, field, value, ctx):
        return Bool().check(field, value, ctx)

    def write(self, field, value, ctx):
        return {}

    def read(self, field, obj):
        return obj.share_id is None


class DossierMinutes(FieldType):
    def check(self, field, value, ctx):
        return [] if isinstance(value, list) else ["'dossier_minutes' phải là danh sách thứ tự các bước"]

    def write(self, field, value, ctx):
        return {field.attr: [int(order) for order in value or []]}

    def read(self, field, obj):
        return list(obj.dossier_minutes or [])


# ---------------------------------------------------------------- fields and entities


@dataclass(frozen=True)
class Field:
    """`name` is the key in the data file, dotted when nested (`registration.deadline`); `attr`
    the model's attribute; `default` the value when the file leaves the key out (a function of
    the entry and the context when it depends on them); `audit` the key in the audit JSON
    (dotted when nested; None: not shown there); `audit_blank` what the audit shows for ""."""

    name: str
    attr: str | None = None
    type: FieldType = dataclass_field(default_factory=Text)
    label: str = ""
    required: bool = False
    default: Any = MISSING
    missing: str = ""  # the problem when a required value is missing, if not "thiếu '<name>'"
    audit: str | None | object = MISSING
    audit_blank: Any = ""

    @property
    def model_attr(self):
        return self.attr or self.name.split(".")[-1]

    @property
    def audit_key(self):
        return self.name if self.audit is MISSING else self.audit

    def value_in(self, entry: dict):
        value = entry
        for part in self.name.split("."):
            if not isinstance(value, dict):
                return MISSING
            value = value.get(part, MISSING)
            if value is MISSING:
                return MISSING
        return value

    def default_for(self, entry: dict, ctx: SpecContext):
        return self.default(entry, ctx) if callable(self.default) else self.default


@dataclass(frozen=True)
class Child:
    """A list of entries under an entity (a round's stages, a quota rule's exceptions)."""

    name: str
    spec: "EntitySpec"
    required: bool = False


@dataclass(frozen=True)
class EntitySpec:
    """One entity: its model, its fields, its children, the key that names an entry in problems
    (`label_key`), the keys that identify its row (`identity`), and the checks that look at
    several fields at once (`checks`: functions (entry, ctx) -> problems)."""

    name: str
    model: type
    fields: tuple[Field, ...]
    label: str
    identity: tuple[str, ...] = ("code",)
    label_key: str = "code"
    children: tuple[Child, ...] = ()
    checks: tuple[Callable, ...] = ()
    ordered: bool = True  # the row keeps the entry's position in `order`
    duplicate: str = "mã {label} trùng lặp"  # the problem when two entries share the identity
    prepare: Callable | None = None  # (entry, ctx): what the children's checks look up (a round's forms)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    # ---- checking

    def problems(self, entry, ctx: SpecContext, where: str) -> list[tuple[str, str]]:
        """(where, problem) for one entry and its children."""
        if not isinstance(entry, dict):
            return [(where, "mục phải là một bảng (mapping)")]
        found, here = [], where or self.label
        if self.prepare:
            self.prepare(entry, ctx)
        for f in self.fields:
            value = f.value_in(entry)
            if value is MISSING or value is None or value == "":
                if f.required:
                    found.append((here, f.missing or f"thiếu '{f.name}'"))
                continue
            found += [(here, p) for p in f.type.check(f, value, ctx)]
        for child in self.children:
            entries = entry.get(child.name)
            if not entries:
                if child.required:
                    found.append((here, f"thiếu '{child.name}'"))
                continue
            if not isinstance(entries, list):
                found.append((here, f"'{child.name}' phải là một danh sách"))
                continue
            found += child.spec.list_problems(entries, ctx, f"{where}.{child.name}" if where else child.name)
        for check in self.checks:
            found += [(here, p) for p in check(entry, ctx)]
        return found

    def list_problems(self, entries: list, ctx: SpecContext, where: str) -> list[tuple[str, str]]:
        found, seen = [], set()
        for i, entry in enumerate(entries):
            label = entry.get(self.label_key) if isinstance(entry, dict) else None
            w = f"{where}[{i}] ({label})"
            if isinstance(entry, dict) and len(self.identity) == 1:
                key = entry.get(self.identity[0])
                if key in seen:
                    found.append((w, self.duplicate.format(label=self.label, value=key)))
                seen.add(key)
            found += self.problems(entry, ctx, w)
        return found

    # ---- writing

    def model_values(self, entry: dict, ctx: SpecContext, *, leave_out=()) -> tuple[dict, dict]:
        """(values, many-to-many) of an entry's row; a key the entry leaves out takes its default."""
        values, m2m = {}, {}
        for f in self.fields:
            if f.name in self.identity or f.name in leave_out:
                continue
            value = f.value_in(entry)
            if value is MISSING or value is None or (value == "" and f.default is not MISSING):
                value = f.default_for(entry, ctx) if f.default is not MISSING else None
            written = f.type.write(_with_attr(f), value, ctx)
            (m2m if f.type.m2m else values).update(written)
        return values, m2m

    # ---- copying (clone_round)

    def copy_values(self, obj) -> tuple[dict, dict]:
        """A row's own values, to copy it into another round: foreign keys as ids, many-to-many as
        lists of rows. The caller overrides what the copy changes (its round, dates, successors)."""
        values, m2m = {}, {}
        for f in self.fields:
            kind, attr = f.type, f.model_attr
            if isinstance(kind, NoShare):
                continue
            if isinstance(kind, NomineeKinds):
                values.update(for_collectives=obj.for_collectives, for_individuals=obj.for_individuals)
            elif isinstance(kind, RefList):
                m2m[attr] = list(getattr(obj, attr).all())
            elif isinstance(kind, Ref):
                values[f"{attr}_id"] = getattr(obj, f"{attr}_id")
            else:
                value = getattr(obj, attr)
                values[attr] = list(value) if isinstance(value, list) else value
        if self.ordered:
            values["order"] = obj.order
        return values, m2m

    # ---- reading back

    def to_data(self, obj, ctx: SpecContext | None = None) -> dict:
        """The entry a data file holds for this row: every field whose value is not its default
        (`ctx.stages`: the stages exported before this one, for the defaults that depend on them)."""
        entry: dict = {}
        ctx = ctx or SpecContext()
        for f in self.fields:
            value = f.type.read(_with_attr(f), obj)
            if f.name not in self.identity and f.default is not MISSING:
                try:
                    default = f.default_for(entry, ctx)
                except (KeyError, TypeError):
                    default = MISSING
                if value == default or (default is None and value in ("", [], None)):
                    continue
            elif value in (None, "", []) and not f.required:
                continue
            _put(entry, f.name, value)
        return entry

    def audit(self, obj) -> dict:
        """The audit JSON's entry for this row (`campaign_rules --json`)."""
        row: dict = {}
        for f in self.fields:
            if f.audit_key is None:
                continue
            value = f.type.audit(_with_attr(f), obj)
            if value == "" and f.audit_blank != "":
                value = f.audit_blank
            _put(row, f.audit_key, value)
        return row


def _with_attr(f: Field) -> Field:
    return f if f.attr else Field(name=f.name, attr=f.model_attr, type=f.type)


def _put(target: dict, dotted: str, value):
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


# ---------------------------------------------------------------- checks over several fields


def _percentage_problems(entry: dict, *, required: bool, name: str) -> list[str]:
    """`operator` and `threshold` of a percentage (a criterion's, a campaign target's): the
    operator one of ≥ > = ≤, the threshold a finite number from 0 to 100. `required`: both must be
    there (a percentage criterion); a target may state neither. `name` names the figure."""
    found = []
    operator, threshold = entry.get("operator"), entry.get("threshold")
    if required or operator:
        found += Choice(PERCENT_OPERATORS).check(Field("operator"), operator, SpecContext())
    if threshold is None:
        if required:
            found.append("tiêu chí tỷ lệ cần 'threshold'")
        return found
    try:
        value = Decimal(str(threshold))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        found.append(f"{name} phải là số (nhận được '{threshold}')")
    elif value < 0 or value > 100:
        found.append(f"ngưỡng tỷ lệ phải từ 0 đến 100% (nhận được {threshold})")
    return found


def _criterion_checks(entry, ctx):
    found = []
    if entry.get("kind") == CriterionKind.PERCENTAGE:
        found += _percentage_problems(entry, required=True, name="ngưỡng")
    if entry.get("kind") == CriterionKind.RANKING:
        if not entry.get("accepted_values"):
            found.append("tiêu chí xếp hạng cần 'accepted_values'")
        choices = entry.get("choices") or []
        found += [f"mức đạt '{v}' không có trong 'choices'" for v in entry.get("accepted_values") or [] if choices and v not in choices]
    return found


def _target_checks(entry, ctx):
    return _percentage_problems(entry, required=False, name="giá trị")


def _document_checks(entry, ctx):
    found = []
    if not entry.get("number") and not entry.get("note"):
        found.append("văn bản không có số phải có 'note' giải thích")
    if entry.get("date") is None and not entry.get("note"):
        found.append("thiếu 'date'")
    return found


def _stage_checks(entry, ctx):
    found = []
    if not entry.get("organisation") and entry.get("action") != StageAction.UNIT_COUNCIL:
        found.append("chỉ bước 'unit_council' được để trống cơ quan thực hiện")
    orders = {s.get("order") for s in ctx.stages if isinstance(s, dict)}
    wanted = entry.get("dossier_minutes", [])
    for order in wanted if isinstance(wanted, list) else []:
        if order not in orders or not isinstance(entry.get("order"), int) or order > entry["order"]:
            found.append(f"'dossier_minutes' chỉ gồm thứ tự của bước này hoặc bước trước nó (nhận được {order})")
    return found


def _quota_checks(entry, ctx):
    found = []
    if "limit" not in entry:
        found.append("thiếu 'limit'")
    if entry.get("scope") == QuotaScope.CATEGORY and not entry.get("categories"):
        found.append("phạm vi 'category' cần danh sách 'categories'")
    return found


def _exception_checks(entry, ctx):
    return [] if "limit" in entry else ["thiếu 'limit'"]


def _round_checks(entry, ctx):
    found = []
    if entry.get("report_form") and not entry.get("report_form_source"):
        found.append("'report_form' phải kèm 'report_form_source' (điều, khoản của văn bản yêu cầu mẫu này)")
    if entry.get("summary_report_required") is True and not entry.get("summary_report_source"):
        found.append("'summary_report_required' phải kèm 'summary_report_source' (điều, khoản của văn bản yêu cầu báo cáo tóm tắt)")
    stages = entry.get("stages")
    if isinstance(stages, list) and stages and isinstance(stages[0], dict):
        if stages[0].get("action") != StageAction.UNIT_COUNCIL:
            found.append("bước đầu tiên phải là 'unit_council' (đơn vị đề nghị)")
    elif not stages:
        found.append("đợt phải có ít nhất một bước xét")
    return found


def _prepare_round(entry, ctx):
    """A round's quotas and criteria name its own award forms; its stages' minutes its own stages."""
    forms = entry.get("award_forms")
    ctx.award_forms = {f.get("code") for f in forms if isinstance(f, dict)} if isinstance(forms, list) else set()
    stages = entry.get("stages")
    ctx.stages = [s for s in stages if isinstance(s, dict)] if isinstance(stages, list) else []
    quotas = entry.get("quotas")
    ctx.quotas = {q.get("code"): q for q in quotas if isinstance(q, dict)} if isinstance(quotas, list) else {}
    allocations = entry.get("allocations")
    ctx.allocations = {a.get("code") for a in allocations if isinstance(a, dict)} if isinstance(allocations, list) else set()
    ctx.quota_rules = set(ctx.quotas)


def holds_council_by_default(entry, ctx=None) -> bool:
    return entry.get("action") == StageAction.UNIT_COUNCIL


def _holds_council(stage: dict) -> bool:
    held = stage.get("holds_council")
    return bool(held) if held is not None else holds_council_by_default(stage)


def dossier_minutes(stages: list[dict], stage: dict) -> list[int]:
    """The stages whose council minutes a stage's dossier carries: `dossier_minutes` as the data file
    gives it, else its own (when it holds a council) and, for a stage after the first, the nearest
    earlier stage that held one (the level that proposed: "biên bản của cấp trình khen thưởng")."""
    if stage.get("dossier_minutes") is not None:
        return [int(order) for order in stage["dossier_minutes"] or []]
    orders = [stage["order"]] if _holds_council(stage) else []
    earlier = sorted((s for s in stages if s["order"] < stage["order"] and _holds_council(s)), key=lambda s: s["order"])
    if earlier and stage.get("action") != StageAction.UNIT_COUNCIL:
        orders.append(earlier[-1]["order"])
    return sorted(set(orders))


def _default_minutes(entry, ctx):
    stages = ctx.stages or [entry]
    without = {k: v for k, v in entry.items() if k != "dossier_minutes"}
    return dossier_minutes([s if s.get("order") != entry.get("order") else without for s in stages], without)


def _default_operator(entry, ctx):
    return Operator.IN.value if entry.get("kind") == CriterionKind.RANKING else ""


def _default_mandatory(entry, ctx):
    return not entry.get("priority", False)


UNIT_MISSING = "đơn vị không tồn tại: '{code}'"
CATEGORY_MISSING = "khối không tồn tại: '{code}'"
FORM_MISSING = "hình thức khen thưởng không có trong đợt: '{code}'"


AWARD_FORM = EntitySpec(
    name="award_forms",
    model=RoundAwardForm,
    label="hình thức",
    fields=(
        Field("code", label="Mã", required=True),
        Field("name", label="Hình thức khen thưởng", required=True),
        Field("granted_by", label="Thẩm quyền khen thưởng", required=True),
        Field("nominee_kinds", attr="for_collectives", type=NomineeKinds(), label="Tặng cho", default=lambda e, c: list(NomineeKind.values)),
        Field("dossier_copies", type=Count(minimum=1), label="Số bộ hồ sơ", default=1),
        Field("copies_source", label="Nguồn (số bộ hồ sơ)", default=""),
        Field(
            "vote_rule", type=Ref("vote_rules", "quy tắc biểu quyết không tồn tại: '{code}'"), label="Quy tắc biểu quyết",
            required=True,
        ),
        Field("outcome", type=Choice(AwardOutcome), label="Kết quả tại bước cuối", default=AwardOutcome.AWARD.value),
        Field("basis_clause", label="Căn cứ khen thưởng (điều, khoản)", default=""),
        Field("granting_levels", type=ChoiceList(Level.values), label="Cấp của người tặng", default=None),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
)

STAGE = EntitySpec(
    name="stages",
    model=Stage,
    label="bước",
    identity=("order",),
    label_key="name",
    ordered=False,
    duplicate="thứ tự bước trùng lặp: {value}",
    fields=(
        Field("order", type=Count(), label="Thứ tự", required=True),
        Field("name", label="Tên bước", required=True),
        Field("organisation", type=Ref("units", "cơ quan thực hiện không tồn tại: '{code}'"), label="Cơ quan thực hiện", default=None),
        Field("action", type=Choice(StageAction), label="Việc thực hiện", required=True),
        Field("deadline", type=Date(), label="Hạn chót", required=True, missing="bước xét không có hạn chót ('deadline')"),
        Field("deadline_stated", type=Bool(), label="Hạn do văn bản ghi", default=True),
        Field("holds_council", type=Bool(), label="Họp Hội đồng TĐKT", default=holds_council_by_default),
        Field("council_of", type=Ref("units", "'council_of' không tồn tại: '{code}'"), label="Hội đồng của", default=None),
        Field("dossier_minutes", type=DossierMinutes(), label="Biên bản trong hồ sơ (thứ tự bước)", default=_default_minutes),
        Field("dossier_source", label="Nguồn (thành phần hồ sơ)", default=DEFAULT_DOSSIER_SOURCE),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    checks=(_stage_checks,),
)

ELIGIBILITY = EntitySpec(
    name="eligibility",
    model=EligibilityCondition,
    label="điều kiện",
    fields=(
        Field("code", label="Mã", required=True),
        Field("label", label="Điều kiện", required=True),
        Field("kind", type=Choice(EligibilityKind), label="Loại", required=True),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
)

QUOTA_EXCEPTION = EntitySpec(
    name="exceptions",
    model=QuotaException,
    label="ngoại lệ",
    identity=("unit",),
    label_key="unit",
    ordered=False,
    duplicate="đơn vị có hai ngoại lệ: '{value}'",
    fields=(
        Field("unit", type=Ref("units", UNIT_MISSING), label="Đơn vị", required=True),
        Field("limit", type=Count(), label="Số lượng tối đa"),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    checks=(_exception_checks,),
)

QUOTA_RULE = EntitySpec(
    name="quotas",
    model=QuotaRule,
    label="quy định số lượng",
    fields=(
        Field("code", label="Mã", required=True),
        Field("label", label="Tên quy định", default=""),
        Field("award_form", type=Ref("award_forms", FORM_MISSING), label="Hình thức khen thưởng", required=True),
        Field("nominee_kind", type=Choice(QuotaNomineeKind), label="Đối tượng", required=True),
        Field("scope", type=Choice(QuotaScope), label="Phạm vi", required=True),
        Field("categories", type=RefList("categories", CATEGORY_MISSING), label="Khối", default=None),
        Field("category_of", type=Choice(QuotaCategoryOf), label="Khối tính theo", default=QuotaCategoryOf.NOMINEE.value),
        Field("excluded_categories", type=RefList("categories", CATEGORY_MISSING), label="Khối không tính", default=None),
        Field("level", type=Choice(Level), label="Cấp", default="", audit_blank=None),
        Field("limit", type=Count(), label="Số lượng tối đa"),
        Field("binds_at", type=Choice(QuotaStep), label="Áp dụng khi", default=QuotaStep.REVIEW.value),
        Field(
            "share_of", attr="allocation", type=Ref("allocations", "'share_of' không phải mã phân bổ của đợt: '{code}'"),
            label="Là một phần của phân bổ", default=None,
        ),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    children=(Child("exceptions", QUOTA_EXCEPTION),),
    checks=(_quota_checks,),
)

def _mapping_kind(entry, ctx):
    return ctx.allocation_kind


def _covers(quota: dict, category, kinds) -> bool:
    named, excluded = quota.get("categories") or [], quota.get("excluded_categories") or []
    return (
        any(quota.get("nominee_kind") in (QuotaNomineeKind.EITHER, k) for k in kinds)
        and (not named or category in named) and category not in excluded
    )


def _prepare_allocation(entry, ctx):
    ctx.allocation_kind = entry.get("nominee_kind") or ""


def _allocation_checks(entry, ctx):
    """An allocation's total and shares (the round's quotas whose `share_of` is its code), and what
    its mappings give the categories no share names (quotas.models.QuotaAllocation)."""
    found = []
    code, kind = entry.get("code"), entry.get("nominee_kind")
    total = ctx.quotas.get(entry.get("total")) if entry.get("total") else None
    if entry.get("total") and total is None:
        found.append(f"'total' không phải mã quy định số lượng của đợt: '{entry['total']}'")
    elif total and (total.get("award_form"), total.get("nominee_kind")) != (entry.get("award_form"), kind):
        found.append(f"quy định tổng '{entry['total']}' phải cùng hình thức và đối tượng với phân bổ")
    shares = {c: q for c, q in ctx.quotas.items() if q.get("share_of") == code}
    if not shares:
        found.append("phân bổ chưa có phần nào (quy định số lượng có 'share_of' bằng mã này)")
    seen = set()
    for j, mapping in enumerate(entry.get("mappings") or []):
        if not isinstance(mapping, dict):
            continue
        where = f"mappings[{j}] ({mapping.get('category')})"
        category = mapping.get("category")
        mapped_kind = mapping.get("nominee_kind", kind)
        if kind not in (QuotaNomineeKind.EITHER, mapped_kind):
            found.append(f"{where}: đối tượng '{mapped_kind}' không thuộc phân bổ ('{kind}')")
        if (category, mapped_kind) in seen:
            found.append(f"{where}: khối và đối tượng đã có dòng ánh xạ khác")
        seen.add((category, mapped_kind))
        share = mapping.get("share")
        if bool(share) == bool(mapping.get("no_share")):
            found.append(f"{where}: ghi đúng một trong hai: 'share' (mã phần được tính vào) hoặc 'no_share: true' (khối không có chỉ tiêu)")
        elif share and share not in shares:
            found.append(f"{where}: 'share' không phải một phần của phân bổ này: '{share}'")
        elif share and shares[share].get("nominee_kind") not in (QuotaNomineeKind.EITHER, mapped_kind):
            found.append(f"{where}: phần '{share}' không tính đối tượng '{mapped_kind}'")
        kinds = [mapped_kind] if mapped_kind != QuotaNomineeKind.EITHER else [QuotaNomineeKind.COLLECTIVE, QuotaNomineeKind.INDIVIDUAL]
        for share_code, quota in shares.items():
            if _covers(quota, category, kinds):
                found.append(f"{where}: khối '{category}' đã có trong phần '{share_code}': bỏ dòng ánh xạ này")
    return found


def _share_checks(entry, ctx):
    """The round's quotas that are shares of an allocation: of its award form and kind."""
    found = []
    allocations = {a.get("code"): a for a in entry.get("allocations") or [] if isinstance(a, dict)}
    for code, quota in ctx.quotas.items():
        allocation = allocations.get(quota.get("share_of")) if quota.get("share_of") else None
        if allocation is None:
            continue
        if quota.get("award_form") != allocation.get("award_form"):
            found.append(f"quotas ({code}): phần của phân bổ '{quota['share_of']}' phải cùng hình thức khen thưởng với phân bổ")
        if allocation.get("nominee_kind") != QuotaNomineeKind.EITHER and quota.get("nominee_kind") != allocation.get("nominee_kind"):
            found.append(f"quotas ({code}): phần của phân bổ '{quota['share_of']}' phải cùng đối tượng ('{allocation.get('nominee_kind')}')")
        if allocation.get("total") == code:
            found.append(f"quotas ({code}): quy định tổng không thể đồng thời là một phần của chính phân bổ đó")
    return found


SHARE_MAPPING = EntitySpec(
    name="mappings",
    model=QuotaShareMapping,
    label="ánh xạ",
    identity=("category", "nominee_kind"),
    label_key="category",
    ordered=False,
    fields=(
        Field("category", type=Ref("categories", CATEGORY_MISSING), label="Khối", required=True),
        Field("nominee_kind", type=Choice(QuotaNomineeKind), label="Đối tượng", default=_mapping_kind),
        Field("share", type=Ref("quota_rules", "'share' không phải mã quy định số lượng của đợt: '{code}'"), label="Tính vào phần", default=None),
        Field("no_share", attr="share", type=NoShare(), label="Không có chỉ tiêu", default=False, audit=None),
        Field("note", label="Ghi chú (vì sao)", required=True),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
)

ALLOCATION = EntitySpec(
    name="allocations",
    model=QuotaAllocation,
    label="phân bổ",
    fields=(
        Field("code", label="Mã", required=True),
        Field("label", label="Nội dung", required=True),
        Field("award_form", type=Ref("award_forms", FORM_MISSING), label="Hình thức khen thưởng", required=True),
        Field("nominee_kind", type=Choice(QuotaNomineeKind), label="Đối tượng", required=True),
        Field("total", type=Ref("quota_rules", "'total' không phải mã quy định số lượng của đợt: '{code}'"), label="Quy định tổng", default=None),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    children=(Child("mappings", SHARE_MAPPING),),
    checks=(_allocation_checks,),
    prepare=_prepare_allocation,
)
ALLOCATION_LINKS = ("total",)  # written once the round's quota rules exist


CRITERION = EntitySpec(
    name="criteria",
    model=Criterion,
    label="tiêu chí",
    fields=(
        Field("code", label="Mã", required=True),
        Field("label", label="Tiêu chí", required=True),
        Field("group", label="Nhóm", default=""),
        Field("nominee_kind", type=Choice(NomineeKind), label="Đối tượng", required=True),
        Field("categories", type=RefList("categories", CATEGORY_MISSING), label="Khối", default=None, audit=None),
        Field("award_forms", type=RefList("award_forms", FORM_MISSING), label="Hình thức khen thưởng", default=None),
        Field("kind", type=Choice(CriterionKind), label="Loại tiêu chí", required=True),
        Field("operator", type=Choice(Operator), label="Phép so sánh", default=_default_operator, audit_blank=None),
        Field("threshold", type=Number(), label="Ngưỡng", default=None),
        Field("choices", type=StringList(), label="Các mức", default=None),
        Field("accepted_values", type=StringList(), label="Mức đạt", default=None),
        Field("priority", type=Bool(), label="Tiêu chí ưu tiên", default=False),
        Field("mandatory", type=Bool(), label="Bắt buộc", default=_default_mandatory),
        Field("needs_evidence", type=Bool(), label="Cần minh chứng", default=False),
        Field("alternative_group", label="Nhóm thay thế", default="", audit_blank=None),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    checks=(_criterion_checks,),
)


def _achievement_field_audit(round_):
    return round_.achievement_field or round_.campaign.achievement_field or round_.campaign.name


class _AchievementField(Text):
    def audit(self, field, obj):
        return _achievement_field_audit(obj)


ROUND = EntitySpec(
    name="rounds",
    model=Round,
    label="đợt",
    ordered=False,
    fields=(
        Field("code", label="Mã đợt", required=True),
        Field("name", label="Tên đợt", required=True),
        Field("kind", type=Choice(RoundKind), label="Loại đợt", required=True),
        Field("year", type=Count(), label="Năm", required=True),
        Field(
            "legal_basis", type=Ref("legal_bases", "căn cứ pháp lý không tồn tại: '{code}'"), label="Căn cứ mẫu hồ sơ",
            required=True, audit="dossier_legal_basis.code",
        ),
        Field("registration.required", attr="registration_required", type=Bool(), label="Bắt buộc đăng ký thi đua", default=False),
        Field("registration.deadline", attr="registration_deadline", type=Date(), label="Hạn đăng ký", default=None),
        Field("registration.source", attr="registration_source", label="Nguồn (đăng ký)", default=""),
        Field("registration.pledge_label", attr="pledge_label", label="Nội dung đăng ký", default=""),
        Field(
            "units_propose_for_children", type=Bool(), label="Đơn vị đề nghị cho đơn vị trực thuộc", default=False,
            audit="registration.units_propose_for_children",
        ),
        Field("report_form", type=Choice(ReportForm), label="Mẫu báo cáo thành tích", default="", audit="dossier_legal_basis.report_form", audit_blank=None),
        Field("report_form_source", label="Nguồn (mẫu báo cáo)", default="", audit="dossier_legal_basis.report_form_source"),
        Field("award_kind", label="Loại hình khen thưởng", default=""),
        Field("award_kind_source", label="Nguồn (loại hình khen thưởng)", default=""),
        Field("achievement_field", type=_AchievementField(), label="Lĩnh vực thành tích", default="", audit="dossier_legal_basis.achievement_field"),
        Field(
            "summary_report_required", type=Bool(), label="Cần báo cáo tóm tắt", default=False,
            audit="dossier_legal_basis.summary_report_required",
        ),
        Field("summary_report_source", label="Nguồn (báo cáo tóm tắt)", default="", audit="dossier_legal_basis.summary_report_source"),
        Field("source", label="Nguồn (điều, khoản)", default=""),
        Field("notes", type=Text(strip=True), label="Ghi chú", default=""),
        Field("status", type=Choice(PublicationStatus), label="Trạng thái", default=PublicationStatus.PUBLISHED.value),
    ),
    children=(
        Child("award_forms", AWARD_FORM, required=True),
        Child("stages", STAGE, required=True),
        Child("eligibility", ELIGIBILITY),
        Child("quotas", QUOTA_RULE),
        Child("allocations", ALLOCATION),
        Child("criteria", CRITERION),
    ),
    checks=(_round_checks, _share_checks),
    prepare=_prepare_round,
)

DOCUMENT = EntitySpec(
    name="documents",
    model=CampaignDocument,
    label="văn bản",
    identity=("number", "title"),
    label_key="number",
    fields=(
        Field("number", label="Số hiệu", default="", audit_blank=None),
        Field("date", type=Date(), label="Ngày ban hành", default=None),
        Field("title", label="Trích yếu", required=True),
        Field("issuer", label="Cơ quan ban hành", required=True),
        Field(
            "kind", type=Choice(LegalDocumentKind, "loại văn bản không hợp lệ: '{value}' (một trong: {choices})"),
            label="Loại văn bản", default="",
        ),
        Field("note", label="Ghi chú", default=""),
    ),
    checks=(_document_checks,),
)

TARGET = EntitySpec(
    name="targets",
    model=CampaignTarget,
    label="mục tiêu",
    fields=(
        Field("code", label="Mã", required=True),
        Field("year", type=Count(), label="Năm", default=None),
        Field("group", label="Nhóm", default=""),
        Field("label", label="Mục tiêu", required=True),
        Field("operator", label="Phép so sánh", default="", audit_blank=None),
        Field("threshold", type=Number(), label="Giá trị", default=None),
        Field("source", label="Nguồn (điều, khoản)", required=True),
    ),
    checks=(_target_checks,),
)

CAMPAIGN = EntitySpec(
    name="campaign",
    model=Campaign,
    label="phong trào",
    ordered=False,
    fields=(
        Field("code", label="Mã phong trào", required=True),
        Field("name", label="Tên phong trào", required=True),
        Field("theme", label="Chủ đề", default=""),
        Field("achievement_field", label="Lĩnh vực thành tích", default="", audit=None),
        Field("issuer", type=Ref("units", UNIT_MISSING), label="Cơ quan phát động", required=True, audit="issuer_unit"),
        Field("issuer_title", label="Người/cơ quan phát động", required=True, audit="issuer"),
        Field("territory", type=Ref("units", UNIT_MISSING), label="Địa bàn", default=None, audit=None),
        Field("period.start", attr="period_start", type=Date(), label="Bắt đầu", required=True),
        Field("period.end", attr="period_end", type=Date(), label="Kết thúc", required=True),
        Field("summary", type=Text(strip=True), label="Tóm tắt", default=""),
        Field("seed_document", label="Văn bản gốc", default=""),
        Field("status", type=Choice(PublicationStatus), label="Trạng thái", default=PublicationStatus.PUBLISHED.value),
        Field("demonstration", type=Bool(), label="Dữ liệu trình diễn", default=False),
    ),
    children=(Child("documents", DOCUMENT), Child("targets", TARGET), Child("rounds", ROUND, required=True)),
)

UNIT = EntitySpec(
    name="organisations",
    model=Unit,
    label="đơn vị",
    ordered=False,
    fields=(
        Field("code", label="Mã", required=True),
        Field("name", label="Tên", required=True),
        Field("short_name", label="Viết tắt", default=""),
        Field("category", type=Ref("categories", CATEGORY_MISSING), label="Khối", required=True),
        Field("level", type=Choice(Level), label="Cấp", required=True),
        Field("parent", type=Ref("units", "'parent' trỏ tới đơn vị không tồn tại: '{code}'"), label="Đơn vị cấp trên", default=None),
        Field("place_name", label="Địa danh", default=""),
        Field("email", label="Thư điện tử", default=""),
        Field("valid_from", type=Date(), label="Hiệu lực từ", default=None),
        Field("valid_to", type=Date(), label="Hiệu lực đến", default=None),
        Field("successor", type=Ref("units", "'successor' trỏ tới đơn vị không tồn tại: '{code}'"), label="Đơn vị kế thừa", default=None),
        Field("history_note", label="Lịch sử", default=""),
        Field("head_title", label="Chức danh người đứng đầu", default=""),
        Field("functions_basis", label="Căn cứ chức năng, nhiệm vụ", default=""),
    ),
)
UNIT_LINKS = ("parent", "successor")  # written after every unit of a file exists
