"""Links to a nomination's detail page (the shared page, built on the unit side), for one row or a
whole list at once."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# An id no nomination has, reversed once: a list's detail URLs are that URL with each id written in.
_PLACEHOLDER_ID = 987654321987


def nomination_detail_urls(nominations) -> dict[int, str | None]:
    """The detail page's URL of each of `nominations`, by id, for one URL reversal; None where the
    page has no URL (a URL configuration without the unit side)."""
    try:
        head, tail = reverse("nomination_detail", args=(_PLACEHOLDER_ID,)).split(str(_PLACEHOLDER_ID), 1)
    except NoReverseMatch:
        return {nomination.pk: None for nomination in nominations}
    return {nomination.pk: f"{head}{int(nomination.pk)}{tail}" for nomination in nominations}


def nomination_detail_url(nomination) -> str | None:
    """The detail page's URL of one nomination (None if it has no URL)."""
    return nomination_detail_urls([nomination])[nomination.pk]
