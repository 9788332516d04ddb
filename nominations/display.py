"""How statuses look in the UI (Vietnamese): badge labels and colours. Numbers and dates are
written by campaigns.vn_format.

Pure helpers shared by views, the JSON evaluation endpoint and the template filters."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.vn_format import in_vietnamese
from criteria import evaluation
from criteria.models import CriterionKind
from nominations.models import Status

# Criterion status → (label, Bootstrap colour). "blank" and "evidence" refine "pending" so the
# officer knows whether a figure is missing, a file is missing, or the council must judge.
CRITERION_BADGES = {
    evaluation.MET: (_("Đạt"), "success"),
    evaluation.NOT_MET: (_("Chưa đạt"), "danger"),
    evaluation.PENDING: (_("Chờ Hội đồng đánh giá"), "warning"),
    "blank": (_("Chưa khai"), "secondary"),
    "evidence": (_("Cần tệp minh chứng"), "warning"),
    "invalid": (_("Số liệu không hợp lệ"), "danger"),
}

NOMINATION_STATUS_COLOURS = {
    Status.DRAFT: "secondary",
    Status.IN_REVIEW: "primary",
    Status.RETURNED: "warning",
    Status.REJECTED: "danger",
    Status.AWARDED: "success",
    Status.PROPOSED: "info",
    Status.NOT_AWARDED: "dark",
}

EVENT_LABELS = {
    "submit": _("Gửi hồ sơ"),
    "approve": _("Chấp thuận, chuyển tiếp"),
    "return": _("Trả lại để bổ sung"),
    "reject": _("Không chấp thuận"),
    "withdraw": _("Rút hồ sơ"),
    "edit": _("Sửa hồ sơ sau khi gửi"),
    "judge": _("Đánh giá tiêu chí"),
}


def criterion_badge_key(criterion, status: str, *, has_value: bool, has_evidence: bool, judgement: str = "") -> str:
    """The badge to show: the evaluated status, refined when it is pending for a plain reason."""
    if status != evaluation.PENDING or judgement:
        return status
    if criterion.kind != CriterionKind.EVIDENCE and not has_value:
        return "blank"
    if criterion.needs_evidence and not has_evidence and criterion.kind == CriterionKind.BOOLEAN:
        return "evidence"
    return evaluation.PENDING


@in_vietnamese
def vietnamese_labels(choices) -> dict:
    """value → label of a TextChoices in Vietnamese whatever the user's language: for the Excel
    exports, open data and the command line, which are Vietnamese documents (labels are translated
    for the pages only)."""
    return {value: str(label) for value, label in choices.choices}


def badge(key: str) -> dict:
    label, colour = CRITERION_BADGES.get(key, CRITERION_BADGES[evaluation.PENDING])
    return {"key": key, "label": str(label), "colour": colour}
