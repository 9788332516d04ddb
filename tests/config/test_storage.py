"""Files and sessions never live only on one web host: storage and session settings by environment,
and uploads that go through Django's storage API (so an S3-compatible store can hold them)."""
import re
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import clock
from nominations.services import add_evidence
from tests.nominations.conftest import new_nomination, nt_world  # noqa: F401 - nt_world is a fixture
from tests.settings_env import ROOT, run, settings_in_subprocess

S3_ENV = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "thidua-media",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_S3_REGION_NAME": "ap-southeast-1",
    "AWS_ACCESS_KEY_ID": "thidua-key",
    "AWS_SECRET_ACCESS_KEY": "thidua-secret-value",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- settings ---------------------------------------------------------------------------------


def test_storage_defaults_to_the_file_system_under_media_root(tmp_path):
    values = settings_in_subprocess(["STORAGES", "MEDIA_ROOT"], MEDIA_ROOT=str(tmp_path / "media"))
    assert values["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")


def test_storage_backend_s3_selects_s3storage():
    values = settings_in_subprocess(
        ["STORAGES", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_DEFAULT_ACL",
         "AWS_QUERYSTRING_AUTH", "AWS_S3_FILE_OVERWRITE"],
        **S3_ENV,
    )
    assert values["STORAGES"]["default"] == {"BACKEND": "storages.backends.s3.S3Storage"}
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"
    assert (values["AWS_STORAGE_BUCKET_NAME"], values["AWS_S3_ENDPOINT_URL"], values["AWS_S3_REGION_NAME"]) == (
        "thidua-media", "http://127.0.0.1:9000", "ap-southeast-1",
    )
    assert (values["AWS_DEFAULT_ACL"], values["AWS_QUERYSTRING_AUTH"], values["AWS_S3_FILE_OVERWRITE"]) == (
        "private", True, False,
    )


def test_storage_backend_s3_is_what_the_fields_use():
    """The storage object itself, as FileFields get it (built without contacting the store)."""
    code = (
        "import django, json\n"
        "django.setup()\n"
        "from nominations.models import Evidence\n"
        "s = Evidence._meta.get_field('file').storage\n"
        "s.bucket_name  # builds the lazy default storage\n"
        "s = getattr(s, '_wrapped', s)\n"
        "print(json.dumps([type(s).__module__, type(s).__name__, s.bucket_name, s.endpoint_url, s.region_name,"
        " s.default_acl, s.querystring_auth, s.file_overwrite, s.access_key, s.secret_key]))\n"
    )
    result = run([sys.executable, "-c", code], **S3_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        '["storages.backends.s3", "S3Storage", "thidua-media", "http://127.0.0.1:9000", "ap-southeast-1", '
        '"private", true, false, "thidua-key", "thidua-secret-value"]'
    )


def test_storage_backend_s3_without_bucket_refuses_to_start():
    env = {**S3_ENV, "AWS_STORAGE_BUCKET_NAME": ""}
    result = run([sys.executable, "-c", "from django.conf import settings; settings.STORAGES"], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_storage_backend_unknown_refuses_to_start():
    result = run([sys.executable, "-c", "from django.conf import settings; settings.STORAGES"], STORAGE_BACKEND="ftp")
    assert result.returncode != 0
    assert "STORAGE_BACKEND" in result.stderr


@pytest.mark.parametrize("store, engine", [
    ("db", "django.contrib.sessions.backends.db"),
    ("cached_db", "django.contrib.sessions.backends.cached_db"),
])
def test_sessions_in_the_database_by_default_or_cached(store, engine):
    assert settings_in_subprocess(["SESSION_ENGINE"], SESSION_STORE=store) == {"SESSION_ENGINE": engine}
    assert settings_in_subprocess(["SESSION_ENGINE"])["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_sessions_in_redis_need_redis_url():
    values = settings_in_subprocess(["SESSION_ENGINE", "CACHES"], SESSION_STORE="cache", REDIS_URL="redis://redis:6379/1")
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert values["CACHES"]["default"]["BACKEND"] == "config.cache.ResilientRedisCache"
    result = run([sys.executable, "-c", "from django.conf import settings; settings.SESSION_ENGINE"], SESSION_STORE="cache")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


# --- the code goes through the storage API ------------------------------------------------------

APP_DIRS = ["campaigns", "criteria", "quotas", "nominations", "dossiers", "config"]
LOCAL_DISK = re.compile(r"settings\.MEDIA_ROOT|\.file\.path\b|\bFileSystemStorage\(")


def test_app_code_does_not_reach_for_media_on_local_disk():
    offenders = []
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if LOCAL_DISK.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_evidence_upload_and_download_through_any_storage(nt_world, client, settings):  # noqa: F811
    """With an in-memory store (as with S3), an evidence file is saved and served without MEDIA_ROOT."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, "so-y-te-nt")
        officer = world.users["officer:so-y-te-nt"]
        evidence = add_evidence(
            nomination=nomination, criterion=None, actor=officer, content_type="application/pdf",
            uploaded_file=SimpleUploadedFile("Báo cáo số hóa.pdf", PDF, content_type="application/pdf"),
        )
        assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
        assert default_storage.exists(evidence.file.name)
        assert not (settings.MEDIA_ROOT / evidence.file.name).exists()
        client.force_login(officer)
        response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
