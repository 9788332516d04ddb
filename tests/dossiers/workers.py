"""Real Celery workers for the integration tests and the benchmark.

A worker is a subprocess (`python -m celery -A <app> worker`) in its own process group, using
the TEST database (DATABASE_URL with the test database's name, which pytest-django has set in
settings by the time a test runs), the test settings, the same VAR_DIR (so the same MEDIA_ROOT)
and its own queue (DOSSIERS_QUEUE), so it never eats other tests' messages.
Only PostgreSQL can be shared with a subprocess: SQLite's test database is in memory.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.servers import subprocess_database_url, wait_for

ROOT = Path(__file__).resolve().parents[2]


def broker_problem() -> str | None:
    """Why a real worker cannot run here (None: it can)."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return "CELERY_BROKER_URL is unset (embedded mode, Celery runs tasks eagerly): set it to a Redis URL to run real workers"
    if connection.vendor != "postgresql":
        return "a worker subprocess needs PostgreSQL (DATABASE_URL): the SQLite test database lives in memory"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means: unreachable
        return f"Redis unreachable at {url}: {error}"
    return None


class Worker:
    """`with Worker(queue=..., var_dir=...) as worker:` starts a worker and waits until it is ready."""

    def __init__(self, *, queue: str, var_dir: Path, app: str = "config", concurrency: int = 1, name: str | None = None,
                 extra_env: dict | None = None):
        self.queue, self.var_dir, self.app, self.concurrency = queue, var_dir, app, concurrency
        self.extra_env = extra_env or {}
        self.name = name or f"dossiers-{uuid.uuid4().hex[:6]}"
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self._ready = threading.Event()

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": subprocess_database_url(),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "VAR_DIR": str(self.var_dir),
            "SITE_URL": settings.SITE_URL,
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60):
        command = [
            sys.executable, "-m", "celery", "-A", self.app, "worker", "-l", "info", "-Q", self.queue,
            "-c", str(self.concurrency), "--pool", "prefork", "-n", f"{self.name}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(timeout):
            self.kill()
            raise RuntimeError("Celery worker did not start:\n" + "\n".join(self.lines[-40:]))
        return self

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self._ready.set()

    def kill(self):
        """kill -9 the worker and its pool children (the whole process group)."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self, last: int = 60) -> str:
        return "\n".join(self.lines[-last:])


def run_worker_benchmark(*, client, url: str, workers: int) -> tuple[float, float]:
    """Start `workers` pool processes, POST the build, wait for the ZIP; also time the start
    request while the workers run. Returns (wall seconds, median request ms)."""
    import statistics
    import tempfile

    from dossiers.models import BuildStatus, DocumentFormat, GeneratedDocument

    queue = f"dossiers-bench-{uuid.uuid4().hex[:8]}"
    var_dir = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    old_queue, old_media = getattr(settings, "DOSSIERS_QUEUE", None), settings.MEDIA_ROOT
    settings.DOSSIERS_QUEUE, settings.MEDIA_ROOT = queue, var_dir / "test-media"
    try:
        with Worker(queue=queue, var_dir=var_dir, concurrency=workers):
            started = time.perf_counter()
            response = client.post(url)
            assert response.status_code == 302, response.status_code
            times = []
            for _ in range(5):
                time.sleep(0.3)
                t = time.perf_counter()
                client.post(url)
                times.append((time.perf_counter() - t) * 1000)
            wait_for(
                lambda: GeneratedDocument.objects.filter(format=DocumentFormat.ZIP, status=BuildStatus.DONE).exists(),
                timeout=1800, interval=0.2, message="the ZIP of the dossier",
            )
            wall = time.perf_counter() - started
    finally:
        settings.DOSSIERS_QUEUE, settings.MEDIA_ROOT = old_queue, old_media
    return wall, statistics.median(times)
