"""Bounds of what people type: every free text has a length and every count a domain maximum.

They are in the models (validators, checked by full_clean() in the services and by the admin) and
in the forms (max_length, max_value), with Vietnamese messages. In campaigns, the app every other
app builds on, and free of model imports, so that every app's models can use them.
"""
from __future__ import annotations

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

# The limits are the portal's choice (no legal text sets them): a Hội đồng Thi đua - Khen thưởng
# has tens of members, so 500 leaves room for any organisation while refusing 3,000,000,000 (which
# overflowed the database's integer); the text limits hold the longest real documents with room.

SUMMARY_MAX_CHARS = 20_000  # tóm tắt thành tích: a report of several pages
COUNCIL_NOTES_MAX_CHARS = 20_000  # diễn biến, ý kiến of one meeting: about ten printed pages
PLEDGE_MAX_CHARS = 10_000
CRITERION_TEXT_MAX_CHARS = 5_000
REASON_MAX_CHARS = 2_000  # reasons and comments of one action
COUNCIL_MEMBERS_MAX = 500
BIRTH_YEAR_MIN, BIRTH_YEAR_MAX = 1900, 2100  # the forms narrow this to 1930..this year
YEAR_MIN, YEAR_MAX = 1945, 2100  # years of rounds and of past achievements
NOTES_MAX_CHARS = 20_000  # descriptions and notes of campaign data (YAML, the admin)
FRACTION_TERM_MAX = 100  # quorum and approval ratios: 2/3, 1/2, 65/100
DOSSIER_COPIES_MAX = 50
QUOTA_MAX = 100_000  # awards one quota rule may allow

MAX_CHARS_MESSAGE = "Không quá %(limit_value)d ký tự (đã nhập %(show_value)d)."


def max_chars(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(limit, message=MAX_CHARS_MESSAGE)


def at_most(limit, what: str = "Giá trị") -> MaxValueValidator:
    return MaxValueValidator(limit, message=f"{what} không được lớn hơn %(limit_value)s.")


def at_least(limit, what: str = "Giá trị") -> MinValueValidator:
    return MinValueValidator(limit, message=f"{what} không được nhỏ hơn %(limit_value)s.")
