"""Template filters of the nomination pages: {% load thidua %}. The number and date formats
(|so, |phan_tram, |dung_luong) are builtins of every template (campaigns/templatetags/vn_format.py)."""
from django import template

from nominations import display

register = template.Library()


@register.filter
def mau_trang_thai(status):
    """Bootstrap colour of a nomination status."""
    return display.NOMINATION_STATUS_COLOURS.get(status, "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
