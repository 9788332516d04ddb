"""Helpers shared by the seed-rule tests: the campaigns' rules as `campaign_rules --json` prints them."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from campaigns.services.loading import DATA_DIR, REFERENCE_FILE, load_campaign_files


def printed_rules(django_db_blocker, *codes) -> dict:
    """Load reference.yaml and the campaigns' files, print each campaign's rules, roll the load
    back: {code: the JSON}. For module-scoped fixtures (one load per test module)."""
    files = [str(DATA_DIR / REFERENCE_FILE)] + [str(DATA_DIR / f"{code}.yaml") for code in codes]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_campaigns", *files, stdout=StringIO())
        printed = {}
        for code in codes:
            out = StringIO()
            call_command("campaign_rules", code, "--json", stdout=out)
            printed[code] = json.loads(out.getvalue())
        transaction.set_rollback(True)
    return printed


def round_of(rules: dict, code: str) -> dict:
    return next(r for r in rules["rounds"] if r["code"] == code)


@pytest.fixture(scope="module")
def module_seed_campaigns(request, django_db_setup, django_db_blocker):
    """The four seed campaigns as `load_campaigns` writes them, loaded once per module under a
    transaction rolled back after it (tests/worlds.py); False in a module that builds its worlds
    per test, where seed_campaigns loads them for each test."""
    from tests.worlds import built_once, module_builds_worlds_per_test

    if module_builds_worlds_per_test(request):
        yield False
        return
    with built_once(django_db_blocker):
        load_campaign_files()
        yield True


@pytest.fixture
def seed_campaigns(module_seed_campaigns, db):
    """The four seed campaigns loaded (reference.yaml and every file of campaigns/data)."""
    if not module_seed_campaigns:
        load_campaign_files()
