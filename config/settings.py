"""Settings for the emulation-award portal.

Every value comes from the environment, with a safe development default, so that
production differs from a developer's laptop only by environment values.
"""
from datetime import timedelta
from pathlib import Path
import ipaddress
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY phải được đặt khi DEBUG tắt (SECRET_KEY is required when DEBUG is off).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" + (",testserver" if DEBUG else ""))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",  # login throttling: see AXES_* below
    "campaigns",
    "criteria",
    "quotas",
    "nominations",
    "dossiers",
    "reports",
    "demo",  # demonstration data (load_demo) and round simulation (simulate_round)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (Django 5.2 sets neither): config/middleware.py.
    "config.middleware.SecurityHeadersMiddleware",
    # PostgreSQL refusing connections: a Vietnamese 503 page instead of a crash (config/middleware.py).
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese for everyone unless the user chose English; not the browser's Accept-Language.
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The Vietnamese formats (|so, |phan_tram, |ngay, |ngay_gio, ...) in every template.
            "builtins": ["campaigns.templatetags.vn_format"],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name) or an embedded SQLite file under var/.
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    # conn_health_checks: a kept connection is checked before reuse, so that the portal recovers by
    # itself after PostgreSQL restarts instead of failing the first request on each web worker.
    DATABASES = {"default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")), conn_health_checks=True,
    )}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL: readers do not wait for a writer, and a writer for readers. A writer takes the
            # lock when its transaction begins (IMMEDIATE), so two workers writing at once queue on
            # the busy timeout instead of failing with "database is locked" when a read
            # transaction tries to become a write one.
            "OPTIONS": {
                "timeout": 20,
                # A 64 MB page cache and memory-mapped reads per connection, kept between requests
                # (CONN_MAX_AGE): a list page reads its index pages from memory, not from the file.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                    "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # A worker keeps its connection (its page cache, the parsed schema) from one request to
            # the next instead of opening the file again each time.
            "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "60")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+IP before any password is checked. It needs the request,
    # which the login view passes (tests: see config/settings_test.py).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions in the database (shared by every web host), or in Redis ("cache", needs REDIS_URL), or
# both ("cached_db"). Never in one host's memory.
SESSION_STORE = env("SESSION_STORE", "db")
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
if SESSION_STORE not in _SESSION_ENGINES:
    raise ImproperlyConfigured(f"SESSION_STORE phải là db, cache hoặc cached_db (got {SESSION_STORE!r}).")
SESSION_ENGINE = _SESSION_ENGINES[SESSION_STORE]

# The reverse proxy's addresses or networks, comma-separated (e.g. "127.0.0.1,::1" for a proxy on
# the same host, "172.16.0.0/12" for one reaching a container over Docker's network). Only a
# request from one of them has its X-Forwarded-For believed (config/client_ip.py); never "*".
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: '{_proxy}' không phải địa chỉ IP hoặc mạng (an IP or network, never '*').")

# Login throttling (django-axes): 5 failures for one username from one client address lock that
# pair out for 15 minutes; a successful login resets the count. Attempts are kept in the
# database, so every web host sees them. The client address is the one the trusted proxy saw
# (config/client_ip.py): a stranger's failures lock that username from the stranger's address
# only, never the user's own, and a forged X-Forwarded-For cannot dodge the lock.
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_COOLOFF_MESSAGE = "Tài khoản tạm bị khoá do đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."

# Password reset mail (config/password_reset.py): at most this many an hour to one address and
# from one client address; beyond, the same page and no mail.
PASSWORD_RESET_PER_ADDRESS = int(env("PASSWORD_RESET_PER_ADDRESS", "3"))
PASSWORD_RESET_PER_IP = int(env("PASSWORD_RESET_PER_IP", "10"))

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
# Uploads and generated documents are private: never served from a public URL.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

STORAGES = {
    "default": {"BACKEND": env("DEFAULT_FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    # Static assets (Bootstrap, our JS) are served by the portal itself (WhiteNoise): no CDN.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Several web hosts and workers: STORAGE_BACKEND=s3 keeps uploads and generated documents in an
# S3-compatible store (MinIO, a cloud bucket) instead of MEDIA_ROOT. Objects are private; the
# portal's download views read them and check permissions, and any URL is signed and expires.
STORAGE_BACKEND = env("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "s3":
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 cần AWS_STORAGE_BUCKET_NAME (the bucket is required).")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", "") or None  # None: Amazon S3 itself
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "") or None
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", "") or None  # None: boto3's own chain (instance role)
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", "") or None
    AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", "") or None  # "path" for most MinIO setups
    AWS_DEFAULT_ACL = "private"
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(f"STORAGE_BACKEND phải là filesystem hoặc s3 (got {STORAGE_BACKEND!r}).")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console in development; SMTP by environment in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Cổng thi đua chuyển đổi số <no-reply@thidua.local>")
# Seconds before an unanswering mail server is given up (Django's default is to wait for ever).
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
# Mail is written to an outbox table with the action and sent after it (nominations.outbox); a
# failed send is tried again after 1, 2, 4 ... 60 minutes, at most this many times.
MAIL_OUTBOX_MAX_ATTEMPTS = int(env("MAIL_OUTBOX_MAX_ATTEMPTS", "48"))
# Sent mail is deleted from the outbox after this many days (daily, Celery beat).
MAIL_OUTBOX_RETENTION_DAYS = int(env("MAIL_OUTBOX_RETENTION_DAYS", "30"))

# Celery: without a broker, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Redis gives a message back to the queue only when it has not been acknowledged within
# `visibility_timeout` seconds. Tasks are acknowledged late (CELERY_TASK_ACKS_LATE, after they
# ran), so a task whose worker died (killed, machine lost) runs again on another worker only
# after this long, and a task that runs longer than this is handed to a second worker while the
# first is still at it: keep it above the longest task. Default: one hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_BEAT_SCHEDULE = {
    # Mail still in the outbox (a mail server that was down): nominations.outbox.
    "mail-outbox": {"task": "nominations.tasks.task_send_outbox_mail", "schedule": 60.0},
    "mail-outbox-cleanup": {"task": "nominations.tasks.task_delete_sent_mail", "schedule": 24 * 3600.0},
    "deadline-reminders": {"task": "nominations.tasks.task_send_deadline_reminders", "schedule": 3600.0},
    # Export files older than EXPORT_RETENTION_DAYS, and their jobs, deleted once a day.
    "export-cleanup": {"task": "nominations.tasks.task_delete_old_exports", "schedule": 24 * 3600.0},
}
# Time limits of the document and export tasks (seconds): at the soft limit the task stops and
# its record says the document took too long; at the hard limit the worker process is killed.
# A running build holds a lease of DOCUMENT_BUILD_LEASE seconds (dossiers.services): past it, the
# build is taken as dead and the next request builds the document again. The lease must outlast
# the hard limit (a live task never loses its lease) and stay below CELERY_VISIBILITY_TIMEOUT.
DOCUMENT_TASK_SOFT_TIME_LIMIT = int(env("DOCUMENT_TASK_SOFT_TIME_LIMIT", "600"))
DOCUMENT_TASK_TIME_LIMIT = int(env("DOCUMENT_TASK_TIME_LIMIT", "660"))
DOCUMENT_BUILD_LEASE = int(env("DOCUMENT_BUILD_LEASE", "900"))
if not 0 < DOCUMENT_TASK_SOFT_TIME_LIMIT < DOCUMENT_TASK_TIME_LIMIT < DOCUMENT_BUILD_LEASE:
    raise ImproperlyConfigured(
        "Cần 0 < DOCUMENT_TASK_SOFT_TIME_LIMIT < DOCUMENT_TASK_TIME_LIMIT < DOCUMENT_BUILD_LEASE "
        "(the lease of a build must outlast the task's hard time limit)."
    )
# Without a broker (CELERY_TASK_ALWAYS_EAGER), document builds and background exports run in this
# many threads of the web process, after the request (config/background.py), not inside it.
# RUN_TASKS_IN_REQUEST=1 runs them inside the request instead (the test settings do).
BACKGROUND_THREADS = int(env("BACKGROUND_THREADS", "2"))
RUN_TASKS_IN_REQUEST = env_bool("RUN_TASKS_IN_REQUEST", False)
# The queue of the dossier builds (dossiers/services.py); empty: Celery's default queue
# (CELERY_TASK_DEFAULT_QUEUE, "celery"), which every worker started without -Q consumes.
DOSSIERS_QUEUE = env("DOSSIERS_QUEUE", "") or None

# Exports: an award list longer than EXPORT_INLINE_MAX_ROWS rows is written by a Celery task (the
# page shows its progress) instead of within the request; its file and job are deleted after
# EXPORT_RETENTION_DAYS days (reports.tasks.task_delete_old_exports, daily).
EXPORT_INLINE_MAX_ROWS = int(env("EXPORT_INLINE_MAX_ROWS", "2000"))
EXPORT_RETENTION_DAYS = int(env("EXPORT_RETENTION_DAYS", "7"))

# Cache: Redis when configured (failing soft: Redis unreachable is a miss, config/cache.py), local
# memory otherwise.
REDIS_URL = env("REDIS_URL", "")
REDIS_CACHE_TIMEOUT = float(env("REDIS_CACHE_TIMEOUT", "1"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CACHE_TIMEOUT, "socket_timeout": REDIS_CACHE_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if SESSION_STORE == "cache" and not REDIS_URL:
    # A local-memory cache is per process: sessions there would be lost between gunicorn workers.
    raise ImproperlyConfigured("SESSION_STORE=cache cần REDIS_URL (sessions need a shared cache).")

# What a review queue shows beside its page (quota bars, returns, filters, counts per unit), the
# round dashboard and the award list's filter choices are kept in the cache until the next
# nomination event, and this many seconds at most (nominations/kept.py); 0: never kept.
LIST_SUMMARY_CACHE_SECONDS = int(env("LIST_SUMMARY_CACHE_SECONDS", "60"))

# Security: secure cookies and HSTS whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"  # Django's default, stated here on purpose
# Sent on every response by config.middleware.SecurityHeadersMiddleware. No inline <script> or
# style="" attribute may be used in templates (Bootstrap 5.3 needs neither).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# The portal's clock can be set (simulations, demos): see campaigns.clock.
PORTAL_NOW = env("PORTAL_NOW", "")

# Absolute address of the portal, for links in e-mails and the verification links and QR codes
# printed on every generated document. Required in production: a document pointing to a
# development address cannot be verified by whoever receives it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL phải được đặt khi DEBUG tắt, ví dụ https://thidua.example.gov.vn: đường dẫn xác minh in trên "
        "văn bản và trong thư điện tử dùng địa chỉ này (SITE_URL is required when DEBUG is off)."
    )
