"""Background exports: a long award list is an ExportJob, written by a Celery task (reports.tasks)."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from campaigns.models import Round


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    RUNNING = "running", "Đang xuất"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


def export_lease() -> dt.timedelta:
    """How long a waiting or running export holds its job (DOCUMENT_BUILD_LEASE: longer than the
    task's hard time limit, so a live task never loses it)."""
    return dt.timedelta(seconds=settings.DOCUMENT_BUILD_LEASE)


def export_path(instance, filename):
    return f"private/exports/{instance.pk}/{filename}"


class ExportJob(models.Model):
    """A large export written by a Celery task: the page polls its status and progress, the file is
    served only to the account that asked for it (and only while it still may see the round)."""

    kind = models.CharField("loại", max_length=30, default="award_list")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="đợt")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người yêu cầu")
    filters = models.JSONField("bộ lọc", default=dict, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveIntegerField("số dòng đã ghi", default=0)
    total = models.PositiveIntegerField("tổng số dòng", default=0)
    file = models.FileField("tệp", upload_to=export_path, max_length=300, blank=True)
    filename = models.CharField("tên tệp", max_length=200, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)
    lease_until = models.DateTimeField(
        "giữ quyền xuất đến", null=True, blank=True,
        help_text="Yêu cầu đang chờ hoặc đang xuất giữ quyền đến lúc này (DOCUMENT_BUILD_LEASE giây); quá hạn mà chưa xong "
        "(tin nhắn tới bộ xử lý nền bị mất, tiến trình bị dừng giữa chừng) thì được gửi lại một lần, lần sau thì báo không thành công.",
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi tới bộ xử lý nền", default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "yêu cầu xuất danh sách"
        verbose_name_plural = "yêu cầu xuất danh sách"
        db_table = "nominations_exportjob"  # the table the model had in nominations: moved without copying a row

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, round(100 * self.progress / self.total)) if self.total else 0

    @property
    def lease_expired(self) -> bool:
        """Waiting or running past its lease: the message or the worker is taken as lost. A job
        from before leases counts its lease from its creation."""
        if self.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
            return False
        until = self.lease_until
        if until is None:
            if self.created_at is None:
                return False
            until = self.created_at + export_lease()
        return until <= timezone.now()

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
