"""Infrastructure: the deployment files name real modules, and settings read the environment.

Settings are checked in fresh interpreters (`python -c`), because they are read once at import.
"""
import fnmatch
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")

# Everything config/settings.py reads, and make's own variables: none may leak into the checks.
_SCRUBBED = {
    "DEBUG", "SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "VAR_DIR", "DATABASE_URL",
    "DB_CONN_MAX_AGE", "SESSION_COOKIE_AGE", "STATIC_ROOT", "MEDIA_ROOT",
    "DEFAULT_FILE_STORAGE_BACKEND", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND", "REDIS_URL", "SECURE_COOKIES", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "LOG_LEVEL", "PORTAL_NOW", "DJANGO_SETTINGS_MODULE", "CELERY_VISIBILITY_TIMEOUT",
    "DOSSIERS_QUEUE", "EXPORT_INLINE_MAX_ROWS", "EXPORT_RETENTION_DAYS",
    "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS",
}


def clean_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env(**env),
        capture_output=True, text=True, timeout=120,
    )


def settings_in_subprocess(names, **env):
    """The given settings as a fresh interpreter sees them with this environment."""
    code = (
        "import json\n"
        "from django.conf import settings\n"
        f"names = {list(names)!r}\n"
        "print(json.dumps({n: getattr(settings, n) for n in names}, default=str))\n"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Production-like environment for importing the entry points the containers use.
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-secret-key-of-sufficient-length-0123456789",
    "ALLOWED_HOSTS": "thidua.example.gov.vn,localhost",
    "SITE_URL": "https://thidua.example.gov.vn",
    "DATABASE_URL": "postgres://thidua:secret@db:5432/thidua",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "REDIS_URL": "redis://redis:6379/1",
}


# --- docker-compose.yml -----------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    with open(ROOT / "docker-compose.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def command_steps(service):
    """A service's command as a list of argv lists (`sh -c "a && b"` gives two)."""
    command = service["command"]
    argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if argv[:2] == ["sh", "-c"] or argv[:2] == ["/bin/sh", "-c"]:
        script = " ".join(argv[2:])
        return [shlex.split(step) for step in re.split(r"&&|;", script) if step.strip()]
    return [argv]


def strip_exec(argv):
    return argv[1:] if argv and argv[0] == "exec" else argv


def test_compose_services_are_the_expected_five(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_compose_images_of_db_and_redis(compose):
    assert compose["services"]["db"]["image"] == "postgres:15"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_compose_web_runs_migrate_then_gunicorn(compose):
    steps = [strip_exec(step) for step in command_steps(compose["services"]["web"])]
    assert steps[0][:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in steps[0]
    assert steps[-1][0] == "gunicorn"


def test_compose_web_command_names_an_importable_wsgi_app(compose):
    gunicorn = strip_exec(command_steps(compose["services"]["web"])[-1])
    app = next(arg for arg in gunicorn[1:] if re.fullmatch(r"[\w.]+:\w+", arg))
    assert app == "config.wsgi:application"
    module, attr = app.split(":")
    result = run_python(
        f"import importlib; app = getattr(importlib.import_module({module!r}), {attr!r}); "
        "assert callable(app), app; print('ok')",
        **PROD_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_compose_web_gunicorn_config_loads(compose):
    gunicorn = strip_exec(command_steps(compose["services"]["web"])[-1])
    config_file = gunicorn[gunicorn.index("-c") + 1]
    assert (ROOT / config_file).is_file()
    app = next(arg for arg in gunicorn[1:] if ":" in arg)
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", app, "-c", config_file],
        cwd=ROOT, env=clean_env(**PROD_ENV), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name, subcommand", [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_command_names_a_celery_app(compose, name, subcommand):
    (argv,) = command_steps(compose["services"][name])
    assert argv[0] == "celery"
    app_name = argv[argv.index("-A") + 1]
    assert app_name == "config"
    assert subcommand in argv
    # Resolve -A exactly as the celery command does.
    result = run_python(
        "from celery import Celery\n"
        "from celery.app.utils import find_app\n"
        f"app = find_app({app_name!r})\n"
        "assert isinstance(app, Celery), type(app)\n"
        "print(app.main, app.conf.broker_url, app.conf.task_always_eager)\n",
        **PROD_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["thidua", "redis://redis:6379/0", "False"]


def test_compose_app_services_share_production_environment(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert str(env["DEBUG"]) == "0", name
        assert env["MEDIA_ROOT"] == "/data/media", name
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert "@db:5432/" in env["DATABASE_URL"], name
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env, name


def test_compose_environment_names_are_read_by_settings(compose):
    """A misspelt variable in compose would be silently ignored by Django."""
    settings_text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:_bool|_list)?\(\s*"([A-Z_]+)"', settings_text))
    outside_settings = {"DJANGO_SETTINGS_MODULE", "TZ", "FORWARDED_ALLOW_IPS"}  # the last: config/gunicorn.conf.py
    env = compose["services"]["web"]["environment"]
    unknown = sorted(set(env) - read - outside_settings)
    assert unknown == []


def test_compose_app_services_wait_for_healthy_db_and_redis(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert "pg_isready" in " ".join(compose["services"]["db"]["healthcheck"]["test"])
    assert compose["services"]["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"] or \
        "redis-cli ping" in " ".join(compose["services"]["redis"]["healthcheck"]["test"])


def test_compose_web_healthcheck_requests_healthz(compose):
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "http://localhost:8000/healthz/" in check
    # The check must not be answered by SECURE_SSL_REDIRECT with a redirect.
    assert "X-Forwarded-Proto" in check


def test_compose_named_volumes_for_db_and_media(compose):
    declared = set(compose["volumes"])

    def mounts(service):
        return {m.split(":")[0]: m.split(":")[1] for m in compose["services"][service].get("volumes", [])}

    assert mounts("db").get("pgdata") == "/var/lib/postgresql/data"
    assert mounts("web").get("media") == "/data/media"
    assert mounts("worker").get("media") == "/data/media"
    assert {"pgdata", "media"} <= declared


# --- Dockerfile, .dockerignore ----------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return text.replace("\\\n", " ")  # join continued lines


def test_dockerfile_base_image(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.M)


def test_dockerfile_installs_pango_fonts_and_poppler(dockerfile):
    installs = " ".join(re.findall(r"apt-get install ([^&\n]+)", dockerfile))
    packages = set(installs.split())
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "fonts-liberation", "poppler-utils"} <= packages
    # WeasyPrint subsets the embedded fonts with HarfBuzz; without it, with fontTools (2.5x the CPU).
    assert "libharfbuzz-subset0" in packages


def test_dockerfile_runs_gunicorn_as_non_root(dockerfile):
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    (cmd,) = re.findall(r"^CMD\s+(.+)$", dockerfile, re.M)
    assert json.loads(cmd) == ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.conf.py"]
    assert "collectstatic --noinput" in dockerfile


def test_dockerignore_keeps_what_the_image_needs():
    patterns = [
        line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    needed = ["pyproject.toml", "README.md", "manage.py", "config", "templates", "static"]
    ignored = [n for n in needed if any(fnmatch.fnmatch(n, p.rstrip("/")) for p in patterns)]
    assert ignored == []
    assert ".venv" in patterns and ".git" in patterns and ".env" in patterns


# --- Makefile, .ci/run, system check ----------------------------------------------------

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_dry_run(*args):
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@needs_make
@pytest.mark.parametrize("target", ["venv", "install", "sysdeps", "demo", "test", "bench", "clean"])
def test_makefile_has_target(target):
    make_dry_run(target)


@needs_make
def test_makefile_demo_migrates_loads_and_serves():
    out = make_dry_run("demo")
    steps = ["manage.py migrate --noinput", "manage.py load_campaigns", "manage.py load_demo", "manage.py runserver"]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions, out
    assert positions == sorted(positions)


@needs_make
def test_makefile_test_runs_pytest_with_args():
    out = make_dry_run("test", "PYTEST_ARGS=-k quota_full -x")
    assert re.search(r"-m pytest -n \d+ --dist loadfile -k quota_full -x", out), out
    assert re.search(r"-m pytest -n 0 --dist loadfile -k quota_full", make_dry_run("test", "TEST_WORKERS=0", "PYTEST_ARGS=-k quota_full"))


@needs_make
def test_makefile_bench_runs_benchmarks_without_addopts():
    out = make_dry_run("bench")
    assert "pytest tests/benchmarks" in out
    assert "--override-ini addopts=" in out
    assert "-p no:cacheprovider" in out


def test_benchmarks_are_left_out_of_the_normal_suite():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "--ignore=tests/benchmarks" in pyproject["tool"]["pytest"]["ini_options"]["addopts"].split()
    assert (ROOT / "tests" / "benchmarks" / "__init__.py").is_file()


def test_ci_run_is_executable_bash_running_make_test_twice():
    ci = ROOT / ".ci" / "run"
    assert ci.stat().st_mode & stat.S_IXUSR
    text = ci.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text
    assert len(re.findall(r"\bmake test\b", text)) >= 2
    assert "DATABASE_URL=\"postgres://" in text and "CELERY_BROKER_URL=\"redis://" in text
    assert "env -u DATABASE_URL -u CELERY_BROKER_URL" in text
    syntax = subprocess.run(["bash", "-n", str(ci)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


def test_weasyprint_subsets_fonts_with_harfbuzz():
    """make test / make bench / the image install libharfbuzz-subset0 (config/check_system.sh,
    Dockerfile). Without it WeasyPrint falls back to fontTools, in Python: a 223-page stage dossier
    took 96 s of CPU instead of 39 s on the same machine."""
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is not None, (
        "libharfbuzz-subset0 thiếu / missing: apt-get install -y --no-install-recommends libharfbuzz-subset0"
    )


def test_check_system_script_passes_here():
    """Pango and Liberation Serif are present (make test has just installed them if needed)."""
    result = subprocess.run(
        ["bash", str(ROOT / "config" / "check_system.sh"), "--python", sys.executable],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Pango + Liberation Serif: OK" in result.stdout


def test_check_system_script_rejects_unknown_argument_cleanly():
    result = subprocess.run(
        ["bash", str(ROOT / "config" / "check_system.sh"), "--bogus"], capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "--bogus" in result.stderr and "Traceback" not in result.stderr


# --- settings read the environment ------------------------------------------------------


def test_settings_refuse_to_start_without_secret_key_when_debug_off():
    result = run_python(
        "from django.conf import settings; settings.DEBUG",
        DEBUG="0", DATABASE_URL="postgres://thidua@127.0.0.1:5432/thidua",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_settings_refuse_to_start_without_site_url_when_debug_off():
    result = run_python(
        "from django.conf import settings; settings.DEBUG",
        DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://thidua@127.0.0.1:5432/thidua",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SITE_URL phải được đặt khi DEBUG tắt" in result.stderr


def test_settings_site_url_read_from_the_environment_without_trailing_slash():
    values = settings_in_subprocess(["SITE_URL"], DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="https://thidua.example.gov.vn/")
    assert values == {"SITE_URL": "https://thidua.example.gov.vn"}


def test_site_url_documented_in_compose_env_example_and_readme(compose):
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["SITE_URL"].startswith("${SITE_URL:?"), name
    assert re.search(r"^SITE_URL=https://", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE)
    assert "| `SITE_URL` |" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_settings_database_url_selects_postgresql():
    values = settings_in_subprocess(
        ["DATABASES"], DATABASE_URL="postgres://thidua:pw@db.example:5433/thidua_prod",
    )
    db = values["DATABASES"]["default"]
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], int(db["PORT"])) == (
        "django.db.backends.postgresql", "thidua_prod", "thidua", "pw", "db.example", 5433,
    )


def test_settings_without_database_url_use_sqlite_under_var_dir(tmp_path):
    values = settings_in_subprocess(["DATABASES", "MEDIA_ROOT"], VAR_DIR=str(tmp_path))
    db = values["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "db.sqlite3")
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")


def test_settings_celery_eager_without_broker():
    values = settings_in_subprocess(["CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL"])
    assert values == {"CELERY_TASK_ALWAYS_EAGER": True, "CELERY_BROKER_URL": ""}


def test_settings_celery_not_eager_with_broker():
    values = settings_in_subprocess(
        ["CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL"], CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert values == {"CELERY_TASK_ALWAYS_EAGER": False, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}


def test_celery_app_takes_eager_mode_from_settings():
    result = run_python("from config.celery import app; print(app.conf.task_always_eager)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


EXPORT_AND_QUEUE_SETTINGS = ["EXPORT_INLINE_MAX_ROWS", "EXPORT_RETENTION_DAYS", "DOSSIERS_QUEUE", "CELERY_BROKER_TRANSPORT_OPTIONS"]


def test_settings_exports_queues_and_visibility_timeout_defaults():
    values = settings_in_subprocess(EXPORT_AND_QUEUE_SETTINGS)
    assert values == {
        "EXPORT_INLINE_MAX_ROWS": 2000, "EXPORT_RETENTION_DAYS": 7,
        "DOSSIERS_QUEUE": None,  # Celery's default queue
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 3600},
    }


def test_settings_exports_queues_and_visibility_timeout_from_environment():
    values = settings_in_subprocess(
        EXPORT_AND_QUEUE_SETTINGS,
        EXPORT_INLINE_MAX_ROWS="500", EXPORT_RETENTION_DAYS="30", DOSSIERS_QUEUE="dossiers", CELERY_VISIBILITY_TIMEOUT="7200",
    )
    assert values == {
        "EXPORT_INLINE_MAX_ROWS": 500, "EXPORT_RETENTION_DAYS": 30, "DOSSIERS_QUEUE": "dossiers",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 7200},
    }


def test_celery_app_takes_visibility_timeout_and_beat_schedule_from_settings():
    result = run_python(
        "import json; from config.celery import app; "
        "print(json.dumps([app.conf.broker_transport_options, sorted(app.conf.beat_schedule)]))",
        CELERY_VISIBILITY_TIMEOUT="5400",
    )
    assert result.returncode == 0, result.stderr
    options, schedule = json.loads(result.stdout.strip().splitlines()[-1])
    assert options == {"visibility_timeout": 5400}
    assert schedule == ["deadline-reminders", "export-cleanup", "mail-outbox", "mail-outbox-cleanup"]


def test_settings_vietnamese_language_and_time_zone():
    values = settings_in_subprocess(["LANGUAGE_CODE", "TIME_ZONE", "USE_TZ", "CELERY_TIMEZONE"])
    assert values == {
        "LANGUAGE_CODE": "vi", "TIME_ZONE": "Asia/Ho_Chi_Minh", "USE_TZ": True,
        "CELERY_TIMEZONE": "Asia/Ho_Chi_Minh",
    }


def test_settings_debug_off_secures_cookies_and_transport():
    values = settings_in_subprocess(
        ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS"],
        DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="https://thidua.example.gov.vn",
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0
    assert "testserver" not in values["ALLOWED_HOSTS"]


def test_settings_lists_and_cache_from_environment():
    values = settings_in_subprocess(
        ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CACHES"],
        ALLOWED_HOSTS="thidua.sonla.gov.vn, localhost",
        CSRF_TRUSTED_ORIGINS="https://thidua.sonla.gov.vn",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert values["ALLOWED_HOSTS"] == ["thidua.sonla.gov.vn", "localhost"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://thidua.sonla.gov.vn"]
    assert values["CACHES"]["default"] == {
        "BACKEND": "config.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
    }


# --- static files and the base layout ---------------------------------------------------


def test_vendored_bootstrap_is_5_3_with_license():
    css = finders.find("vendor/bootstrap/css/bootstrap.min.css")
    js = finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js")
    assert css and js
    assert re.search(r"Bootstrap\s+v5\.3\.\d+", Path(css).read_text(encoding="utf-8")[:300])
    assert re.search(r"Bootstrap\s+v5\.3\.\d+", Path(js).read_text(encoding="utf-8")[:300])
    assert "MIT License" in (ROOT / "static" / "vendor" / "bootstrap" / "LICENSE").read_text(encoding="utf-8")
    assert finders.find("css/portal.css")


def _stub(request):
    return HttpResponse("stub")


def _page(request):
    messages.success(request, "Đã lưu hồ sơ.")
    messages.error(request, "Quá hạn nộp hồ sơ.")
    return render(request, "base.html")


# The URL names base.html uses; the real views live elsewhere.
urlpatterns = [
    path("", _stub, name="home"),
    path("dang-nhap/", _stub, name="login"),
    path("dang-xuat/", _stub, name="logout"),
    path("trang/", _page),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_base_template_for_anonymous_user(client):
    html = client.get("/trang/").content.decode()
    assert '<html lang="vi">' in html
    assert "Cổng thi đua chuyển đổi số" in html
    assert '/static/vendor/bootstrap/css/bootstrap.min.css' in html
    assert '/static/vendor/bootstrap/js/bootstrap.bundle.min.js' in html
    assert '/static/css/portal.css' in html
    assert 'href="/dang-nhap/"' in html
    assert 'action="/dang-xuat/"' not in html
    assert re.search(r'class="alert alert-success"[^>]*>\s*Đã lưu hồ sơ\.', html)
    assert re.search(r'class="alert alert-danger"[^>]*>\s*Quá hạn nộp hồ sơ\.', html)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_base_template_for_authenticated_user(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="canbo.sonla", password="mat-khau-dai-123", first_name="Văn An", last_name="Nguyễn",
    )
    client.force_login(user)
    html = client.get("/trang/").content.decode()
    assert user.get_full_name() in html
    form = re.search(r'<form method="post" action="/dang-xuat/"[^>]*>(.*?)</form>', html, re.S)
    assert form, html
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert 'href="/dang-nhap/"' not in html
