"""The portal's clock. Deadlines are judged against `now()`, which simulations, demos and tests
can set: PORTAL_NOW in the environment (ISO datetime) or `frozen_at(...)` in code."""
import contextlib
import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_local = threading.local()


def now() -> dt.datetime:
    frozen = getattr(_local, "frozen", None)
    if frozen is not None:
        return frozen
    if settings.PORTAL_NOW:
        value = dt.datetime.fromisoformat(settings.PORTAL_NOW)
        return value if timezone.is_aware(value) else value.replace(tzinfo=VIETNAM)
    return timezone.now()


def today() -> dt.date:
    return now().astimezone(VIETNAM).date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime):
    previous = getattr(_local, "frozen", None)
    _local.frozen = moment if timezone.is_aware(moment) else moment.replace(tzinfo=VIETNAM)
    try:
        yield
    finally:
        _local.frozen = previous


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant a deadline `day` allows: 23:59:59.999999 Vietnam time."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=VIETNAM)


def is_past(day: dt.date, moment: dt.datetime | None = None) -> bool:
    return (moment or now()) > end_of_day(day)
