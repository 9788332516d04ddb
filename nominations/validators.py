"""Checks shared by the forms and the services.

Evidence files are accepted by their content (magic bytes), never by their name: PDF, JPEG, PNG,
and the Office Open XML files the national dossier system takes (DOCX, XLSX), which are ZIP
archives told apart by the part they must contain.

The dates of a round's records (council meetings, award decisions, extended deadlines) stay
inside the round (see below)."""
from __future__ import annotations

import datetime as dt
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.vn_format import human_size

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALLOWED_LABEL = "PDF, JPEG, PNG, Word (.docx), Excel (.xlsx)"

_ZIP_PARTS = ((DOCX, "word/document.xml"), (XLSX, "xl/workbook.xml"))


def sniff_content_type(uploaded) -> str | None:
    """The content type the bytes prove, or None when they are none of the accepted kinds."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            uploaded.seek(0)
        for content_type, part in _ZIP_PARTS:
            if part in names:
                return content_type
    return None


def validate_evidence_file(uploaded) -> str:
    """Check size and content; return the content type proven by the bytes."""
    if not uploaded.size:
        raise ValidationError(_("Tệp rỗng (0 byte). Hãy chọn lại tệp minh chứng."), code="empty")
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s). Dung lượng tối đa là 10 MB.") % {"size": human_size(uploaded.size)}, code="too_big"
        )
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _("Nội dung tệp \"%(name)s\" không phải là tệp được chấp nhận (%(allowed)s). "
              "Cổng kiểm tra nội dung tệp, không dựa vào phần đuôi tên tệp.")
            % {"name": uploaded.name, "allowed": ALLOWED_LABEL},
            code="type",
        )
    return content_type


# --- Dates of a round's records ---------------------------------------------------------------------
#
# A council meeting and an award decision happened on a real day of the round: not before the
# round's year begins (nor before the campaign starts, when that is later), and, as typed into a
# form, not after today. Services, which simulations and tests also call with a moved clock, refuse
# only what no round can carry: a day more than one year after the round's last deadline.
# An extended deadline lies ahead (today at the earliest: a deadline day lasts until 23:59:59),
# after the stage's own deadline, and not more than one year after the round's last deadline.


def _day(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def round_start(round_) -> dt.date:
    """The first day a round's records can carry (campaigns.services.rounds.round_start)."""
    from campaigns.services.rounds import round_start as start_of

    return start_of(round_)


def one_year_after(day: dt.date) -> dt.date:
    if day.year >= dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def round_horizon(last_deadline: dt.date) -> dt.date:
    """The last day a round's records can carry: one year after its last deadline."""
    return one_year_after(last_deadline)


def validate_round_date(value: dt.date, *, round_, last_deadline: dt.date, what: str, today: dt.date | None = None) -> None:
    """`value` (a meeting's or a decision's day) inside the round: from round_start() to the
    round's horizon, and not after `today` when it is given (what a user types has happened)."""
    start = round_start(round_)
    if value < start:
        raise ValidationError(
            _("%(what)s không được trước ngày %(start)s, ngày bắt đầu của đợt “%(round)s”.")
            % {"what": what, "start": _day(start), "round": round_.name},
            code="before_round",
        )
    if today is not None:
        validate_not_after_today(value, what=what, today=today)
    horizon = round_horizon(last_deadline)
    if value > horizon:
        raise ValidationError(
            _("%(what)s không được sau ngày %(limit)s (một năm sau hạn chót cuối cùng của đợt).") % {"what": what, "limit": _day(horizon)},
            code="after_round",
        )


def validate_not_after_today(value: dt.date, *, what: str, today: dt.date) -> None:
    """A meeting or a signature that is recorded has happened: not after `today`."""
    if value > today:
        raise ValidationError(
            _("%(what)s không được sau hôm nay (%(today)s): chỉ ghi việc đã diễn ra.") % {"what": what, "today": _day(today)},
            code="future",
        )


def validate_extension_deadline(value: dt.date, *, stage_deadline: dt.date, last_deadline: dt.date, today: dt.date) -> None:
    """A new deadline for one unit: after the stage's deadline, not already over, at most one year
    after the round's last deadline."""
    if value <= stage_deadline:
        raise ValidationError(_("Hạn mới phải sau hạn chót %(day)s.") % {"day": _day(stage_deadline)}, code="not_later")
    if value < today:
        raise ValidationError(_("Hạn mới đã qua: phải từ hôm nay (%(today)s) trở đi.") % {"today": _day(today)}, code="past")
    horizon = round_horizon(last_deadline)
    if value > horizon:
        raise ValidationError(
            _("Hạn mới không được sau ngày %(limit)s (một năm sau hạn chót cuối cùng của đợt).") % {"limit": _day(horizon)},
            code="too_far",
        )
