"""/healthz/: the database, Redis and the Celery workers, for the container health check and the
proxy in front of several web hosts. Public (no login), so it names only the kind of error; the
details go to the log.

    {"database": "ok", "redis": "ok" | "not configured" | "error: ...",
     "workers": 2 | "eager" | "error: ...", "status": "ok" | "degraded"}

200 whenever the database answers (a host without Redis or workers can still serve pages); 503
when it does not. Each check has a one-second budget, so the answer comes within about two
seconds even when Redis is down.
"""
import logging
import threading

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = 1.0  # seconds, per check
OK = "ok"


def _error(check: str, exception: BaseException) -> str:
    logger.warning("Health check %s failed: %r", check, exception)
    return f"error: {type(exception).__name__}"


def check_database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exception:  # noqa: BLE001 - any failure is reported, never raised
        return _error("database", exception)
    return OK


def redis_urls() -> list[str]:
    """The Redis servers the portal uses: the Celery broker (when it is Redis) and the cache."""
    urls = []
    for url in (settings.CELERY_BROKER_URL, getattr(settings, "REDIS_URL", "")):
        if url and url.split("://", 1)[0] in ("redis", "rediss") and url not in urls:
            urls.append(url)
    return urls


def check_redis() -> str:
    urls = redis_urls()
    if not urls:
        return "not configured"
    for url in urls:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT, retry=Retry(NoBackoff(), 0),
        )
        try:
            client.ping()
        except Exception as exception:  # noqa: BLE001
            return _error("redis", exception)
        finally:
            client.close()
    return OK


def count_workers() -> int:
    """Workers answering a broadcast ping within TIMEOUT."""
    from config.celery import app as celery_app

    with celery_app.connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT) as connection:
        replies = celery_app.control.inspect(timeout=TIMEOUT, connection=connection).ping()
    return len(replies or {})


def check_workers(redis_state: str) -> int | str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "eager"
    if redis_state.startswith("error") and settings.CELERY_BROKER_URL in redis_urls():
        return "error: broker unreachable"
    # Kombu may retry a lost connection on its own: wait for the ping in a thread, with a deadline.
    outcome = {}

    def ping():
        try:
            outcome["workers"] = count_workers()
        except Exception as exception:  # noqa: BLE001
            outcome["workers"] = _error("workers", exception)

    thread = threading.Thread(target=ping, name="healthz-workers", daemon=True)
    thread.start()
    thread.join(TIMEOUT + 1.0)  # the ping itself waits TIMEOUT for replies; connecting takes a little more
    return outcome.get("workers", "error: timeout")


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    redis_state = check_redis()
    workers = check_workers(redis_state)
    healthy = (
        database == OK
        and redis_state in (OK, "not configured")
        and (workers == "eager" or (isinstance(workers, int) and workers > 0))
    )
    report = {
        "database": database,
        "redis": redis_state,
        "workers": workers,
        "status": "ok" if healthy else "degraded",
    }
    return JsonResponse(report, status=200 if database == OK else 503)
