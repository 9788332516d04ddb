"""Generated state documents (tờ trình, biên bản, báo cáo thành tích, dự thảo quyết định), their
numbers and the records of the files built from the portal's data.

- `DocumentNumberCounter` + `DocumentNumber`: the register of outgoing documents ("sổ đăng ký văn
  bản đi") per issuing organisation, type and year. A number belongs to one logical document
  (its `identity`) and is kept by every version and format of it: no gaps, no repeats.
- `GeneratedDocument`: one file (PDF, DOCX or ZIP) of one version of one logical document, with
  its status, checksum, the fingerprint of the data it was built from, and a verification code.
"""
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from campaigns.models import Round, Stage, Unit


class DocumentKind(models.TextChoices):
    TO_TRINH = "to_trinh", "Tờ trình đề nghị khen thưởng"
    BIEN_BAN = "bien_ban", "Biên bản họp Hội đồng Thi đua - Khen thưởng"
    BAO_CAO_THANH_TICH = "bao_cao_thanh_tich", "Báo cáo thành tích"
    BAO_CAO_TOM_TAT = "bao_cao_tom_tat", "Báo cáo tóm tắt thành tích"
    DU_THAO_QUYET_DINH = "du_thao_quyet_dinh", "Dự thảo quyết định khen thưởng"
    STAGE_DOSSIER_PDF = "stage_dossier_pdf", "Hồ sơ trình khen thưởng (PDF gộp)"
    STAGE_DOSSIER_ZIP = "stage_dossier_zip", "Hồ sơ trình khen thưởng (tệp nén)"


MEMBER_KINDS = (
    DocumentKind.TO_TRINH,
    DocumentKind.BIEN_BAN,
    DocumentKind.BAO_CAO_THANH_TICH,
    DocumentKind.BAO_CAO_TOM_TAT,
    DocumentKind.DU_THAO_QUYET_DINH,
)
NOMINEE_KINDS = (DocumentKind.BAO_CAO_THANH_TICH, DocumentKind.BAO_CAO_TOM_TAT)  # one per nomination
DOSSIER_KINDS = (DocumentKind.STAGE_DOSSIER_PDF, DocumentKind.STAGE_DOSSIER_ZIP)


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"
    ZIP = "zip", "ZIP"


CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.ZIP: "application/zip",
}


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Đã tạo"
    FAILED = "failed", "Lỗi"


class DocumentNumberCounter(models.Model):
    """The last number given by an organisation to a type of document in a year."""

    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan ban hành")
    doc_type = models.CharField("loại văn bản (viết tắt)", max_length=10, help_text="TTr, BB, BC, QĐ...")
    year = models.PositiveIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối đã cấp", default=0)

    class Meta:
        verbose_name = "bộ đếm số văn bản"
        verbose_name_plural = "bộ đếm số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "doc_type", "year"], name="dossier_counter_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.doc_type} {self.year}: {self.last_number}"


class DocumentNumber(models.Model):
    """One line of the register: number `value` given to the logical document `identity`."""

    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan ban hành")
    doc_type = models.CharField("loại văn bản (viết tắt)", max_length=10)
    year = models.PositiveIntegerField("năm")
    value = models.PositiveIntegerField("số")
    text = models.CharField("số, ký hiệu", max_length=80, help_text="Ví dụ: 05/TTr-STTTT.")
    identity = models.CharField("văn bản", max_length=200, unique=True)
    allocated_at = models.DateTimeField("cấp lúc", auto_now_add=True)

    class Meta:
        ordering = ["organisation", "doc_type", "year", "value"]
        verbose_name = "số văn bản đã cấp"
        verbose_name_plural = "sổ đăng ký văn bản đi"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "doc_type", "year", "value"], name="dossier_number_unique"),
        ]

    def __str__(self):
        return self.text


def document_upload_path(instance, filename):
    """Private, under MEDIA_ROOT/private/dossiers: never served from a public URL."""
    return f"private/dossiers/{instance.round_id}/{filename}"


class GeneratedDocument(models.Model):
    kind = models.CharField("loại", max_length=30, choices=DocumentKind.choices)
    format = models.CharField("định dạng", max_length=10, choices=DocumentFormat.choices)
    identity = models.CharField(
        "văn bản", max_length=200, db_index=True,
        help_text="Khóa của văn bản (loại, đợt, bước, cơ quan, hồ sơ): các phiên bản và định dạng của một văn bản có chung khóa.",
    )
    version = models.PositiveIntegerField("phiên bản", default=1)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="generated_documents", verbose_name="đợt")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="bước")
    organisation = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan ban hành")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.CASCADE, null=True, blank=True, related_name="generated_documents", verbose_name="hồ sơ"
    )
    number = models.CharField("số, ký hiệu", max_length=80, blank=True, help_text="Ví dụ: 05/TTr-STTTT (in là \"Số: 05/TTr-STTTT\").")
    issued_on = models.DateField("ngày văn bản")
    title = models.CharField("tên văn bản", max_length=500, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED, db_index=True)
    error = models.TextField("lỗi", blank=True)
    attempts = models.PositiveIntegerField("số lần chạy", default=0)
    task_id = models.CharField("tác vụ đang chạy", max_length=64, blank=True)
    queued_at = models.DateTimeField("đưa vào hàng đợi lúc", null=True, blank=True)
    lease_until = models.DateTimeField(
        "giữ quyền tạo đến", null=True, blank=True,
        help_text="Tác vụ đang tạo văn bản giữ quyền đến lúc này (DOCUMENT_BUILD_LEASE giây); quá hạn mà chưa xong "
        "(tiến trình bị dừng giữa chừng) thì yêu cầu sau tạo lại.",
    )
    builds = models.PositiveIntegerField("số lần ghi tệp", default=0, help_text="Số lần tệp đã được ghi xong.")
    file = models.FileField("tệp", upload_to=document_upload_path, max_length=300, blank=True)
    size = models.PositiveIntegerField("dung lượng (byte)", default=0)
    page_count = models.PositiveIntegerField("số trang", default=0)
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    source_fingerprint = models.CharField("dấu vân tay dữ liệu", max_length=64, blank=True)
    is_stale = models.BooleanField("dữ liệu đã thay đổi", default=False, db_index=True)
    is_latest = models.BooleanField("phiên bản mới nhất", default=True)
    verification_code = models.CharField("mã xác minh", max_length=12, unique=True)
    nomination_ids = models.JSONField(
        "hồ sơ trong văn bản", null=True, blank=True, editable=False,
        help_text="Các hồ sơ đề nghị mà tệp đã tạo chứa (ghi khi tạo tệp): người đọc phải được xem tất cả.",
    )
    progress_done = models.PositiveIntegerField("đã xong", default=0)
    progress_total = models.PositiveIntegerField("tổng số việc", default=0)
    members = models.ManyToManyField(
        "self", symmetrical=False, through="DossierMember", related_name="dossiers", blank=True, verbose_name="các văn bản trong hồ sơ"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="người yêu cầu"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    built_at = models.DateTimeField("ghi tệp lúc", null=True, blank=True)

    class Meta:
        ordering = ["round", "identity", "format", "-version"]
        verbose_name = "văn bản đã tạo"
        verbose_name_plural = "văn bản đã tạo"
        indexes = [
            models.Index(fields=["round", "kind", "status"]),
            # The admin change list's default order.
            models.Index(fields=["round", "identity", "format", "-version"], name="document_list_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["identity", "format", "version"], name="generated_document_version_unique"),
            models.UniqueConstraint(
                fields=["identity", "format"], condition=models.Q(is_latest=True), name="generated_document_one_latest"
            ),
        ]

    def __str__(self):
        label = self.title or self.get_kind_display()
        return f"{label} ({self.get_format_display()}, v{self.version})"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else ""

    @property
    def is_batch(self) -> bool:
        return self.kind in DOSSIER_KINDS

    @property
    def is_finished(self) -> bool:
        return self.status in (BuildStatus.DONE, BuildStatus.FAILED)

    @property
    def lease_expired(self) -> bool:
        """Running, and its build's lease (DOCUMENT_BUILD_LEASE) has run out: the build is taken as
        dead and the next request builds it again. Rows from before leases count from their last
        update."""
        if self.status != BuildStatus.RUNNING:
            return False
        if self.lease_until is not None:
            return self.lease_until <= timezone.now()
        return self.updated_at is None or timezone.now() - self.updated_at >= dt.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE)


class DossierMember(models.Model):
    """A document inside a stage dossier, in the dossier's order."""

    dossier = models.ForeignKey(GeneratedDocument, on_delete=models.CASCADE, related_name="member_links")
    document = models.ForeignKey(GeneratedDocument, on_delete=models.CASCADE, related_name="dossier_links")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="dossier_member_unique"),
        ]


class DocumentDate(models.Model):
    """The date the issuer chose for a document (a tờ trình dated the day its level forwards it),
    kept across rebuilds; without one, a document is dated by the act it records (dossiers/sources)."""

    identity = models.CharField("văn bản", max_length=200, unique=True)
    date = models.DateField("ngày văn bản")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người chọn ngày")
    set_at = models.DateTimeField("chọn lúc", auto_now=True)

    class Meta:
        verbose_name = "ngày văn bản do cơ quan ban hành chọn"
        verbose_name_plural = "ngày văn bản do cơ quan ban hành chọn"

    def __str__(self):
        return f"{self.identity}: {self.date:%d/%m/%Y}"
