"""Writes on nominations other than stage changes (those go through workflow.advance)."""
from __future__ import annotations

import hashlib
from decimal import Decimal

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import clock
from campaigns.bounds import COUNCIL_MEMBERS_MAX, COUNCIL_NOTES_MAX_CHARS
from campaigns.models import AwardOutcome, Level, NomineeKind, Round, Stage, Unit
from campaigns.services.rounds import round_start, unit_valid_in, units_valid_in_q
from campaigns.stages import stages_of
from criteria import evaluation
from criteria.models import CriterionKind
from criteria.selectors import criteria_for
from nominations import council
from nominations.models import (
    AwardDecision,
    CouncilMeeting,
    CouncilVote,
    CriterionValue,
    DeadlineExtension,
    Evidence,
    Nomination,
    NominationEvent,
    Registration,
    Status,
)
from nominations.rules import council_unit_ids, officer_unit_ids
from nominations.validators import validate_extension_deadline, validate_round_date
from nominations.workflow import Action, TransitionError, advance

TRACKED_FIELDS = (
    "kind",
    "nominee_unit_id",
    "full_name",
    "gender",
    "birth_year",
    "position",
    "person_identifier",
    "award_form_id",
    "achievement_summary",
    "eligibility_declared",
)


class ServiceError(Exception):
    """A refused write, with a message for the user in the active language (Vietnamese by default)."""


class DuplicateNomination(ServiceError):
    """The nominee already has a nomination in the round; `existing` is it (the page links to it
    when the user may see it, and offers to carry what was typed into it when it is the unit's draft)."""

    def __init__(self, message: str, existing: Nomination):
        super().__init__(message)
        self.existing = existing


def _existing_described(clash) -> str:
    """"nháp, đơn vị đề nghị: Sở Tài chính, lập ngày 20/11/2024" (status, proposing unit, day created, Vietnam time)."""
    status = str(Status(clash.status).label).lower()
    day = timezone.localtime(clash.created_at, clock.VIETNAM).strftime("%d/%m/%Y")
    return _("%(status)s, đơn vị đề nghị: %(unit)s, lập ngày %(day)s") % {"status": status, "unit": clash.proposing_unit, "day": day}


def refuse_outside_round(*, round_: Round, unit: Unit, what: str | None = None) -> None:
    """A draft round takes nothing; a unit that does not exist in the round's period (a district
    unit, ended 30/6/2025, in a 2026 round) neither proposes nor is proposed."""
    if not round_.is_published:
        raise ServiceError(_("Đợt “%(round)s” chưa được công bố: chưa đăng ký, đề nghị khen thưởng được.") % {"round": round_.name})
    if not unit_valid_in(unit, round_):
        facts = {"what": what or _("Đơn vị"), "unit": unit.name, "round": round_.name}
        if unit.valid_to:
            facts["unit"] = _("%(unit)s (hoạt động đến %(date)s)") % {"unit": unit.name, "date": f"{unit.valid_to:%d/%m/%Y}"}
        if unit.successor_id:
            raise ServiceError(
                _("%(what)s %(unit)s không còn tồn tại trong thời gian của đợt “%(round)s”: đơn vị kế thừa là %(successor)s.")
                % {**facts, "successor": unit.current_successor(round_start(round_)).name}
            )
        raise ServiceError(_("%(what)s %(unit)s không còn tồn tại trong thời gian của đợt “%(round)s”.") % facts)


def may_propose_form(award_form, proposing_unit: Unit) -> bool:
    """An award form its unit's own head grants (outcome "unit") at given levels only (the commune
    chairman's Giấy khen) is proposed by units of those levels only."""
    return not (
        award_form.granting_levels and award_form.outcome == AwardOutcome.UNIT and proposing_unit.level not in award_form.granting_levels
    )


def register_unit(*, round_: Round, unit: Unit, actor, pledge: str = "") -> Registration:
    if not rules.test_rule("nominations.propose_for_unit", actor, unit):
        raise ServiceError(_("Chỉ cán bộ của đơn vị được đăng ký thi đua cho đơn vị."))
    refuse_outside_round(round_=round_, unit=unit)
    if round_.registration_deadline and clock.is_past(round_.registration_deadline):
        raise ServiceError(
            _("Đã hết hạn đăng ký thi đua (hạn đến hết ngày %(date)s).") % {"date": f"{round_.registration_deadline:%d/%m/%Y}"}
        )
    with transaction.atomic():
        registration, created = Registration.objects.get_or_create(
            round=round_, unit=unit, defaults={"pledge": pledge, "registered_at": clock.now(), "registered_by": actor}
        )
        if not created and registration.pledge != pledge:
            registration.pledge = pledge
            registration.save(update_fields=["pledge"])
    return registration


def nominee_units_for(*, round_: Round, proposing_unit: Unit):
    """The units a proposing unit may nominate as a collective: itself, and its children where the round says so."""
    units = Unit.objects.filter(pk=proposing_unit.pk)
    if round_.units_propose_for_children:
        units = units | Unit.objects.filter(parent=proposing_unit)
    return units.filter(units_valid_in_q(round_)).select_related("category")


# The particulars a report form asks of a nominee (campaigns.report_forms), kept for its kind only.
INDIVIDUAL_PARTICULARS = ("hometown", "residence", "qualification", "political_theory", "academic_rank", "academic_degree")
COLLECTIVE_PARTICULARS = ("headquarters", "unit_profile", "unit_functions", "unit_structure")
REPORT_PARTICULARS = ("birth_date", *INDIVIDUAL_PARTICULARS, *COLLECTIVE_PARTICULARS)


def save_nomination(
    *,
    actor,
    round_: Round,
    proposing_unit: Unit,
    data: dict,
    values: dict,
    nomination: Nomination | None = None,
) -> Nomination:
    """Create or update a draft (or returned) nomination and its criterion values, in one transaction.

    `data` holds the nomination's fields; `values` maps criterion id → {"number", "flag", "text"}.
    Edits made after the first submission are logged in the nomination's history."""
    if not rules.test_rule("nominations.propose_for_unit", actor, proposing_unit):
        raise ServiceError(_("Chỉ cán bộ của đơn vị đề nghị được sửa hồ sơ."))
    if nomination is not None and not nomination.is_editable_by_unit:
        raise ServiceError(_("Hồ sơ đã gửi, không sửa được. Chỉ sửa khi hồ sơ còn nháp hoặc bị trả lại."))
    award_form = data["award_form"]
    if award_form.round_id != round_.pk:
        raise ServiceError(_("Hình thức khen thưởng không thuộc đợt này."))
    kind = data["kind"]
    if kind == NomineeKind.COLLECTIVE and not award_form.for_collectives:
        raise ServiceError(_("%(form)s không tặng cho tập thể trong đợt này.") % {"form": award_form.name})
    if kind == NomineeKind.INDIVIDUAL and not award_form.for_individuals:
        raise ServiceError(_("%(form)s không tặng cho cá nhân trong đợt này.") % {"form": award_form.name})
    refuse_outside_round(round_=round_, unit=proposing_unit, what=_("Đơn vị đề nghị"))
    if not may_propose_form(award_form, proposing_unit):
        levels = ", ".join(str(Level(level).label).lower() for level in award_form.granting_levels)
        raise ServiceError(
            _("%(form)s do người đứng đầu đơn vị %(levels)s tặng: %(unit)s không đề nghị hình thức này.")
            % {"form": award_form.name, "levels": levels, "unit": proposing_unit.name}
        )
    nominee_unit = data["nominee_unit"]
    if nominee_unit.pk != proposing_unit.pk:
        refuse_outside_round(round_=round_, unit=nominee_unit, what=_("Đơn vị được đề nghị"))
    allowed_units = nominee_units_for(round_=round_, proposing_unit=proposing_unit)
    if kind == NomineeKind.COLLECTIVE and not allowed_units.filter(pk=nominee_unit.pk).exists():
        raise ServiceError(_("Đơn vị được đề nghị không thuộc phạm vi đơn vị được lập hồ sơ."))
    if kind == NomineeKind.INDIVIDUAL and nominee_unit.pk != proposing_unit.pk and not nominee_unit.path.startswith(proposing_unit.path):
        raise ServiceError(_("Cá nhân phải công tác tại đơn vị đề nghị hoặc đơn vị trực thuộc."))

    with transaction.atomic():
        if nomination is None:
            nomination = Nomination(round=round_, proposing_unit=proposing_unit, created_by=actor, stage=stages_of(round_).first)
            before, stored = None, {}
        else:
            nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
            if nomination.round_id == round_.pk:
                nomination.round = round_  # already loaded: the criteria are read through it
            if not nomination.is_editable_by_unit:
                raise ServiceError(_("Hồ sơ đã gửi, không sửa được."))
            before = {f: getattr(nomination, f) for f in TRACKED_FIELDS}
            stored = {f.attname: getattr(nomination, f.attname) for f in Nomination._meta.concrete_fields if f.many_to_one}
        for key in ("kind", "nominee_unit", "full_name", "gender", "birth_year", "position", "person_identifier", "award_form",
                    "achievement_summary", "eligibility_declared", *REPORT_PARTICULARS):
            if key in data:
                setattr(nomination, key, data[key])
        if nomination.kind == NomineeKind.COLLECTIVE:
            nomination.full_name = nomination.gender = nomination.position = nomination.person_identifier = ""
            nomination.birth_year = nomination.birth_date = None
            for key in INDIVIDUAL_PARTICULARS:
                setattr(nomination, key, "")
        else:
            for key in COLLECTIVE_PARTICULARS:
                setattr(nomination, key, "")
        nomination.person_identifier = "".join(nomination.person_identifier.split()).upper()
        try:
            nomination.full_clean(exclude=_known_relations(nomination, stored), validate_constraints=False)
        except ValidationError as error:
            raise ServiceError("; ".join(m for ms in error.message_dict.values() for m in ms)) from error
        _refuse_duplicates(nomination)
        try:
            with transaction.atomic():
                nomination.save()
        except IntegrityError as error:
            raise ServiceError(_("Người/tập thể này đã có hồ sơ khác trong đợt (một thành tích chỉ đề nghị một hình thức).")) from error
        _save_values(nomination, values)
        if before is not None and nomination.submitted_at is not None:
            after = {f: getattr(nomination, f) for f in TRACKED_FIELDS}
            changes = {f: [_plain(before[f]), _plain(after[f])] for f in TRACKED_FIELDS if before[f] != after[f]}
            if changes:
                NominationEvent.objects.create(
                    nomination=nomination, actor=actor, at=clock.now(), action="edit",
                    from_stage=nomination.stage, to_stage=nomination.stage,
                    from_status=nomination.status, to_status=nomination.status, changes=changes,
                )
    return nomination


def _known_relations(instance, stored: dict) -> list[str]:
    """Foreign keys full_clean() need not look up again (one query each): those unchanged since the
    row was read (`stored`, attname → value) and those holding an object read from the database."""
    names = []
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if not field.many_to_one or value is None:
            continue
        if field.attname in stored and stored[field.attname] == value:
            names.append(field.name)
        elif field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and not related._state.adding and related.pk == value:
                names.append(field.name)
    return names


def _plain(value):
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)


def _refuse_duplicates(nomination):
    others = Nomination.objects.filter(round_id=nomination.round_id).exclude(status=Status.REJECTED).exclude(pk=nomination.pk)
    if nomination.kind == NomineeKind.COLLECTIVE:
        clash = others.filter(kind=NomineeKind.COLLECTIVE, nominee_unit=nomination.nominee_unit).first()
        if clash:
            raise DuplicateNomination(
                _(
                    "%(unit)s đã có hồ sơ đề nghị %(form)s trong đợt này (%(existing)s): không đề nghị nhiều hình thức "
                    "khen thưởng cho một thành tích."
                ) % {"unit": nomination.nominee_unit, "form": clash.award_form.name, "existing": _existing_described(clash)},
                clash,
            )
    elif nomination.person_identifier:
        clash = others.filter(
            kind=NomineeKind.INDIVIDUAL, proposing_unit=nomination.proposing_unit, person_identifier=nomination.person_identifier
        ).first()
        if clash:
            raise DuplicateNomination(
                _(
                    "Cá nhân có số định danh %(identifier)s đã có hồ sơ đề nghị %(form)s trong đợt này (%(existing)s): "
                    "không đề nghị nhiều hình thức khen thưởng cho một thành tích."
                ) % {"identifier": nomination.person_identifier, "form": clash.award_form.name, "existing": _existing_described(clash)},
                clash,
            )


def applicable_criteria(nomination):
    return criteria_for(
        round_=nomination.round,
        nominee_kind=nomination.kind,
        category=nomination.nominee_unit.category,
        award_form=nomination.award_form,
    )


VALUE_FIELDS = ("number", "flag", "text", "status")


def _save_values(nomination, values):
    """Store the criterion values of `values` (criterion id → {"number", "flag", "text"}) and
    re-evaluate every applicable criterion; values of criteria that no longer apply are removed.

    A constant number of queries whatever the number of criteria: the criteria, the stored values
    and the evidence are read once, new values go in one bulk_create, changed ones in one
    bulk_update, the rest in one DELETE. Everything is checked before anything is written.
    Bulk writes send no model signals: the dossiers' stale flag is set by the nomination's (or the
    evidence's) own save in the same transaction, and their fingerprint catches the rest."""
    criteria = list(applicable_criteria(nomination))
    existing = {v.criterion_id: v for v in nomination.criterion_values.all()}
    with_evidence = set(nomination.evidence.exclude(criterion=None).values_list("criterion_id", flat=True))
    results, created, changed = [], [], []
    for criterion in criteria:
        given = values.get(criterion.pk, {})
        value = existing.get(criterion.pk)
        before = None if value is None else tuple(getattr(value, f) for f in VALUE_FIELDS)
        if value is None:
            value = CriterionValue(nomination=nomination, criterion=criterion)
        if criterion.pk in values:
            value.number = given.get("number") if criterion.kind == CriterionKind.PERCENTAGE else None
            value.flag = given.get("flag") if criterion.kind == CriterionKind.BOOLEAN else None
            value.text = given.get("text") or ""
        if value.number is not None and not (Decimal(0) <= Decimal(value.number) <= Decimal(100)):
            raise ServiceError(_("Tỷ lệ của tiêu chí \"%(criterion)s\" phải từ 0 đến 100%%.") % {"criterion": criterion.label})
        value.status = evaluation.evaluate(
            criterion, number=value.number, flag=value.flag, text=value.text,
            judgement=value.judgement, has_evidence=criterion.pk in with_evidence,
        )
        if before is None:
            created.append(value)
        elif tuple(getattr(value, f) for f in VALUE_FIELDS) != before:
            changed.append(value)
        results.append((criterion, value.status))
    applicable = {criterion.pk for criterion in criteria}
    removed = [v.pk for criterion_id, v in existing.items() if criterion_id not in applicable]
    if removed:
        # Rare (the kind, category or award form changed): the public delete, with its signals.
        CriterionValue.objects.filter(pk__in=removed).delete()
    if changed:
        CriterionValue.objects.bulk_update(changed, list(VALUE_FIELDS))
    if created:
        CriterionValue.objects.bulk_create(created)
    refresh_criteria_summary(nomination, results)


def refresh_criteria_summary(nomination, results=None):
    if results is None:
        values = nomination.criterion_values.select_related("criterion")
        results = [(v.criterion, v.status) for v in values]
    overall, met, total = evaluation.summarise(results)
    Nomination.objects.filter(pk=nomination.pk).update(criteria_status=overall, criteria_met=met, criteria_total=total)
    nomination.criteria_status, nomination.criteria_met, nomination.criteria_total = overall, met, total


def judge_criterion(*, nomination, criterion_value: CriterionValue, judgement: str, actor, comment: str = "") -> CriterionValue:
    """A reviewer at the nomination's current stage records the council's judgement of a criterion."""
    if judgement not in (evaluation.MET, evaluation.NOT_MET, ""):
        raise ServiceError(_("Đánh giá không hợp lệ."))
    if nomination.status != Status.IN_REVIEW or not rules.test_rule("nominations.act_at_stage", actor, nomination.stage):
        raise ServiceError(_("Chỉ cơ quan đang xét hồ sơ được đánh giá tiêu chí."))
    with transaction.atomic():
        previous = criterion_value.judgement
        criterion_value.judgement = judgement
        criterion_value.judged_by = actor
        criterion_value.judged_at = clock.now()
        criterion_value.status = evaluation.evaluate(
            criterion_value.criterion, number=criterion_value.number, flag=criterion_value.flag,
            text=criterion_value.text, judgement=judgement,
            has_evidence=nomination.evidence.filter(criterion=criterion_value.criterion).exists(),
        )
        criterion_value.save()
        refresh_criteria_summary(nomination)
        NominationEvent.objects.create(
            nomination=nomination, actor=actor, at=clock.now(), action="judge",
            from_stage=nomination.stage, to_stage=nomination.stage, from_status=nomination.status,
            to_status=nomination.status, comment=comment,
            changes={criterion_value.criterion.code: [previous, judgement]},
        )
    return criterion_value


def add_evidence(*, nomination, criterion, uploaded_file, actor, content_type: str) -> Evidence:
    """Store an evidence file (already checked by content in the form) under a generated name."""
    if not rules.has_perm("nominations.edit_nomination", actor, nomination) or not nomination.is_editable_by_unit:
        raise ServiceError(_("Chỉ thêm minh chứng khi hồ sơ còn nháp hoặc bị trả lại, bởi cán bộ đơn vị đề nghị."))
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    with transaction.atomic():
        evidence = Evidence(
            nomination=nomination, criterion=criterion, original_name=uploaded_file.name[:255],
            content_type=content_type, size=uploaded_file.size, sha256=digest.hexdigest(), uploaded_by=actor,
        )
        evidence.file.save(uploaded_file.name, uploaded_file, save=False)
        evidence.save()
        _save_values(nomination, {})
    return evidence


def judge_criteria(*, nomination, judgements, actor) -> list[CriterionValue]:
    """Several of a nomination's criteria judged at once (the reviewer's one form): `judgements` is a
    list of (criterion value, "met"/"not_met", comment). All or nothing."""
    with transaction.atomic():
        return [
            judge_criterion(nomination=nomination, criterion_value=value, judgement=judgement, actor=actor, comment=comment)
            for value, judgement, comment in judgements
        ]


def delete_draft(*, nomination, actor) -> str:
    """Delete a draft its unit never submitted, with what hangs on it alone (its criterion values,
    evidence files, its line in the unit council's votes, its generated documents); the council
    meeting, the unit's other nominations and the round stay. Returns the nominee's name.
    A nomination once submitted (in review, returned, decided) is never deleted: its history counts."""
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().filter(pk=nomination.pk).order_by().first()
        if locked is None:
            raise ServiceError(_("Hồ sơ không còn tồn tại (đã bị xoá)."))
        if locked.proposing_unit_id not in officer_unit_ids(actor):
            raise ServiceError(_("Chỉ cán bộ của đơn vị đề nghị được xoá hồ sơ nháp."))
        if locked.status != Status.DRAFT or locked.submitted_at is not None:
            raise ServiceError(_("Chỉ xoá được hồ sơ nháp chưa gửi lần nào; hồ sơ đã gửi được giữ lại cùng lịch sử của nó."))
        name = locked.nominee_name
        files = list(locked.evidence.values_list("file", flat=True))
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))
    return name


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a file already gone: nothing to remove
            pass


def add_evidence_files(*, nomination, uploads, actor) -> list[Evidence]:
    """Several evidence files at once, each tied to its criterion: `uploads` are (criterion or
    None, file, content type proven by the form). All or nothing."""
    with transaction.atomic():
        return [
            add_evidence(nomination=nomination, criterion=criterion, uploaded_file=uploaded, actor=actor, content_type=content_type)
            for criterion, uploaded, content_type in uploads
        ]


def save_nomination_with_evidence(*, actor, round_, proposing_unit, data, values, nomination=None, uploads=()) -> Nomination:
    """save_nomination() and the evidence files chosen in the same form, in one transaction."""
    with transaction.atomic():
        saved = save_nomination(
            actor=actor, round_=round_, proposing_unit=proposing_unit, data=data, values=values, nomination=nomination
        )
        if uploads:
            add_evidence_files(nomination=saved, uploads=uploads, actor=actor)
    return saved


def _check(validator, value, **kwargs):
    """A shared check (nominations.validators) as a ServiceError."""
    try:
        validator(value, **kwargs)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from error


VOTES_WRITTEN_PER_QUERY = 500


def record_council_meeting(*, actor, stage: Stage, unit: Unit, data: dict, votes: dict[int, int]) -> CouncilMeeting:
    """Record (or correct) a council meeting and each nominee's 'đồng ý' votes.

    The unit's officers/secretary record the unit council; a stage organisation's people record theirs."""
    first = stages_of(stage.round).first
    if stage.pk == first.pk:
        if unit.pk not in council_unit_ids(actor):
            raise ServiceError(_("Chỉ cán bộ, thư ký Hội đồng của đơn vị được ghi kết quả họp."))
    elif not (stage.organisation_id == unit.pk and rules.test_rule("nominations.act_at_stage", actor, stage)):
        raise ServiceError(_("Chỉ cơ quan xét ở bước này được ghi kết quả họp Hội đồng của mình."))
    total, present, written = data["members_total"], data["members_present"], data.get("written_opinions", 0)
    if total <= 0:
        raise ServiceError(_("Số thành viên Hội đồng phải lớn hơn 0."))
    if total > COUNCIL_MEMBERS_MAX:
        raise ServiceError(_("Số thành viên Hội đồng không được lớn hơn %(n)d.") % {"n": COUNCIL_MEMBERS_MAX})
    if len(data.get("notes") or "") > COUNCIL_NOTES_MAX_CHARS:
        raise ServiceError(_("Diễn biến, ý kiến không quá %(n)d ký tự.") % {"n": COUNCIL_NOTES_MAX_CHARS})
    problems = council.meeting_problems(total=total, present=present, written=written, start=data["start_time"], end=data["end_time"])
    if problems:
        raise ServiceError(council.PLAIN_PROBLEM_MESSAGES[problems[0].code])
    _check(council.check_meeting_date, data["date"], round_=stage.round, what=_("Ngày họp"))
    nominations = {
        n.pk: n for n in Nomination.objects.filter(pk__in=votes.keys()).only("round", "proposing_unit", "kind", "full_name", "nominee_unit")
    }
    for nomination_id, votes_for in votes.items():
        nomination = nominations.get(nomination_id)
        if nomination is None or nomination.round_id != stage.round_id:
            raise ServiceError(_("Hồ sơ không thuộc đợt này."))
        if stage.pk == first.pk and nomination.proposing_unit_id != unit.pk:
            raise ServiceError(_("Hồ sơ không thuộc đơn vị."))
        if not council.votes_possible(votes_for, present=present, written=written):
            raise ServiceError(
                _("Số phiếu đồng ý cho %(name)s (%(votes)d) vượt số thành viên có mặt và ý kiến bằng văn bản (%(n)d).")
                % {"name": nomination.nominee_name, "votes": votes_for, "n": present + written}
            )
    with transaction.atomic():
        # The meeting's row stays locked (update_or_create) until the votes are written: a second
        # recording of the same meeting waits, then reads the votes this one wrote.
        meeting, _created = CouncilMeeting.objects.update_or_create(
            stage=stage, unit=unit, defaults={**data, "round": stage.round, "recorded_by": actor}
        )
        _write_votes(meeting, votes)
    return meeting


def _write_votes(meeting: CouncilMeeting, votes: dict[int, int]) -> None:
    """Each nominee's count of `meeting`: the counts that changed updated, the new ones created, in
    batches: a few queries whatever the number of nominations (a stage council may vote on tens of
    thousands in one meeting)."""
    recorded = {
        vote.nomination_id: vote
        for vote in CouncilVote.objects.filter(meeting=meeting).only("id", "meeting", "nomination", "votes_for").order_by()
    }
    changed, new = [], []
    for nomination_id, votes_for in votes.items():
        vote = recorded.get(nomination_id)
        if vote is None:
            new.append(CouncilVote(meeting=meeting, nomination_id=nomination_id, votes_for=votes_for))
        elif vote.votes_for != votes_for:
            vote.votes_for = votes_for
            changed.append(vote)
    CouncilVote.objects.bulk_update(changed, ["votes_for"], batch_size=VOTES_WRITTEN_PER_QUERY)
    CouncilVote.objects.bulk_create(new, batch_size=VOTES_WRITTEN_PER_QUERY)


def grant_extension(*, actor, stage: Stage, unit: Unit, new_deadline, reason: str) -> DeadlineExtension:
    """The organisation receiving a stage's dossiers extends its deadline for one unit, with a reason."""
    stages = stages_of(stage.round)
    receiver = stages.after(stage)
    if receiver is None or not rules.test_rule("nominations.act_at_stage", actor, receiver):
        raise ServiceError(_("Chỉ cơ quan nhận hồ sơ của bước này được gia hạn."))
    if not reason.strip():
        raise ServiceError(_("Cần ghi rõ lý do gia hạn."))
    _check(validate_extension_deadline, new_deadline, stage_deadline=stage.deadline, last_deadline=stages.last.deadline, today=clock.today())
    with transaction.atomic():
        return DeadlineExtension.objects.create(
            stage=stage, unit=unit, new_deadline=new_deadline, reason=reason.strip(), granted_by=actor, granted_at=clock.now()
        )


def record_decision(
    *, actor, round_: Round, number: str, date, signer: str, signer_title: str = "", nominations, not_awarded=None, round_rules=None
) -> AwardDecision:
    """The chairman's office records the Quyết định and moves each listed nomination to its outcome;
    `not_awarded` maps nomination ids to the reason they were not awarded. All or nothing.
    `round_rules` (workflow.RoundRules) is handed to each advance() by callers moving many rounds' worth."""
    final = stages_of(round_).last
    if not rules.test_rule("nominations.act_at_stage", actor, final):
        raise ServiceError(_("Chỉ Văn phòng Chủ tịch ở bước quyết định được ghi quyết định khen thưởng."))
    if not number.strip() or not signer.strip():
        raise ServiceError(_("Cần số quyết định và người ký."))
    _check(validate_round_date, date, round_=round_, last_deadline=final.deadline, what=_("Ngày ký quyết định"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                decision = AwardDecision.objects.create(
                    round=round_, number=number.strip(), date=date, signer=signer.strip(), signer_title=signer_title, recorded_by=actor
                )
        except IntegrityError as error:
            raise ServiceError(_("Quyết định số %(number)s đã được ghi trong đợt này.") % {"number": number}) from error
        try:
            for nomination in nominations:
                advance(nomination, Action.APPROVE, actor=actor, comment=f"Quyết định số {decision.number}", decision=decision,
                        round_rules=round_rules)
            for nomination_id, reason in (not_awarded or {}).items():
                advance(Nomination.objects.get(pk=nomination_id), Action.REJECT, actor=actor, comment=reason, round_rules=round_rules)
        except TransitionError as error:
            raise ServiceError(str(error)) from error
    return decision
