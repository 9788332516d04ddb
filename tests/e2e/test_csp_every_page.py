"""Every page of the portal, opened in Chromium by a role that may see it (the permission matrix's
world and table, tests/test_permission_matrix.py), honours the Content-Security-Policy the portal
sends: no inline <script>, no style="" attribute, nothing blocked. A blocked style is not
cosmetic: a quota bar given its width inline stays empty.

Violations already reported to the owners of those pages are listed in KNOWN (allowed, printed);
any other one fails."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, ROLES, matrix  # noqa: F401  (matrix is a fixture)

pytestmark = pytest.mark.e2e

# url name → why it is allowed for now (and whose it is).
KNOWN: dict[str, str] = {}

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "") + " line " + e.lineNumber + ": " + (e.sample || ""));
});
"""


def first_role_with_page(entry):
    return next((role for role in ROLES if role != "anonymous" and entry.get[role] == 200), None) or (
        "anonymous" if entry.get["anonymous"] == 200 else None
    )


def test_every_page_honours_the_content_security_policy(matrix, open_session, portal_clock, settings):  # noqa: F811
    settings.PORTAL_NOW = ""  # the matrix world's clock (real time)
    sessions, found, clean_known = {}, {}, []
    for name, entry in MATRIX.items():
        role = first_role_with_page(entry)
        if role is None:
            continue
        if role not in sessions:
            session = sessions[role] = open_session()
            session.context.add_init_script(COLLECT)
            if role != "anonymous":
                session.login(matrix.users[role])
        session = sessions[role]
        url = reverse(name, kwargs=entry.kwargs(matrix))
        probe = session.context.request.get(session.base_url + url)
        if "text/html" not in probe.headers.get("content-type", ""):
            continue  # a download (xlsx, pdf, csv, json)
        session.goto(url)
        session.page.wait_for_timeout(150)  # violation events are dispatched as tasks
        violations = session.page.evaluate("window.__cspViolations || []")
        if violations and name not in KNOWN:
            found[f"{name} ({url}) as {role}"] = violations
        elif name in KNOWN and not violations:
            clean_known.append(name)
        elif violations:
            print(f"\nKnown CSP violations on {name}: {KNOWN[name]}: {violations[:3]}")
    for name in clean_known:
        print(f"\n{name} no longer violates the CSP: remove it from KNOWN in {__file__}")
    assert not found, "Pages breaking the Content-Security-Policy:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
