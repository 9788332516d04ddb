"""`make demo` serves the portal as production does: its own Vietnamese error pages (never Django's
English debug page listing the URL patterns), static files served, and plain http on 127.0.0.1
working (no redirect to https, cookies not restricted to https).

The test runs the demo target's own command lines (read from `make -n demo`) in a temporary
VAR_DIR, leaving out the loading of campaigns and demo data (not what is checked here, and slow),
then asks the running server."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.servers import free_port
from tests.test_infra import ROOT, clean_env

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

SKIPPED = ("load_campaigns", "load_demo", "check_system.sh")


def demo_commands(addr: str, python: str) -> tuple[list[str], str]:
    """(setup lines, the runserver line) of `make demo`, with this interpreter."""
    result = subprocess.run(
        ["make", "-n", "demo", f"DEMO_ADDR={addr}", f"PY={python}", f"STAMP={python}"],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip() and not any(s in line for s in SKIPPED)]
    serve = next(line for line in lines if "manage.py runserver" in line)
    return [line for line in lines if line is not serve and "pip install" not in line], serve


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


@pytest.fixture
def demo_server(tmp_path):
    import sys

    port = free_port()
    addr = f"127.0.0.1:{port}"
    setup, serve = demo_commands(addr, sys.executable)
    env = clean_env(VAR_DIR=str(tmp_path))
    for line in setup:
        done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    log = open(tmp_path / "runserver.log", "w")
    server = subprocess.Popen(
        ["bash", "-c", f"{serve} --noreload"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(f"http://{addr}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"the demo server did not start: {(tmp_path / 'runserver.log').read_text()}")
                time.sleep(0.3)
        yield f"http://{addr}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # bash and the server it started: their own group
        server.wait(timeout=20)
        log.close()


def test_make_demo_shows_the_portal_error_pages_serves_static_files_over_plain_http(demo_server):
    status, headers, body = fetch(f"{demo_server}/ho-so/999999/")
    assert status in (302, 404), status  # signed out: to the login page; signed in: the portal's 404
    status, headers, body = fetch(f"{demo_server}/khong-co-trang-nay/")
    assert status == 404
    assert "Không tìm thấy trang" in body
    assert "URLconf" not in body and "DEBUG = True" not in body, "Django's debug page is shown"
    assert "Content-Security-Policy" in headers

    status, headers, body = fetch(f"{demo_server}/tai-khoan/dang-nhap/")
    assert status == 200, "plain http must not be redirected to https"
    cookies = headers.get_all("Set-Cookie") or []
    assert cookies and not any("Secure" in cookie for cookie in cookies), cookies
    assert "Strict-Transport-Security" not in headers

    status, headers, body = fetch(f"{demo_server}/static/js/portal.js")
    assert status == 200 and "setCustomValidity" in body
    status, _headers, _body = fetch(f"{demo_server}/static/vendor/bootstrap/css/bootstrap.min.css")
    assert status == 200
