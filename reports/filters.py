"""The filters of an award list, the same from the page, the shell and a background job.

Codes, not ids, so that a command line and a stored job read the same way:
`--stage 2 --status in_review --award-form bang-khen-chu-tich-ubnd-tinh --category so_ban_nganh
--unit so-tai-chinh-nt`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from campaigns.models import Round, RoundAwardForm, Stage, Unit, UnitCategory
from campaigns.stages import stages_of
from nominations.display import vietnamese_labels
from nominations.models import Status


class FilterError(ValueError):
    """An unknown stage, status or code (Vietnamese message for the user)."""


@dataclass(frozen=True)
class AwardListFilters:
    stage: int | None = None  # the order of the nominations' current stage
    status: str = ""  # a nominations.models.Status value; empty: every status but drafts
    award_form: str = ""  # RoundAwardForm.code of the round
    category: str = ""  # UnitCategory.code of the nominee's unit (khối)
    unit: str = ""  # Unit.code of the proposing unit
    per_award_form: bool = False  # one sheet per award form

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "AwardListFilters":
        stage = data.get("stage")
        return cls(
            stage=int(stage) if stage not in (None, "") else None,
            status=data.get("status") or "",
            award_form=data.get("award_form") or "",
            category=data.get("category") or "",
            unit=data.get("unit") or "",
            per_award_form=bool(data.get("per_award_form")),
        )


@dataclass(frozen=True)
class ResolvedFilters:
    """The filters with their rows: what the query and the title line need."""

    filters: AwardListFilters
    stage: Stage | None
    award_form: RoundAwardForm | None
    category: UnitCategory | None
    unit: Unit | None

    def describe(self) -> str:
        parts = []
        if self.stage is not None:
            parts.append(f"bước {self.stage.order}. {self.stage.name}")
        if self.filters.status:
            parts.append(f"trạng thái: {vietnamese_labels(Status)[self.filters.status]}")
        else:
            parts.append("mọi trạng thái trừ hồ sơ nháp")
        if self.award_form is not None:
            parts.append(f"hình thức: {self.award_form.name}")
        if self.category is not None:
            parts.append(f"khối: {self.category.name}")
        if self.unit is not None:
            parts.append(f"đơn vị đề nghị: {self.unit.name}")
        return "Phạm vi: " + "; ".join(parts) + "."


def resolve(round_: Round, filters: AwardListFilters) -> ResolvedFilters:
    """Check each filter against the round; raise FilterError naming what is unknown."""
    stage = None
    if filters.stage is not None:
        stage = stages_of(round_).by_order(filters.stage)
        if stage is None:
            orders = ", ".join(str(order) for order in stages_of(round_).orders)
            raise FilterError(f"Đợt không có bước {filters.stage} (các bước: {orders}).")
    if filters.status and filters.status not in Status.values:
        raise FilterError(f"Trạng thái không hợp lệ: {filters.status} (hợp lệ: {', '.join(Status.values)}).")
    award_form = None
    if filters.award_form:
        award_form = RoundAwardForm.objects.filter(round=round_, code=filters.award_form).first()
        if award_form is None:
            raise FilterError(f"Đợt không có hình thức khen thưởng mã '{filters.award_form}'.")
    category = None
    if filters.category:
        category = UnitCategory.objects.filter(code=filters.category).first()
        if category is None:
            raise FilterError(f"Không có khối mã '{filters.category}'.")
    unit = None
    if filters.unit:
        unit = Unit.objects.filter(code=filters.unit).first()
        if unit is None:
            raise FilterError(f"Không có đơn vị mã '{filters.unit}'.")
    return ResolvedFilters(filters=filters, stage=stage, award_form=award_form, category=category, unit=unit)
