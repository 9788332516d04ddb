"""Template tags of the review side: {% load review_tags %}.

`review_actions` builds the reviewer's panel on the shared nomination detail page (the partial
templates/nominations/review/_actions.html calls it), so the detail view needs to pass nothing
but `nomination`, `request` and `user`.
"""
import rules
from django import forms, template

from campaigns.stages import stages_of
from nominations.forms_review import ApproveForm, JudgementForm, RejectForm, ReturnForm
from nominations.models import CriteriaStatus, Status
from nominations.quotas import simulate_batch
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
