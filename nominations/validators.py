"""Evidence files are accepted by their content (magic bytes), never by their name.

PDF, JPEG, PNG, and the Office Open XML files the national dossier system takes (DOCX, XLSX):
those are ZIP archives, told apart by the part they must contain."""
from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nominations.display import human_size

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
