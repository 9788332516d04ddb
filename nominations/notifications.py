"""E-mail about nominations: written to the outbox in the transition's transaction, sent after it
commits (nominations.outbox)."""
import contextlib
import logging
import threading

from django.conf import settings
from django.template.loader import render_to_string

from campaigns.models import Membership, Role
from nominations.models import Status
from nominations.rules import STAGE_ROLES

logger = logging.getLogger(__name__)

UNIT_EVENTS = {"return", "reject", "approve", "submit"}
FINAL_STATUSES = (Status.AWARDED, Status.PROPOSED, Status.NOT_AWARDED)
_local = threading.local()


@contextlib.contextmanager
def muted():
    """No transition e-mail is queued inside this block: simulations and demo data act through the
    real workflow but must never write to real officers (nor flood the console backend)."""
    previous = getattr(_local, "muted", False)
    _local.muted = True
    try:
        yield
    finally:
        _local.muted = previous


def is_muted() -> bool:
    return getattr(_local, "muted", False)


def queue_transition_emails(nomination, *, action: str, to_status: str, from_stage=None) -> int:
    """Write the transition's e-mail to the outbox, in the transition's transaction, and have it
    sent after commit (nominations.outbox). Returns the number of mails queued."""
    if is_muted():
        return 0
    from nominations import outbox

    ids = [
        outbox.queue_mail(subject=subject, body=body, recipients=recipients, nomination_id=nomination.pk).pk
        for subject, body, recipients in transition_messages(nomination, action=action, to_status=to_status, from_stage=from_stage)
    ]
    outbox.send_after_commit(ids)
    return len(ids)


def unit_recipients(unit_id) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(unit_id=unit_id, role__in=(Role.UNIT_OFFICER, Role.COUNCIL_SECRETARY))
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def stage_recipients(stage) -> list[str]:
    if stage.organisation_id is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(unit_id=stage.organisation_id, role__in=STAGE_ROLES.get(stage.action, ()))
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def transition_messages(nomination, *, action: str, to_status: str, from_stage=None) -> list[tuple[str, str, list[str]]]:
    """(subject, body, recipients) of each mail: the unit hears what happened to its nomination,
    the next stage's people that it reached them, the stage's people that the unit withdrew it
    (`from_stage`: the stage it was withdrawn from)."""
    context = {"nomination": nomination, "action": action, "status": to_status, "site_url": settings.SITE_URL, "from_stage": from_stage}
    messages = []
    if action in ("return", "reject") or to_status in FINAL_STATUSES or action == "approve":
        recipients = unit_recipients(nomination.proposing_unit_id)
        if recipients:
            subject = render_to_string("emails/unit_update_subject.txt", context).strip()
            messages.append((subject, render_to_string("emails/unit_update.txt", context), recipients))
    if to_status == Status.IN_REVIEW and action in ("submit", "approve"):
        recipients = stage_recipients(nomination.stage)
        if recipients:
            subject = render_to_string("emails/stage_arrival_subject.txt", context).strip()
            messages.append((subject, render_to_string("emails/stage_arrival.txt", context), recipients))
    if action == "withdraw" and from_stage is not None:
        recipients = stage_recipients(from_stage)
        if recipients:
            subject = render_to_string("emails/stage_withdrawal_subject.txt", context).strip()
            messages.append((subject, render_to_string("emails/stage_withdrawal.txt", context), recipients))
    return messages
