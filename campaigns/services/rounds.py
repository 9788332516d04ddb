"""Rounds: clone a round into a later (or earlier) year.

A clone copies a round's rules (award forms, stages, eligibility conditions, criteria, quota rules
with their categories and exceptions, registration settings) and moves every date by whole
years. It does not copy the past: the legal basis becomes the one in force on the new first
deadline (a 2026 clone cites Nghị định 152/2025, not 98/2023), and each organisation is replaced
by its successor valid on the new date (Sở TT&TT → Sở KH&CN), so a new round uses today's
organisations while the old round keeps the names valid at its time.
"""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from campaigns import clock
from campaigns.models import (
    EligibilityCondition,
    Level,
    PublicationStatus,
    LegalText,
    VoteRule,
    Round,
    RoundAwardForm,
    Stage,
    Unit,
)
from campaigns.specs import AWARD_FORM, CRITERION, ELIGIBILITY, QUOTA_RULE, ROUND, STAGE
from campaigns.services.legal import cited_texts, legal_basis_on, round_legal_problems, round_period, text_in_force_replacing
from campaigns.stages import stages_of
from criteria.models import Criterion
from quotas.models import QuotaAllocation, QuotaException, QuotaRule, QuotaShareMapping

CODE_MAX_LENGTH = Round._meta.get_field("code").max_length


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Chưa công bố")
    UPCOMING = "upcoming", _("Sắp diễn ra")
    LIVE = "live", _("Đang diễn ra")
    ENDED = "ended", _("Đã kết thúc")


def round_start(round_: Round) -> dt.date:
    """The first day a round's records can carry: 1 January of its year, or the campaign's start when later."""
    start = dt.date(min(max(round_.year, dt.MINYEAR), dt.MAXYEAR), 1, 1)
    campaign_start = round_.campaign.period_start
    return max(start, campaign_start) if campaign_start else start


def round_state(round_: Round, *, today: dt.date | None = None, deadlines=None) -> RoundState:
    """Where a round stands today, the one rule every list follows. A round is live ("Đang diễn
    ra") only when its first stage can be acted on today: it is published, its period has begun
    (a unit's council meeting can be dated from round_start(), never after today) and a deadline
    is still ahead. `deadlines`: the days that count for the viewer (a unit's own, extensions
    included); default the stages' deadlines."""
    today = today or clock.today()
    if not round_.is_published:
        return RoundState.DRAFT
    if deadlines is None:
        deadlines = [stage.deadline for stage in stages_of(round_)]
    if not deadlines or all(day < today for day in deadlines):
        return RoundState.ENDED
    if today < round_start(round_):
        return RoundState.UPCOMING
    return RoundState.LIVE


def _round_days(round_: Round) -> tuple[dt.date, dt.date]:
    """The days a unit must exist on some of to take part: from round_start() to the end of the
    round's year (no query: the lists that ask it read no stages)."""
    return round_start(round_), dt.date(min(round_.year, dt.MAXYEAR), 12, 31)


def unit_valid_in(unit: Unit, round_: Round) -> bool:
    """Whether `unit` exists on some day of the round's period (a district unit, ended 30/6/2025,
    does not take part in a 2026 round)."""
    start, end = _round_days(round_)
    return (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or start <= unit.valid_to)


def units_valid_in_q(round_: Round) -> models.Q:
    """unit_valid_in() as a filter on Unit."""
    start, end = _round_days(round_)
    return (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end)) & (
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start)
    )


class RoundCloneError(Exception):
    """A refused clone, with a Vietnamese message for the user (like nominations.services.ServiceError)."""


def shift_years(day: dt.date | None, years: int) -> dt.date | None:
    """The same day and month `years` later; 29/02 becomes 28/02 in a year that has none."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)




def default_code(round_: Round, year: int) -> str:
    """`nam-2024` → `nam-2026`; a code without the round's year gets `-2026` appended."""
    old = str(round_.year)
    if re.search(rf"(?<!\d){old}(?!\d)", round_.code):
        return re.sub(rf"(?<!\d){old}(?!\d)", str(year), round_.code)
    return f"{round_.code}-{year}"


def with_year(text: str, old: int, new: int) -> str | None:
    """`text` with the standalone year `old` replaced by `new` (None when it does not mention it)."""
    if re.search(rf"(?<!\d){old}(?!\d)", text):
        return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)
    return None


DERIVATION_RE = re.compile(r"suy ra", re.IGNORECASE)


def derived_source(text: str, old: int, new: int) -> str:
    """The source of a deadline the documents do not state, for a round cloned from year `old`
    into year `new`: the derivation ("hạn không nêu, suy ra ngày cuối năm 2024") speaks of the new
    year; the citation before it ("QĐ 253/QĐ-UBND, Kế hoạch mục III.1") stays as written."""
    found = DERIVATION_RE.search(text)
    if found is None:
        return text
    head, tail = text[: found.start()], text[found.start():]
    return head + (with_year(tail, old, new) or tail)


def default_name(round_: Round, year: int) -> str:
    return with_year(round_.name, round_.year, year) or f"{round_.name} ({year})"


def _unique_code(campaign, base: str) -> str:
    taken = set(Round.objects.filter(campaign=campaign, code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _without_place(name: str) -> str:
    """'Sở Thông tin và Truyền thông tỉnh Sơn La' → 'Sở Thông tin và Truyền thông'."""
    return re.split(r"\s+(?:tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn|đặc khu)\s+", name, maxsplit=1)[0].strip()


def _renamer(pairs):
    """Replace the old organisations' names by their successors' in free text (stage names...)."""
    replacements = []
    for old, new in pairs:
        if old.pk == new.pk:
            continue
        replacements.append((old.name, new.name))
        short_old, short_new = _without_place(old.name), _without_place(new.name)
        # Only a real renaming of the body ("Sở Thông tin và Truyền thông" → "Sở Khoa học và Công nghệ"),
        # never a bare generic head such as "Ủy ban nhân dân" standing for any committee.
        if short_old != old.name and short_new != new.name and short_old != short_new:
            replacements.append((short_old, short_new))
    replacements.sort(key=lambda pair: -len(pair[0]))  # full names before their shortened form

    def rename(text: str) -> str:
        for old, new in replacements:
            if old in text:
                text = text.replace(old, new)
        return text

    return rename


def _successor(unit: Unit | None, day: dt.date) -> Unit | None:
    return unit.current_successor(day) if unit is not None else None


def ended_levels(territory: Unit, start: dt.date, end: dt.date) -> set[str]:
    """The administrative levels that no longer exist in `territory` in [start, end]: the territory
    has units of that level, none of them valid on any day of the period (the district level after
    30/6/2025, when every district unit carries valid_to 2025-06-30). Derived from the units' own
    validity, so the rule is the organisations' data."""
    units = Unit.objects.filter(path__startswith=territory.path).values_list("level", "valid_from", "valid_to")
    seen, alive = set(), set()
    for level, valid_from, valid_to in units:
        seen.add(level)
        if (valid_from is None or valid_from <= end) and (valid_to is None or start <= valid_to):
            alive.add(level)
    return seen - alive


def without_levels(text: str, levels) -> str:
    """`text` without the heads of ended levels it names in a list: "Giấy khen của Chủ tịch Ủy ban
    nhân dân cấp huyện, Chủ tịch UBND cấp xã" without `huyen` → "Giấy khen của Chủ tịch UBND cấp xã"."""
    for level in levels:
        label = re.escape(str(Level(level).label).lower())
        text = re.sub(rf"Chủ tịch (?:Ủy ban nhân dân|UBND) {label}(?:,\s*|\s+và\s+)", "", text)
    return text


def clone_round(
    *, round_: Round, year: int, code: str | None = None, name: str | None = None, campaign=None, status: str | None = None,
) -> Round:
    """Copy `round_` into `year` (see the module docstring); one transaction. Returns the new round.
    `campaign`: the campaign the copy belongs to (default: the round's own; clone_campaign gives the
    new phase); `status`: the copy's publication status (default published; a new phase's are drafts).

    Raises RoundCloneError (Vietnamese message) when the code is taken or invalid, the year is out
    of range, or an organisation of a stage ceased to exist without a successor."""
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        raise RoundCloneError(f"Năm không hợp lệ: {year}.")
    target = campaign or round_.campaign
    years = year - round_.year
    explicit_code = bool(code and code.strip())
    code = code.strip() if explicit_code else default_code(round_, year)
    name = (name or "").strip() or default_name(round_, year)
    if len(code) > CODE_MAX_LENGTH:
        raise RoundCloneError(f"Mã đợt '{code}' dài quá {CODE_MAX_LENGTH} ký tự.")

    old_stages = stages_of(round_)
    if not old_stages:
        raise RoundCloneError(f"Đợt '{round_.code}' chưa có bước xét nào: không sao chép được.")
    first_deadline = shift_years(old_stages.first.deadline, years)
    legal_basis = legal_basis_on(first_deadline) or round_.legal_basis

    # Organisations: each stage's organisation is replaced by its successor valid on the new deadline.
    new_organisations = {s.pk: _successor(s.organisation, shift_years(s.deadline, years)) for s in old_stages}
    moved = [(s.organisation, new_organisations[s.pk]) for s in old_stages if s.organisation is not None]
    rename = _renamer(moved)
    closed = [
        (unit, shift_years(s.deadline, years))
        for s in old_stages
        if (unit := new_organisations[s.pk]) is not None and not unit.is_valid_on(shift_years(s.deadline, years))
    ]
    if closed:  # no body that ceased to exist acts in a new round
        raise RoundCloneError(
            f"Không sao chép được đợt '{round_.code}' sang năm {year}: "
            + "; ".join(
                f"{unit.name} không còn hoạt động vào ngày {day:%d/%m/%Y} và chưa có đơn vị kế thừa"
                for unit, day in dict.fromkeys(closed)
            )
            + ". Hãy khai báo đơn vị kế thừa (trường \"đơn vị kế thừa\") rồi sao chép lại."
        )

    with transaction.atomic():
        if explicit_code:
            if Round.objects.filter(campaign=target, code=code).exists():
                raise RoundCloneError(
                    f"Mã đợt '{code}' đã có trong phong trào '{target.code}': hãy chọn mã khác."
                )
        else:
            code = _unique_code(target, code)

        changes = [f"{old.name} → {new.name}" for old, new in dict.fromkeys(moved) if old.pk != new.pk]
        note = (
            f"Sao chép từ đợt '{round_.code}' (năm {round_.year}) sang năm {year}: hạn chót dời {years:+d} năm; "
            f"căn cứ mẫu hồ sơ: Nghị định {legal_basis.number}"
            + (f"; cơ quan thực hiện theo tổ chức hiện hành: {'; '.join(changes)}" if changes else "")
            + "."
        )
        values, _ = ROUND.copy_values(round_)
        values.update(
            campaign=target,
            code=code,
            name=name,
            year=year,
            legal_basis_id=legal_basis.pk,
            registration_deadline=shift_years(round_.registration_deadline, years),
            achievement_field=with_year(round_.achievement_field, round_.year, year) or round_.achievement_field,
            notes=(f"{round_.notes}\n\n{note}" if round_.notes else note),
            cloned_from=round_,
            status=status or PublicationStatus.PUBLISHED,
        )
        new_round = Round(**values)
        try:
            new_round.full_clean()
            with transaction.atomic():
                new_round.save()
        except ValidationError as error:
            raise RoundCloneError("; ".join(m for ms in error.message_dict.values() for m in ms)) from error
        except IntegrityError as error:  # the same code taken meanwhile by another clone
            raise RoundCloneError(f"Mã đợt '{code}' vừa được dùng cho một đợt khác: hãy thử lại.") from error

        # Award forms granted at a level that no longer exists in the new period (a district chairman's
        # Giấy khen after 30/6/2025) are not offered; a form granted at several keeps the others.
        period_start = max(target.period_start, dt.date(year, 1, 1))
        period_end = max([shift_years(s.deadline, years) for s in old_stages] + [period_start])
        gone = ended_levels(target.territory_unit, period_start, period_end)
        forms, dropped = {}, []
        for form in round_.award_forms.all().order_by("order", "pk"):
            levels = [level for level in (form.granting_levels or []) if level not in gone]
            if form.granting_levels and not levels:
                dropped.append(form)
                continue
            ended = [level for level in (form.granting_levels or []) if level in gone]
            values, _ = AWARD_FORM.copy_values(form)
            values.update(
                round=new_round, granting_levels=levels,
                name=without_levels(form.name, ended), granted_by=without_levels(rename(form.granted_by), ended),
            )
            forms[form.pk] = RoundAwardForm.objects.create(**values)

        stages = []
        for stage in old_stages:
            values, _ = STAGE.copy_values(stage)
            deadline = shift_years(stage.deadline, years)
            values.update(
                round=new_round,
                name=rename(stage.name),
                organisation=new_organisations[stage.pk],
                deadline=deadline,
                council_of=_successor(stage.council_of, deadline) if stage.council_of_id else None,
                source=stage.source if stage.deadline_stated else derived_source(stage.source, round_.year, year),
            )
            del values["organisation_id"], values["council_of_id"]
            stages.append(Stage(**values))
        Stage.objects.bulk_create(stages)

        start, end = round_period(new_round)
        cite = _citer(start, end)
        conditions = []
        for condition in round_.eligibility_conditions.all():
            values, _ = ELIGIBILITY.copy_values(condition)
            values.update(round=new_round, label=cite(condition.label), source=cite(condition.source))
            conditions.append(EligibilityCondition(**values))
        EligibilityCondition.objects.bulk_create(conditions)
        rules = _vote_rules_in_force(start, end)
        for form in new_round.award_forms.select_related("vote_rule"):
            replacement = rules(form.vote_rule)
            update = {}
            if replacement.pk != form.vote_rule_id:
                update["vote_rule"] = replacement
            if form.basis_clause and cite(form.basis_clause) != form.basis_clause:
                update["basis_clause"] = cite(form.basis_clause)
            if update:
                RoundAwardForm.objects.filter(pk=form.pk).update(**update)

        for criterion in round_.criteria.all().prefetch_related("categories", "award_forms"):
            values, m2m = CRITERION.copy_values(criterion)
            copy = Criterion.objects.create(round=new_round, **values)
            copy.categories.set(m2m["categories"])
            copy.award_forms.set([forms[f.pk] for f in m2m["award_forms"] if f.pk in forms])

        exception_day = first_deadline
        rule_copies = {}  # old rule id → its copy
        for rule in round_.quota_rules.all().prefetch_related("categories", "excluded_categories", "exceptions__unit"):
            if rule.award_form_id not in forms:
                continue
            values, m2m = QUOTA_RULE.copy_values(rule)
            values.update(round=new_round, award_form_id=forms[rule.award_form_id].pk, allocation_id=None)  # allocations: below
            copy = rule_copies[rule.pk] = QuotaRule.objects.create(**values)
            copy.categories.set(m2m["categories"])
            copy.excluded_categories.set(m2m["excluded_categories"])
            # A named unit keeps its own limit under its successor's name; two merged into one keep the larger.
            limits = {}
            for exception in rule.exceptions.all():
                unit = exception.unit.current_successor(exception_day)
                if not unit.is_valid_on(exception_day):
                    continue  # a unit that ceased to exist without a successor has no place
                if unit.pk not in limits or exception.limit > limits[unit.pk][0]:
                    limits[unit.pk] = (exception.limit, exception.source)
            QuotaException.objects.bulk_create(
                QuotaException(rule=copy, unit_id=unit_id, limit=limit, source=source)
                for unit_id, (limit, source) in sorted(limits.items())
            )
        if dropped:
            new_round.notes += "".join(
                f" Không còn hình thức \"{form.name}\": cấp tặng ({', '.join(str(Level(lv).label).lower() for lv in form.granting_levels)}) "
                "không còn trong thời gian của đợt."
                for form in dropped
            )
            Round.objects.filter(pk=new_round.pk).update(notes=new_round.notes)
        _clone_allocations(round_, new_round, forms, rule_copies)
        problems = round_legal_problems(new_round)
        if problems:  # the transaction is rolled back: no half-made round
            raise RoundCloneError(f"Đợt '{code}' không mở được: " + "; ".join(problems) + ".")
    return new_round


def _clone_allocations(round_, new_round, forms, rule_copies):
    """The round's allocations, their shares (the copied rules), totals and what they give the
    categories no share names: the shares stay the whole allocation in the new round."""
    for allocation in round_.quota_allocations.prefetch_related("shares", "mappings"):
        if allocation.award_form_id not in forms:  # a form the new period no longer has
            continue
        copy = QuotaAllocation.objects.create(
            round=new_round, code=allocation.code, label=allocation.label, award_form=forms[allocation.award_form_id],
            nominee_kind=allocation.nominee_kind, total=rule_copies.get(allocation.total_id), source=allocation.source,
            order=allocation.order,
        )
        QuotaRule.objects.filter(pk__in=[rule_copies[s.pk].pk for s in allocation.shares.all() if s.pk in rule_copies]).update(allocation=copy)
        QuotaShareMapping.objects.bulk_create(
            QuotaShareMapping(
                allocation=copy, category_id=m.category_id, nominee_kind=m.nominee_kind,
                share=rule_copies[m.share_id] if m.share_id else None, note=m.note, source=m.source,
            )
            for m in allocation.mappings.all()
        )


def _citer(start: dt.date, end: dt.date):
    """A function rewriting a rule's text so that it names, for each legal text it cites that is not
    in force in [start, end], the text that replaced it (Nghị định 98/2023/NĐ-CP → 152/2025/NĐ-CP)."""
    replacements = []
    for text in LegalText.objects.select_related("replaced_by"):
        if text.in_force_between(start, end) or not text.mentions:
            continue
        successor = text_in_force_replacing(text, start, end)
        if successor is None or not successor.mentions:
            continue
        for mention in text.mentions:
            if mention:
                replacements.append((mention, successor.mentions[0]))
    replacements.sort(key=lambda pair: -len(pair[0]))  # the longest phrase first

    def cite(value: str) -> str:
        for old, new in replacements:
            if old in value:
                value = value.replace(old, new)
        return value

    return cite


def _vote_rules_in_force(start: dt.date, end: dt.date):
    """A function giving, for a vote rule citing a text not in force in [start, end], the rule with the
    same quorum and shares whose sources cite only texts in force then (the rule itself otherwise)."""
    texts = list(LegalText.objects.all())
    candidates = list(VoteRule.objects.all())

    def current(rule: VoteRule) -> bool:
        return all(t.in_force_between(start, end) for t in cited_texts(f"{rule.name}\n{rule.source}", texts))

    def pick(rule: VoteRule) -> VoteRule:
        if current(rule):
            return rule
        same = lambda other: (  # noqa: E731
            (other.quorum_numerator, other.quorum_denominator, other.approval_numerator, other.approval_denominator, other.approval_strict)
            == (rule.quorum_numerator, rule.quorum_denominator, rule.approval_numerator, rule.approval_denominator, rule.approval_strict)
        )
        return next((other for other in candidates if other.pk != rule.pk and same(other) and current(other)), rule)

    return pick
