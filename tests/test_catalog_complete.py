"""Guards the English catalog against strings marked for translation but never translated.

`manage.py makemessages` is run, as the README's command, on a throw-away copy of the project (the
repository's own locale/ is never rewritten), and the catalog it produces must be the committed one:
the same msgids (none new: a `_()`/`{% translate %}` added without its English; none stale), none of
them untranslated or flagged fuzzy (gettext's guess from a similar string, usually wrong). A probe
template with a new string is added to the copy, and must come out untranslated: the check proves on
every run that the extraction saw the templates. A msgid ending in a backslash is refused too: the
sign of a `\\"` inside `{% translate "..." %}`, which makemessages cuts there (use “…” instead).
Needs GNU gettext (xgettext, msgmerge, msguniq); skipped without it."""
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_languages import po_entries

BASE_DIR = Path(settings.BASE_DIR)
PO = Path("locale") / "en" / "LC_MESSAGES" / "django.po"
# The README's command (locale/): how the catalog is updated after changing a marked string.
MAKEMESSAGES = ["makemessages", "-l", "en", "--ignore=.venv", "--ignore=tests", "--ignore=var"]
PROBE = "Chuỗi thử của kiểm tra danh mục (không dịch)"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
    reason="GNU gettext (xgettext, msgmerge, msguniq) is not on PATH: makemessages cannot run",
)


def fuzzy_msgids(path: Path) -> list[str]:
    """The msgids of the entries flagged fuzzy ("" for the header; obsolete `#~` entries left out)."""
    fuzzy = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        if not any(line.startswith("#,") and "fuzzy" in {flag.strip() for flag in line[2:].split(",")} for line in lines):
            continue
        msgid = None
        for line in lines:
            if line.startswith("msgid "):
                msgid = ast.literal_eval(line[len("msgid "):])
            elif msgid is not None and line.startswith('"'):
                msgid += ast.literal_eval(line)
            elif msgid is not None:
                break
        if msgid is not None:
            fuzzy.append(msgid)
    return fuzzy


def regenerated_catalog(tmp_path: Path) -> Path:
    """makemessages run on a copy of the project (what the command would make of the committed .po)."""
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR, copy,
        # What the command leaves out anyway: hidden entries (its default ignore), var/, tests/ (and .venv).
        ignore=shutil.ignore_patterns(".*", "var", "tests", "__pycache__", "*.pyc"),
    )
    (copy / "templates" / "_catalog_probe.html").write_text(
        '{% load i18n %}{% translate "' + PROBE + '" %}\n', encoding="utf-8"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return copy / PO


def test_every_marked_string_is_in_the_english_catalog_and_translated(tmp_path):
    regenerated = regenerated_catalog(tmp_path)
    entries = po_entries(regenerated)
    committed = po_entries(BASE_DIR / PO)

    # The extraction really read the templates: the probe is there, untranslated.
    assert entries.pop(PROBE, None) == [""], "makemessages did not pick up the probe template"

    new = sorted(set(entries) - set(committed))
    assert not new, f"marked for translation but not in locale/en (run makemessages, then translate): {new}"
    stale = sorted(set(committed) - set(entries))
    assert not stale, f"in locale/en but no longer marked anywhere (run makemessages): {stale}"
    untranslated = sorted(msgid for msgid, msgstrs in entries.items() if not all(msgstrs))
    assert not untranslated, f"without an English translation: {untranslated}"
    fuzzy = sorted(fuzzy_msgids(regenerated))
    assert not fuzzy, f"flagged fuzzy (check the English, then remove the flag): {fuzzy}"
    cut = sorted(msgid for msgid in entries if re.search(r"\\$", msgid))
    assert not cut, f'cut at a \\" inside {{% translate %}} (write the quotes as “…”): {cut}'
