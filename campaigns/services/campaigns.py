"""Campaigns: a new phase made from an old one, and publishing it.

`clone_campaign` makes a new Campaign for the years start..end from an old phase: its rounds are
copied by `clone_round` into the same place of the new period (years shifted by the distance
between the two phases' first years), each with the organisations of its own time (successors of
merged or closed bodies, no body that ceased to exist), the legal basis and the council vote rules
in force in its period, and refused when it would cite a text not in force (campaigns.services.legal).
Years move by the distance between the two phases' ends when the old phase has a final review
(its tổng kết stays the new phase's last round), else between their starts; the years of the old
phase named in the rounds' names and the theme move with them ("giai đoạn 2021-2025" → "2026-2030").
The plan's own documents (the Căn cứ lines of CampaignDocument) and its targets are NOT copied: a
new phase rests on its own plan, which its officer fills in. The new campaign and its rounds are
drafts: no unit sees them nor proposes in them until `publish_campaign`.
"""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, PublicationStatus, Round, RoundKind
from campaigns.services.legal import round_legal_problems
from campaigns.services.rounds import RoundCloneError, _renamer, clone_round, default_code
from campaigns.stages import stages_of

YEAR_RANGE = (1900, 2200)


def shifted_years(text: str, shift: int, first: int, last: int) -> str:
    """`text` with every standalone year of the old phase (`first`..`last`) moved by `shift`:
    "giai đoạn 2021-2025" → "giai đoạn 2026-2030", "năm 2024" → "năm 2028"."""
    def move(found):
        year = int(found.group(0))
        return str(year + shift) if first <= year <= last else found.group(0)

    return re.sub(r"(?<!\d)(?:19|20|21)\d\d(?!\d)", move, text or "")


class CampaignCloneError(Exception):
    """A refused clone or publication, with a Vietnamese message for the user."""


def _successor_on(unit, day: dt.date, what: str):
    if unit is None:
        return None
    successor = unit.current_successor(day)
    if not successor.is_valid_on(day):
        raise CampaignCloneError(
            f"{what} {unit.name} không còn hoạt động vào ngày {day:%d/%m/%Y} và chưa có đơn vị kế thừa: "
            "hãy khai báo đơn vị kế thừa rồi tạo lại."
        )
    return successor


def clone_campaign(
    *, campaign: Campaign, code: str, name: str, start: int, end: int, demonstration: bool = False,
) -> Campaign:
    """A draft campaign for the years `start`..`end` copied from `campaign` (module docstring); one
    transaction: a refused round leaves nothing behind. Raises CampaignCloneError (Vietnamese)."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise CampaignCloneError("Cần mã phong trào mới (--code).")
    if not name:
        raise CampaignCloneError("Cần tên phong trào mới (--name).")
    for label, year in (("bắt đầu", start), ("kết thúc", end)):
        if not isinstance(year, int) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise CampaignCloneError(f"Năm {label} không hợp lệ: {year} (cần một năm từ {YEAR_RANGE[0]} đến {YEAR_RANGE[1]}).")
    if end < start:
        raise CampaignCloneError(f"Năm kết thúc ({end}) không được trước năm bắt đầu ({start}).")
    if Campaign.objects.filter(code=code).exists():
        raise CampaignCloneError(f"Mã phong trào '{code}' đã được dùng: hãy chọn mã khác.")

    period_start, period_end = dt.date(start, 1, 1), dt.date(end, 12, 31)
    issuer = _successor_on(campaign.issuer, period_start, "Cơ quan phát động")
    territory = _successor_on(campaign.territory, period_start, "Địa bàn")
    rename = _renamer([(campaign.issuer, issuer)] + ([(campaign.territory, territory)] if territory else []))
    # Years shifted so that a phase's final review (tổng kết) stays at its end; a phase without one
    # starts its rounds with the new period.
    has_final = campaign.rounds.filter(cloned_from__isnull=True, kind=RoundKind.FINAL).exists()
    shift = end - campaign.period_end.year if has_final else start - campaign.period_start.year
    # The years the old phase's texts speak of: its period, and the year before its plan (a
    # "2021-2025" phase whose plan dates from 2022).
    old_years = (min(campaign.period_start.year - 1, campaign.period_end.year), campaign.period_end.year)
    originals = [
        r for r in campaign.rounds.filter(cloned_from__isnull=True).order_by("year", "code")
        if start <= r.year + shift <= end
    ]
    if not originals:
        raise CampaignCloneError(
            f"Phong trào '{campaign.code}' không có đợt nào rơi vào giai đoạn {start}-{end} khi dời {shift:+d} năm."
        )

    with transaction.atomic():
        new = Campaign(
            code=code,
            name=name,
            theme=shifted_years(rename(campaign.theme), shift, *old_years),
            achievement_field="",
            issuer=issuer,
            issuer_title=rename(campaign.issuer_title),
            territory=territory,
            period_start=period_start,
            period_end=period_end,
            summary=(
                f"Giai đoạn {start}-{end}, tạo từ phong trào '{campaign.code}' ({campaign.period_start.year}-"
                f"{campaign.period_end.year}). Văn bản căn cứ và mục tiêu của giai đoạn mới chưa nhập: "
                "cán bộ phụ trách nhập theo kế hoạch mới trước khi công bố."
            ),
            status=PublicationStatus.DRAFT,
            demonstration=demonstration,
        )
        try:
            new.full_clean()
            with transaction.atomic():
                new.save()
        except ValidationError as error:
            raise CampaignCloneError("; ".join(m for ms in error.message_dict.values() for m in ms)) from error
        except IntegrityError as error:  # the code taken meanwhile
            raise CampaignCloneError(f"Mã phong trào '{code}' vừa được dùng: hãy chọn mã khác.") from error
        for round_ in originals:
            year = round_.year + shift
            try:
                clone_round(
                    round_=round_, year=year, campaign=new, status=PublicationStatus.DRAFT,
                    code=default_code(round_, year), name=shifted_years(round_.name, shift, *old_years),
                )
            except RoundCloneError as error:
                raise CampaignCloneError(f"Đợt '{round_.code}' → năm {year}: {error}") from error
    return new


def publication_problems(campaign: Campaign) -> list[str]:
    """What stops a campaign from being published, in Vietnamese (empty: it may be)."""
    problems = []
    rounds = list(campaign.rounds.select_related("campaign", "legal_basis"))
    if not rounds:
        problems.append("phong trào chưa có đợt nào")
    for round_ in rounds:
        stages = stages_of(round_)
        if not stages:
            problems.append(f"đợt '{round_.code}' chưa có bước xét nào")
            continue
        if not round_.award_forms.exists():
            problems.append(f"đợt '{round_.code}' chưa có hình thức khen thưởng nào")
        for stage in stages:
            organisation = stage.organisation
            if organisation is not None and not organisation.is_valid_on(stage.deadline):
                problems.append(
                    f"đợt '{round_.code}', bước {stage.order}: {organisation.name} không còn hoạt động vào ngày "
                    f"{stage.deadline:%d/%m/%Y}"
                )
        problems += [f"đợt '{round_.code}': {p}" for p in round_legal_problems(round_)]
    return problems


def publish_campaign(*, campaign: Campaign) -> Campaign:
    """Publish a campaign and all its rounds (units see them, may propose): refused with the list
    of what is missing or contradictory."""
    problems = publication_problems(campaign)
    if problems:
        raise CampaignCloneError(f"Chưa công bố được phong trào '{campaign.code}': " + "; ".join(problems) + ".")
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=PublicationStatus.PUBLISHED)
        Round.objects.filter(campaign=campaign).update(status=PublicationStatus.PUBLISHED)
    campaign.status = PublicationStatus.PUBLISHED
    return campaign
