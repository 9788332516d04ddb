"""Settings of the gunicorn server that tests/benchmarks/test_list_throughput.py starts: the
production settings of the test servers (tests/settings_server.py) with the bare page's URL added,
and on the embedded default the test database's file (BENCH_SQLITE_PATH) instead of var/db.sqlite3."""
import os

from tests.settings_server import *  # noqa: F401,F403

ROOT_URLCONF = "tests.benchmarks.bare"
if os.environ.get("BENCH_SQLITE_PATH"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_SQLITE_PATH"]  # noqa: F405
