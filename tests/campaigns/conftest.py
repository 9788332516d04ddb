"""Helpers shared by the seed-rule tests: the campaigns' rules as `campaign_rules --json` prints them."""
import json
from io import StringIO

from django.core.management import call_command
from django.db import transaction

from campaigns.services.loading import DATA_DIR, REFERENCE_FILE


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
