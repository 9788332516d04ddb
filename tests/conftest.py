"""Top-level test configuration: kept minimal; fixtures live in the nearest conftest."""
import contextlib
from urllib.parse import urlsplit

import pytest
from django.conf import settings


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "world_per_test: the test needs a database without its module's world (it builds its own, or asserts what the "
        "whole database holds): its module builds its worlds per test (tests/worlds.py)",
    )


def pytest_report_header(config):
    """Say which database and which Celery mode this run uses (CI runs the suite twice)."""
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = urlsplit(settings.CELERY_BROKER_URL)
    celery = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else f"broker {broker.scheme}://{broker.hostname}:{broker.port}"
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"thidua: database={engine}, celery={celery}, cache={cache}"


@pytest.fixture(autouse=True)
def portal_language_after_each_test():
    """Each test leaves the portal's language active. The locale middleware activates each
    request's language and leaves it on the thread (a server's next request activates its own), so
    a test, or a module's fixture, after an English page would otherwise start in English."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's fixture, plus a safety net on PostgreSQL: before the test database is dropped,
    every other session still using it is ended (PostgreSQL refuses DROP DATABASE while "N other
    sessions are using the database"). The helpers close their own sessions (tests/servers.py:
    _Process.stop(), wait_for_database_sessions_to_end); whatever one left behind (a worker killed
    with SIGKILL, a thread that kept its connection, a live server's thread) is named here so that
    it can be fixed where it starts. SQLite: nothing to do."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from tests.servers import end_other_database_sessions

    with django_db_blocker.unblock():
        try:
            ended = end_other_database_sessions()
        except Exception as error:  # noqa: BLE001 - a safety net must not hide the run's own result
            ended, failure = [], error
        else:
            failure = None
    if failure is not None:
        _say(request, f"thidua: could not end the other sessions of the test database: {failure!r}")
    elif ended:
        _say(request, f"thidua: {len(ended)} session(s) still used the test database at the end and were ended:", *ended)


@pytest.fixture(scope="module")
def module_nt_world(request, django_db_setup, django_db_blocker):
    """The Ninh Thuận 2024 world (tests/nominations/conftest.py: nt_world) built once per module
    under a transaction rolled back after the module (tests/worlds.py); None in a module with tests
    on committed data, where nt_world builds it per test. Here, not in tests/nominations, because
    modules all over the tree import nt_world."""
    from tests.worlds import built_once, module_builds_worlds_per_test

    if module_builds_worlds_per_test(request):
        yield None
        return
    from tests.nominations.conftest import make_nt_world

    with built_once(django_db_blocker):
        yield make_nt_world()


def _say(request, *lines):
    """Print past pytest's output capture (a session fixture's teardown output is otherwise shown
    only when it fails)."""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        reporter.write_line("")
        for index, line in enumerate(lines):
            reporter.write_line(("  " if index else "") + line, yellow=True)


@pytest.fixture
def kept(settings):
    """Figures kept in the cache until the next nomination event, as in production
    (nominations/kept.py; the tests' settings turn it off), in an empty cache."""
    from django.core.cache import cache

    settings.LIST_SUMMARY_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()
