"""Run Django in a fresh interpreter with a chosen environment (settings are read once, at import).

Every variable config/settings.py reads is removed from the inherited environment first, so that
the developer's or CI's own DATABASE_URL, CELERY_BROKER_URL... cannot leak into a check.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A production environment as docker-compose gives it (nothing here is contacted).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-like-test-key-7Gk2pQ9vXw3LmN8rT5yZ1aB4cD6eF0hJ2kL4mN6pQ8sT",
    "ALLOWED_HOSTS": "thidua.example.gov.vn",
    "SITE_URL": "https://thidua.example.gov.vn",
    "DATABASE_URL": "postgres://thidua:secret@db:5432/thidua",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "REDIS_URL": "redis://redis:6379/1",
}


def settings_variables() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env(?:_bool|_list)?\(\s*"([A-Z0-9_]+)"', text))


def clean_env(**overrides) -> dict:
    scrubbed = settings_variables() | {"DJANGO_SETTINGS_MODULE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS"}
    env = {k: v for k, v in os.environ.items() if k not in scrubbed and not k.startswith("AWS_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def run(argv, timeout=120, **env) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=clean_env(**env), capture_output=True, text=True, timeout=timeout)


def settings_in_subprocess(names, **env) -> dict:
    """The named settings (JSON-encoded, str() for the rest) as a fresh interpreter sees them."""
    code = (
        "import json\n"
        "from django.conf import settings\n"
        f"names = {list(names)!r}\n"
        "print(json.dumps({n: getattr(settings, n) for n in names}, default=str))\n"
    )
    result = run([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
