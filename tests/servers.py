"""Real servers for the load and fault tests: gunicorn serving the portal on 127.0.0.1 against the
test database, a Celery worker (both `_Process`: own process group, log file, stop() that waits for
their database sessions to end), and a TCP forwarder that can be cut to make a backing service "go
away".

Only PostgreSQL can be shared with a subprocess (SQLite's test database lives in memory).
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_problem() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (the SQLite test database lives in memory, a server process cannot share it)"
    return None


def redis_broker_problem() -> str | None:
    url = settings.CELERY_BROKER_URL
    if not url or urlsplit(url).scheme not in ("redis", "rediss"):
        return "needs a Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<db>"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure: unreachable
        return f"Redis unreachable at {url}: {error}"
    return None


def subprocess_database_url(*, host: str | None = None, port: int | None = None) -> str:
    """DATABASE_URL of the test database (pytest-django has renamed it by now), optionally through
    another host/port (a proxy)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = host or db.get("HOST") or "127.0.0.1"
    port = port or db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def redirect_url(url: str, port: int) -> str:
    """The same URL (scheme, database number...) on 127.0.0.1:<port>."""
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    netloc = f"{auth}@127.0.0.1:{port}" if auth else f"127.0.0.1:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = ""):
    """Poll `predicate` until it returns something true (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s: {message}")


class _Process:
    """A server process of the tests (gunicorn, a Celery worker): started in its own process group
    with this process's environment plus `env`, its output in `log_path`; `stop()` ends the whole
    group and waits until its database sessions are gone; `with ... as p:` starts and stops it.

    Its PostgreSQL sessions carry `application_name` (PGAPPNAME, read by libpq): stopping waits for
    them to end, so that no session of a stopped server is left when pytest-django drops the test
    database."""

    kind = "process"
    log_mode = "w"

    def __init__(self, *, env: dict, settings_module: str, log_path: Path):
        self.log_path = log_path
        self.application_name = f"thidua-test-{self.kind.replace(' ', '-')}-{uuid.uuid4().hex[:8]}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")},
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONUNBUFFERED": "1",
            "PGAPPNAME": self.application_name,
            **env,
        }
        self.process: subprocess.Popen | None = None
        self._log = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the started process answers (polled until `start(wait=...)` gives up)."""
        raise NotImplementedError

    def start(self, wait: float = 60):
        self._log = open(self.log_path, self.log_mode, encoding="utf-8")
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._close_log()
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode}:\n{self.log()}")
            if self.ready():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.kind} not ready within {wait:.0f} s:\n{self.log()}")

    def stop(self):
        """SIGTERM to the process group, SIGKILL after 20 s; then wait for its database sessions."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        self._close_log()
        if self.process is not None:
            wait_for_database_sessions_to_end(application_name=self.application_name)

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self, last: int = 60) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-last:])

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Gunicorn(_Process):
    """`with Gunicorn(env={...}) as server:` serves config.wsgi on 127.0.0.1:<free port> until the
    block ends; `server.url`, `server.log()`. Workers are gthread (`threads` each) unless
    `worker_class="sync"`."""

    kind = "gunicorn"

    def __init__(self, *, env: dict, workers: int = 2, threads: int = 4, settings_module: str = "config.settings",
                 log_path: Path, timeout: int = 60, keep_alive: int = 5, worker_class: str = "gthread"):
        super().__init__(env=env, settings_module=settings_module, log_path=log_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads, self.timeout, self.keep_alive = workers, threads, timeout, keep_alive
        self.worker_class = worker_class

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", self.worker_class, "--timeout", str(self.timeout), "--graceful-timeout", "5",
            "--keep-alive", str(self.keep_alive), "--backlog", "2048", "--access-logfile", "-", "--error-logfile", "-", "--log-level", "warning",
            "--access-logformat", '%(m)s %(U)s %(s)s %(M)sms',
        ]

    def ready(self) -> bool:
        import httpx

        try:
            return httpx.get(self.url + "/healthz/", timeout=2).status_code in (200, 503)
        except httpx.HTTPError:
            return False


class TcpProxy:
    """A TCP forwarder 127.0.0.1:<port> → target, in a thread of this process, that can be cut:

    - `outage(seconds)`: every open connection is dropped and new ones are refused (the listening
      socket is closed, so a connect gets ECONNREFUSED) for that long, then it listens again;
    - `connections`: how many connections it has accepted so far.
    The backing server itself is never touched (the machine's PostgreSQL and Redis are shared).
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, int(target_port))
        self.port = free_port()
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._writers: set = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self):
        self._thread.start()
        self._call(self._listen())
        return self

    def _call(self, coroutine, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _listen(self):
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _handle(self, client_reader, client_writer):
        self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self._writers.update((client_writer, server_writer))

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError, asyncio.CancelledError):
                pass
            finally:
                writer.close()
                self._writers.discard(writer)

        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    async def _cut(self):
        self._server.close()
        for writer in list(self._writers):
            transport = writer.transport
            if transport is not None:
                transport.abort()  # RST: the peer sees the connection reset at once
        self._writers.clear()

    def cut(self):
        """Drop every connection and refuse new ones until `restore()`."""
        self._call(self._cut())

    def restore(self):
        self._call(self._listen())

    def outage(self, seconds: float):
        self.cut()
        time.sleep(seconds)
        self.restore()

    def stop(self):
        try:
            self.cut()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class CeleryWorker(_Process):
    """`with CeleryWorker(env={...}, queue=..., log_path=...)`: a real `celery -A config worker` on one
    queue of its own, in its own process group, ready when the context block starts."""

    kind = "celery worker"
    log_mode = "a"  # a worker started again after a crash appends to the same log

    def __init__(self, *, env: dict, queue: str, log_path: Path, settings_module: str = "tests.settings_server", concurrency: int = 1):
        super().__init__(env=env, settings_module=settings_module, log_path=log_path)
        self.queue, self.concurrency = queue, concurrency

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-Q", self.queue, "-c", str(self.concurrency),
            "--pool", "solo" if self.concurrency == 1 else "prefork", "-n", f"{self.queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--prefetch-multiplier", "1",
        ]

    def ready(self) -> bool:
        return " ready." in self.log(200)

    def log(self, last: int = 80) -> str:
        return super().log(last)


_OTHER_SESSIONS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def wait_for_database_sessions_to_end(timeout: float = 20, *, application_name: str | None = None):
    """Wait until no other session uses the test database (the servers and workers this test
    started are stopped, their connections gone), so that pytest-django can drop it at the end;
    sessions still there after `timeout` are ended (only this run's processes use a test database).
    `application_name`: only the sessions of one server (_Process.stop() waits for its own).

    Safe inside a transaction: the statistics snapshot that PostgreSQL keeps for a transaction is
    cleared before each look, so every look sees the sessions as they are now."""
    if connection.vendor != "postgresql":
        return
    where, params = (f"{_OTHER_SESSIONS} AND application_name = %s", [application_name]) if application_name else (_OTHER_SESSIONS, [])
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(f"SELECT count(*) {where}", params)
            if cursor.fetchone()[0] == 0:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {where}", params)


def end_other_database_sessions(timeout: float = 5) -> list[str]:
    """End every other session of the test database now (the run is over: nothing may still need
    one) and wait up to `timeout` for them to go. Returns a description of each session ended, to
    name the helper that left it (its application_name, its last query)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(f"SELECT pid, application_name, state, left(query, 80) {_OTHER_SESSIONS}")
        sessions = [f"pid {pid} ({name or 'no application_name'}, {state}): {query}" for pid, name, state, query in cursor.fetchall()]
        if not sessions:
            return []
        cursor.execute(f"SELECT pg_terminate_backend(pid) {_OTHER_SESSIONS}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(f"SELECT count(*) {_OTHER_SESSIONS}")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)
    return sessions
