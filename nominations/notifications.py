"""E-mail about nominations: queued as Celery tasks after the transaction commits."""
import contextlib
import threading

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from campaigns.models import Membership, Role
from nominations.permissions import STAGE_ROLES

UNIT_EVENTS = {"return", "reject", "approve", "submit"}
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


def queue_transition_emails(nomination_id: int, *, action: str, to_status: str):
    from nominations.tasks import task_send_transition_emails

    if is_muted():
        return
    transaction.on_commit(lambda: task_send_transition_emails.delay(nomination_id, action, to_status))


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


def send_transition_emails(nomination, *, action: str, to_status: str) -> int:
    """Tell the unit what happened to its nomination, and the next stage's people that it reached them."""
    context = {"nomination": nomination, "action": action, "status": to_status, "site_url": settings.SITE_URL}
    sent = 0
    if action in ("return", "reject") or to_status in ("awarded", "proposed", "not_awarded") or action == "approve":
        recipients = unit_recipients(nomination.proposing_unit_id)
        if recipients:
            subject = render_to_string("emails/unit_update_subject.txt", context).strip()
            body = render_to_string("emails/unit_update.txt", context)
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if to_status == "in_review" and action in ("submit", "approve"):
        recipients = stage_recipients(nomination.stage)
        if recipients:
            subject = render_to_string("emails/stage_arrival_subject.txt", context).strip()
            body = render_to_string("emails/stage_arrival.txt", context)
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return sent
