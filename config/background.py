"""Run a Celery task off the request path, with or without a broker.

With a broker the task is sent to it (a worker runs it). Without one (CELERY_TASK_ALWAYS_EAGER,
the embedded default of `make demo`), Celery would run it inside the request that queued it: a
large dossier would hold the page (and the web worker) for as long as it takes to lay out. Here
it runs instead in a small pool of background threads of the web process (BACKGROUND_THREADS),
after the request's commit; the page answers at once and polls the record's status like with a
worker. The records are written first and the builds are idempotent, so a process that dies
mid-build leaves a record whose lease expires and is built again on the next request.

RUN_TASKS_IN_REQUEST = True keeps the old behaviour (the task inside the request): the test
settings use it so that a test sees the result of its request.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=settings.BACKGROUND_THREADS, thread_name_prefix="thidua-background")
        return _executor


def _run_here(task, args, kwargs):
    try:
        task.apply(args=args, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - the task stored its failure on its record; nobody else would hear of it
        logger.exception("Background task %s%s failed", task.name, tuple(args))
    finally:
        connections.close_all()  # this thread's own connections


def _call_here(function, args):
    try:
        function(*args)
    except Exception:  # noqa: BLE001 - nobody else would hear of it
        logger.exception("Background call %s failed", getattr(function, "__name__", function))
    finally:
        connections.close_all()


def call(function, *args) -> Future | None:
    """Call `function(*args)` in a background thread (or here, with RUN_TASKS_IN_REQUEST)."""
    if settings.RUN_TASKS_IN_REQUEST:
        function(*args)
        return None
    return executor().submit(_call_here, function, args)


def send(task, args=(), kwargs=None, **options) -> Future | None:
    """Queue `task` (call it after commit). Returns the background Future when it runs in a thread."""
    kwargs = kwargs or {}
    if not task.app.conf.task_always_eager or settings.RUN_TASKS_IN_REQUEST:
        if options:
            task.apply_async(args=args, kwargs=kwargs, **options)
        else:
            task.delay(*args, **kwargs)
        return None
    return executor().submit(_run_here, task, list(args), kwargs)
