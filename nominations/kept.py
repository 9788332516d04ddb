"""Figures kept in the cache until the next nomination event.

What a list page shows beside its rows (a queue's quota bars, returns and filters, the number
waiting per stage, a round's dashboard, the award list's filter choices) changes only when a
nomination moves, is edited after it was sent or judged: each of these writes a NominationEvent in
its transaction (nominations.workflow.advance, nominations.services). So such figures are kept in
the cache under the id of the newest event (one indexed MAX, read before what it guards), and
worked out again after any such write, or after LIST_SUMMARY_CACHE_SECONDS at most (what no event
records: a unit renamed, a quota rule edited in the admin). 0 turns the cache off (the tests'
settings: each test asks the database).
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from nominations.models import NominationEvent


def keeping() -> bool:
    """Whether figures are kept at all (LIST_SUMMARY_CACHE_SECONDS > 0)."""
    return bool(getattr(settings, "LIST_SUMMARY_CACHE_SECONDS", 0))


def history_version() -> int:
    """The id of the newest NominationEvent: it changes with every transition and every edit."""
    return NominationEvent.objects.aggregate(newest=Max("id"))["newest"] or 0


def kept(key: str, compute):
    """compute(), or what it returned under `key`, which must name the nomination event (and any
    other version) it follows; compute() itself when nothing is kept."""
    if not keeping():
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.LIST_SUMMARY_CACHE_SECONDS)
    return found


def meeting_version(meeting) -> str:
    """What names a recording of a council meeting in a kept figure's key: recording it again (its
    votes with it, nominations.services.record_council_meeting) saves it, so the key changes."""
    return f"{meeting.pk}@{meeting.recorded_at:%Y%m%d%H%M%S%f}"


def kept_until_next_event(name: str, compute, *parts):
    """compute(), or what it returned for the same `name` and `parts` since the newest nomination
    event (read only when something is kept)."""
    if not keeping():
        return compute()
    return kept(f"{name}:{history_version()}:" + ":".join(str(part) for part in parts), compute)
