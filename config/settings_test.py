"""Test settings: the production settings with fast hashing and a captured outbox."""
import os
import re

# `make test` runs the suite in parallel processes (pytest-xdist, PYTEST_XDIST_WORKER=gw0, gw1...).
# Each has its own test database (pytest-django appends the worker's name), and here its own
# VAR_DIR (SQLite test database file, media) and Redis databases (broker and cache: another
# worker's cache.clear() or queued task never reaches this one). Written back to the environment,
# so that the servers and Celery workers a test starts inherit the same (and, marked as done, do
# not move them again).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER and os.environ.get("TEST_WORKER_SETTINGS_FOR") != _XDIST_WORKER:
    os.environ["TEST_WORKER_SETTINGS_FOR"] = _XDIST_WORKER
    _index = int(re.sub(r"\D", "", _XDIST_WORKER) or 0)
    os.environ["VAR_DIR"] = os.path.join(os.environ.get("VAR_DIR") or "var", _XDIST_WORKER)
    for _name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL"):
        _url = os.environ.get(_name, "")
        _db = re.fullmatch(r"(redis://[^/]*)/(\d+)", _url)
        if _db:  # redis://host:port/N -> /N + 2 x the worker's number (CI: 0 and 1, 2 and 3...)
            os.environ[_name] = f"{_db.group(1)}/{int(_db.group(2)) + 2 * _index}"

from config.settings import *  # noqa: F401,F403,E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405

# On the embedded default the test database is a file like the portal's own (WAL, IMMEDIATE
# transactions, busy timeout), not Django's shared-cache in-memory database, whose table locks
# fail at once instead of waiting: tests with background threads and several connections must see
# what two web workers see.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
# Each test asks the database for what a queue shows (tests that check the kept summaries turn it on).
LIST_SUMMARY_CACHE_SECONDS = 0
# Without a broker, a test sees its request's builds and exports done (config/background.py).
RUN_TASKS_IN_REQUEST = True

# django-axes stays first and active; only its backend learns to accept Client.login()'s
# request-less authenticate() call (tests/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.ClientLoginAxesBackend" if backend == "axes.backends.AxesStandaloneBackend" else backend
    for backend in AUTHENTICATION_BACKENDS  # noqa: F405
]
