"""Pages of the portal. Thin: reads come from nominations.selectors, writes go through
nominations.services / nominations.workflow. The unit officer's pages are in `unit.py`, the
reviewers' in `review.py`."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from campaigns import clock
from nominations import selectors
from nominations.rules import is_administrator, officer_unit_ids


@login_required
def home(request):
    """A unit officer's rounds (next deadline, days left, registration, nominations by stage);
    a reviewer's stages (queue link, nominations waiting, quota usage)."""
    units = selectors.units_of(request.user)
    context = {
        "unit_rounds": selectors.unit_rounds(units) if units else [],
        "review_stages": selectors.review_stages(request.user),
        "is_administrator": is_administrator(request.user),
        "officer_ids": officer_unit_ids(request.user),
        "today": clock.today(),
    }
    return render(request, "nominations/home.html", context)
