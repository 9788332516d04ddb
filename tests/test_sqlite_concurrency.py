"""The embedded default (SQLite under VAR_DIR) serves two workers writing at once.

Two processes with the production settings (config/settings.py, no DATABASE_URL) each run
transactions that read, then write, on the same database file: the shape of every save in the
portal (read the nomination, check, write). In SQLite's default mode such a transaction takes
the write lock only when it first writes, and when another process holds it SQLite answers
"database is locked" at once, whatever the busy timeout. With WAL and IMMEDIATE transactions
each writer waits its turn, so every transaction succeeds and they are serialised.
"""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSACTIONS = 60

WRITER = """
import os, sys, time
import django
django.setup()
from django.db import connection, transaction
name = sys.argv[1]
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
for _ in range(%d):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(n), 0) FROM write_check")
            (n,) = cursor.fetchone()
            time.sleep(0.003)
            cursor.execute("INSERT INTO write_check (n, writer) VALUES (%%s, %%s)", [n + 1, name])
""" % TRANSACTIONS


def test_two_processes_writing_at_once_on_the_file_database_both_succeed(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        # As `migrate` leaves the file before any worker starts: already in WAL mode (the setting
        # stays in the file). Two processes racing to switch a new file's journal mode is not
        # what a deployment does, and SQLite may refuse the switch at once, whatever the timeout.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE write_check (n INTEGER NOT NULL, writer TEXT NOT NULL)")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    results = [w.communicate(timeout=120) for w in writers]
    for writer, (out, err) in zip(writers, results):
        assert writer.returncode == 0, err[-2000:]
        assert out.split() == ["wal"]
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT n, writer FROM write_check ORDER BY n").fetchall()
    # Every transaction stored, and each read the other's last write: numbers 1..2N, none twice.
    assert [n for n, _ in rows] == list(range(1, 2 * TRANSACTIONS + 1))
    assert {w for _, w in rows} == {"a", "b"}
