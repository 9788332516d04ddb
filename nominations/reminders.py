"""Deadline reminders to units that have not submitted: 7, 3 and 1 days before, each sent once."""
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from campaigns import clock
from nominations import outbox
from campaigns.models import Role, Round, Unit
from campaigns.selectors import territory_units
from campaigns.stages import stages_of
from nominations.models import DeadlineExtension, Nomination, Registration, ReminderSent
from nominations.notifications import unit_recipients

REMINDER_DAYS = (7, 3, 1)


def units_expected(round_) -> list[Unit]:
    """Units of the campaign's territory with officers (registered ones where registration is required)."""
    units = territory_units(round_.campaign, stages_of(round_).first.deadline).filter(memberships__role=Role.UNIT_OFFICER).distinct()
    if round_.registration_required:
        units = units.filter(pk__in=Registration.objects.filter(round=round_).values("unit_id"))
    return list(units)


def send_deadline_reminders(today: dt.date | None = None) -> int:
    today = today or clock.today()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    queued = []
    rounds = Round.objects.filter(stages__deadline__gte=today - dt.timedelta(days=60), stages__deadline__lte=horizon + dt.timedelta(days=60)).distinct()
    for round_ in rounds.select_related("campaign__issuer", "campaign__territory"):
        stage = stages_of(round_).first
        extensions = {}
        for extension in DeadlineExtension.objects.filter(stage=stage):
            extensions[extension.unit_id] = max(extensions.get(extension.unit_id, stage.deadline), extension.new_deadline)
        submitted = set(
            Nomination.objects.filter(round=round_, submitted_at__isnull=False).values_list("proposing_unit_id", flat=True)
        )
        for unit in units_expected(round_):
            if unit.pk in submitted:
                continue
            deadline = extensions.get(unit.pk, stage.deadline)
            days = (deadline - today).days
            if days not in REMINDER_DAYS:
                continue
            recipients = unit_recipients(unit.pk)
            context = {"unit": unit, "round": round_, "stage": stage, "deadline": deadline, "days": days, "site_url": settings.SITE_URL}
            try:
                # The reminder is noted and its mail written to the outbox together: a mail
                # server that is down delays it (the outbox tries again), never loses it.
                with transaction.atomic():
                    ReminderSent.objects.create(stage=stage, unit=unit, days_before=days, deadline=deadline)
                    if recipients:
                        queued.append(outbox.queue_mail(
                            subject=render_to_string("emails/reminder_subject.txt", context).strip(),
                            body=render_to_string("emails/reminder.txt", context), recipients=recipients,
                        ).pk)
            except IntegrityError:
                continue  # already sent
    outbox.send_pending(ids=queued)  # stops at the first sign of a mail server that is down
    return len(queued)
