"""Quota rules: the most awards that may be proposed or given, per round and award form."""
from django.db import models

from campaigns.bounds import QUOTA_MAX, at_most
from campaigns.models import Level, Round, RoundAwardForm, Unit, UnitCategory


class QuotaNomineeKind(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"
    EITHER = "either", "Tập thể hoặc cá nhân (tính chung)"


class QuotaScope(models.TextChoices):
    ROUND = "round", "Toàn đợt"
    CATEGORY = "category", "Theo khối"
    UNIT = "unit", "Mỗi đơn vị đề nghị"
    PARENT_UNIT = "parent_unit", "Mỗi đơn vị cấp trên (cho các đơn vị trực thuộc)"


class QuotaStep(models.TextChoices):
    SUBMISSION = "submission", "Khi đơn vị đề nghị (gửi hồ sơ)"
    REVIEW = "review", "Khi cấp xét chọn, chuyển tiếp"


class QuotaCategoryOf(models.TextChoices):
    NOMINEE = "nominee", "Khối của tập thể/cá nhân được đề nghị"
    PROPOSING_UNIT = "proposing_unit", "Khối của đơn vị đề nghị"


class QuotaAllocation(models.Model):
    """A plan's breakdown of an award form's places into named shares ("không quá 11 tập thể: 02 các
    Ban đảng ...; 04 sở, ban, ngành; ..."). The shares are the whole allocation: a nomination of
    this award form and kind that no share covers (by the categories it names, or by a mapping
    with a note) gets no place. `total` is the rule of the total when the plan states one (Thanh
    Hóa's list has none). The shares are the quota rules whose `allocation` is this one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quota_allocations", verbose_name="đợt")
    code = models.SlugField("mã", max_length=80)
    label = models.CharField("nội dung", max_length=500)
    award_form = models.ForeignKey(RoundAwardForm, on_delete=models.CASCADE, related_name="quota_allocations", verbose_name="hình thức")
    nominee_kind = models.CharField(
        "đối tượng", max_length=20, choices=QuotaNomineeKind.choices,
        help_text="Hồ sơ được chia: tập thể, cá nhân, hoặc cả hai.",
    )
    total = models.ForeignKey(
        "QuotaRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="quy định tổng",
        help_text="Quy định số lượng tổng mà các phần chia ra (để trống khi văn bản chỉ nêu các phần).",
    )
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "phân bổ số lượng"
        verbose_name_plural = "phân bổ số lượng"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="quota_allocation_code_unique")]

    def __str__(self):
        return self.label


class QuotaRule(models.Model):
    """A limit. `categories` filters the nominations counted, by the category of the nominee's unit
    or, with `category_of = proposing_unit`, of the unit that proposes ("mỗi sở, ban, ngành đề nghị
    01 tập thể hoặc 01 cá nhân": whatever it proposes). Nominees in `excluded_categories` are never
    counted (they have a rule of their own, e.g. the communes a district proposes). `level`, when
    set, counts only units of that level, judged on the same unit as the category ("cấp tỉnh (gồm
    sở, ban ngành, khối đảng, đoàn thể)": not a district's Party committee). `scope` says how they
    are grouped: all together, per proposing unit, or per parent unit."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quota_rules", verbose_name="đợt")
    code = models.SlugField("mã", max_length=80)
    label = models.CharField("nội dung", max_length=500, blank=True)
    award_form = models.ForeignKey(RoundAwardForm, on_delete=models.CASCADE, related_name="quota_rules", verbose_name="hình thức")
    nominee_kind = models.CharField("đối tượng", max_length=20, choices=QuotaNomineeKind.choices)
    scope = models.CharField("phạm vi", max_length=20, choices=QuotaScope.choices)
    categories = models.ManyToManyField(UnitCategory, blank=True, related_name="quota_rules", verbose_name="khối")
    category_of = models.CharField(
        "khối xét theo",
        max_length=20,
        choices=QuotaCategoryOf.choices,
        default=QuotaCategoryOf.NOMINEE,
        help_text="Khối của tập thể/cá nhân được đề nghị, hoặc khối của đơn vị đề nghị (mọi hồ sơ đơn vị đó đề nghị).",
    )
    excluded_categories = models.ManyToManyField(
        UnitCategory, blank=True, related_name="+", verbose_name="không tính khối",
        help_text="Tập thể/cá nhân thuộc các khối này không tính vào quy định (đã có quy định riêng).",
    )
    level = models.CharField(
        "cấp", max_length=10, choices=Level.choices, blank=True,
        help_text="Chỉ tính đơn vị ở cấp này (xét trên cùng đơn vị với \"khối xét theo\"); để trống: mọi cấp.",
    )
    limit = models.PositiveIntegerField("số lượng tối đa", validators=[at_most(QUOTA_MAX, "Số lượng tối đa")])
    binds_at = models.CharField(
        "áp dụng từ",
        max_length=20,
        choices=QuotaStep.choices,
        default=QuotaStep.REVIEW,
        help_text="'Khi đơn vị đề nghị': giới hạn số hồ sơ một đơn vị được gửi; 'khi cấp xét chọn': giới hạn số được chọn chuyển tiếp.",
    )
    allocation = models.ForeignKey(
        QuotaAllocation, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares", verbose_name="là một phần của",
        help_text="Phân bổ mà quy định này là một phần (các phần là toàn bộ số lượng của phân bổ).",
    )
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "quy định số lượng"
        verbose_name_plural = "quy định số lượng"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="quota_rule_code_unique")]

    def __str__(self):
        return self.label or f"{self.award_form} — {self.get_nominee_kind_display()} — {self.limit}"


class QuotaException(models.Model):
    """A named unit with its own limit under a rule (Thanh Hóa: Sở TT&TT and VP UBND tỉnh: 2)."""

    rule = models.ForeignKey(QuotaRule, on_delete=models.CASCADE, related_name="exceptions", verbose_name="quy định")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quota_exceptions", verbose_name="đơn vị")
    limit = models.PositiveIntegerField("số lượng tối đa", validators=[at_most(QUOTA_MAX, "Số lượng tối đa")])
    source = models.CharField("nguồn (điều, khoản)", max_length=500)

    class Meta:
        verbose_name = "ngoại lệ số lượng"
        verbose_name_plural = "ngoại lệ số lượng"
        constraints = [models.UniqueConstraint(fields=["rule", "unit"], name="quota_exception_unique")]

    def __str__(self):
        return f"{self.unit}: {self.limit}"


class QuotaShareMapping(models.Model):
    """What an allocation gives a category (and kind) that none of its shares names: a place in one
    share (`share`: the nominations of that kind whose nominee's unit is of that category count
    there, in the share's groups, whoever proposes them), or, with no share, nothing, said on
    purpose. Either way with the note saying why and its source."""

    allocation = models.ForeignKey(QuotaAllocation, on_delete=models.CASCADE, related_name="mappings", verbose_name="phân bổ")
    category = models.ForeignKey(UnitCategory, on_delete=models.PROTECT, related_name="+", verbose_name="khối")
    nominee_kind = models.CharField("đối tượng", max_length=20, choices=QuotaNomineeKind.choices)
    share = models.ForeignKey(
        QuotaRule, on_delete=models.CASCADE, null=True, blank=True, related_name="mapped", verbose_name="tính vào phần",
        help_text="Để trống: khối này không có chỉ tiêu trong phân bổ (ghi rõ lý do).",
    )
    note = models.CharField("ghi chú (vì sao)", max_length=1000)
    source = models.CharField("nguồn (điều, khoản)", max_length=500)

    class Meta:
        verbose_name = "khối ngoài các phần của phân bổ"
        verbose_name_plural = "khối ngoài các phần của phân bổ"
        ordering = ["id"]  # as written in the data file, which is loaded in its order (PostgreSQL keeps no order otherwise)
        constraints = [
            models.UniqueConstraint(fields=["allocation", "category", "nominee_kind"], name="quota_share_mapping_unique")
        ]

    def __str__(self):
        return f"{self.category}: {self.share or 'không có chỉ tiêu'}"
