"""Test settings: the production settings with fast hashing and a captured outbox."""
from config.settings import *  # noqa: F401,F403

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
