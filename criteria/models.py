"""Criteria a nominee must meet, per round, nominee kind and participant category."""
from django.db import models

from campaigns.bounds import at_least, at_most
from campaigns.models import NomineeKind, Round, RoundAwardForm, UnitCategory


class CriterionKind(models.TextChoices):
    PERCENTAGE = "percentage", "Tỷ lệ phần trăm (ngưỡng)"
    BOOLEAN = "boolean", "Có / không"
    EVIDENCE = "evidence", "Minh chứng (Hội đồng đánh giá)"
    RANKING = "ranking", "Xếp hạng / xếp loại"


class Operator(models.TextChoices):
    GTE = "gte", "từ ... trở lên (≥)"
    GT = "gt", "trên (>)"
    EQ = "eq", "bằng (=)"
    LTE = "lte", "không quá (≤)"
    IN = "in", "thuộc các mức"


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria", verbose_name="đợt")
    code = models.SlugField("mã", max_length=80)
    label = models.CharField("tiêu chí", max_length=1000)
    group = models.CharField("nhóm", max_length=200, blank=True, help_text="Ví dụ: Chính quyền số, Kinh tế số, Xã hội số.")
    nominee_kind = models.CharField("đối tượng", max_length=20, choices=NomineeKind.choices)
    categories = models.ManyToManyField(
        UnitCategory, blank=True, related_name="criteria", verbose_name="khối áp dụng", help_text="Để trống: mọi khối."
    )
    award_forms = models.ManyToManyField(
        RoundAwardForm, blank=True, related_name="criteria", verbose_name="hình thức áp dụng", help_text="Để trống: mọi hình thức."
    )
    kind = models.CharField("loại tiêu chí", max_length=20, choices=CriterionKind.choices)
    operator = models.CharField("phép so sánh", max_length=10, choices=Operator.choices, blank=True)
    threshold = models.DecimalField(
        "ngưỡng", max_digits=7, decimal_places=2, null=True, blank=True, validators=[at_least(0, "Ngưỡng"), at_most(100, "Ngưỡng")]
    )
    choices = models.JSONField("các mức", default=list, blank=True, help_text="Với tiêu chí xếp hạng: các mức có thể chọn.")
    accepted_values = models.JSONField("các mức đạt", default=list, blank=True)
    mandatory = models.BooleanField("bắt buộc", default=True)
    needs_evidence = models.BooleanField("cần tệp minh chứng", default=False)
    alternative_group = models.SlugField(
        "nhóm thay thế", max_length=80, blank=True, help_text="Các tiêu chí cùng nhóm: đạt một là đủ."
    )
    priority = models.BooleanField("tiêu chí ưu tiên", default=False, help_text="Dùng để xếp thứ tự ưu tiên, không loại hồ sơ.")
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["round", "nominee_kind", "order"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="percentage")
                | (models.Q(threshold__gte=0) & models.Q(threshold__lte=100)),
                name="criterion_percentage_range",
            ),
        ]

    def __str__(self):
        return self.label

    def threshold_display(self):
        if self.kind == CriterionKind.PERCENTAGE and self.threshold is not None:
            value = f"{self.threshold.normalize():f}".replace(".", ",")
            return {
                Operator.GTE: f"từ {value}% trở lên",
                Operator.GT: f"trên {value}%",
                Operator.EQ: f"đạt {value}%",
                Operator.LTE: f"không quá {value}%",
            }.get(self.operator, f"{value}%")
        if self.kind == CriterionKind.RANKING and self.accepted_values:
            return "đạt mức: " + ", ".join(self.accepted_values)
        if self.kind == CriterionKind.BOOLEAN:
            return "có"
        return "Hội đồng đánh giá minh chứng"
