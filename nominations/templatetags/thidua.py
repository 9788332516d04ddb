"""Template filters for Vietnamese numbers and statuses: {% load thidua %}."""
from django import template

from nominations import display

register = template.Library()


@register.filter
def so(value, places=None):
    """{{ 2340000|so }} → 2.340.000; {{ 92.5|so }} → 92,5; {{ x|so:1 }} one decimal."""
    return display.vn_number(value, None if places in (None, "") else int(places))


@register.filter
def phan_tram(value, places=None):
    """{{ 92.5|phan_tram }} → "92,5 %"."""
    return display.vn_percent(value, None if places in (None, "") else int(places))


@register.filter
def dung_luong(size):
    return display.human_size(int(size or 0))


@register.filter
def mau_trang_thai(status):
    """Bootstrap colour of a nomination status."""
    return display.NOMINATION_STATUS_COLOURS.get(status, "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
