"""Gunicorn settings for the web container (`gunicorn config.wsgi:application -c config/gunicorn.conf.py`).

Every value can be changed by environment; the defaults suit a 2-4 core server behind a
TLS-terminating reverse proxy. Heavy work (PDF dossiers, exports) runs in Celery workers, so web
workers stay short-lived and synchronous.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Containers: heartbeat files in memory, logs to stdout/stderr.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Trust X-Forwarded-* only from the reverse proxy: its addresses or networks, comma-separated
# (docker-compose.yml sets Docker's private networks). Never "*": anyone could then claim https.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
