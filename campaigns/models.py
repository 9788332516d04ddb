"""Organisations, units, campaigns, rounds, award forms, stages: the campaigns as data.

Every rule-bearing row carries `source`, the clause of the document it comes from.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.bounds import (
    DOSSIER_COPIES_MAX,
    FRACTION_TERM_MAX,
    NOTES_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    at_least,
    at_most,
    max_chars,
)


class Level(models.TextChoices):
    TINH = "tinh", "Cấp tỉnh"
    HUYEN = "huyen", "Cấp huyện"
    XA = "xa", "Cấp xã"


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class DocumentFormat(models.TextChoices):
    """The format a body's documents follow: the State's (Nghị định 30/2020/NĐ-CP) or the Party's
    (Hướng dẫn 36-HD/VPTW của Văn phòng Trung ương Đảng) for Party bodies."""

    STATE = "state", "Thể thức văn bản nhà nước"
    PARTY = "party", "Thể thức văn bản của Đảng"


class UnitCategory(models.Model):
    """A participant category (khối): sở/ban/ngành, UBND cấp huyện, doanh nghiệp..."""

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên khối", max_length=200)
    description = models.TextField("mô tả", blank=True, max_length=NOTES_MAX_CHARS, validators=[max_chars(NOTES_MAX_CHARS)])
    order = models.PositiveIntegerField("thứ tự", default=0)
    # How the documents of a unit of this kind are headed and signed (Nghị định 30/2020, Phụ lục I).
    people_committee = models.BooleanField(
        "là Ủy ban nhân dân", default=False,
        help_text="Văn bản ký \"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\"; quyết định do Chủ tịch ký, căn cứ Luật Tổ chức chính quyền địa phương.",
    )
    head_title = models.CharField(
        "chức danh người đứng đầu", max_length=100, blank=True,
        help_text="Ví dụ: Giám đốc, Chủ tịch, Trưởng phòng, Hiệu trưởng. Để trống khi khác nhau giữa các đơn vị (ghi ở từng đơn vị).",
    )
    parent_in_heading = models.BooleanField(
        "ghi cơ quan chủ quản ở tiêu đề", default=False,
        help_text="Tên đơn vị cấp trên ghi trên tên đơn vị ở góc trái văn bản (cơ quan chuyên môn, đơn vị sự nghiệp); "
        "không ghi với UBND, doanh nghiệp, tổ chức đảng, đoàn thể.",
    )
    document_format = models.CharField(
        "thể thức văn bản", max_length=10, choices=DocumentFormat.choices, default=DocumentFormat.STATE,
        help_text="Nhà nước: Nghị định 30/2020/NĐ-CP (Quốc hiệu, Tiêu ngữ, \"Số: 05/TTr-STC\"). Đảng: Hướng dẫn 36-HD/VPTW "
        "(\"ĐẢNG CỘNG SẢN VIỆT NAM\", tên đảng bộ cấp trên, \"Số 05-TTr/VPTU\").",
    )
    party_superior = models.CharField(
        "đảng bộ cấp trên (thể thức Đảng)", max_length=100, blank=True,
        help_text="Ghi trên tên cơ quan ở góc trái, kèm địa danh của đơn vị, ví dụ \"Đảng bộ tỉnh\" → \"ĐẢNG BỘ TỈNH SƠN LA\".",
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "khối / loại đơn vị"
        verbose_name_plural = "khối / loại đơn vị"

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An organisation or unit. Mergers and renamings close it and name a successor."""

    code = models.SlugField("mã", max_length=80, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField(
        "viết tắt", max_length=40, blank=True, help_text="Dùng trong số văn bản, ví dụ STTTT, SNV, UBND."
    )
    category = models.ForeignKey(UnitCategory, on_delete=models.PROTECT, related_name="units", verbose_name="khối")
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="đơn vị cấp trên"
    )
    path = models.CharField(max_length=500, editable=False, db_index=True, default="")
    place_name = models.CharField("địa danh", max_length=100, blank=True, help_text="Ví dụ: Sơn La (trong dòng ngày tháng).")
    email = models.EmailField("thư điện tử", blank=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors", verbose_name="đơn vị kế thừa"
    )
    history_note = models.CharField("ghi chú lịch sử", max_length=500, blank=True)
    head_title = models.CharField(
        "chức danh người đứng đầu", max_length=100, blank=True,
        help_text="Ví dụ: Tổng Biên tập, Bí thư. Để trống: theo khối của đơn vị.",
    )
    functions_basis = models.CharField(
        "văn bản quy định chức năng, nhiệm vụ", max_length=500, blank=True,
        help_text="Dòng căn cứ của tờ trình (Mẫu số 01, ghi chú 7), không gồm chữ \"Căn cứ\", ví dụ \"Quyết định số "
        "26/2022/QĐ-UBND ngày 15/6/2022 của UBND tỉnh Thanh Hóa về việc quy định chức năng, nhiệm vụ...\". "
        "Để trống khi chưa biết: tờ trình không in dòng này.",
    )

    class Meta:
        ordering = ["path", "name"]
        verbose_name = "đơn vị / cơ quan"
        verbose_name_plural = "đơn vị / cơ quan"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "Đơn vị cấp trên không được là chính đơn vị này hoặc đơn vị cấp dưới của nó."})
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if new_path != old_path:
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                for child in self.children.all():
                    child.save()

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def current_successor(self, day):
        """Follow the successor chain to the unit valid on `day` (or the last one)."""
        unit, seen = self, set()
        while not unit.is_valid_on(day) and unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit


class LegalBasis(models.Model):
    """The decree whose forms a round's dossiers use (Nghị định 98/2023, 152/2025...)."""

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên", max_length=255)
    number = models.CharField("số hiệu", max_length=50)
    date = models.DateField("ngày ban hành", null=True, blank=True)
    effective_from = models.DateField("hiệu lực từ", null=True, blank=True, help_text="Để trống: có hiệu lực trước mọi đợt xét.")
    effective_to = models.DateField("hiệu lực đến", null=True, blank=True)
    template_set = models.SlugField("bộ mẫu văn bản", max_length=50, help_text="Thư mục mẫu trong templates/dossiers/.")
    forms = models.JSONField("các mẫu", default=dict, blank=True, help_text="Loại văn bản → số mẫu, ví dụ to_trinh: Mẫu số 01.")

    class Meta:
        ordering = ["effective_from"]
        verbose_name = "căn cứ pháp lý về mẫu hồ sơ"
        verbose_name_plural = "căn cứ pháp lý về mẫu hồ sơ"

    def __str__(self):
        return f"Nghị định {self.number}"


class LegalTextRole(models.TextChoices):
    """What a legal text provides in a document's "Căn cứ" lines; one text of each role is in force
    on a given day. The order of the choices is the order of the lines."""

    CHINH_QUYEN_DIA_PHUONG = "chinh_quyen_dia_phuong", "Luật Tổ chức chính quyền địa phương"
    LUAT_THI_DUA = "luat_thi_dua", "Luật Thi đua, khen thưởng"
    NGHI_DINH_THI_DUA = "nghi_dinh_thi_dua", "Nghị định quy định chi tiết Luật Thi đua, khen thưởng"
    THONG_TU_THI_DUA = "thong_tu_thi_dua", "Thông tư hướng dẫn thi hành"


class LegalText(models.Model):
    """A law, decree or circular a document cites, with the days it is in force and its exact
    citation (number, date, title): every document cites the text of each role in force on its own
    date (shared/law/can-cu-quyet-dinh.md)."""

    code = models.SlugField("mã", max_length=50, unique=True)
    role = models.CharField("vai trò", max_length=40, choices=LegalTextRole.choices)
    number = models.CharField("số hiệu", max_length=50, blank=True, help_text="Ví dụ: 98/2023/NĐ-CP. Để trống khi văn bản nguồn trích dẫn không ghi số.")
    date = models.DateField("ngày ban hành", null=True, blank=True)
    title = models.CharField("tên (trích yếu)", max_length=500)
    citation = models.TextField(
        "trích dẫn", help_text="Dòng \"Căn cứ ...\" đúng như văn bản in (không gồm chữ \"Căn cứ\" và dấu cuối dòng).",
    )
    effective_from = models.DateField("hiệu lực từ", null=True, blank=True, help_text="Để trống: có hiệu lực trước mọi đợt xét.")
    effective_to = models.DateField("hiệu lực đến", null=True, blank=True)
    mentions = models.JSONField(
        "cách nhắc tới văn bản", default=list, blank=True,
        help_text="Các cụm từ nhận ra văn bản trong nguồn của quy tắc và lời cam kết, ví dụ [\"98/2023/NĐ-CP\"].",
    )
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="được thay thế bởi",
    )
    cited_in_documents = models.BooleanField(
        "in trong dòng căn cứ", default=True,
        help_text="Tắt: chỉ dùng để kiểm tra trích dẫn (ví dụ Thông tư chưa có trích yếu đầy đủ trong nguồn).",
    )
    source = models.CharField("nguồn", max_length=500)

    class Meta:
        ordering = ["role", "effective_from"]
        verbose_name = "văn bản pháp luật được căn cứ"
        verbose_name_plural = "văn bản pháp luật được căn cứ"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="legal_text_valid_range",
            )
        ]

    def __str__(self):
        return self.citation[:120]

    def in_force_on(self, day) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (self.effective_to is None or day <= self.effective_to)

    def in_force_between(self, start, end) -> bool:
        """In force on at least one day of [start, end]."""
        return (self.effective_from is None or self.effective_from <= end) and (self.effective_to is None or start <= self.effective_to)


class VoteRule(models.Model):
    """A council's quorum and the share of *all members* whose 'đồng ý' a proposal needs."""

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên", max_length=255)
    quorum_numerator = models.PositiveIntegerField("túc số (tử số)", default=2, validators=[at_most(FRACTION_TERM_MAX)])
    quorum_denominator = models.PositiveIntegerField("túc số (mẫu số)", default=3, validators=[at_most(FRACTION_TERM_MAX)])
    approval_numerator = models.PositiveIntegerField("tỷ lệ đồng ý (tử số)", default=1, validators=[at_most(FRACTION_TERM_MAX)])
    approval_denominator = models.PositiveIntegerField("tỷ lệ đồng ý (mẫu số)", default=2, validators=[at_most(FRACTION_TERM_MAX)])
    approval_strict = models.BooleanField(
        "phải vượt quá tỷ lệ", default=True, help_text="Bật: 'quá' (trên) tỷ lệ, như đa số; tắt: 'từ ... trở lên'."
    )
    source = models.CharField("nguồn (điều, khoản)", max_length=500)

    class Meta:
        ordering = ["code"]
        verbose_name = "quy tắc biểu quyết của Hội đồng"
        verbose_name_plural = "quy tắc biểu quyết của Hội đồng"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_denominator__gt=0) & models.Q(approval_denominator__gt=0), name="vote_rule_positive"
            )
        ]

    def __str__(self):
        return self.name


class PublicationStatus(models.TextChoices):
    """A campaign or a round being prepared (draft: not shown to units, nothing can be proposed in
    it) or published. Campaigns loaded from the data files are published; a new phase made by
    clone_campaign is a draft until its officer fills in its plan and publishes it."""

    DRAFT = "draft", "Bản nháp"
    PUBLISHED = "published", "Đã công bố"


class Campaign(models.Model):
    code = models.SlugField("mã", max_length=80, unique=True)
    name = models.CharField("tên phong trào", max_length=500)
    theme = models.CharField("chủ đề", max_length=500, blank=True)
    achievement_field = models.CharField(
        "thành tích trong", max_length=500, blank=True,
        help_text="Cụm từ văn bản dùng sau \"có thành tích xuất sắc trong\" khi tên không phải tên một phong trào "
        "(ví dụ một hướng dẫn khen thưởng). Để trống: tên phong trào.",
    )
    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name="cơ quan phát động")
    issuer_title = models.CharField("người/cơ quan phát động", max_length=255)
    territory = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns_as_territory",
        verbose_name="địa bàn",
        help_text="UBND có địa bàn tham gia phong trào (các đơn vị trực thuộc). Để trống: cơ quan phát động.",
    )
    period_start = models.DateField("bắt đầu")
    period_end = models.DateField("kết thúc")
    summary = models.TextField("tóm tắt", blank=True, max_length=NOTES_MAX_CHARS, validators=[max_chars(NOTES_MAX_CHARS)])
    data_file = models.CharField("tệp dữ liệu", max_length=255, blank=True)
    seed_document = models.CharField("văn bản gốc", max_length=255, blank=True)
    loaded_digest = models.CharField(
        "dấu quy định khi nạp tệp", max_length=64, blank=True, editable=False,
        help_text="Dấu (SHA-256) của quy định ngay sau lần nạp tệp gần nhất: khác đi là quy định đã được sửa trên cổng.",
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED,
        help_text="Bản nháp: chưa hiện với đơn vị, chưa đề nghị được trong các đợt của phong trào.",
    )
    demonstration = models.BooleanField(
        "dữ liệu trình diễn", default=False, help_text="Phong trào tạo để trình diễn cổng (make demo), không phải của địa phương.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"

    def __str__(self):
        return self.name

    @property
    def territory_unit(self):
        return self.territory or self.issuer


class LegalDocumentKind(models.TextChoices):
    """The kind of a legal document; the label is the word that names it in a "Căn cứ" line."""

    LUAT = "luat", "Luật"
    NGHI_QUYET = "nghi_quyet", "Nghị quyết"
    NGHI_DINH = "nghi_dinh", "Nghị định"
    THONG_TU = "thong_tu", "Thông tư"
    CHI_THI = "chi_thi", "Chỉ thị"
    QUYET_DINH = "quyet_dinh", "Quyết định"
    KE_HOACH = "ke_hoach", "Kế hoạch"
    CHUONG_TRINH = "chuong_trinh", "Chương trình"
    DE_AN = "de_an", "Đề án"
    HUONG_DAN = "huong_dan", "Hướng dẫn"
    THONG_BAO = "thong_bao", "Thông báo"
    CONG_VAN = "cong_van", "Công văn"


class CampaignDocument(models.Model):
    """A legal document the campaign rests on: Chỉ thị, Quyết định, Kế hoạch, Hướng dẫn."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents", verbose_name="phong trào")
    number = models.CharField("số hiệu", max_length=80, blank=True, help_text="Để trống khi văn bản nguồn không ghi số.")
    date = models.DateField("ngày ban hành", null=True, blank=True, help_text="Để trống khi văn bản nguồn không ghi ngày.")
    issuer = models.CharField("cơ quan ban hành", max_length=255)
    title = models.CharField("trích yếu", max_length=500)
    kind = models.CharField(
        "loại văn bản", max_length=50, blank=True, choices=LegalDocumentKind.choices,
        help_text="Tên loại đứng đầu dòng \"Căn cứ\" của tờ trình; để trống thì ghi \"Văn bản\".",
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = "văn bản căn cứ"
        verbose_name_plural = "văn bản căn cứ"
        constraints = [models.UniqueConstraint(fields=["campaign", "number", "title"], name="campaign_document_unique")]

    def __str__(self):
        number = self.number or "(không ghi số)"
        return f"{number} ngày {self.date:%d/%m/%Y}" if self.date else number


class CampaignTarget(models.Model):
    """A target the movement sets (mục tiêu, chỉ tiêu), e.g. 'tối thiểu 60% hồ sơ TTHC xử lý trực tuyến đến 2023'.
    Criteria may reuse its figure; the target itself is kept for audit and reports."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name="phong trào")
    code = models.SlugField("mã", max_length=80)
    year = models.PositiveIntegerField(
        "năm đạt", null=True, blank=True, validators=[at_least(YEAR_MIN, "Năm"), at_most(YEAR_MAX, "Năm")]
    )
    group = models.CharField("nhóm", max_length=200, blank=True)
    label = models.CharField("mục tiêu", max_length=1000)
    operator = models.CharField("phép so sánh", max_length=10, blank=True)
    threshold = models.DecimalField(
        "giá trị (%)", max_digits=7, decimal_places=2, null=True, blank=True, validators=[at_least(0, "Tỷ lệ"), at_most(100, "Tỷ lệ")]
    )
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = "mục tiêu của phong trào"
        verbose_name_plural = "mục tiêu của phong trào"
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="campaign_target_unique")]

    def __str__(self):
        return self.label


class RoundKind(models.TextChoices):
    ANNUAL = "annual", "Hằng năm"
    INTERIM = "interim", "Sơ kết"
    FINAL = "final", "Tổng kết"
    SINGLE = "single", "Theo đợt"


class ReportForm(models.TextChoices):
    """Which báo cáo thành tích form a round's nominees fill in: the decree's form for a collective
    or for an individual (the default), or one form for both when the campaign's document asks for
    the report of a movement by round or theme (Nghị định 98/2023/NĐ-CP, Mẫu số 08). The value is
    the template's name in the round's template set (templates/dossiers/<set>/<value>.html)."""

    BY_NOMINEE = "", "Theo đối tượng (mẫu của tập thể / của cá nhân)"
    PHONG_TRAO = "bao_cao_phong_trao", "Mẫu báo cáo thành tích khen thưởng phong trào thi đua theo đợt, chuyên đề"


class Round(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds", verbose_name="phong trào")
    code = models.SlugField("mã", max_length=80)
    name = models.CharField("tên đợt", max_length=255)
    kind = models.CharField("loại đợt", max_length=20, choices=RoundKind.choices)
    year = models.PositiveIntegerField("năm", validators=[at_least(YEAR_MIN, "Năm"), at_most(YEAR_MAX, "Năm")])
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="rounds", verbose_name="căn cứ mẫu hồ sơ")
    registration_required = models.BooleanField("bắt buộc đăng ký thi đua", default=False)
    registration_deadline = models.DateField("hạn đăng ký", null=True, blank=True)
    registration_source = models.CharField("nguồn (đăng ký)", max_length=500, blank=True)
    pledge_label = models.CharField("nội dung đăng ký", max_length=500, blank=True)
    units_propose_for_children = models.BooleanField(
        "đơn vị đề nghị cho đơn vị trực thuộc",
        default=False,
        help_text="Bật: đơn vị cấp trên lập hồ sơ đề nghị cho tập thể trực thuộc (ví dụ huyện chọn xã).",
    )
    report_form = models.CharField(
        "mẫu báo cáo thành tích",
        max_length=40,
        blank=True,
        choices=ReportForm.choices,
        help_text="Để trống: báo cáo thành tích theo mẫu của tập thể hoặc cá nhân của căn cứ pháp lý; "
        "'bao_cao_phong_trao': một mẫu cho cả tập thể và cá nhân khi văn bản phát động yêu cầu (ví dụ Mẫu số 08, Nghị định 98/2023/NĐ-CP).",
    )
    report_form_source = models.CharField("nguồn (mẫu báo cáo thành tích)", max_length=500, blank=True)
    award_kind = models.CharField(
        "loại hình khen thưởng", max_length=100, blank=True,
        help_text="Ghi trong trích yếu tờ trình (Mẫu số 01, ghi chú 5): công trạng, đột xuất, chuyên đề, cống hiến, "
        "niên hạn, đối ngoại; phong trào thi đua theo đợt hoặc chuyên đề. Để trống: không ghi.",
    )
    award_kind_source = models.CharField("nguồn (loại hình khen thưởng)", max_length=500, blank=True)
    achievement_field = models.CharField(
        "thành tích trong", max_length=500, blank=True,
        help_text="Cụm từ văn bản của đợt sau \"có thành tích xuất sắc trong\" (một đợt hằng năm: \"... năm 2024\", "
        "không phải cả giai đoạn). Để trống: theo phong trào.",
    )
    summary_report_required = models.BooleanField(
        "kèm báo cáo tóm tắt thành tích",
        default=False,
        help_text="Bật khi văn bản yêu cầu báo cáo tóm tắt thành tích của mỗi tập thể, cá nhân trong hồ sơ (ví dụ Thanh Hóa 2024, mục IV.1).",
    )
    summary_report_source = models.CharField("nguồn (báo cáo tóm tắt)", max_length=500, blank=True)
    source = models.CharField("nguồn (điều, khoản)", max_length=500, blank=True)
    notes = models.TextField("ghi chú", blank=True, max_length=NOTES_MAX_CHARS, validators=[max_chars(NOTES_MAX_CHARS)])
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones", verbose_name="sao chép từ"
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED,
        help_text="Bản nháp: chưa mở cho đơn vị (kể cả khi phong trào đã công bố).",
    )

    class Meta:
        ordering = ["campaign", "year", "code"]
        verbose_name = "đợt xét khen thưởng"
        verbose_name_plural = "đợt xét khen thưởng"
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="round_code_unique")]

    def __str__(self):
        return f"{self.campaign.name} — {self.name}"

    @property
    def is_published(self) -> bool:
        """Open to units: the round and its campaign are both published."""
        return self.status == PublicationStatus.PUBLISHED and self.campaign.status == PublicationStatus.PUBLISHED


class AwardOutcome(models.TextChoices):
    AWARD = "award", "Quyết định khen thưởng tại bước cuối"
    PROPOSE = "propose", "Đề nghị cấp trên khen thưởng"
    UNIT = "unit", "Thủ trưởng đơn vị khen theo thẩm quyền"


class RoundAwardForm(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="award_forms", verbose_name="đợt")
    code = models.SlugField("mã", max_length=80)
    name = models.CharField("hình thức khen thưởng", max_length=255)
    granted_by = models.CharField("thẩm quyền khen thưởng", max_length=255)
    for_collectives = models.BooleanField("tặng tập thể", default=True)
    for_individuals = models.BooleanField("tặng cá nhân", default=True)
    dossier_copies = models.PositiveIntegerField("số bộ hồ sơ", default=1, validators=[at_most(DOSSIER_COPIES_MAX, "Số bộ hồ sơ")])
    copies_source = models.CharField("nguồn (số bộ hồ sơ)", max_length=500, blank=True)
    vote_rule = models.ForeignKey(VoteRule, on_delete=models.PROTECT, related_name="+", verbose_name="quy tắc biểu quyết")
    outcome = models.CharField("kết quả tại bước cuối", max_length=20, choices=AwardOutcome.choices, default=AwardOutcome.AWARD)
    granting_levels = models.JSONField(
        "cấp của người tặng", default=list, blank=True,
        help_text="Các cấp (tinh, huyen, xa) mà người đứng đầu tặng hình thức này, ví dụ [huyen, xa] cho Giấy khen của Chủ tịch "
        "UBND cấp huyện, cấp xã. Với hình thức do thủ trưởng đơn vị khen, chỉ đơn vị thuộc các cấp này đề nghị được; "
        "đợt sao chép sang thời gian một cấp không còn (cấp huyện sau 30/6/2025) không có hình thức đó. Để trống: không giới hạn.",
    )
    basis_clause = models.CharField(
        "căn cứ đề nghị (điểm, khoản, điều, tên văn bản)", max_length=500, blank=True,
        help_text="Dòng căn cứ của tờ trình (Mẫu số 01, ghi chú 8), không gồm chữ \"Căn cứ\". Để trống khi điều, "
        "khoản chưa được đối chiếu với văn bản: tờ trình không in dòng này.",
    )
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "hình thức khen thưởng của đợt"
        verbose_name_plural = "hình thức khen thưởng của đợt"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="award_form_code_unique")]

    def __str__(self):
        return self.name


class StageAction(models.TextChoices):
    UNIT_COUNCIL = "unit_council", "Đơn vị họp Hội đồng, đề nghị"
    REVIEW = "review", "Xét, tổng hợp"
    APPRAISAL = "appraisal", "Thẩm định"
    DECISION = "decision", "Quyết định khen thưởng"


class Stage(models.Model):
    """One step of a round's route, with the date by which its organisation must act."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stages", verbose_name="đợt")
    order = models.PositiveIntegerField("thứ tự")
    name = models.CharField("tên bước", max_length=255)
    organisation = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stages",
        verbose_name="cơ quan thực hiện",
        help_text="Để trống: chính đơn vị đề nghị.",
    )
    action = models.CharField("việc thực hiện", max_length=20, choices=StageAction.choices)
    deadline = models.DateField("hạn chót")
    deadline_stated = models.BooleanField(
        "hạn nêu trong văn bản", default=True, help_text="Tắt: hạn được suy ra, xem nguồn."
    )
    holds_council = models.BooleanField("họp Hội đồng TĐKT", default=False)
    council_of = models.ForeignKey(
        "Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Hội đồng TĐKT của",
        help_text="Khi cơ quan thực hiện là thường trực Hội đồng của cấp khác (Phòng Nội vụ, thường trực Hội đồng "
        "Thi đua - Khen thưởng thành phố). Để trống: Hội đồng của chính cơ quan thực hiện.",
    )
    dossier_minutes = models.JSONField(
        "biên bản kèm hồ sơ trình", default=list, blank=True,
        help_text="Thứ tự các bước có biên bản họp Hội đồng được gửi kèm hồ sơ trình của bước này (chính bước này "
        "nếu họp Hội đồng; bước trình khen thưởng trước đó). Ở bước đơn vị: biên bản của từng đơn vị đề nghị.",
    )
    dossier_source = models.CharField("nguồn (thành phần hồ sơ)", max_length=500, blank=True)
    source = models.CharField("nguồn (điều, khoản)", max_length=500)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "bước xét"
        verbose_name_plural = "bước xét"
        constraints = [models.UniqueConstraint(fields=["round", "order"], name="stage_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.name}"

    @property
    def needs_council(self) -> bool:
        """Whether moving on from this stage needs its council's vote: a stage that holds a
        council meeting, and the unit stage whose units each hold their own."""
        return self.holds_council or self.action == StageAction.UNIT_COUNCIL


class EligibilityKind(models.TextChoices):
    DECLARATION = "declaration", "Cam kết của đơn vị"
    ONE_AWARD = "one_award_per_achievement", "Một thành tích một hình thức"


class EligibilityCondition(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligibility_conditions", verbose_name="đợt")
    code = models.SlugField("mã", max_length=80)
    label = models.CharField("điều kiện", max_length=1000)
    kind = models.CharField("loại", max_length=40, choices=EligibilityKind.choices)
    source = models.CharField("nguồn (điều, khoản)", max_length=500)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "điều kiện đề nghị khen thưởng"
        verbose_name_plural = "điều kiện đề nghị khen thưởng"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="eligibility_code_unique")]

    def __str__(self):
        return self.label


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", "Cán bộ đơn vị"
    COUNCIL_SECRETARY = "council_secretary", "Thư ký Hội đồng đơn vị"
    REVIEWER = "reviewer", "Cán bộ xét duyệt"
    APPRAISER = "appraiser", "Cán bộ thẩm định"
    CHAIRMAN_OFFICE = "chairman_office", "Văn phòng Chủ tịch"
    ADMINISTRATOR = "administrator", "Quản trị"
    CAMPAIGN_MANAGER = "campaign_manager", "Quản trị phong trào"


class Membership(models.Model):
    """An account's place: which unit or organisation it acts for, in which role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="tài khoản")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name="đơn vị")
    role = models.CharField("vai trò", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "vai trò của tài khoản"
        verbose_name_plural = "vai trò của tài khoản"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "chờ xử lý"
    RUNNING = "running", "đang nhập"
    DONE = "done", "đã nhập"
    FAILED = "failed", "không nhập"


class UnitImportJob(models.Model):
    """One upload of the unit spreadsheet, imported by a Celery task (campaigns.tasks): the row is
    written first, the task takes its id, the page polls it. Running the task again for a finished
    job does nothing; the import itself is all or nothing (campaigns.services.units)."""

    file = models.FileField("tệp", upload_to="private/imports/", max_length=300, blank=True)
    original_name = models.CharField("tên tệp", max_length=255, blank=True)
    update = models.BooleanField("cập nhật đơn vị đã có", default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="người nhập"
    )
    within = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="trong địa bàn",
        help_text="Nhập từ trang quản trị phong trào: mọi đơn vị của tệp phải thuộc đơn vị này.",
    )
    status = models.CharField("trạng thái", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField("đang làm", max_length=100, blank=True)
    progress_done = models.PositiveIntegerField("số dòng đã xử lý", default=0)
    progress_total = models.PositiveIntegerField("tổng số dòng", default=0)
    created_count = models.PositiveIntegerField("số đơn vị tạo mới", default=0)
    updated_count = models.PositiveIntegerField("số đơn vị cập nhật", default=0)
    warnings = models.JSONField("cảnh báo", default=list, blank=True)
    problems = models.JSONField("lỗi", default=list, blank=True)
    task_id = models.CharField("tác vụ", max_length=64, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lượt nhập đơn vị"
        verbose_name_plural = "lượt nhập đơn vị"

    def __str__(self):
        return f"{self.original_name or 'Nhập đơn vị'} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, round(100 * self.progress_done / self.progress_total)) if self.progress_total else 0

    @property
    def summary(self) -> str:
        text = f"Đã nhập {self.created_count + self.updated_count} đơn vị: {self.created_count} tạo mới"
        if self.updated_count:
            text += f", {self.updated_count} cập nhật"
        return text + "."


class RuleChange(models.Model):
    """A change to a round's rules made after units submitted nominations in it: versioned and
    logged, shown to the round's people. A submitted nomination is never re-judged by it: what
    it was checked against at submission stays recorded on it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rule_changes", verbose_name="đợt")
    version = models.PositiveIntegerField("phiên bản")
    changed_at = models.DateTimeField("thời điểm", auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="người sửa"
    )
    summary = models.JSONField("nội dung thay đổi", default=list, help_text="Mỗi dòng một thay đổi, tiếng Việt.")
    before = models.JSONField("quy định trước", default=dict)
    after = models.JSONField("quy định sau", default=dict)

    class Meta:
        ordering = ["round", "-version"]
        verbose_name = "thay đổi quy định đợt"
        verbose_name_plural = "thay đổi quy định đợt"
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="rule_change_version_unique")]

    def __str__(self):
        return f"{self.round} — phiên bản {self.version}"
