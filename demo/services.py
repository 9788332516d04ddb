"""Demo data: participant units, one account per role, a live round per campaign, and history.

`load_demo()` is idempotent: units are created or updated by code, accounts by username (their
password reset to the demo password), a live round is cloned only if none exists for that year,
and a round that already has nominations is not simulated again.

What it makes, per campaign of demo/data/units.yaml that is loaded:
- the demo participant units (under the campaign territory's People's Committee);
- accounts: unit officer and council secretary of the demo officer unit(s); reviewer, appraiser
  and chairman's office of every organisation that acts at a stage of that action in any of the
  campaign's rounds (so the reviewer of Sơn La sees both Sở TT&TT's past rounds and Sở KH&CN's
  live one); one administrator for the whole portal;
- a live round: the campaign's latest annual round cloned into the first year whose first
  deadline is after today (`clock.today()`), with a few drafts of the demo officer;
- history: that same source round simulated with a handful of nominations, some left waiting at
  each stage, some returned, some refused by quota, some awarded.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns import clock
from campaigns.models import (
    Campaign, Membership, NomineeKind, PublicationStatus, Role, Round, RoundKind, Stage, StageAction, Unit, UnitCategory,
)
from campaigns.selectors import territory_root
from campaigns.services.campaigns import CampaignCloneError, clone_campaign, publish_campaign
from campaigns.services.loading import load_campaign_files
from campaigns.services.rounds import RoundCloneError, RoundState, clone_round, round_state
from campaigns.stages import stages_of

DEMO_FILE = Path(__file__).resolve().parent / "data" / "units.yaml"
DEMO_PASSWORD = "ThiDua@2026"
# A fixed salt: a rerun recomputes the same hash once and compares strings instead of hashing per
# account. Demo accounts only; their password is printed anyway.
DEMO_SALT = "thiduademo2026"
DEMO_NOMINATIONS = 12
DEMO_LEAVE_SHARE = 0.15
DEMO_RETURN_SHARE = 0.1
DEMO_REJECT_SHARE = 0.1
# A live round whose first deadline is less than half this many days ahead has its deadlines moved
# to this many days after today.
DEMO_OPEN_DAYS = 30

ROLE_SLUGS = {
    Role.UNIT_OFFICER: "canbo",
    Role.COUNCIL_SECRETARY: "thuky",
    Role.REVIEWER: "xetduyet",
    Role.APPRAISER: "thamdinh",
    Role.CHAIRMAN_OFFICE: "vanphong",
    Role.ADMINISTRATOR: "quantri",
    Role.CAMPAIGN_MANAGER: "phongtrao",
}
ROLE_PEOPLE = {
    Role.UNIT_OFFICER: "Nguyễn Thị Lan",
    Role.COUNCIL_SECRETARY: "Trần Văn Bình",
    Role.REVIEWER: "Lê Minh Tuấn",
    Role.APPRAISER: "Phạm Thu Hà",
    Role.CHAIRMAN_OFFICE: "Hoàng Văn Nam",
    Role.ADMINISTRATOR: "Quản trị hệ thống",
    Role.CAMPAIGN_MANAGER: "Đỗ Thị Hồng",
}
STAGE_ACTION_ROLES = {StageAction.REVIEW: Role.REVIEWER, StageAction.APPRAISAL: Role.APPRAISER, StageAction.DECISION: Role.CHAIRMAN_OFFICE}


class DemoDataError(Exception):
    """The demo file or the data it needs is wrong (Vietnamese message)."""


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    units: list

    @property
    def unit_names(self) -> str:
        return "; ".join(self.units)


@dataclass
class DemoReport:
    accounts: list = field(default_factory=list)
    live_rounds: list = field(default_factory=list)  # (campaign code, round code, first deadline)
    simulated: list = field(default_factory=list)  # (campaign code, round code, nominations)
    skipped: list = field(default_factory=list)
    units: int = 0


def read_demo_file(path=DEMO_FILE) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise DemoDataError(f"{path}: không đọc được tệp dữ liệu mẫu: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("territories"), list):
        raise DemoDataError(f"{path}: tệp phải có danh sách 'territories'.")
    return data


def load_demo(*, path=DEMO_FILE, nominations: int = DEMO_NOMINATIONS) -> DemoReport:
    data = read_demo_file(path)
    if not Campaign.objects.exists():
        load_campaign_files()
    today = clock.today()
    hashed = make_password(DEMO_PASSWORD, DEMO_SALT)
    report = DemoReport()
    accounts = _Accounts(hashed)
    with transaction.atomic():
        for index, territory in enumerate(data["territories"]):
            campaign = Campaign.objects.filter(code=territory.get("campaign")).select_related("issuer__category").first()
            if campaign is None:
                report.skipped.append(f"Phong trào '{territory.get('campaign')}' chưa được nạp: bỏ qua.")
                continue
            root = territory_root(campaign)
            report.units += len(_write_units(territory.get("units") or [], root))
            _write_successors(territory.get("successors") or [])
            source = _history_round(campaign)
            phase = _phase(campaign, territory.get("phase"), today)
            live = _live_round(phase, today)
            report.live_rounds.append((phase.code, live.code, stages_of(live).first.deadline))
            officer_units = [_unit(code) for code in territory.get("officer_units") or []]
            if not officer_units:
                raise DemoDataError(f"{campaign.code}: cần 'officer_units' (đơn vị của cán bộ mẫu).")
            prefix = territory.get("prefix") or campaign.code
            officer = accounts.add(f"{prefix}.{ROLE_SLUGS[Role.UNIT_OFFICER]}", Role.UNIT_OFFICER, officer_units)
            accounts.add(f"{prefix}.{ROLE_SLUGS[Role.COUNCIL_SECRETARY]}", Role.COUNCIL_SECRETARY, officer_units)
            for action, role in STAGE_ACTION_ROLES.items():
                organisations = sorted(
                    Unit.objects.filter(stages__round__campaign__in=[campaign, phase], stages__action=action).distinct(),
                    key=lambda u: (u.valid_to is None, u.valid_to or dt.date.max, u.code),  # the older first
                )
                if organisations:
                    accounts.add(f"{prefix}.{ROLE_SLUGS[role]}", role, organisations)
            # The province's campaign manager sets up its campaigns in the editor (/quan-tri-phong-trao/).
            accounts.add(f"{prefix}.{ROLE_SLUGS[Role.CAMPAIGN_MANAGER]}", Role.CAMPAIGN_MANAGER, [phase.issuer])
            accounts.add(ROLE_SLUGS[Role.ADMINISTRATOR], Role.ADMINISTRATOR, [root], superuser=True)

            from nominations.models import Nomination
            from demo.simulation import simulate_round

            if not Nomination.objects.filter(round=source).exists():
                simulate_round(
                    round_=source, nominations=nominations, seed=2026 + index,
                    leave_share=DEMO_LEAVE_SHARE, return_share=DEMO_RETURN_SHARE, reject_share=DEMO_REJECT_SHARE,
                )
                report.simulated.append((campaign.code, source.code, nominations))
            if not Nomination.objects.filter(round=live).exists():
                _live_drafts(live, officer, officer_units, random.Random(index))
    report.accounts = accounts.rows()
    return report


# ---------------------------------------------------------------- units


def _write_units(entries, root: Unit) -> list[Unit]:
    categories = {c.code: c for c in UnitCategory.objects.all()}
    units = []
    for entry in entries:
        code = entry.get("code")
        if not code or not entry.get("name") or entry.get("category") not in categories or not entry.get("level"):
            raise DemoDataError(f"Đơn vị mẫu '{code}': cần code, name, category (hợp lệ) và level.")
        unit = Unit.objects.filter(code=code).first()
        values = {
            "name": entry["name"],
            "short_name": entry.get("short_name", ""),
            "category": categories[entry["category"]],
            "level": entry["level"],
            "place_name": entry.get("place_name", root.place_name),
            "valid_from": entry.get("valid_from"),
            "valid_to": entry.get("valid_to"),
            "history_note": entry.get("history_note", ""),
            "head_title": entry.get("head_title", ""),
        }
        changed = unit is None
        if unit is None:
            unit = Unit(code=code, parent=root, **values)
        for key, value in values.items():
            if getattr(unit, key) != value:
                setattr(unit, key, value)
                changed = True
        if changed:
            unit.full_clean(validate_unique=False, validate_constraints=False)
            unit.save()
        units.append(unit)
    # Second pass: links to units of this file or of the campaign files.
    for entry, unit in zip(entries, units):
        parent = _unit(entry["parent"]) if entry.get("parent") else root
        successor = _unit(entry["successor"]) if entry.get("successor") else None
        if unit.parent_id != parent.pk or unit.successor_id != (successor.pk if successor else None):
            unit.parent, unit.successor = parent, successor
            unit.full_clean(validate_unique=False, validate_constraints=False)
            unit.save()
    return units


def _write_successors(entries):
    """Successors the demonstration names for organisations its sources leave without one (each
    entry: unit, successor, note), so that the new phase has a body for every stage."""
    for entry in entries:
        unit, successor = _unit(entry.get("unit")), _unit(entry.get("successor"))
        note = entry.get("note") or unit.history_note
        if unit.successor_id != successor.pk or unit.history_note != note:
            Unit.objects.filter(pk=unit.pk).update(successor=successor, history_note=note)


def _unit(code) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise DemoDataError(f"Đơn vị '{code}' không tồn tại (dữ liệu mẫu).")
    return unit


# ---------------------------------------------------------------- rounds


def _history_round(campaign: Campaign) -> Round:
    """The historical campaign's latest annual round (its own, as loaded): where the history is simulated."""
    originals = campaign.rounds.filter(cloned_from__isnull=True)
    source = originals.filter(kind=RoundKind.ANNUAL).order_by("-year", "-code").first() or originals.order_by("-year", "-code").first()
    if source is None:
        raise DemoDataError(f"Phong trào '{campaign.code}' chưa có đợt nào.")
    return source


def _phase(campaign: Campaign, entry, today: dt.date) -> Campaign:
    """The demonstration's new phase of `campaign` (the file's `phase`: code, name, start, end), made
    once by clone_campaign and published once it holds a live round."""
    if not isinstance(entry, dict) or not all(entry.get(k) for k in ("code", "name", "start", "end")):
        raise DemoDataError(f"{campaign.code}: cần 'phase' với code, name, start, end (giai đoạn mới trình diễn).")
    phase = Campaign.objects.filter(code=entry["code"]).first()
    if phase is None:
        try:
            phase = clone_campaign(
                campaign=campaign, code=entry["code"], name=entry["name"], start=entry["start"], end=entry["end"], demonstration=True,
            )
        except CampaignCloneError as error:
            raise DemoDataError(str(error)) from error
    return phase


def _live_round(phase: Campaign, today: dt.date) -> Round:
    """The phase's round of this year where the demo accounts work: published, its first stage open
    today. A phase whose rounds start later gets its first annual round cloned into this year; a
    round of this year whose first deadline has passed has its deadlines moved after today, keeping
    the days between stages (noted on the round: a demonstration)."""
    rounds = list(phase.rounds.order_by("year", "code"))
    for round_ in rounds:
        if round_state(round_, today=today) == RoundState.LIVE:
            return round_
    live = next((r for r in rounds if r.year == today.year), None)
    if live is None:
        first = next((r for r in rounds if r.kind == RoundKind.ANNUAL), None) or (rounds[0] if rounds else None)
        if first is None:
            raise DemoDataError(f"Phong trào '{phase.code}' chưa có đợt nào.")
        try:
            live = clone_round(round_=first, year=today.year, status=phase.status)
        except RoundCloneError as error:
            raise DemoDataError(str(error)) from error
    stages = list(stages_of(live))
    if stages[0].deadline <= today + dt.timedelta(days=DEMO_OPEN_DAYS // 2):
        move = today + dt.timedelta(days=DEMO_OPEN_DAYS) - stages[0].deadline
        for stage in stages:
            Stage.objects.filter(pk=stage.pk).update(deadline=stage.deadline + move, deadline_stated=False)
        registration = live.registration_deadline + move if live.registration_deadline else None
        Round.objects.filter(pk=live.pk).update(
            registration_deadline=registration,
            notes=f"{live.notes}\n\nTrình diễn: hạn các bước dời {move.days} ngày để đợt đang diễn ra vào ngày {today:%d/%m/%Y}.",
        )
        live = Round.objects.get(pk=live.pk)
    if phase.status != PublicationStatus.PUBLISHED:
        try:
            publish_campaign(campaign=phase)
        except CampaignCloneError as error:
            raise DemoDataError(str(error)) from error
        live = Round.objects.get(pk=live.pk)
    return live


def _live_drafts(live: Round, officer, officer_units, rng):
    """Two drafts (a collective and an individual) of the demo officer's unit valid for the live round."""
    from criteria.selectors import criteria_for
    from nominations.services import ServiceError, register_unit, save_nomination
    from demo.simulation import criterion_value_for

    from nominations.selectors import takes_part

    unit = next((u for u in officer_units if takes_part(u, live)), None)
    if unit is None:
        return
    if live.registration_required and not (live.registration_deadline and clock.is_past(live.registration_deadline)):
        register_unit(round_=live, unit=unit, actor=officer, pledge=live.pledge_label or "Đăng ký thi đua thực hiện chuyển đổi số")
    forms = list(live.award_forms.order_by("order", "pk"))
    drafts = [
        (NomineeKind.COLLECTIVE, next((f for f in forms if f.for_collectives), None), {}),
        (
            NomineeKind.INDIVIDUAL,
            next((f for f in forms if f.for_individuals), None),
            {"full_name": "Đỗ Thị Thanh Hương", "gender": "female", "birth_year": 1986, "position": "Chuyên viên chính",
             "person_identifier": "001186000123"},
        ),
    ]
    for kind, form, person in drafts:
        if form is None:
            continue
        values = {
            c.pk: dict(zip(("number", "flag", "text"), criterion_value_for(c, rng)))
            for c in criteria_for(round_=live, nominee_kind=kind, category=unit.category, award_form=form)
        }
        data = {
            "kind": kind, "nominee_unit": unit, "award_form": form, "eligibility_declared": True,
            "achievement_summary": "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số năm; dự thảo hồ sơ (dữ liệu mẫu).",
            **person,
        }
        try:
            save_nomination(actor=officer, round_=live, proposing_unit=unit, data=data, values=values)
        except ServiceError:
            continue  # the demo stays useful without this draft


# ---------------------------------------------------------------- accounts


class _Accounts:
    def __init__(self, hashed: str):
        self.hashed = hashed
        self.rows_by_username: dict[str, DemoAccount] = {}

    def add(self, username: str, role: str, units, *, superuser=False):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": ROLE_PEOPLE[role], "email": f"{username}@example.vn", "password": self.hashed},
        )
        if created:
            try:
                validate_password(DEMO_PASSWORD, user)
            except ValidationError as error:
                raise DemoDataError(f"Mật khẩu mẫu không hợp lệ cho {username}: {' '.join(error.messages)}") from error
        wanted = {"password": self.hashed, "is_active": True}
        if superuser:
            wanted.update(is_staff=True, is_superuser=True)
        changed = [key for key, value in wanted.items() if getattr(user, key) != value]
        for key in changed:
            setattr(user, key, wanted[key])
        if changed:
            user.save(update_fields=changed)
        for unit in units:
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
        row = self.rows_by_username.get(username)
        if row is None:
            row = self.rows_by_username[username] = DemoAccount(username, DEMO_PASSWORD, Role(role).label, [])
        row.units += [u.name for u in units if u.name not in row.units]
        return user

    def rows(self) -> list[DemoAccount]:
        return list(self.rows_by_username.values())
