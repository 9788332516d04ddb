"""Tags for the small includes other apps' pages use (templates/dossiers/_nomination_links.html)."""
from django import template

from dossiers import selectors

register = template.Library()


@register.simple_tag
def latest_reports(nomination):
    """The latest báo cáo thành tích files (PDF, Word) of a nomination, built or not."""
    return selectors.latest_reports(nomination)


@register.filter
def user_error(error):
    """A record's failure as a user may read it (selectors.user_error): no exception text."""
    return selectors.user_error(error or "")
