"""The project's Celery app with a short Redis visibility timeout, for the kill-mid-batch test.

With Redis, a message a killed worker had taken (acks_late: not yet acknowledged) goes back to
the queue only after `visibility_timeout` (one hour by default) and the next sweep of unacked
messages. The test restarts the worker and cannot wait an hour: it runs
`python -m celery -A tests.dossiers.celery_short_visibility worker` with these options. Nothing
else differs from `celery -A config worker`.
"""
from config.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 6,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
