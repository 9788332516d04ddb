"""Registrations, nominations, criterion values, evidence, councils, decisions and history.

A nomination's `stage` and `status` change only through nominations.workflow.advance().
"""
import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.choices import ChoiceDisplay
from campaigns.models import NomineeKind, Round, RoundAwardForm, Stage, Unit
from criteria.models import Criterion
from campaigns.bounds import (
    BIRTH_YEAR_MAX,
    BIRTH_YEAR_MIN,
    COUNCIL_MEMBERS_MAX,
    COUNCIL_NOTES_MAX_CHARS,
    CRITERION_TEXT_MAX_CHARS,
    PLEDGE_MAX_CHARS,
    REASON_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    at_least,
    at_most,
    max_chars,
)


def normalised_name(name: str) -> str:
    """A name as the likely-duplicate check compares it: Unicode NFC, spaces collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold()


def person_key(full_name: str, birth_year, nominee_unit_id) -> str:
    """What makes two nominations likely the same person besides the identifier (nominations/duplicates.py):
    the normalised name, the year of birth and the unit of work; "" when the name or the year is missing."""
    if not full_name or birth_year is None:
        return ""
    return f"{birth_year}|{nominee_unit_id}|{normalised_name(full_name)}"


PERSON_KEY_FIELDS = ("full_name", "birth_year", "nominee_unit", "nominee_unit_id")


class Registration(models.Model):
    """A unit's đăng ký thi đua for a round, with its pledge."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="registrations", verbose_name="đợt")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registrations", verbose_name="đơn vị")
    pledge = models.TextField(
        "nội dung đăng ký (chỉ tiêu, sản phẩm)", blank=True, max_length=PLEDGE_MAX_CHARS, validators=[max_chars(PLEDGE_MAX_CHARS)]
    )
    registered_at = models.DateTimeField("thời điểm đăng ký")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người đăng ký")

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="registration_unique")]

    def __str__(self):
        return f"{self.unit} — {self.round}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    IN_REVIEW = "in_review", _("Đang xét")
    RETURNED = "returned", _("Trả lại để bổ sung")
    REJECTED = "rejected", _("Không chấp thuận")
    AWARDED = "awarded", _("Được khen thưởng")
    PROPOSED = "proposed", _("Đã đề nghị cấp trên khen thưởng")
    NOT_AWARDED = "not_awarded", _("Không được khen thưởng")


ACTIVE_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.RETURNED)
FINAL_STATUSES = (Status.REJECTED, Status.AWARDED, Status.PROPOSED, Status.NOT_AWARDED)


class Gender(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")


class CriteriaStatus(models.TextChoices):
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Chưa đạt")
    PENDING = "pending", _("Chờ Hội đồng đánh giá")


class Nomination(ChoiceDisplay, models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="nominations", verbose_name="đợt")
    proposing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="proposed_nominations", verbose_name="đơn vị đề nghị")
    kind = models.CharField("đối tượng", max_length=20, choices=NomineeKind.choices)
    nominee_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name="tập thể / đơn vị công tác",
        help_text="Tập thể: đơn vị được đề nghị. Cá nhân: đơn vị công tác của cá nhân.",
    )
    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveIntegerField(
        "năm sinh", null=True, blank=True,
        validators=[at_least(BIRTH_YEAR_MIN, "Năm sinh"), at_most(BIRTH_YEAR_MAX, "Năm sinh")],
    )
    position = models.CharField("chức vụ", max_length=255, blank=True)
    person_identifier = models.CharField(
        "số định danh cá nhân", max_length=32, blank=True, db_index=True, help_text="Số CCCD/định danh, để phát hiện một người được đề nghị hai lần."
    )
    # What the round's báo cáo thành tích form asks of its nominee (campaigns/data/reference.yaml,
    # legal_bases[].forms[].fields): optional here; the report prints a dotted line for a blank one.
    # An individual: "I. Sơ lược lý lịch" (Nghị định 98/2023, Mẫu số 03).
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    residence = models.CharField("trú quán", max_length=255, blank=True)
    qualification = models.CharField("trình độ chuyên môn, nghiệp vụ", max_length=255, blank=True)
    political_theory = models.CharField("trình độ lý luận chính trị", max_length=100, blank=True)
    academic_rank = models.CharField("học hàm", max_length=100, blank=True)
    academic_degree = models.CharField("học vị", max_length=100, blank=True)
    # A collective: "I. Sơ lược đặc điểm, tình hình" (Mẫu số 02, note 3: trụ sở, đặc điểm, cơ cấu tổ chức,
    # chức năng, nhiệm vụ).
    headquarters = models.CharField("trụ sở", max_length=255, blank=True)
    unit_profile = models.TextField("đặc điểm, tình hình", max_length=4000, blank=True, validators=[max_chars(4000)])
    unit_functions = models.TextField("chức năng, nhiệm vụ", max_length=4000, blank=True, validators=[max_chars(4000)])
    unit_structure = models.TextField("tổ chức bộ máy (cơ cấu tổ chức)", max_length=4000, blank=True, validators=[max_chars(4000)])
    award_form = models.ForeignKey(RoundAwardForm, on_delete=models.PROTECT, related_name="nominations", verbose_name="hình thức đề nghị")
    achievement_summary = models.TextField(
        "tóm tắt thành tích", max_length=SUMMARY_MAX_CHARS, validators=[max_chars(SUMMARY_MAX_CHARS)]
    )
    eligibility_declared = models.BooleanField(
        "đơn vị cam kết đủ điều kiện", default=False, help_text="Không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra, khiếu nại, tố cáo."
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="nominations", verbose_name="bước hiện tại")
    furthest_stage_order = models.PositiveIntegerField("bước xa nhất đã tới", default=1)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    criteria_status = models.CharField("kết quả tiêu chí", max_length=10, choices=CriteriaStatus.choices, default=CriteriaStatus.PENDING)
    criteria_met = models.PositiveIntegerField("số tiêu chí đạt", default=0)
    criteria_total = models.PositiveIntegerField("tổng số tiêu chí", default=0)
    outcome_reason = models.TextField(
        "lý do (trả lại, không chấp thuận, không được khen)", blank=True, max_length=REASON_MAX_CHARS,
        validators=[max_chars(REASON_MAX_CHARS)],
    )
    decision = models.ForeignKey(
        "AwardDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="nominations", verbose_name="quyết định khen thưởng"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người lập")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    # person_key(full_name, birth_year, nominee_unit_id), kept by save() (and by whoever bulk-creates):
    # the likely-duplicate check looks a page's people up in an index instead of reading every
    # nomination of the same names or years.
    person_key = models.CharField("khoá so trùng người", max_length=240, blank=True, editable=False)

    class Meta:
        ordering = ["round", "stage__order", "proposing_unit__name", "id"]
        verbose_name = "hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "hồ sơ đề nghị khen thưởng"
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["round", "proposing_unit"]),
            models.Index(fields=["round", "stage"]),
            # The review queue: nominations waiting at a stage, counted per proposing unit and read
            # unit by unit in (kind, id) order; and its filters.
            models.Index(fields=["stage", "status", "proposing_unit", "kind", "id"], name="nomination_queue_idx"),
            models.Index(fields=["stage", "status", "nominee_unit"], name="nomination_queue_nominee_idx"),
            models.Index(fields=["stage", "status", "award_form"], name="nomination_queue_form_idx"),
            models.Index(fields=["stage", "status", "criteria_status"], name="nomination_queue_criteria_idx"),
            # The same-person flag: one person's nominations in a round.
            models.Index(fields=["round", "person_identifier"], name="nomination_round_person_idx"),
            # Likely duplicates: one person's nominations in a round, by name, year of birth and unit.
            models.Index(fields=["round", "person_key"], name="nomination_person_key_idx"),
            # A unit's pages: its nominations counted by status and stage, and the first ids of each
            # (round, unit, status, stage) read in id order up to GROUP_ROWS (nominations.selectors).
            models.Index(fields=["round", "proposing_unit", "status", "stage", "id"], name="nomination_unit_group_idx"),
            # A round's counts by status (quota usage: award form, kind, stage; the dashboard).
            models.Index(fields=["round", "status", "award_form", "kind", "stage"], name="nomination_round_status_idx"),
        ]
        constraints = [
            # One nominee, one award form per round (one achievement, one award).
            models.UniqueConstraint(
                fields=["round", "nominee_unit"],
                condition=models.Q(kind="collective") & ~models.Q(status="rejected"),
                name="nomination_one_collective_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "proposing_unit", "person_identifier"],
                condition=models.Q(kind="individual") & ~models.Q(status="rejected") & ~models.Q(person_identifier=""),
                name="nomination_one_person_per_unit_round",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="collective") | ~models.Q(full_name=""), name="nomination_individual_has_name"
            ),
        ]

    def __str__(self):
        return self.nominee_name

    def save(self, *args, **kwargs):
        self.person_key = person_key(self.full_name, self.birth_year, self.nominee_unit_id)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(PERSON_KEY_FIELDS) and "person_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "person_key"]
        super().save(*args, **kwargs)

    @property
    def nominee_name(self):
        return self.full_name if self.kind == NomineeKind.INDIVIDUAL else self.nominee_unit.name

    @property
    def is_editable_by_unit(self):
        return self.status in (Status.DRAFT, Status.RETURNED)


class CriterionValue(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="criterion_values", verbose_name="hồ sơ")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="values", verbose_name="tiêu chí")
    number = models.DecimalField(
        "số liệu (%)", max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[at_least(0, "Tỷ lệ"), at_most(100, "Tỷ lệ")],  # a percentage (criteria.CriterionKind.PERCENTAGE)
    )
    flag = models.BooleanField("có/không", null=True, blank=True)
    text = models.TextField(
        "mức / thuyết minh", blank=True, max_length=CRITERION_TEXT_MAX_CHARS, validators=[max_chars(CRITERION_TEXT_MAX_CHARS)]
    )
    judgement = models.CharField(
        "đánh giá của Hội đồng", max_length=10, choices=[("met", "Đạt"), ("not_met", "Không đạt")], blank=True
    )
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    judged_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField("kết quả", max_length=10, choices=CriteriaStatus.choices, default=CriteriaStatus.PENDING)

    class Meta:
        verbose_name = "số liệu tiêu chí"
        verbose_name_plural = "số liệu tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["nomination", "criterion"], name="criterion_value_unique"),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | (models.Q(number__gte=0) & models.Q(number__lte=100)),
                name="criterion_value_percentage_range",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.status}"


def evidence_path(instance, filename):
    return f"private/evidence/{instance.nomination.round_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence", verbose_name="hồ sơ")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="tiêu chí")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp minh chứng"
        verbose_name_plural = "tệp minh chứng"

    def __str__(self):
        return self.original_name


class CouncilMeeting(models.Model):
    """A Hội đồng Thi đua - Khen thưởng meeting of a unit (or of a reviewing organisation) for a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="council_meetings", verbose_name="đợt")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="council_meetings", verbose_name="bước")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="council_meetings", verbose_name="cơ quan, đơn vị")
    date = models.DateField("ngày họp")
    start_time = models.TimeField("bắt đầu")
    end_time = models.TimeField("kết thúc")
    place = models.CharField("địa điểm", max_length=255)
    chair = models.CharField("chủ trì", max_length=200)
    secretary = models.CharField("thư ký", max_length=200)
    members_total = models.PositiveIntegerField(
        "số thành viên Hội đồng", validators=[at_most(COUNCIL_MEMBERS_MAX, "Số thành viên Hội đồng")]
    )
    members_present = models.PositiveIntegerField(
        "số thành viên có mặt", validators=[at_most(COUNCIL_MEMBERS_MAX, "Số thành viên có mặt")]
    )
    written_opinions = models.PositiveIntegerField(
        "số ý kiến bằng văn bản của thành viên vắng mặt", default=0,
        validators=[at_most(COUNCIL_MEMBERS_MAX, "Số ý kiến bằng văn bản")],
    )
    notes = models.TextField(
        "diễn biến, ý kiến", blank=True, max_length=COUNCIL_NOTES_MAX_CHARS, validators=[max_chars(COUNCIL_NOTES_MAX_CHARS)]
    )
    # Nghị định 30/2020, Mẫu 1.9: "Thành phần tham dự" by name where the meeting records them.
    attendees = models.TextField(
        "thành viên có mặt (họ tên, chức vụ)", max_length=3000, blank=True, validators=[max_chars(3000)],
        help_text="Mỗi người một dòng, ví dụ: Nguyễn Văn A, Giám đốc Sở, Chủ tịch Hội đồng.",
    )
    absentees = models.TextField(
        "thành viên vắng mặt (có hoặc không có ý kiến bằng văn bản)", max_length=2000, blank=True, validators=[max_chars(2000)],
        help_text="Mỗi người một dòng, ví dụ: Trần Thị B, Phó Giám đốc Sở (có ý kiến bằng văn bản).",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cuộc họp Hội đồng Thi đua - Khen thưởng"
        verbose_name_plural = "cuộc họp Hội đồng Thi đua - Khen thưởng"
        constraints = [
            models.UniqueConstraint(fields=["stage", "unit"], name="council_meeting_unique"),
            models.CheckConstraint(condition=models.Q(members_present__lte=models.F("members_total")), name="council_present_le_total"),
            models.CheckConstraint(
                condition=models.Q(written_opinions__lte=models.F("members_total") - models.F("members_present")),
                name="council_written_le_absent",
            ),
            models.CheckConstraint(condition=models.Q(members_total__gt=0), name="council_has_members"),
        ]

    def __str__(self):
        return f"Họp Hội đồng {self.unit} ngày {self.date:%d/%m/%Y}"


class CouncilVote(models.Model):
    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="votes", verbose_name="cuộc họp")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="council_votes", verbose_name="hồ sơ")
    votes_for = models.PositiveIntegerField("số phiếu đồng ý", validators=[at_most(COUNCIL_MEMBERS_MAX, "Số phiếu đồng ý")])

    class Meta:
        verbose_name = "kết quả biểu quyết"
        verbose_name_plural = "kết quả biểu quyết"
        constraints = [models.UniqueConstraint(fields=["meeting", "nomination"], name="council_vote_unique")]


class DeadlineExtension(models.Model):
    """A stage's organisation lets one unit act after the stage deadline, with a logged reason."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions", verbose_name="bước")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="deadline_extensions", verbose_name="đơn vị")
    new_deadline = models.DateField("hạn mới")
    reason = models.TextField("lý do", max_length=REASON_MAX_CHARS, validators=[max_chars(REASON_MAX_CHARS)])
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người gia hạn")
    granted_at = models.DateTimeField("gia hạn lúc")

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"

    def __str__(self):
        return f"{self.unit}: đến {self.new_deadline:%d/%m/%Y}"


class AwardDecision(models.Model):
    """The Quyết định khen thưởng recorded at the final stage."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decisions", verbose_name="đợt")
    number = models.CharField("số quyết định", max_length=50)
    date = models.DateField("ngày ký")
    signer = models.CharField("người ký", max_length=200)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="decision_number_unique")]

    def __str__(self):
        return f"Quyết định số {self.number} ngày {self.date:%d/%m/%Y}"


class NominationEvent(models.Model):
    """Append-only history: every stage change and every edit after submission."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events", verbose_name="hồ sơ")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="người thực hiện")
    at = models.DateTimeField("thời điểm")
    action = models.CharField("hành động", max_length=30)
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField("ghi chú", blank=True, max_length=REASON_MAX_CHARS, validators=[max_chars(REASON_MAX_CHARS)])
    changes = models.JSONField("thay đổi", default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử hồ sơ"
        verbose_name_plural = "lịch sử hồ sơ"
        # A nomination's latest event of one kind (its latest return, for the queue's
        # "returned by this stage" list).
        indexes = [
            models.Index(fields=["nomination", "action", "at", "id"], name="event_nomination_action_idx"),
            # A round's returns, oldest first (the dashboard).
            models.Index(fields=["action", "at"], name="event_action_at_idx"),
            # The returns one stage made, newest first.
            models.Index(fields=["from_stage", "action", "at", "id"], name="event_from_stage_action_idx"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Lịch sử hồ sơ chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Lịch sử hồ sơ không được xóa.")


class ReminderSent(models.Model):
    """A deadline reminder already sent: the periodic task never sends the same one twice."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveIntegerField()
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "unit", "days_before", "deadline"], name="reminder_once")]


class MailStatus(models.TextChoices):
    PENDING = "pending", "chờ gửi"
    SENT = "sent", "đã gửi"
    FAILED = "failed", "gửi không được (đã thôi thử)"


class OutboxMail(models.Model):
    """An e-mail waiting to be sent, written in the transaction of the action it tells about: the
    action and its mail commit together, and a mail server that is down never undoes or fails the
    action. nominations.outbox sends pending mail (after commit, and every minute from Celery beat
    or the send_outbox_mail command) and, when sending fails, keeps the row with the error and
    tries again later."""

    subject = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung")
    from_email = models.CharField("người gửi", max_length=300)
    recipients = models.JSONField("người nhận", default=list)
    nomination = models.ForeignKey(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_mail", verbose_name="hồ sơ"
    )
    status = models.CharField("trạng thái", max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING, db_index=True)
    attempts = models.PositiveIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi lần thử gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    next_attempt_at = models.DateTimeField("thử gửi từ", db_index=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "thư chờ gửi"
        verbose_name_plural = "thư chờ gửi"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"
