"""Backup and restore as README documents them: config/backup.sh (pg_dump -Fc + a tar of the media)
and config/restore.sh (pg_restore into a fresh database + untar), on the test database filled
through the services. Needs PostgreSQL and its client tools; run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_dev .venv/bin/python -m pytest tests/test_backup_restore.py
"""
import shutil
import subprocess
import uuid
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from campaigns import clock
from nominations.models import Evidence, Nomination
from nominations.services import add_evidence
from tests.nominations.conftest import new_nomination, nt_world  # noqa: F401 - nt_world is a fixture
from tests.settings_env import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOOLS = ("pg_dump", "pg_restore", "psql", "tar", "sha256sum")
PDF = b"%PDF-1.4\n% bien ban hop Hoi dong\n%%EOF\n"


@pytest.fixture(autouse=True)
def _postgresql_and_tools():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"Backup/restore test needs PostgreSQL (pg_dump, pg_restore); the database is {connection.vendor}. "
            "Run with DATABASE_URL=postgres://... to include it."
        )
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"Backup/restore test needs {', '.join(missing)} (Debian: apt-get install postgresql-client)")


def database_url(name):
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def psql(sql, dbname="postgres"):
    subprocess.run(
        ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--dbname", database_url(dbname), "-c", sql],
        check=True, capture_output=True, text=True, timeout=60,
    )


def run_script(script, *args, env):
    result = subprocess.run(
        ["bash", str(ROOT / "config" / script), *map(str, args)],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin:/usr/local/bin", **env}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"')
    yield name
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_every_nomination_into_a_fresh_database(nt_world, settings, tmp_path, fresh_database):  # noqa: F811
    import psycopg2

    settings.MEDIA_ROOT = tmp_path / "media"
    world = nt_world
    with clock.frozen_at(world.at_stage(1)):
        nominations = [
            new_nomination(world, "so-tai-chinh-nt"),
            new_nomination(world, "so-y-te-nt"),
            new_nomination(world, "so-gddt-nt", kind="individual", full_name="Nguyễn Thị Hồng Nhung",
                           person_identifier="058185000123"),
            new_nomination(world, "ubnd-phan-rang", kind="individual", full_name="Trần Văn Đức",
                           person_identifier="058085000456"),
        ]
        evidence = add_evidence(
            nomination=nominations[0], criterion=None, actor=world.users["officer:so-tai-chinh-nt"],
            content_type="application/pdf", uploaded_file=SimpleUploadedFile("Biên bản.pdf", PDF),
        )
    expected = sorted(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations])
        .values_list("pk", "full_name", "nominee_unit__name", "proposing_unit__name")
    )
    assert len(expected) == 4

    backup = run_script(
        "backup.sh", tmp_path / "backups",
        env={"DATABASE_URL": database_url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    ).strip().splitlines()[-1]
    assert sorted(p.name for p in (ROOT / backup).iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    run_script("restore.sh", backup, env={"DATABASE_URL": database_url(fresh_database), "MEDIA_ROOT": str(restored_media)})

    with psycopg2.connect(database_url(fresh_database)) as restored:
        with restored.cursor() as cursor:
            cursor.execute(
                "SELECT n.id, n.full_name, nominee.name, proposer.name FROM nominations_nomination n "
                "LEFT JOIN campaigns_unit nominee ON nominee.id = n.nominee_unit_id "
                "JOIN campaigns_unit proposer ON proposer.id = n.proposing_unit_id ORDER BY n.id"
            )
            found = sorted(cursor.fetchall())
            cursor.execute("SELECT file FROM nominations_evidence WHERE id = %s", [evidence.pk])
            (evidence_name,) = cursor.fetchone()
    restored.close()

    assert found == expected
    assert evidence_name == Evidence.objects.get(pk=evidence.pk).file.name
    assert (restored_media / evidence_name).read_bytes() == PDF


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    """Restoring over live data would mix two portals: the script stops before touching it."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "database.dump").write_bytes(b"not used")
    result = subprocess.run(
        ["bash", str(ROOT / "config" / "restore.sh"), str(tmp_path / "b")],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin:/usr/local/bin", "DATABASE_URL": database_url(connection.settings_dict["NAME"])},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "not empty" in result.stderr
