"""Load the campaigns' rules from their versioned data files (campaigns/data/*.yaml).

All files are read and validated first; only when every file is right are they written, in one
transaction. A wrong file is refused with the file, the entry and the problem named, and nothing
is half-loaded. Loading the same files twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from campaigns import report_forms
from campaigns.models import (
    Campaign,
    DocumentFormat,
    LegalBasis,
    LegalText,
    LegalTextRole,
    Round,
    Unit,
    UnitCategory,
    VoteRule,
)
from campaigns.services.campaign_files import rules_digest
from campaigns.specs import (
    ALLOCATION,
    ALLOCATION_LINKS,
    AWARD_FORM,
    SHARE_MAPPING,
    Ref,
    CAMPAIGN,
    CRITERION,
    DOCUMENT,
    ELIGIBILITY,
    QUOTA_EXCEPTION,
    QUOTA_RULE,
    STAGE,
    TARGET,
    ROUND,
    UNIT,
    UNIT_LINKS,
    SpecContext,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# What a value of the wrong shape raises in the checks below (a list where a code is expected, a
# number where a table is): the file is refused with a problem naming it, never with a traceback.
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError)
REFERENCE_FILE = "reference.yaml"
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
    warnings: list = field(default_factory=list)  # loaded, but to be read: quotas.checks.allocation_problems

    @property
    def changed(self):
        return self.created + self.updated + self.deleted

    def __str__(self):
        return (
            f"{len(self.campaigns)} phong trào ({', '.join(self.campaigns)}): "
            f"{self.created} tạo mới, {self.updated} cập nhật, {self.deleted} xóa, {self.unchanged} không đổi"
        )


def default_files():
    return [DATA_DIR / REFERENCE_FILE] + sorted(p for p in DATA_DIR.glob("*.yaml") if p.name != REFERENCE_FILE)


def load_campaign_files(paths=None, *, overwrite=False) -> LoadReport:
    """Validate then load the reference file and the campaign files (all of campaigns/data by default).

    The database is the source of truth once a campaign is edited in the portal: a file is not
    written over a campaign whose rules changed since a file last wrote them, or that was created
    in the portal, unless `overwrite` (the refusal says how to export the edited rules first)."""
    paths = [Path(p) for p in (paths or default_files())]
    documents = [(path, _read_yaml(path)) for path in paths]
    reference = [(p, d) for p, d in documents if "rounds" not in d]
    campaigns = [(p, d) for p, d in documents if "rounds" in d]
    _Validator(reference, campaigns).validate()
    if not overwrite:
        _refuse_overwriting_edits(campaigns)
    report = LoadReport()
    with refusing_bad_writes(), transaction.atomic():
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
        report.warnings = writer.allocation_warnings()
        for code in report.campaigns:
            campaign = Campaign.objects.get(code=code)
            Campaign.objects.filter(pk=campaign.pk).update(loaded_digest=rules_digest(campaign))
    return report


@contextmanager
def refusing_bad_writes():
    """A value the checks let through but a model refuses (a text too long...), or a row still
    used by nominations: CampaignDataError, raised outside the transaction it rolled back."""
    try:
        yield
    except ValidationError as error:
        messages = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms] if hasattr(error, "error_dict") else error.messages
        raise CampaignDataError([f"dữ liệu không ghi được: {m}" for m in messages]) from error
    except (IntegrityError, DataError, *SHAPE_ERRORS) as error:
        raise CampaignDataError([f"dữ liệu không ghi được ({type(error).__name__}): {error}"]) from error


def reference_context() -> SpecContext:
    """The codes a campaign's entries may name, as they are in the database (for the checks of
    one entry edited in the portal; a file's checks also know the codes the files define)."""
    return SpecContext(
        units=set(Unit.objects.values_list("code", flat=True)),
        categories=set(UnitCategory.objects.values_list("code", flat=True)),
        vote_rules=set(VoteRule.objects.values_list("code", flat=True)),
        legal_bases=set(LegalBasis.objects.values_list("code", flat=True)),
    )


CAMPAIGN_WITHOUT_ROUNDS = replace(CAMPAIGN, children=tuple(c for c in CAMPAIGN.children if c.name != "rounds"))


def campaign_entry_problems(entry: dict) -> list[str]:
    """The loader's checks of a campaign's own entry (fields, documents, targets; not its rounds)."""
    return [f"{where}: {problem}" for where, problem in CAMPAIGN_WITHOUT_ROUNDS.problems(entry, reference_context(), "")]


def round_entry_problems(campaign: Campaign, entry: dict, existing: Round | None = None) -> list[str]:
    """The loader's checks of one round's entry, with the same messages as `load_campaigns`."""
    problems = [f"{where}: {problem}" for where, problem in ROUND.problems(entry, reference_context(), "")]
    taken = campaign.rounds.filter(code=entry.get("code"))
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if entry.get("code") and taken.exists():
        problems.append(f"đợt: mã đợt '{entry['code']}' đã có trong phong trào")
    return problems


def write_campaign_entry(entry: dict, *, campaign: Campaign | None = None, **values) -> Campaign:
    """Check and write a campaign's own entry (not its rounds) as the loader would; `values`: the
    fields the editor sets beyond the file's (status...). Raises CampaignDataError."""
    problems = campaign_entry_problems(entry)
    if campaign is None and Campaign.objects.filter(code=entry.get("code")).exists():
        problems.append(f"phong trào: mã phong trào '{entry.get('code')}' đã được dùng")
    if problems:
        raise CampaignDataError(problems)
    with refusing_bad_writes(), transaction.atomic():
        written = _Writer(LoadReport()).write_campaign(campaign.data_file if campaign else "", entry, rounds=False, code=campaign.code if campaign else None)
        if values:
            Campaign.objects.filter(pk=written.pk).update(**values)
            written.refresh_from_db()
    return written


def write_round_entry(campaign: Campaign, entry: dict, *, existing: Round | None = None) -> Round:
    """Check and write one round's entry as the loader would (the same checks and messages).
    Raises CampaignDataError; nothing is half-written."""
    problems = round_entry_problems(campaign, entry, existing)
    if problems:
        raise CampaignDataError(problems)
    with refusing_bad_writes(), transaction.atomic():
        return _Writer(LoadReport()).write_round(campaign, entry, existing)


def _refuse_overwriting_edits(campaigns):
    """A file is written over an existing campaign when its rules are still those a file last
    wrote, or when the file was exported from the rules as they are now (`exported_from`)."""
    problems = []
    for path, data in campaigns:
        campaign = Campaign.objects.filter(code=data.get("code")).first()
        if campaign is None:
            continue
        if not campaign.loaded_digest and campaign.data_file:
            continue  # loaded from a file before fingerprints were kept
        current = rules_digest(campaign)
        if current in (campaign.loaded_digest, data.get("exported_from")):
            continue
        problems.append(
            f"{Path(path).name}: phong trào '{campaign.code}' đã được sửa trên cổng sau lần nạp tệp gần nhất; "
            f"tệp không ghi đè các sửa đổi đó. Xuất quy định hiện hành bằng 'export_campaign {campaign.code}' "
            "rồi sửa trên tệp đó, hoặc nạp với --overwrite để bỏ các sửa đổi trên cổng."
        )
    if problems:
        raise CampaignDataError(problems)


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
        """The campaign, its documents, targets and rounds, by their specs (campaigns.specs)."""
        ctx = SpecContext(units=self.units, categories=self.categories, vote_rules=self.vote_rules, legal_bases=self.legal_bases)
        for where, problem in CAMPAIGN.problems(data, ctx, ""):
            self.problem(path, where, problem)
        for i, unit in enumerate(data.get("organisations") or []):
            self.validate_unit(path, f"organisations[{i}] ({unit.get('code')})", unit)

    def validate_unit(self, path, where, unit):
        ctx = SpecContext(units=self.units, categories=self.categories)
        for _, problem in UNIT.problems(unit, ctx, where):
            self.problem(path, where, problem)


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
        # Two passes: the units themselves, then the links between them (parents, successors).
        by_code = {}
        existing_units = {u.code: u for u in Unit.objects.all()}
        ctx = self.spec_context()
        for unit in units:
            values, _ = UNIT.model_values(unit, ctx, leave_out=UNIT_LINKS)
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

    def spec_context(self) -> SpecContext:
        if self._reference is None:
            self._reference = {
                "vote_rules": {v.code: v for v in VoteRule.objects.all()},
                "categories": {c.code: c for c in UnitCategory.objects.all()},
                "legal_bases": {b.code: b for b in LegalBasis.objects.all()},
            }
        reference = self._reference
        return SpecContext(resolve=lambda kind, code: self.unit(code) if kind == "units" else reference[kind][code])

    def write_entries(self, spec, parent: dict, entries, existing: dict, ctx: SpecContext, *, leave_out=()):
        """Write a list of entries of one spec under `parent` (the lookup of their parent row), in
        the list's order. Returns {identity: row}; the caller prunes the rows no longer named."""
        written = {}
        for order, entry in enumerate(entries or []):
            lookup, key = dict(parent), []
            for name in spec.identity:
                value, kind = entry.get(name), spec.field(name).type
                if isinstance(kind, Ref):  # a unit, a category: the row, keyed by its id
                    row = self.unit(value) if kind.kind == "units" else ctx.row(kind.kind, value)
                    lookup[name] = row
                    key.append(row.pk)
                else:
                    lookup[name] = "" if value is None else value
                    key.append(lookup[name])
            key = key[0] if len(key) == 1 else tuple(key)
            values, m2m = spec.model_values(entry, ctx, leave_out=leave_out)
            if spec.ordered:
                values["order"] = order
            written[key] = self.track(spec.model, lookup, values, m2m or None, existing=existing, key=key)
        return written

    def write_allocations(self, round_, data, ctx: SpecContext, old: dict) -> dict:
        """The round's allocations, before its quota rules (a share names its allocation)."""
        allocations = self.write_entries(ALLOCATION, {"round": round_}, data.get("allocations"), old, ctx, leave_out=ALLOCATION_LINKS)
        ctx.allocations = allocations
        return allocations

    def write_allocation_links(self, data, ctx: SpecContext):
        """Each allocation's total and what it gives the categories its shares do not name, once the
        quota rules are written."""
        for entry in data.get("allocations") or []:
            allocation = ctx.allocations[entry["code"]]
            total = ctx.row("quota_rules", entry["total"]) if entry.get("total") else None
            if allocation.total_id != (total.pk if total else None):
                allocation.total = total
                allocation.save(update_fields=["total"])
            ctx.allocation_kind = entry["nominee_kind"]
            mappings = [{**m, "nominee_kind": m.get("nominee_kind", entry["nominee_kind"])} for m in entry.get("mappings") or []]
            existing = {(m.category_id, m.nominee_kind): m for m in allocation.mappings.all()}
            written = self.write_entries(SHARE_MAPPING, {"allocation": allocation}, mappings, existing, ctx)
            self.prune(allocation.mappings.all(), [m.pk for m in written.values()], "ánh xạ khối của phân bổ")

    def allocation_warnings(self) -> list[str]:
        """What the rounds written leave unsaid in their allocations (quotas.checks.allocation_problems)."""
        from quotas.checks import allocation_problems

        return [f"{r.campaign.data_file}: {p}" for r in self.rounds_written for p in allocation_problems(r)]

    def write_campaign(self, path, data, *, rounds=True, code=None):
        """Write a campaign's entry; `rounds=False`: its own fields, documents and targets only
        (the editor writes rounds one by one); `code`: the campaign's code before an edit renamed it."""
        ctx = self.spec_context()
        values, _ = CAMPAIGN.model_values(data, ctx)
        if code and code != data["code"]:
            values["code"] = data["code"]  # renamed in the editor
        campaign = self.track(
            Campaign,
            {"code": code or data["code"]},
            {**values, "data_file": Path(path).name if path else ""},
        )
        documents = {(d.number, d.title): d for d in campaign.documents.all()} if campaign.pk else {}
        keep = self.write_entries(DOCUMENT, {"campaign": campaign}, data.get("documents"), documents, ctx)
        self.prune(campaign.documents.all(), [d.pk for d in keep.values()], "văn bản căn cứ")
        targets = {t.code: t for t in campaign.targets.all()}
        keep = self.write_entries(TARGET, {"campaign": campaign}, data.get("targets"), targets, ctx)
        self.prune(campaign.targets.all(), [t.pk for t in keep.values()], "mục tiêu")
        if not rounds:
            return campaign
        rounds = {r.code: r for r in campaign.rounds.all()}
        keep = [self.write_round(campaign, r, rounds.get(r["code"])).pk for r in data["rounds"]]
        self.prune(campaign.rounds.filter(cloned_from__isnull=True), keep, "đợt")
        return campaign

    def write_round(self, campaign, data, existing_round):
        ctx = self.spec_context()
        ctx.stages = list(data["stages"])
        values, _ = ROUND.model_values(data, ctx)
        round_ = self.track(
            Round,
            {"campaign": campaign, "code": data["code"]},
            values,
            existing={data["code"]: existing_round} if existing_round else {},
            key=data["code"],
        )
        new = existing_round is None
        old_forms = {} if new else {f.code: f for f in round_.award_forms.all()}
        old_stages = {} if new else {st.order: st for st in round_.stages.all()}
        old_conditions = {} if new else {c.code: c for c in round_.eligibility_conditions.all()}
        old_quotas = {} if new else {q.code: q for q in round_.quota_rules.prefetch_related("categories", "excluded_categories", "exceptions")}
        old_criteria = {} if new else {c.code: c for c in round_.criteria.prefetch_related("categories", "award_forms")}
        parent = {"round": round_}
        forms = self.write_entries(AWARD_FORM, parent, data["award_forms"], old_forms, ctx)
        ctx.award_forms = forms
        stages = self.write_entries(STAGE, parent, data["stages"], old_stages, ctx)
        self.prune(round_.stages.all(), [s.pk for s in stages.values()], "bước xét")
        conditions = self.write_entries(ELIGIBILITY, parent, data.get("eligibility"), old_conditions, ctx)
        self.prune(round_.eligibility_conditions.all(), [c.pk for c in conditions.values()], "điều kiện")
        old_allocations = {} if new else {a.code: a for a in round_.quota_allocations.all()}
        self.write_allocations(round_, data, ctx, old_allocations)
        rules = self.write_entries(QUOTA_RULE, parent, data.get("quotas"), old_quotas, ctx)
        ctx.quota_rules = rules
        for quota in data.get("quotas") or []:
            rule = rules[quota["code"]]
            existing = {e.unit_id: e for e in rule.exceptions.all()} if quota["code"] in old_quotas else {}
            exceptions = self.write_entries(QUOTA_EXCEPTION, {"rule": rule}, quota.get("exceptions"), existing, ctx)
            self.prune(rule.exceptions.all(), [e.pk for e in exceptions.values()], "ngoại lệ số lượng")
        self.prune(round_.quota_rules.all(), [r.pk for r in rules.values()], "quy định số lượng")
        self.write_allocation_links(data, ctx)
        self.prune(round_.quota_allocations.all(), [a.pk for a in ctx.allocations.values()], "phân bổ số lượng")
        criteria = self.write_entries(CRITERION, parent, data.get("criteria"), old_criteria, ctx)
        self.prune(round_.criteria.all(), [c.pk for c in criteria.values()], "tiêu chí")
        # Award forms last: criteria and quotas that pointed at a removed form are gone by now.
        self.prune(round_.award_forms.all(), [f.pk for f in forms.values()], "hình thức khen thưởng")
        self.rounds_written.append(round_)
        return round_
