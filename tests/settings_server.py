"""Settings of the gunicorn servers and Celery workers that tests/benchmarks and tests/faults start:
the production settings (config.settings, every value from the environment), with the Celery
messages of a run sent to a queue of its own (TEST_CELERY_QUEUE), so that no other worker on the
shared Redis picks them up; the test deletes that queue afterwards."""
import os

from config.settings import *  # noqa: F401,F403

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
# The file e-mail backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_DIR", str(VAR_DIR / "mail"))  # noqa: F405
