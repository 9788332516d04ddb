"""Load the campaigns' rules from their versioned data files (campaigns/data/*.yaml).

All files are read and validated first; only when every file is right are they written, in one
transaction. A wrong file is refused with the file, the entry and the problem named, and nothing
is half-loaded. Loading the same files twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from campaigns import report_forms
from campaigns.models import (
    AwardOutcome,
    Campaign,
    CampaignDocument,
    CampaignTarget,
    DocumentFormat,
    EligibilityCondition,
    EligibilityKind,
    LegalBasis,
    LegalText,
    LegalTextRole,
    LegalDocumentKind,
    Level,
    NomineeKind,
    ReportForm,
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
from quotas.models import QuotaCategoryOf, QuotaException, QuotaNomineeKind, QuotaRule, QuotaScope, QuotaStep

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# What a value of the wrong shape raises in the checks below (a list where a code is expected, a
# number where a table is): the file is refused with a problem naming it, never with a traceback.
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError)
REFERENCE_FILE = "reference.yaml"
PERCENT_OPERATORS = [Operator.GTE, Operator.GT, Operator.EQ, Operator.LTE]
# libyaml's C parser when PyYAML has it (8x faster), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CampaignDataError(Exception):
    """One or more data files are wrong; `problems` lists each with file, entry and reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    campaigns: list = field(default_factory=list)

    @property
    def changed(self):
        return self.created + self.updated + self.deleted

    def __str__(self):
        return (
            f"{len(self.campaigns)} phong trào ({', '.join(self.campaigns)}): "
            f"{self.created} tạo mới, {self.updated} cập nhật, {self.deleted} xóa, {self.unchanged} không đổi"
        )


DEFAULT_DOSSIER_SOURCE = (
    "Hồ sơ trình gồm biên bản xét khen thưởng của Hội đồng Thi đua - Khen thưởng cấp trình khen thưởng "
    "(Nghị định 98/2023/NĐ-CP, 152/2025/NĐ-CP; shared/law/bien-ban-hoi-dong.md): biên bản của chính bước "
    "khi bước họp Hội đồng, và biên bản của bước họp Hội đồng gần nhất trước đó."
)


def _holds_council(stage: dict) -> bool:
    return bool(stage.get("holds_council", stage.get("action") == StageAction.UNIT_COUNCIL))


def dossier_minutes(stages: list[dict], stage: dict) -> list[int]:
    """The stages whose council minutes a stage's dossier carries: `dossier_minutes` as the data file
    gives it, else its own (when it holds a council) and, for a stage after the first, the nearest
    earlier stage that held one (the level that proposed: "biên bản của cấp trình khen thưởng")."""
    if "dossier_minutes" in stage:
        return [int(order) for order in stage["dossier_minutes"] or []]
    orders = [stage["order"]] if _holds_council(stage) else []
    earlier = sorted((s for s in stages if s["order"] < stage["order"] and _holds_council(s)), key=lambda s: s["order"])
    if earlier and stage.get("action") != StageAction.UNIT_COUNCIL:
        orders.append(earlier[-1]["order"])
    return sorted(set(orders))


def default_files():
    return [DATA_DIR / REFERENCE_FILE] + sorted(p for p in DATA_DIR.glob("*.yaml") if p.name != REFERENCE_FILE)


def load_campaign_files(paths=None) -> LoadReport:
    """Validate then load the reference file and the campaign files (all of campaigns/data by default)."""
    paths = [Path(p) for p in (paths or default_files())]
    documents = [(path, _read_yaml(path)) for path in paths]
    reference = [(p, d) for p, d in documents if "rounds" not in d]
    campaigns = [(p, d) for p, d in documents if "rounds" in d]
    _Validator(reference, campaigns).validate()
    report = LoadReport()
    try:
        with transaction.atomic():
            writer = _Writer(report)
            for path, data in reference:
                writer.write_reference(data)
            writer.write_units([u for _, d in campaigns for u in d.get("organisations", [])])
            for path, data in campaigns:
                writer.write_campaign(path, data)
                report.campaigns.append(data["code"])
            problems = writer.legal_problems()
            if problems:
                raise CampaignDataError(problems)  # rolls the load back: nothing half-loaded
    except ValidationError as error:
        # A value the checks above let through but a model refuses (a text too long...): the
        # transaction is rolled back, nothing is half-loaded.
        messages = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms] if hasattr(error, "error_dict") else error.messages
        raise CampaignDataError([f"dữ liệu không ghi được: {m}" for m in messages]) from error
    except (IntegrityError, DataError, *SHAPE_ERRORS) as error:
        raise CampaignDataError([f"dữ liệu không ghi được ({type(error).__name__}): {error}"]) from error
    return report


def _read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise CampaignDataError([f"{path}: không tìm thấy tệp"])
    except yaml.YAMLError as error:
        raise CampaignDataError([f"{path.name}: tệp YAML không đọc được: {error}"])
    if not isinstance(data, dict):
        raise CampaignDataError([f"{path.name}: tệp phải chứa một bảng (mapping) ở mức trên cùng"])
    return data


def parse_fraction(text) -> Fraction:
    if isinstance(text, (int, float)):
        return Fraction(str(text))
    return Fraction(str(text).strip())


# ---------------------------------------------------------------- validation


class _Validator:
    def __init__(self, reference, campaigns):
        self.reference = reference
        self.campaigns = campaigns
        self.problems = []
        self.categories = set(UnitCategory.objects.values_list("code", flat=True))
        self.vote_rules = set(VoteRule.objects.values_list("code", flat=True))
        self.legal_bases = set(LegalBasis.objects.values_list("code", flat=True))
        self.units = set(Unit.objects.values_list("code", flat=True))

    def problem(self, path, where, message):
        self.problems.append(f"{Path(path).name}: {where}: {message}")

    def validate(self):
        for path, data in self.reference:
            self.guarded(path, self.validate_reference, path, data)
        for path, data in self.campaigns:
            organisations = data.get("organisations") or []
            for i, unit in enumerate(organisations if isinstance(organisations, list) else []):
                if isinstance(unit, dict) and isinstance(unit.get("code"), str) and unit["code"]:
                    self.units.add(unit["code"])
        seen_codes = {}
        for path, data in self.campaigns:
            code = data.get("code")
            if not isinstance(code, str):
                self.problem(path, "code", f"mã phong trào phải là một chuỗi (nhận được '{code}')")
            elif code in seen_codes:
                self.problem(path, "code", f"mã phong trào '{code}' trùng với tệp {seen_codes[code]}")
            else:
                seen_codes[code] = Path(path).name
            self.guarded(path, self.validate_campaign, path, data)
        if self.problems:
            raise CampaignDataError(self.problems)

    def guarded(self, path, check, *args):
        """Run a check; a value of the wrong shape that no specific check caught becomes a problem
        naming the file (the specific checks name the entry)."""
        try:
            check(*args)
        except SHAPE_ERRORS as error:
            self.problem(path, "cấu trúc", f"có mục sai kiểu dữ liệu (bảng, danh sách hay giá trị đơn) — {type(error).__name__}: {error}")

    def require(self, path, where, entry, keys):
        ok = True
        for key in keys:
            if entry.get(key) in (None, ""):
                self.problem(path, where, f"thiếu '{key}'")
                ok = False
        return ok

    def check_date(self, path, where, value, key, *, required=True):
        if value is None:
            if required:
                self.problem(path, where, f"thiếu '{key}'")
            return
        if not isinstance(value, dt.date):
            self.problem(path, where, f"'{key}' phải là ngày dạng YYYY-MM-DD (nhận được '{value}')")

    def check_choice(self, path, where, value, key, choices):
        if value not in choices:
            self.problem(path, where, f"'{key}' không hợp lệ: '{value}' (chọn một trong: {', '.join(sorted(choices))})")

    def check_categories(self, path, where, codes):
        if codes is None:
            return
        if not isinstance(codes, list):
            self.problem(path, where, "'categories' phải là danh sách mã khối")
            return
        for code in codes:
            if code not in self.categories:
                self.problem(path, where, f"khối không tồn tại: '{code}'")

    def check_count(self, path, where, value, key):
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, where, f"'{key}' phải là số nguyên (nhận được '{value}')")
        elif value < 0:
            self.problem(path, where, f"'{key}' không được âm ({value})")

    def check_percentage(self, path, where, entry, *, required, name):
        """`operator` and `threshold` of a percentage (a criterion's, a campaign target's): the
        operator one of ≥ > = ≤, the threshold a finite number from 0 to 100. `required`: both
        must be there (a percentage criterion); a target may state neither. `name` names the
        figure in the message ("ngưỡng", "giá trị")."""
        operator, threshold = entry.get("operator"), entry.get("threshold")
        if required or operator:
            self.check_choice(path, where, operator, "operator", PERCENT_OPERATORS)
        if threshold is None:
            if required:
                self.problem(path, where, "tiêu chí tỷ lệ cần 'threshold'")
            return
        try:
            value = Decimal(str(threshold))
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite():
            self.problem(path, where, f"{name} phải là số (nhận được '{threshold}')")
        elif value < 0 or value > 100:
            self.problem(path, where, f"ngưỡng tỷ lệ phải từ 0 đến 100% (nhận được {threshold})")

    def validate_reference(self, path, data):
        for i, category in enumerate(data.get("categories") or []):
            where = f"categories[{i}]"
            if self.require(path, where, category, ["code", "name"]):
                self.categories.add(category["code"])
            self.check_choice(path, where, category.get("document_format") or DocumentFormat.STATE, "document_format", DocumentFormat.values)
            if category.get("document_format") == DocumentFormat.PARTY and not category.get("party_superior"):
                self.problem(path, where, "thể thức Đảng ('document_format: party') cần 'party_superior' (ví dụ \"Đảng bộ tỉnh\")")
        for i, rule in enumerate(data.get("vote_rules") or []):
            where = f"vote_rules[{i}] ({rule.get('code')})"
            if not self.require(path, where, rule, ["code", "name", "quorum", "approval", "source"]):
                continue
            for key in ("quorum", "approval"):
                try:
                    value = parse_fraction(rule[key])
                except (ValueError, ZeroDivisionError):
                    self.problem(path, where, f"'{key}' phải là phân số như 2/3 (nhận được '{rule[key]}')")
                    continue
                if not 0 < value <= 1:
                    self.problem(path, where, f"'{key}' phải trong khoảng (0, 1] (nhận được {rule[key]})")
            self.vote_rules.add(rule["code"])
        for i, basis in enumerate(data.get("legal_bases") or []):
            where = f"legal_bases[{i}] ({basis.get('code')})"
            if not self.require(path, where, basis, ["code", "name", "number", "template_set"]):
                continue
            self.check_date(path, where, basis.get("date"), "date", required=False)
            self.check_date(path, where, basis.get("effective_from"), "effective_from", required=False)
            self.check_date(path, where, basis.get("effective_to"), "effective_to", required=False)
            for problem in report_forms.problems(basis.get("forms")):
                self.problem(path, where, problem)
            self.legal_bases.add(basis["code"])
        text_codes = set(LegalText.objects.values_list("code", flat=True)) | {
            t.get("code") for t in data.get("legal_texts") or [] if isinstance(t, dict)
        }
        for i, text in enumerate(data.get("legal_texts") or []):
            where = f"legal_texts[{i}] ({text.get('code')})"
            if not self.require(path, where, text, ["code", "role", "title", "citation", "source"]):
                continue
            self.check_choice(path, where, text["role"], "role", LegalTextRole.values)
            self.check_date(path, where, text.get("date"), "date", required=False)
            self.check_date(path, where, text.get("effective_from"), "effective_from", required=False)
            self.check_date(path, where, text.get("effective_to"), "effective_to", required=False)
            if text.get("replaced_by") and text["replaced_by"] not in text_codes:
                self.problem(path, where, f"'replaced_by' trỏ tới văn bản không tồn tại: '{text['replaced_by']}'")
            if not isinstance(text.get("mentions", []), list):
                self.problem(path, where, "'mentions' phải là một danh sách cụm từ")

    def validate_campaign(self, path, data):
        self.require(path, "phong trào", data, ["code", "name", "issuer", "issuer_title", "period", "rounds"])
        for key in ("issuer", "territory"):
            if data.get(key) and data[key] not in self.units:
                self.problem(path, key, f"đơn vị không tồn tại: '{data[key]}'")
        period = data.get("period") or {}
        self.check_date(path, "period", period.get("start"), "start")
        self.check_date(path, "period", period.get("end"), "end")
        for i, document in enumerate(data.get("documents") or []):
            where = f"documents[{i}] ({document.get('number')})"
            self.require(path, where, document, ["issuer", "title"])
            if not document.get("number") and not document.get("note"):
                self.problem(path, where, "văn bản không có số phải có 'note' giải thích")
            self.check_date(path, where, document.get("date"), "date", required=not document.get("note"))
            if document.get("kind") and document["kind"] not in LegalDocumentKind.values:
                self.problem(path, where, f"loại văn bản không hợp lệ: '{document['kind']}' (một trong: {', '.join(LegalDocumentKind.values)})")
        for i, unit in enumerate(data.get("organisations") or []):
            self.validate_unit(path, f"organisations[{i}] ({unit.get('code')})", unit)
        target_codes = set()
        for i, target in enumerate(data.get("targets") or []):
            where = f"targets[{i}] ({target.get('code')})"
            if target.get("code") in target_codes:
                self.problem(path, where, "mã mục tiêu trùng lặp")
            target_codes.add(target.get("code"))
            self.require(path, where, target, ["code", "label", "source"])
            self.check_percentage(path, where, target, required=False, name="giá trị")
        round_codes = set()
        for i, round_data in enumerate(data.get("rounds") or []):
            where = f"rounds[{i}] ({round_data.get('code')})"
            if round_data.get("code") in round_codes:
                self.problem(path, where, "mã đợt trùng lặp")
            round_codes.add(round_data.get("code"))
            self.validate_round(path, where, round_data)

    def validate_unit(self, path, where, unit):
        self.require(path, where, unit, ["code", "name", "category", "level"])
        if unit.get("category") is not None and unit["category"] not in self.categories:
            self.problem(path, where, f"khối không tồn tại: '{unit['category']}'")
        if unit.get("level") is not None:
            self.check_choice(path, where, unit["level"], "level", Level.values)
        for key in ("parent", "successor"):
            if unit.get(key) and unit[key] not in self.units:
                self.problem(path, where, f"'{key}' trỏ tới đơn vị không tồn tại: '{unit[key]}'")
        self.check_date(path, where, unit.get("valid_from"), "valid_from", required=False)
        self.check_date(path, where, unit.get("valid_to"), "valid_to", required=False)

    def validate_round(self, path, where, data):
        self.require(path, where, data, ["code", "name", "kind", "year", "legal_basis", "award_forms", "stages"])
        if data.get("kind") is not None:
            self.check_choice(path, where, data["kind"], "kind", RoundKind.values)
        if data.get("legal_basis") and data["legal_basis"] not in self.legal_bases:
            self.problem(path, where, f"căn cứ pháp lý không tồn tại: '{data['legal_basis']}'")
        registration = data.get("registration") or {}
        self.check_date(path, f"{where}.registration", registration.get("deadline"), "deadline", required=False)
        report_form = data.get("report_form") or ""
        self.check_choice(path, where, report_form, "report_form", ReportForm.values)
        if report_form and not data.get("report_form_source"):
            self.problem(path, where, "'report_form' phải kèm 'report_form_source' (điều, khoản của văn bản yêu cầu mẫu này)")
        if not isinstance(data.get("summary_report_required", False), bool):
            self.problem(path, where, f"'summary_report_required' phải là true hoặc false (nhận được '{data['summary_report_required']}')")
        elif data.get("summary_report_required") and not data.get("summary_report_source"):
            self.problem(path, where, "'summary_report_required' phải kèm 'summary_report_source' (điều, khoản của văn bản yêu cầu báo cáo tóm tắt)")

        forms = set()
        for i, form in enumerate(data.get("award_forms") or []):
            w = f"{where}.award_forms[{i}] ({form.get('code')})"
            if form.get("code") in forms:
                self.problem(path, w, "mã hình thức trùng lặp")
            forms.add(form.get("code"))
            self.require(path, w, form, ["code", "name", "granted_by", "vote_rule", "source"])
            self.check_count(path, w, form.get("dossier_copies", 1), "dossier_copies")
            if form.get("dossier_copies") == 0:
                self.problem(path, w, "'dossier_copies' phải từ 1 trở lên")
            if form.get("vote_rule") and form["vote_rule"] not in self.vote_rules:
                self.problem(path, w, f"quy tắc biểu quyết không tồn tại: '{form['vote_rule']}'")
            self.check_choice(path, w, form.get("outcome", "award"), "outcome", AwardOutcome.values)
            kinds = form.get("nominee_kinds", NomineeKind.values)
            if not kinds or any(k not in NomineeKind.values for k in kinds):
                self.problem(path, w, f"'nominee_kinds' không hợp lệ: {kinds}")
            for level in form.get("granting_levels") or []:
                self.check_choice(path, w, level, "granting_levels", Level.values)

        orders = set()
        stages = data.get("stages") or []
        if not stages:
            self.problem(path, where, "đợt phải có ít nhất một bước xét")
        for i, stage in enumerate(stages):
            w = f"{where}.stages[{i}] ({stage.get('name')})"
            self.require(path, w, stage, ["order", "name", "action", "source"])
            if stage.get("order") in orders:
                self.problem(path, w, f"thứ tự bước trùng lặp: {stage.get('order')}")
            orders.add(stage.get("order"))
            if stage.get("action") is not None:
                self.check_choice(path, w, stage["action"], "action", StageAction.values)
            if stage.get("deadline") is None:
                self.problem(path, w, "bước xét không có hạn chót ('deadline')")
            else:
                self.check_date(path, w, stage.get("deadline"), "deadline")
            organisation = stage.get("organisation")
            if organisation and organisation not in self.units:
                self.problem(path, w, f"cơ quan thực hiện không tồn tại: '{organisation}'")
            if stage.get("council_of") and stage["council_of"] not in self.units:
                self.problem(path, w, f"'council_of' không tồn tại: '{stage['council_of']}'")
            if not organisation and stage.get("action") != StageAction.UNIT_COUNCIL:
                self.problem(path, w, "chỉ bước 'unit_council' được để trống cơ quan thực hiện")
        if stages and stages[0].get("action") != StageAction.UNIT_COUNCIL:
            self.problem(path, where, "bước đầu tiên phải là 'unit_council' (đơn vị đề nghị)")
        for i, stage in enumerate(stages):
            wanted = stage.get("dossier_minutes", [])
            if not isinstance(wanted, list):
                self.problem(path, f"{where}.stages[{i}] ({stage.get('name')})", "'dossier_minutes' phải là danh sách thứ tự các bước")
                continue
            for order in wanted:
                if order not in orders or not isinstance(stage.get("order"), int) or order > stage["order"]:
                    self.problem(
                        path, f"{where}.stages[{i}] ({stage.get('name')})",
                        f"'dossier_minutes' chỉ gồm thứ tự của bước này hoặc bước trước nó (nhận được {order})",
                    )

        for i, condition in enumerate(data.get("eligibility") or []):
            w = f"{where}.eligibility[{i}] ({condition.get('code')})"
            self.require(path, w, condition, ["code", "label", "kind", "source"])
            self.check_choice(path, w, condition.get("kind"), "kind", EligibilityKind.values)

        quota_codes = set()
        for i, quota in enumerate(data.get("quotas") or []):
            w = f"{where}.quotas[{i}] ({quota.get('code')})"
            if quota.get("code") in quota_codes:
                self.problem(path, w, "mã quy định số lượng trùng lặp")
            quota_codes.add(quota.get("code"))
            self.require(path, w, quota, ["code", "award_form", "nominee_kind", "scope", "source"])
            if "limit" not in quota:
                self.problem(path, w, "thiếu 'limit'")
            else:
                self.check_count(path, w, quota["limit"], "limit")
            if quota.get("award_form") and quota["award_form"] not in forms:
                self.problem(path, w, f"hình thức khen thưởng không có trong đợt: '{quota['award_form']}'")
            self.check_choice(path, w, quota.get("nominee_kind"), "nominee_kind", QuotaNomineeKind.values)
            self.check_choice(path, w, quota.get("scope"), "scope", QuotaScope.values)
            self.check_choice(path, w, quota.get("binds_at", QuotaStep.REVIEW), "binds_at", QuotaStep.values)
            self.check_categories(path, w, quota.get("categories"))
            self.check_categories(path, w, quota.get("excluded_categories"))
            self.check_choice(path, w, quota.get("category_of", QuotaCategoryOf.NOMINEE), "category_of", QuotaCategoryOf.values)
            if quota.get("level"):
                self.check_choice(path, w, quota["level"], "level", Level.values)
            if quota.get("scope") == QuotaScope.CATEGORY and not quota.get("categories"):
                self.problem(path, w, "phạm vi 'category' cần danh sách 'categories'")
            for j, exception in enumerate(quota.get("exceptions") or []):
                we = f"{w}.exceptions[{j}]"
                self.require(path, we, exception, ["unit", "source"])
                if exception.get("unit") and exception["unit"] not in self.units:
                    self.problem(path, we, f"đơn vị không tồn tại: '{exception['unit']}'")
                if "limit" not in exception:
                    self.problem(path, we, "thiếu 'limit'")
                else:
                    self.check_count(path, we, exception["limit"], "limit")

        criterion_codes = set()
        for i, criterion in enumerate(data.get("criteria") or []):
            w = f"{where}.criteria[{i}] ({criterion.get('code')})"
            if criterion.get("code") in criterion_codes:
                self.problem(path, w, "mã tiêu chí trùng lặp")
            criterion_codes.add(criterion.get("code"))
            self.require(path, w, criterion, ["code", "label", "nominee_kind", "kind", "source"])
            self.check_choice(path, w, criterion.get("nominee_kind"), "nominee_kind", NomineeKind.values)
            self.check_choice(path, w, criterion.get("kind"), "kind", CriterionKind.values)
            self.check_categories(path, w, criterion.get("categories"))
            for form in criterion.get("award_forms") or []:
                if form not in forms:
                    self.problem(path, w, f"hình thức khen thưởng không có trong đợt: '{form}'")
            if criterion.get("kind") == CriterionKind.PERCENTAGE:
                self.check_percentage(path, w, criterion, required=True, name="ngưỡng")
            if criterion.get("kind") == CriterionKind.RANKING:
                if not criterion.get("accepted_values"):
                    self.problem(path, w, "tiêu chí xếp hạng cần 'accepted_values'")
                choices = criterion.get("choices") or []
                for value in criterion.get("accepted_values") or []:
                    if choices and value not in choices:
                        self.problem(path, w, f"mức đạt '{value}' không có trong 'choices'")


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, report: LoadReport):
        self.report = report
        self._units = None
        self._reference = None
        self.rounds_written = []

    def unit(self, code):
        if self._units is None:
            self._units = {u.code: u for u in Unit.objects.all()}
        return self._units[code]

    def track(self, model, lookup, values, m2m=None, *, existing=None, key=None):
        """Create or update one row by its natural key; count what happened.

        `existing` maps `key` to the rows already loaded (one query per kind of row, not per row)."""
        if existing is not None:
            obj = existing.get(key)
        else:
            obj = model.objects.filter(**lookup).first()
        created = obj is None
        changed = False
        if created:
            obj = model(**lookup, **values)
        else:
            for name, value in values.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed = True
        if created or changed:
            # Foreign keys here are rows this loader just resolved: no need to query them again.
            related = [f.name for f in model._meta.concrete_fields if f.is_relation]
            obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
            obj.save()
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            wanted = {t.pk for t in targets}
            if created or {o.pk for o in manager.all()} != wanted:
                if not (created and not wanted):
                    manager.set(targets)
                    changed = changed or not created
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return obj

    def prune(self, queryset, keep_pks, what):
        stale = queryset.exclude(pk__in=keep_pks)
        count = stale.count()
        if count:
            try:
                stale.delete()
            except ProtectedError as error:
                names = ", ".join(str(o) for o in list(error.protected_objects)[:5])
                raise CampaignDataError(
                    [f"Không thể xóa {what} đã bỏ khỏi tệp vì đang được hồ sơ sử dụng: {names}"]
                ) from error
            self.report.deleted += count

    def write_reference(self, data):
        for order, category in enumerate(data.get("categories") or []):
            self.track(
                UnitCategory,
                {"code": category["code"]},
                {
                    "name": category["name"], "description": category.get("description", ""), "order": order,
                    "people_committee": bool(category.get("people_committee", False)),
                    "head_title": category.get("head_title", ""),
                    "parent_in_heading": bool(category.get("parent_in_heading", False)),
                    "document_format": category.get("document_format") or DocumentFormat.STATE,
                    "party_superior": category.get("party_superior", ""),
                },
            )
        for rule in data.get("vote_rules") or []:
            quorum, approval = parse_fraction(rule["quorum"]), parse_fraction(rule["approval"])
            self.track(
                VoteRule,
                {"code": rule["code"]},
                {
                    "name": rule["name"],
                    "quorum_numerator": quorum.numerator,
                    "quorum_denominator": quorum.denominator,
                    "approval_numerator": approval.numerator,
                    "approval_denominator": approval.denominator,
                    "approval_strict": bool(rule.get("approval_strict", False)),
                    "source": rule["source"],
                },
            )
        for basis in data.get("legal_bases") or []:
            self.track(
                LegalBasis,
                {"code": basis["code"]},
                {
                    "name": basis["name"],
                    "number": basis["number"],
                    "date": basis.get("date"),
                    "effective_from": basis.get("effective_from"),
                    "effective_to": basis.get("effective_to"),
                    "template_set": basis["template_set"],
                    "forms": report_forms.normalised(basis.get("forms")),
                },
            )
        texts = {}
        for text in data.get("legal_texts") or []:
            texts[text["code"]] = self.track(
                LegalText,
                {"code": text["code"]},
                {
                    "role": text["role"],
                    "number": text.get("number") or "",
                    "date": text.get("date"),
                    "title": text["title"],
                    "citation": text["citation"],
                    "effective_from": text.get("effective_from"),
                    "effective_to": text.get("effective_to"),
                    "mentions": list(text.get("mentions") or []),
                    "cited_in_documents": bool(text.get("cited_in_documents", True)),
                    "source": text["source"],
                },
            )
        for text in data.get("legal_texts") or []:  # second pass: the links between them
            obj = texts[text["code"]]
            successor = LegalText.objects.get(code=text["replaced_by"]) if text.get("replaced_by") else None
            if obj.replaced_by_id != (successor.pk if successor else None):
                obj.replaced_by = successor
                obj.save(update_fields=["replaced_by"])

    def legal_problems(self) -> list[str]:
        """The rounds written that cite a legal text not in force in their period (one check with
        clone_round: campaigns.services.legal.round_legal_problems)."""
        from campaigns.services.legal import round_legal_problems

        problems = []
        for round_ in self.rounds_written:
            problems += [f"{round_.campaign.data_file}: đợt '{round_.code}' không mở được: {p}" for p in round_legal_problems(round_)]
        return problems

    def write_units(self, units):
        categories = {c.code: c for c in UnitCategory.objects.all()}
        # Two passes: the units themselves, then the links between them (parents, successors).
        by_code = {}
        existing_units = {u.code: u for u in Unit.objects.all()}
        for unit in units:
            values = {
                "name": unit["name"],
                "short_name": unit.get("short_name", ""),
                "category": categories[unit["category"]],
                "level": unit["level"],
                "place_name": unit.get("place_name", ""),
                "email": unit.get("email", ""),
                "valid_from": unit.get("valid_from"),
                "valid_to": unit.get("valid_to"),
                "history_note": unit.get("history_note", ""),
                "head_title": unit.get("head_title", ""),
                "functions_basis": unit.get("functions_basis", ""),
            }
            by_code[unit["code"]] = self.track(
                Unit, {"code": unit["code"]}, values, existing=existing_units, key=unit["code"]
            )
        self._units = None
        for unit in units:
            obj = by_code[unit["code"]]
            parent = self.unit(unit["parent"]) if unit.get("parent") else None
            successor = self.unit(unit["successor"]) if unit.get("successor") else None
            if obj.parent_id != (parent.pk if parent else None) or obj.successor_id != (successor.pk if successor else None):
                obj.parent, obj.successor = parent, successor
                obj.clean()
                obj.save()
                self.report.updated += 1

    def write_campaign(self, path, data):
        campaign = self.track(
            Campaign,
            {"code": data["code"]},
            {
                "name": data["name"],
                "theme": data.get("theme", ""),
                "achievement_field": data.get("achievement_field", ""),
                "issuer": self.unit(data["issuer"]),
                "territory": self.unit(data["territory"]) if data.get("territory") else None,
                "issuer_title": data["issuer_title"],
                "period_start": data["period"]["start"],
                "period_end": data["period"]["end"],
                "summary": (data.get("summary") or "").strip(),
                "data_file": Path(path).name,
                "seed_document": data.get("seed_document", ""),
            },
        )
        keep = []
        documents = {(d.number, d.title): d for d in campaign.documents.all()} if campaign.pk else {}
        for order, document in enumerate(data.get("documents") or []):
            keep.append(
                self.track(
                    CampaignDocument,
                    {"campaign": campaign, "number": document.get("number") or "", "title": document["title"]},
                    {
                        "date": document.get("date"),
                        "issuer": document["issuer"],
                        "kind": document.get("kind", ""),
                        "note": document.get("note", ""),
                        "order": order,
                    },
                    existing=documents,
                    key=(document.get("number") or "", document["title"]),
                ).pk
            )
        self.prune(campaign.documents.all(), keep, "văn bản căn cứ")
        targets = {t.code: t for t in campaign.targets.all()}
        keep = []
        for order, target in enumerate(data.get("targets") or []):
            threshold = target.get("threshold")
            keep.append(
                self.track(
                    CampaignTarget,
                    {"campaign": campaign, "code": target["code"]},
                    {
                        "year": target.get("year"),
                        "group": target.get("group", ""),
                        "label": target["label"],
                        "operator": target.get("operator") or "",
                        "threshold": Decimal(str(threshold)).quantize(Decimal("0.01")) if threshold is not None else None,
                        "source": target["source"],
                        "order": order,
                    },
                    existing=targets,
                    key=target["code"],
                ).pk
            )
        self.prune(campaign.targets.all(), keep, "mục tiêu")
        rounds = {r.code: r for r in campaign.rounds.all()}
        keep = [self.write_round(campaign, r, rounds.get(r["code"])).pk for r in data["rounds"]]
        self.prune(campaign.rounds.filter(cloned_from__isnull=True), keep, "đợt")

    def write_round(self, campaign, data, existing_round):
        registration = data.get("registration") or {}
        if self._reference is None:
            self._reference = (
                {v.code: v for v in VoteRule.objects.all()},
                {c.code: c for c in UnitCategory.objects.all()},
                {b.code: b for b in LegalBasis.objects.all()},
            )
        vote_rules, categories, legal_bases = self._reference
        round_ = self.track(
            Round,
            {"campaign": campaign, "code": data["code"]},
            {
                "name": data["name"],
                "kind": data["kind"],
                "year": data["year"],
                "legal_basis": legal_bases[data["legal_basis"]],
                "registration_required": bool(registration.get("required", False)),
                "registration_deadline": registration.get("deadline"),
                "registration_source": registration.get("source", ""),
                "pledge_label": registration.get("pledge_label", ""),
                "units_propose_for_children": bool(data.get("units_propose_for_children", False)),
                "report_form": data.get("report_form") or "",
                "report_form_source": data.get("report_form_source") or "",
                "award_kind": data.get("award_kind") or "",
                "award_kind_source": data.get("award_kind_source") or "",
                "achievement_field": data.get("achievement_field") or "",
                "summary_report_required": bool(data.get("summary_report_required", False)),
                "summary_report_source": data.get("summary_report_source") or "",
                "source": data.get("source", ""),
                "notes": (data.get("notes") or "").strip(),
            },
            existing={data["code"]: existing_round} if existing_round else {},
            key=data["code"],
        )
        new = existing_round is None
        old_forms = {} if new else {f.code: f for f in round_.award_forms.all()}
        old_stages = {} if new else {st.order: st for st in round_.stages.all()}
        old_conditions = {} if new else {c.code: c for c in round_.eligibility_conditions.all()}
        old_quotas = {} if new else {q.code: q for q in round_.quota_rules.prefetch_related("categories", "excluded_categories", "exceptions")}
        old_criteria = {} if new else {c.code: c for c in round_.criteria.prefetch_related("categories", "award_forms")}
        forms, keep = {}, []
        for order, form in enumerate(data["award_forms"]):
            kinds = form.get("nominee_kinds", NomineeKind.values)
            forms[form["code"]] = self.track(
                RoundAwardForm,
                {"round": round_, "code": form["code"]},
                {
                    "name": form["name"],
                    "granted_by": form["granted_by"],
                    "for_collectives": NomineeKind.COLLECTIVE in kinds,
                    "for_individuals": NomineeKind.INDIVIDUAL in kinds,
                    "dossier_copies": form.get("dossier_copies", 1),
                    "copies_source": form.get("copies_source", ""),
                    "vote_rule": vote_rules[form["vote_rule"]],
                    "outcome": form.get("outcome", AwardOutcome.AWARD),
                    "basis_clause": form.get("basis_clause") or "",
                    "granting_levels": list(form.get("granting_levels") or []),
                    "source": form["source"],
                    "order": order,
                },
                existing=old_forms,
                key=form["code"],
            )
            keep.append(forms[form["code"]].pk)

        stage_keep = []
        for stage in data["stages"]:
            stage_keep.append(
                self.track(
                    Stage,
                    {"round": round_, "order": stage["order"]},
                    {
                        "name": stage["name"],
                        "organisation": self.unit(stage["organisation"]) if stage.get("organisation") else None,
                        "action": stage["action"],
                        "deadline": stage["deadline"],
                        "deadline_stated": bool(stage.get("deadline_stated", True)),
                        "holds_council": bool(stage.get("holds_council", stage["action"] == StageAction.UNIT_COUNCIL)),
                        "council_of": self.unit(stage["council_of"]) if stage.get("council_of") else None,
                        "dossier_minutes": dossier_minutes(data["stages"], stage),
                        "dossier_source": stage.get("dossier_source") or DEFAULT_DOSSIER_SOURCE,
                        "source": stage["source"],
                    },
                    existing=old_stages,
                    key=stage["order"],
                ).pk
            )
        self.prune(round_.stages.all(), stage_keep, "bước xét")

        condition_keep = []
        for order, condition in enumerate(data.get("eligibility") or []):
            condition_keep.append(
                self.track(
                    EligibilityCondition,
                    {"round": round_, "code": condition["code"]},
                    {"label": condition["label"], "kind": condition["kind"], "source": condition["source"], "order": order},
                    existing=old_conditions,
                    key=condition["code"],
                ).pk
            )
        self.prune(round_.eligibility_conditions.all(), condition_keep, "điều kiện")

        quota_keep = []
        for order, quota in enumerate(data.get("quotas") or []):
            rule = self.track(
                QuotaRule,
                {"round": round_, "code": quota["code"]},
                {
                    "label": quota.get("label", ""),
                    "award_form": forms[quota["award_form"]],
                    "nominee_kind": quota["nominee_kind"],
                    "scope": quota["scope"],
                    "limit": quota["limit"],
                    "binds_at": quota.get("binds_at", QuotaStep.REVIEW),
                    "category_of": quota.get("category_of", QuotaCategoryOf.NOMINEE),
                    "level": quota.get("level") or "",
                    "source": quota["source"],
                    "order": order,
                },
                m2m={
                    "categories": [categories[c] for c in quota.get("categories") or []],
                    "excluded_categories": [categories[c] for c in quota.get("excluded_categories") or []],
                },
                existing=old_quotas,
                key=quota["code"],
            )
            quota_keep.append(rule.pk)
            exception_keep = []
            for exception in quota.get("exceptions") or []:
                exception_keep.append(
                    self.track(
                        QuotaException,
                        {"rule": rule, "unit": self.unit(exception["unit"])},
                        {"limit": exception["limit"], "source": exception["source"]},
                        existing={e.unit_id: e for e in rule.exceptions.all()} if quota["code"] in old_quotas else {},
                        key=self.unit(exception["unit"]).pk,
                    ).pk
                )
            self.prune(rule.exceptions.all(), exception_keep, "ngoại lệ số lượng")
        self.prune(round_.quota_rules.all(), quota_keep, "quy định số lượng")

        criterion_keep = []
        for order, criterion in enumerate(data.get("criteria") or []):
            threshold = criterion.get("threshold")
            criterion_keep.append(
                self.track(
                    Criterion,
                    {"round": round_, "code": criterion["code"]},
                    {
                        "label": criterion["label"],
                        "group": criterion.get("group", ""),
                        "nominee_kind": criterion["nominee_kind"],
                        "kind": criterion["kind"],
                        "operator": criterion.get("operator") or (Operator.IN if criterion["kind"] == CriterionKind.RANKING else ""),
                        "threshold": Decimal(str(threshold)).quantize(Decimal("0.01")) if threshold is not None else None,
                        "choices": criterion.get("choices") or [],
                        "accepted_values": criterion.get("accepted_values") or [],
                        "mandatory": bool(criterion.get("mandatory", not criterion.get("priority", False))),
                        "needs_evidence": bool(criterion.get("needs_evidence", False)),
                        "alternative_group": criterion.get("alternative_group", ""),
                        "priority": bool(criterion.get("priority", False)),
                        "source": criterion["source"],
                        "order": order,
                    },
                    m2m={
                        "categories": [categories[c] for c in criterion.get("categories") or []],
                        "award_forms": [forms[f] for f in criterion.get("award_forms") or []],
                    },
                    existing=old_criteria,
                    key=criterion["code"],
                ).pk
            )
        self.prune(round_.criteria.all(), criterion_keep, "tiêu chí")
        # Award forms last: criteria and quotas that pointed at a removed form are gone by now.
        self.prune(round_.award_forms.all(), keep, "hình thức khen thưởng")
        self.rounds_written.append(round_)
        return round_
