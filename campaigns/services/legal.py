"""The law in force on a day, and whether a round cites only texts in force in its period.

Legal texts (campaigns.models.LegalText, loaded from campaigns/data/reference.yaml, editable in
the admin) carry the days they are in force and their exact citation. A document cites the text
of each role in force on ITS OWN date (shared/law/can-cu-quyet-dinh.md: a decision dated after
30/6/2025 cites Nghị định 152/2025 whatever the round's year). A round may not be opened (loaded,
cloned) while its forms' legal basis, its eligibility declaration or its council vote rules cite a
text that is in force on no day of the round's period: `round_legal_problems` says which.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from campaigns.models import LegalBasis, LegalText, LegalTextRole, Round

ROLE_ORDER = list(LegalTextRole.values)


def texts_in_force(day: dt.date, *, roles=None) -> list[LegalText]:
    """The text of each role in force on `day` that documents cite, in the order of the Căn cứ lines
    (the latest in force when two overlap)."""
    texts = (
        LegalText.objects.filter(cited_in_documents=True)
        .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=day))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("role", "-effective_from")
    )
    chosen: dict[str, LegalText] = {}
    for text in texts:
        if roles is not None and text.role not in roles:
            continue
        current = chosen.get(text.role)
        if current is None or (current.effective_from or dt.date.min) < (text.effective_from or dt.date.min):
            chosen[text.role] = text
    return [chosen[role] for role in ROLE_ORDER if role in chosen]


def citation_lines(day: dt.date, *, local_government: bool = False) -> list[str]:
    """'Căn cứ ...' lines (without their final punctuation) of the laws in force on `day`: the Law on
    Local Government only where a People's Committee's chairman decides."""
    roles = set(ROLE_ORDER)
    if not local_government:
        roles.discard(LegalTextRole.CHINH_QUYEN_DIA_PHUONG)
    return [f"Căn cứ {text.citation}" for text in texts_in_force(day, roles=roles)]


def round_period(round_: Round) -> tuple[dt.date, dt.date]:
    """The days a round's acts and documents fall in: from the later of the campaign's start and
    1 January of the round's year, to its last stage's deadline (31 December of its year without
    stages)."""
    year_start = dt.date(round_.year, 1, 1)
    start = max(round_.campaign.period_start, year_start)
    deadlines = [d for d in round_.stages.values_list("deadline", flat=True) if d]
    end = max(deadlines) if deadlines else dt.date(round_.year, 12, 31)
    if start > end:  # a round outside its campaign's period (a clone into an earlier year): its own year
        start = min(year_start, end)
    return start, end


def cited_texts(text: str, texts: list[LegalText] | None = None) -> list[LegalText]:
    """The legal texts a free text names (by their `mentions`)."""
    texts = list(LegalText.objects.all()) if texts is None else texts
    lowered = (text or "").lower()
    return [t for t in texts if any(m and m.lower() in lowered for m in (t.mentions or []))]


def _validity(text: LegalText | LegalBasis) -> str:
    start = f"từ {text.effective_from:%d/%m/%Y}" if text.effective_from else ""
    end = f"đến {text.effective_to:%d/%m/%Y}" if text.effective_to else ""
    return " ".join(p for p in (start, end) if p) or "không rõ"


KIND_WORDS = {
    LegalTextRole.CHINH_QUYEN_DIA_PHUONG: "Luật",
    LegalTextRole.LUAT_THI_DUA: "Luật",
    LegalTextRole.NGHI_DINH_THI_DUA: "Nghị định",
    LegalTextRole.THONG_TU_THI_DUA: "Thông tư",
}


def _short(text: LegalText) -> str:
    """'Nghị định 98/2023/NĐ-CP', or the title of a text cited without number."""
    return f"{KIND_WORDS[text.role]} {text.number}" if text.number else text.title


def round_legal_problems(round_: Round) -> list[str]:
    """What a round cites that is not in force on any day of its period, each in Vietnamese (empty:
    the round may be opened). Looks at the round's legal basis for the forms, its eligibility
    conditions (the declaration a unit signs, and their sources) and the vote rules of its award
    forms, and the legal basis of each award form (điểm, khoản, điều)."""
    start, end = round_period(round_)
    period = f"{start:%d/%m/%Y} - {end:%d/%m/%Y}"
    texts = list(LegalText.objects.all())
    problems = []
    basis = round_.legal_basis
    if basis is not None and not (
        (basis.effective_from is None or basis.effective_from <= end) and (basis.effective_to is None or start <= basis.effective_to)
    ):
        problems.append(
            f"căn cứ mẫu hồ sơ của đợt là Nghị định {basis.number} (hiệu lực {_validity(basis)}), "
            f"không có hiệu lực trong thời gian của đợt ({period})"
        )
    where_texts = []
    for condition in round_.eligibility_conditions.all():
        where_texts.append((f"điều kiện '{condition.code}'", f"{condition.label}\n{condition.source}"))
    seen_rules = set()
    for form in round_.award_forms.select_related("vote_rule"):
        rule = form.vote_rule
        if rule.pk not in seen_rules:
            seen_rules.add(rule.pk)
            where_texts.append((f"quy tắc biểu quyết '{rule.code}'", f"{rule.name}\n{rule.source}"))
        if form.basis_clause:
            where_texts.append((f"căn cứ đề nghị của hình thức '{form.code}'", form.basis_clause))
    for where, text in where_texts:
        for cited in cited_texts(text, texts):
            if not cited.in_force_between(start, end):
                problems.append(
                    f"{where} trích dẫn {_short(cited)} (hiệu lực {_validity(cited)}), "
                    f"không có hiệu lực trong thời gian của đợt ({period})"
                )
    return problems


def legal_basis_on(day: dt.date) -> LegalBasis | None:
    """The legal basis for the forms in force on `day` (the latest when two overlap)."""
    return (
        LegalBasis.objects.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=day))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )


def text_in_force_replacing(text: LegalText, start: dt.date, end: dt.date) -> LegalText | None:
    """The text that replaced `text` (following `replaced_by`) in force in [start, end]."""
    seen, current = set(), text
    while current is not None and current.pk not in seen:
        if current.in_force_between(start, end):
            return current
        seen.add(current.pk)
        current = current.replaced_by
    return None
