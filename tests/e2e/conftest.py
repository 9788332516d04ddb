"""End-to-end journeys in Debian's Chromium, driven by Playwright, against the portal served on
127.0.0.1 by pytest-django's `live_server` (a real threaded WSGI server, transactional database).

- The browser is /usr/bin/chromium (the Debian package `chromium`): Playwright's own browser
  download does not work here. Without it every journey is skipped with a message naming the
  package, never silently.
- The portal clock is set for the whole process with `settings.PORTAL_NOW` (clock.now() reads it),
  so the live server's threads see the same moment; `clock.frozen_at` is thread-local and would
  not reach them.
- Celery runs eagerly unless a journey starts a real worker (tests/dossiers/workers.py).
- Each journey saves screenshots of its key pages to tests/artifacts/screenshots/ (gitignored).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from campaigns.models import Membership, Role, Unit
from tests.nominations.conftest import nt_world  # noqa: F401  (fixture re-exported)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
PASSWORD = "x-Unused-9"  # tests/nominations/conftest.make_user
INSIDE_UNIT_STAGE = "2024-11-20T10:00"  # Ninh Thuận 2024: the unit stage ends 30/11/2024
TIMEOUT_MS = 20_000


def chromium_problem() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install the Debian package `chromium` "
            "(apt-get install -y --no-install-recommends chromium) to run the browser journeys"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package `playwright` is missing: pip install -e '.[test]' (it is pinned there)"
    return None


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. While Playwright's sync API is active, its event loop counts as
    running in this thread, so Django would refuse ORM calls from the test itself: they are safe
    here (one thread, nothing async), hence DJANGO_ALLOW_ASYNC_UNSAFE for the module only."""
    problem = chromium_problem()
    if problem:
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        instance = manager.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Session:
    """A browser context (its own cookies: one signed-in user) with one page, the live server's
    address, the Content-Security-Policy violations the console reported, and screenshots."""

    def __init__(self, browser, base_url: str, journey: str):
        self.context = browser.new_context(
            base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.journey = journey
        self.csp_violations: list[tuple[str, str]] = []
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append((self.page.url, message.text))

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status < 400, f"GET {path}: {response and response.status}"
        return response

    def login(self, user, password: str = PASSWORD):
        page = self.page
        self.goto("/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/tai-khoan/dang-nhap/" not in url)

    def shot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = SCREENSHOTS / f"{self.journey}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def messages(self) -> str:
        """The text of the flash messages on the current page."""
        return " ".join(self.page.locator(".alert").all_inner_texts())

    def post_form(self, path: str, data: dict | None = None):
        """A direct POST from this browser context (its cookies, a valid CSRF token), as a
        hand-made form or a script would send, bypassing the page's buttons."""
        token = next((c["value"] for c in self.context.cookies() if c["name"] == "csrftoken"), None)
        assert token, "no csrftoken cookie: open a page with a form first"
        return self.page.request.post(
            path, form={"csrfmiddlewaretoken": token, **(data or {})}, headers={"Referer": self.base_url + "/"},
            max_redirects=0,
        )

    def close(self):
        self.context.close()


@pytest.fixture
def open_session(browser, live_server, request):
    """open_session() → a new signed-out Session; every session opened is closed after the test."""
    sessions = []
    journey = request.node.name.removeprefix("test_")
    for old in SCREENSHOTS.glob(f"{journey}-*.png"):
        old.unlink()  # the screenshots of this run only

    def open_():
        session = Session(browser, live_server.url, journey)
        sessions.append(session)
        return session

    yield open_
    report = getattr(request.node, "rep_call", None)
    for index, session in enumerate(sessions):
        if report is not None and report.failed:
            try:
                path = session.shot(f"failed-{index}")
                print(f"\nScreenshot of the failing page ({session.page.url}): {path}")
            except Exception as error:  # noqa: BLE001 - a broken page must not hide the failure
                print(f"\nNo screenshot of the failing page: {error}")
        session.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so open_session knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def portal_clock(settings):
    """portal_clock("2024-12-01T09:00") sets the portal's clock for every thread of this process."""
    def set_(moment: str):
        settings.PORTAL_NOW = moment

    set_(INSIDE_UNIT_STAGE)
    return set_


@pytest.fixture
def eager_tasks():
    """Celery tasks (transition e-mail) run in the live server's thread, whatever CELERY_BROKER_URL says."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def e2e_media(settings, tmp_path):
    """Uploads and generated documents of the journey under tmp_path (a worker gets VAR_DIR=tmp_path)."""
    settings.MEDIA_ROOT = tmp_path / "test-media"
    return tmp_path


def provincial_staff(world, username="can-bo-tinh"):
    """An administrator (Quản trị) of the province: the provincial staff who export and compile."""
    from tests.nominations.conftest import make_user

    province = Unit.objects.get(code="ubnd-tinh-ninh-thuan")
    user = make_user(username, province, Role.ADMINISTRATOR)
    assert Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
    return user


def small_pdf(path: Path, text: str = "Minh chung") -> Path:
    """A small, real one-page PDF written with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
    })
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path
