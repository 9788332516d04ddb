"""E-mail about nominations: queued as Celery tasks after the transaction commits."""
import contextlib
import logging
import threading

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from campaigns.models import Membership, Role
from nominations.permissions import STAGE_ROLES

logger = logging.getLogger(__name__)

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
    if is_muted():
        return
    transaction.on_commit(lambda: _publish(nomination_id, action, to_status))


def _publish(nomination_id: int, action: str, to_status: str):
    """Queue the e-mail task. This runs after the transition has committed: if the broker cannot
    be reached (Redis restarting), the e-mail is sent here and now instead of being lost, and the
    request still answers normally; an error is logged, never raised to the user."""
    from nominations.tasks import task_send_transition_emails

    try:
        task_send_transition_emails.delay(nomination_id, action, to_status)
        return
    except Exception:  # noqa: BLE001 - kombu OperationalError, redis ConnectionError...: the broker is away
        if task_send_transition_emails.app.conf.task_always_eager:
            raise  # no broker: the task itself ran here and failed (as before)
        logger.warning("Broker unreachable: sending the transition e-mail for nomination %s in the request", nomination_id, exc_info=True)
    try:
        task_send_transition_emails(nomination_id, action, to_status)
    except Exception:  # noqa: BLE001 - the transition is saved; an e-mail failure must not undo the answer
        logger.exception("Transition e-mail for nomination %s could not be sent", nomination_id)


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
