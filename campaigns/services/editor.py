"""The campaign editor's writes: a campaign and its rounds, as drafts, checked and published.

Every write goes through the loader's checks and writer (campaigns.services.loading), so an
entry typed in the portal and one read from a data file meet the same rules and messages.
A round's rules changed after units submitted nominations in it are versioned (`RuleChange`):
the change is logged with what it was before, shown to the round's people, and never re-judges a
submitted nomination (its criteria results were recorded when it was submitted and stay as they
are; only drafts are checked against the new rules when they are next saved or submitted).
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from campaigns.models import Campaign, PublicationStatus, Round, RuleChange, Unit
from campaigns.services.campaign_files import round_data
from campaigns.services.checks import campaign_problems, round_problems
from campaigns.services.loading import CampaignDataError, write_campaign_entry, write_round_entry
from campaigns.specs import UNIT, SpecContext


class EditorError(Exception):
    """A refused edit: `problems` in Vietnamese, nothing written."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def scope_problems(user, entry: dict, *, territory: Unit | None = None) -> list[str]:
    """What an entry (typed in the editor or read from an uploaded file) would do outside the
    user's scope: a campaign issued by, or over the territory of, an organisation the user does not
    manage; a unit created or changed outside the campaign's territory (a file's `organisations`).
    Units the file repeats exactly as they are (an export carries them) are not changes."""
    from campaigns.rules import manages_unit

    problems = []
    for key, what in (("issuer", "cơ quan phát động"), ("territory", "địa bàn")):
        code = entry.get(key)
        if code and not manages_unit(user, Unit.objects.filter(code=code).first()):
            problems.append(f"{what} '{code}' không thuộc đơn vị bạn quản trị phong trào")
    organisations = [o for o in entry.get("organisations") or [] if isinstance(o, dict)]
    if organisations:
        ctx = SpecContext(resolve=lambda kind, code: code)  # compare codes, not rows
        known = {u.code: u for u in Unit.objects.filter(code__in=[o.get("code") for o in organisations]).select_related("category", "parent", "successor")}
        inside = territory.path if territory is not None else None
        for organisation in organisations:
            unit = known.get(organisation.get("code"))
            if unit is not None and inside and unit.path.startswith(inside):
                continue
            if unit is not None and UNIT.model_values(organisation, ctx) == UNIT.model_values(UNIT.to_data(unit), ctx):
                continue
            parent = known.get(organisation.get("parent")) or Unit.objects.filter(code=organisation.get("parent")).first()
            if unit is None and inside and parent is not None and parent.path.startswith(inside):
                continue
            problems.append(f"đơn vị '{organisation.get('code')}' nằm ngoài địa bàn của phong trào: tệp không được tạo hay sửa đơn vị đó")
    return problems


def create_campaign(*, entry: dict) -> Campaign:
    """A new campaign, a draft until published."""
    try:
        return write_campaign_entry(entry, status=PublicationStatus.DRAFT)
    except CampaignDataError as error:
        raise EditorError(error.problems) from error


def update_campaign(*, campaign: Campaign, entry: dict) -> Campaign:
    try:
        return write_campaign_entry(entry, campaign=campaign)
    except CampaignDataError as error:
        raise EditorError(error.problems) from error


def _has_submissions(round_: Round) -> bool:
    from nominations.models import Status

    return round_.nominations.exclude(status=Status.DRAFT).exists()


def _changes(before: dict, after: dict) -> list[str]:
    """What changed between two round entries, a line per entry added, removed or changed."""
    lines = []
    names = {
        "award_forms": "hình thức", "stages": "bước", "eligibility": "điều kiện", "quotas": "số lượng",
        "allocations": "phân bổ", "criteria": "tiêu chí",
    }
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in names:
            ident = "order" if key == "stages" else "code"
            old_rows = {r.get(ident): r for r in old or []}
            new_rows = {r.get(ident): r for r in new or []}
            for name in new_rows.keys() - old_rows.keys():
                lines.append(f"thêm {names[key]} '{name}'")
            for name in old_rows.keys() - new_rows.keys():
                lines.append(f"bỏ {names[key]} '{name}'")
            for name in old_rows.keys() & new_rows.keys():
                if old_rows[name] != new_rows[name]:
                    fields = sorted(k for k in set(old_rows[name]) | set(new_rows[name]) if old_rows[name].get(k) != new_rows[name].get(k))
                    lines.append(f"sửa {names[key]} '{name}': {', '.join(fields)}")
        else:
            lines.append(f"sửa '{key}'")
    return lines


def save_round(*, campaign: Campaign, entry: dict, round_: Round | None = None, user=None) -> Round:
    """Check and write a round's entry (a new round is a draft). A published round does not get
    worse: a change that adds a "Kiểm tra" problem is refused. After submissions, it is versioned."""
    entry = dict(entry)
    entry["status"] = round_.status if round_ is not None else PublicationStatus.DRAFT
    with transaction.atomic():
        if round_ is not None:
            round_ = Round.objects.select_for_update().get(pk=round_.pk)
        before = round_data(round_) if round_ is not None else None
        published = round_ is not None and round_.status == PublicationStatus.PUBLISHED
        known = set(round_problems(round_)) if published else set()
        try:
            written = write_round_entry(campaign, entry, existing=round_)
        except CampaignDataError as error:
            raise EditorError(error.problems) from error
        if published:
            new = [p for p in round_problems(written) if p not in known]
            if new:
                transaction.set_rollback(True)
                raise EditorError(["Đợt đã công bố: thay đổi này để lại các vấn đề mới, chưa lưu:", *new])
        if before is not None and _has_submissions(written):
            after = round_data(written)
            if after != before:
                version = (written.rule_changes.aggregate(last=Max("version"))["last"] or 0) + 1
                RuleChange.objects.create(
                    round=written, version=version, changed_by=user if user and user.is_authenticated else None,
                    summary=_changes(before, after), before=_jsonable(before), after=_jsonable(after),
                )
    return written


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=str))


def publish_round(*, round_: Round) -> Round:
    """Open a round to units: refused while its "Kiểm tra" list is not empty. Publishing a round
    publishes its campaign when the campaign's own list is empty too."""
    problems = round_problems(round_)
    if problems:
        raise EditorError(problems)
    with transaction.atomic():
        Round.objects.filter(pk=round_.pk).update(status=PublicationStatus.PUBLISHED)
        campaign = round_.campaign
        if campaign.status != PublicationStatus.PUBLISHED:
            own = [p for p in campaign_problems(campaign) if not p.startswith("đợt '")]
            if own:
                transaction.set_rollback(True)
                raise EditorError(["Phong trào chưa công bố được:", *own])
            Campaign.objects.filter(pk=campaign.pk).update(status=PublicationStatus.PUBLISHED)
    round_.refresh_from_db()
    return round_


def withdraw_round(*, round_: Round) -> Round:
    """Back to draft: only while no unit has proposed in it."""
    if round_.nominations.exists():
        raise EditorError(["Đợt đã có hồ sơ đề nghị: không đưa về bản nháp được."])
    Round.objects.filter(pk=round_.pk).update(status=PublicationStatus.DRAFT)
    round_.refresh_from_db()
    return round_
