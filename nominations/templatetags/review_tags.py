"""Template tags of the review side: {% load review_tags %}.

`review_actions` builds the reviewer's panel on the shared nomination detail page (the partial
templates/nominations/review/_actions.html calls it), so the detail view needs to pass nothing
but `nomination`, `request` and `user`.
"""
import html

import rules
from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from campaigns.models import NomineeKind
from campaigns.stages import stages_of
from campaigns.vn_format import vn_percent
from nominations.forms_review import ApproveForm, JudgementForm, RejectForm, ReturnForm
from nominations.models import CriteriaStatus, Status
from nominations.quotas import simulate_batch
from nominations.templatetags.thidua import mau_trang_thai
from nominations.workflow import Action, blockers_by_action, grants_by_decision

register = template.Library()


@register.filter
def quota_colour(row):
    """Bootstrap colour of a quota progress bar: red when full or over, amber when nearly full."""
    used = getattr(row, "used_after", None)
    used = row.used if used is None else used
    if row.limit == 0 or used >= row.limit:
        return "danger"
    if used * 5 >= row.limit * 4:
        return "warning"
    return "success"


@register.filter
def criteria_colour(status):
    return {CriteriaStatus.MET: "success", CriteriaStatus.NOT_MET: "danger"}.get(status, "warning")


@register.filter
def time_picker(bound_field):
    """A time field shown as the browser's time picker (<input type="time">, which sends HH:MM, a
    format every time field of the portal accepts), as the unit council's form shows its times.
    Other fields are returned as they are. Only this form instance's widget changes."""
    field = getattr(bound_field, "field", None)
    if isinstance(field, forms.TimeField):
        field.widget.input_type = "time"
        field.widget.attrs.pop("placeholder", None)
    return bound_field


@register.inclusion_tag("nominations/review/_actions_panel.html", takes_context=True)
def review_actions(context, nomination):
    """What the reviewer at the nomination's current stage may do now: the allowed actions, why
    approval is blocked (workflow blockers, and the quota forecast), and the pending criteria to
    judge."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    stage = nomination.stage
    can_act = user is not None and nomination.status == Status.IN_REVIEW and rules.test_rule("nominations.act_at_stage", user, stage)
    panel = {"nomination": nomination, "can_act": can_act, "request": request, "stage": stage}
    if not can_act:
        return panel
    stages = stages_of(nomination.round)
    target = stages.after(stage)
    found = blockers_by_action(nomination, actor=user, actions=(Action.APPROVE, Action.RETURN, Action.REJECT))
    # The last stage's award is approved by recording the decision: the panel links to it instead.
    decides = grants_by_decision(nomination, stages)
    approve_blockers = [b.message for b in found[Action.APPROVE] if b.code != "decision"]
    quota_places = []
    if not approve_blockers:
        # Where nothing else blocks, the places it would take (or the quota that refuses it).
        forecast = simulate_batch([nomination], moving_past=stage.order, first_stage_order=stages.first.order).items[0]
        if forecast.passes:
            quota_places = forecast.places
        else:
            approve_blockers = [forecast.message]
    actions = [action for action, reasons in found.items() if not reasons and not (action == Action.APPROVE and approve_blockers)]
    pending = [
        (value, JudgementForm(prefix=f"tc{value.pk}"))
        for value in nomination.criterion_values.filter(status=CriteriaStatus.PENDING).select_related("criterion")
    ]
    panel.update(
        {
            "next": request.get_full_path() if request is not None else "",
            "target": target,
            "decides": decides,
            "can_approve": Action.APPROVE in actions,
            "can_return": Action.RETURN in actions,
            "can_reject": Action.REJECT in actions,
            "approve_blockers": approve_blockers,
            "quota_places": quota_places,
            "pending": pending,
            "approve_form": ApproveForm(auto_id="duyet_%s"),
            "return_form": ReturnForm(auto_id="tralai_%s"),
            "reject_form": RejectForm(auto_id="tuchoi_%s"),
        }
    )
    return panel


# --- The queue's rows ----------------------------------------------------------------------------
#
# A queue page shows 50 rows of nine cells. Through the template language each row cost some
# thirty variable and tag nodes (a third of a millisecond), more than the rest of the page; the
# rows are therefore written here in one pass, as PlainSelect writes the filters' options: the
# same markup and the same translated strings (the msgids of the template they came from), every
# value escaped (html.escape, as Django's escape). The table head, the empty row and everything
# else stay in templates/nominations/review/queue.html.

_QUEUE_ROW = (
    "<tr>{choose}"
    '<td class="card-title-cell">{name}{position}</td>'
    '<td data-label="{label_kind}">{kind}</td>'
    '<td data-label="{label_unit}">{proposing_unit}</td>'
    '<td data-label="{label_category}">{category}</td>'
    '<td data-label="{label_form}">{award_form}</td>'
    '<td class="text-nowrap" data-label="{label_criteria}">{criteria_met}/{criteria_total} '
    '<span class="badge text-bg-{criteria_colour}">{criteria_label}</span></td>'
    '<td class="text-nowrap" data-label="{label_vote}">{vote}</td>'
    '<td class="{notes_class}" data-label="{label_notes}">{notes}</td>'
    "</tr>"
)
_CHOOSE_CELL = (
    '<td data-label="{label}"><input class="form-check-input" type="checkbox" name="n" value="{pk}" id="chon-{pk}" '
    'aria-label="{aria_label}"></td>'
)
_CRITERIA_COLOURS = {CriteriaStatus.MET: "success", CriteriaStatus.NOT_MET: "danger"}


class _QueueStrings:
    """What every row repeats, translated and escaped once a page."""

    def __init__(self):
        self.columns = {
            "label_kind": _escape(gettext("Đối tượng")),
            "label_unit": _escape(gettext("Đơn vị đề nghị")),
            "label_category": _escape(gettext("Khối")),
            "label_form": _escape(gettext("Hình thức")),
            "label_criteria": _escape(gettext("Tiêu chí")),
            "label_vote": _escape(gettext("Phiếu HĐ đơn vị")),
            "label_notes": _escape(gettext("Lưu ý")),
        }
        self.choose = _escape(gettext("Chọn"))
        self.passed = f'<span class="badge text-bg-success">{_escape(gettext("Đạt"))}</span>'
        self.not_passed = _escape(gettext("Chưa đạt"))
        self.no_vote = f'<span class="text-muted">{_escape(gettext("Chưa có"))}</span>'
        self.same_person = '<span class="badge text-bg-danger" title="{}">{}</span>'.format(
            _escape(gettext("Cùng số định danh cá nhân được đơn vị khác đề nghị trong đợt")),
            _escape(gettext("Một người được hai đơn vị đề nghị")),
        )
        self.kinds = {value: _escape(label) for value, label in NomineeKind.choices}
        self.criteria = {value: _escape(label) for value, label in CriteriaStatus.choices}
        self.name = _EscapedNames()


class _EscapedNames:
    """name(obj): the escaped name of a unit, category or award form, escaped once however many
    of a list's rows show it."""

    def __init__(self):
        self.names = {}

    def __call__(self, obj) -> str:
        key = (type(obj), obj.pk)
        if key not in self.names:
            self.names[key] = _escape(obj)
        return self.names[key]


def _escape(value) -> str:
    return html.escape(str(value))


def _queue_vote(nomination, strings) -> str:
    vote = getattr(nomination, "unit_vote", None)
    if not vote:
        return strings.no_vote
    badge = strings.passed if vote.passed else (
        f'<span class="badge text-bg-danger" title="{_escape(vote.reason)}">{strings.not_passed}</span>'
    )
    return (
        f"{nomination.unit_votes_for:d}/{nomination.unit_members_total:d} ({_escape(vn_percent(vote.share_percent, None))}) {badge}"
    )


def _queue_row(nomination, strings, choose: bool) -> str:
    name = _escape(nomination.nominee_name)
    detail_url = getattr(nomination, "detail_url", None)
    notes = []
    if nomination.same_person_elsewhere:
        notes.append(strings.same_person)
    duplicates = getattr(nomination, "likely_duplicates", None)
    if duplicates:
        notes.append(render_to_string("nominations/_likely_duplicates.html", {"others": duplicates}))
    return _QUEUE_ROW.format(
        choose=_CHOOSE_CELL.format(
            label=strings.choose, pk=int(nomination.pk), aria_label=_escape(gettext("Chọn %(name)s") % {"name": nomination.nominee_name}),
        ) if choose else "",
        name=f'<a href="{_escape(detail_url)}">{name}</a>' if detail_url else name,
        position=f'<br><small class="text-muted">{_escape(nomination.position)}</small>' if nomination.position else "",
        kind=strings.kinds.get(nomination.kind) or _escape(nomination.kind),
        proposing_unit=strings.name(nomination.proposing_unit),
        category=strings.name(nomination.nominee_unit.category),
        award_form=strings.name(nomination.award_form),
        criteria_met=int(nomination.criteria_met),
        criteria_total=int(nomination.criteria_total),
        criteria_colour=_CRITERIA_COLOURS.get(nomination.criteria_status, "warning"),
        criteria_label=strings.criteria.get(nomination.criteria_status) or _escape(nomination.criteria_status),
        vote=_queue_vote(nomination, strings),
        notes_class="" if notes else "empty-cell",
        notes="\n".join(notes),
        **strings.columns,
    )


@register.simple_tag
def queue_table_rows(nominations, choose=False):
    """The <tr> of each row of a queue page (annotated by selectors_review.queue_rows, with
    `unit_vote`, `detail_url` and `likely_duplicates` set by the view); `choose`: a checkbox
    for bulk approval in the first cell."""
    strings = _QueueStrings()
    return mark_safe("\n".join(_queue_row(nomination, strings, choose) for nomination in nominations))


# --- The decision form's rows ---------------------------------------------------------------------
#
# The decision form lists every nomination waiting at the final stage (a round's whole roll at its
# end): written in one pass as the queue's rows are, with the form's own names, ids, values and
# errors (DecisionForm: `khong`, `reason_<id>`).

_DECISION_ROW = (
    '<tr><td><input class="form-check-input" type="checkbox" name="{khong}" value="{pk}" id="khong-{pk}"{checked} '
    'data-enables="{reason_id}" aria-label="{aria_label}"></td>'
    '<td><label for="khong-{pk}">{name}</label><br><small class="text-muted">{kind}</small></td>'
    "<td>{proposing_unit}</td><td>{award_form}</td>"
    '<td><input type="text" class="form-control form-control-sm{invalid}" name="{reason_name}" id="{reason_id}" '
    'value="{reason}" maxlength="2000" aria-label="{reason_label}" data-sparse="1">{errors}</td></tr>'
)


@register.simple_tag
def decision_table_rows(form, nominations=None):
    """The <tr> of each of `nominations` (the form's, or a page of them) in a DecisionForm: the
    "not awarded" box (ticked as sent) and the reason box with its value and errors, as the
    form's bound fields would write them."""
    strings = _QueueStrings()
    khong = _escape(form.add_prefix("khong"))
    ticked = set()
    if form.is_bound and hasattr(form.data, "getlist"):
        ticked = {str(value) for value in form.data.getlist(form.add_prefix("khong"))}
    errors = form.errors if form.is_bound else {}
    rows = []
    for nomination in form.nominations if nominations is None else nominations:
        field_name = f"reason_{nomination.pk}"
        bound = form[field_name]
        value = bound.value()
        field_errors = errors.get(field_name) or ()
        rows.append(_DECISION_ROW.format(
            khong=khong,
            pk=int(nomination.pk),
            checked=" checked" if str(nomination.pk) in ticked else "",
            reason_id=_escape(bound.id_for_label),
            aria_label=_escape(gettext("Không khen thưởng %(name)s") % {"name": nomination.nominee_name}),
            name=_escape(nomination.nominee_name),
            kind=strings.kinds.get(nomination.kind) or _escape(nomination.kind),
            proposing_unit=strings.name(nomination.proposing_unit),
            award_form=strings.name(nomination.award_form),
            invalid=" is-invalid" if field_errors else "",
            reason_name=_escape(bound.html_name),
            reason="" if value is None else _escape(value),
            reason_label=_escape(bound.label),
            errors="".join(f'<div class="invalid-feedback">{_escape(error)}</div>' for error in field_errors),
        ))
    return mark_safe("\n".join(rows))


@register.simple_tag
def stage_council_result_rows(rows, meeting):
    """The <tr> of each row of a stage council's results (templates/nominations/review/council.html,
    council_rows_page's rows): nominee and proposing unit, award form, votes over the members, the
    share against the rule's requirement and the outcome, where the nomination is now; as the
    template wrote them one by one (tests/nominations/test_stage_council_pages.py compares both),
    each unit's and award form's name escaped once."""
    # gettext outside the f-strings: makemessages does not read inside them
    passed_word, not_passed_word, not_voted_word = gettext("Đạt"), gettext("Chưa đạt"), gettext("Chưa biểu quyết")
    passed = f'<span class="badge text-bg-success">{_escape(passed_word)}</span>'
    not_passed = f'<span class="badge text-bg-danger">{_escape(not_passed_word)}</span>'
    not_voted = f'<span class="text-muted">{_escape(not_voted_word)}</span>'
    above, from_ = _escape(gettext("trên")), _escape(gettext("từ"))
    waiting = _escape(gettext("Đang chờ xét ở bước này"))
    moved_to = gettext("Đã chuyển tới bước %(order)s. %(name)s")
    name, out = _EscapedNames(), []
    for row in rows:
        nomination, outcome = row.nomination, row.outcome
        votes = "—" if row.votes_for is None else f"{int(row.votes_for)}/{_escape(meeting.members_total)}"
        if outcome:
            required = str(round(float(outcome.required.numerator) / float(outcome.required.denominator) * 100))
            verdict = passed if outcome.passed else f"{not_passed}<br><small>{_escape(outcome.reason)}</small>"
            share = f"{_escape(vn_percent(outcome.share_percent, None))} / {above if outcome.strict else from_} {required} % {verdict}"
        else:
            share = not_voted
        if not row.moved_on:
            now = waiting
        elif nomination.status == Status.IN_REVIEW:
            now = moved_to % {"order": _escape(nomination.stage.order), "name": _escape(nomination.stage.name)}
        else:
            now = f'<span class="badge text-bg-{mau_trang_thai(nomination.status)}">{_escape(nomination.get_status_display())}</span>'
        out.append(
            f"<tr>\n<td>{_escape(nomination.nominee_name)}<br><small class=\"text-muted\">{name(nomination.proposing_unit)}</small></td>\n"
            f"<td>{name(nomination.award_form)}</td>\n"
            f'<td class="num">{votes}</td>\n'
            f"<td>{share}</td>\n"
            f'<td class="small">{now}</td>\n</tr>'
        )
    return mark_safe("\n".join(out))
