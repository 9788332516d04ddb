"""Fixtures for the workflow: the real seed rules, units under the campaign's issuer, one account per role."""
import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from campaigns import clock
from campaigns.models import Campaign, Membership, Role, Round, Unit, UnitCategory
from campaigns.services.loading import DATA_DIR, load_campaign_files
from nominations.models import Nomination, Registration
from nominations.services import record_council_meeting, save_nomination
from campaigns.stages import stages_of
from tests.worlds import reloaded

VIETNAM = clock.VIETNAM


@dataclass
class World:
    round: Round
    stages: list
    users: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)

    def at_stage(self, order, *, days_before=1):
        """A moment inside the window of the stage with this order."""
        stage = next(s for s in self.stages if s.order == order)
        return dt.datetime.combine(stage.deadline - dt.timedelta(days=days_before), dt.time(10), tzinfo=VIETNAM)


def make_user(username, unit, role, email=None):
    user = get_user_model().objects.create_user(username=username, password="x-Unused-9", email=email or f"{username}@example.vn")
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def make_unit(code, name, category, parent, level="tinh"):
    return Unit.objects.create(code=code, name=name, category=UnitCategory.objects.get(code=category), level=level, parent=parent)


def load(*names, overwrite=False):
    load_campaign_files([DATA_DIR / "reference.yaml"] + [DATA_DIR / n for n in names], overwrite=overwrite)


def build_world(campaign_code, round_code, participants):
    campaign = Campaign.objects.get(code=campaign_code)
    round_ = Round.objects.get(campaign=campaign, code=round_code)
    stages = list(stages_of(round_))
    world = World(round=round_, stages=stages)
    for code, name, category, parent_code, level in participants:
        parent = Unit.objects.get(code=parent_code) if parent_code else campaign.issuer
        unit = make_unit(code, name, category, parent, level)
        world.units[code] = unit
        world.users[f"officer:{code}"] = make_user(f"officer-{code}", unit, Role.UNIT_OFFICER)
        if round_.registration_required:
            Registration.objects.create(round=round_, unit=unit, pledge="Sản phẩm: số hóa hồ sơ", registered_at=clock.now(), registered_by=world.users[f"officer:{code}"])
    for stage in stages[1:]:
        role = {"review": Role.REVIEWER, "appraisal": Role.APPRAISER, "decision": Role.CHAIRMAN_OFFICE}[stage.action]
        key = f"{role}:{stage.organisation.code}"
        if key not in world.users:
            world.users[key] = make_user(f"{role}-{stage.organisation.code}-{stage.order}", stage.organisation, role)
        world.users[f"stage:{stage.order}"] = world.users[key]
    return world


def fill_criteria(nomination, *, number=Decimal("100"), flag=True, text=""):
    """Values meeting every criterion (percentages at 100 %, yes/no 'có', rankings at their first accepted level)."""
    from criteria.models import CriterionKind
    from nominations.services import applicable_criteria

    values = {}
    for criterion in applicable_criteria(nomination):
        if criterion.kind == CriterionKind.PERCENTAGE:
            values[criterion.pk] = {"number": number}
        elif criterion.kind == CriterionKind.BOOLEAN:
            values[criterion.pk] = {"flag": flag}
        elif criterion.kind == CriterionKind.RANKING:
            values[criterion.pk] = {"text": text or criterion.accepted_values[0]}
        else:
            values[criterion.pk] = {"text": "Thuyết minh thành tích"}
    return values


def new_nomination(
    world, unit_code, *, kind="collective", award_form=None, full_name="", person_identifier="", nominee_unit=None, declared=True,
    evidence=True,
):
    """A draft meeting every criterion; `evidence`: with a file for each criterion requiring one."""
    unit = world.units[unit_code]
    officer = world.users[f"officer:{unit_code}"]
    award_form = award_form or world.round.award_forms.first()
    data = {
        "kind": kind,
        "nominee_unit": nominee_unit or unit,
        "full_name": full_name,
        "gender": "female" if kind == "individual" else "",
        "birth_year": 1985 if kind == "individual" else None,
        "position": "Chuyên viên" if kind == "individual" else "",
        "person_identifier": person_identifier,
        "award_form": award_form,
        "achievement_summary": "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số.",
        "eligibility_declared": declared,
    }
    nomination = save_nomination(actor=officer, round_=world.round, proposing_unit=unit, data=data, values={})
    nomination = save_nomination(
        actor=officer, round_=world.round, proposing_unit=unit, data=data, values=fill_criteria(nomination), nomination=nomination
    )
    return attach_required_evidence(world, nomination) if evidence else nomination


def one_page_pdf() -> bytes:
    """A real, blank one-page PDF (the one simulated nominations attach)."""
    from demo.simulation import blank_pdf

    return blank_pdf()


def attach_required_evidence(world, nomination):
    """A one-page PDF for each criterion the nomination may not be submitted without
    (nominations.guards_evidence): what an officer uploads before "Gửi hồ sơ"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nominations.guards_evidence import criteria_missing_evidence
    from nominations.services import add_evidence, applicable_criteria

    officer = world.users[f"officer:{nomination.proposing_unit.code}"]
    for criterion in criteria_missing_evidence(nomination, list(applicable_criteria(nomination))):
        upload = SimpleUploadedFile(f"minh-chung-{criterion.code}.pdf", one_page_pdf(), content_type="application/pdf")
        add_evidence(nomination=nomination, criterion=criterion, uploaded_file=upload, actor=officer, content_type="application/pdf")
    return nomination


def hold_unit_council(world, unit_code, nominations, *, members=9, present=9, votes=None):
    unit = world.units[unit_code]
    stage = stages_of(world.round).first
    return record_council_meeting(
        actor=world.users[f"officer:{unit_code}"],
        stage=stage,
        unit=unit,
        data={
            "date": stage.deadline - dt.timedelta(days=3),
            "start_time": dt.time(8),
            "end_time": dt.time(10),
            "place": f"Hội trường {unit.name}",
            "chair": "Nguyễn Văn An",
            "secretary": "Trần Thị Bình",
            "members_total": members,
            "members_present": present,
            "written_opinions": 0,
        },
        votes={n.pk: (votes if votes is not None else present) for n in nominations},
    )


def hold_stage_council(world, stage, nominations, *, members=7, votes=7):
    return record_council_meeting(
        actor=world.users[f"stage:{stage.order}"],
        stage=stage,
        unit=stage.organisation,
        data={
            "date": stage.deadline - dt.timedelta(days=2),
            "start_time": dt.time(14),
            "end_time": dt.time(16),
            "place": f"Phòng họp {stage.organisation.name}",
            "chair": "Lê Văn Cường",
            "secretary": "Phạm Thị Dung",
            "members_total": members,
            "members_present": members,
            "written_opinions": 0,
        },
        votes={n.pk: votes for n in nominations},
    )


def refresh(nomination):
    return Nomination.objects.select_related("stage", "round").get(pk=nomination.pk)


NT_PARTICIPANTS = [
    ("so-tai-chinh-nt", "Sở Tài chính tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("so-y-te-nt", "Sở Y tế tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("so-gddt-nt", "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("so-xd-nt", "Sở Xây dựng tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("so-ct-nt", "Sở Công Thương tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("so-nn-nt", "Sở Nông nghiệp tỉnh Ninh Thuận", "so_ban_nganh", None, "tinh"),
    ("ubnd-phan-rang", "UBND thành phố Phan Rang - Tháp Chàm", "ubnd_huyen", None, "huyen"),
]


def make_nt_world():
    load("ninh-thuan-2024.yaml")
    return build_world("ninh-thuan-2024", "nam-2024", NT_PARTICIPANTS)


@pytest.fixture
def nt_world(module_nt_world, db):
    """The Ninh Thuận 2024 round with its participants and accounts, built once per module
    (module_nt_world, tests/conftest.py): each test writes in its own savepoint on top of it and
    gets its own objects (tests/worlds.py); built per test where the module has tests on committed data."""
    if module_nt_world is None:
        return make_nt_world()
    return reloaded(module_nt_world)


@pytest.fixture
def in_unit_stage(nt_world):
    """Five days before the unit stage's deadline of Ninh Thuận 2024 (30/11/2024)."""
    with clock.frozen_at(nt_world.at_stage(1, days_before=5)):
        yield


# --- Helpers for the review side (tests/nominations/test_views_review.py) ----------------------


def submitted(world, unit_code, **kwargs):
    """A nomination created, voted by its unit council and submitted inside the unit stage."""
    from nominations.workflow import Action, advance

    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, unit_code, **kwargs)
        hold_unit_council(world, unit_code, [nomination])
        advance(nomination, Action.SUBMIT, actor=world.users[f"officer:{unit_code}"])
    return refresh(nomination)


def judge_pending(world, nomination, judgement="met"):
    """The reviewer at the nomination's current stage judges every pending criterion."""
    from nominations.services import judge_criterion

    nomination = refresh(nomination)
    with clock.frozen_at(world.at_stage(nomination.stage.order)):
        for value in nomination.criterion_values.filter(status="pending").select_related("criterion"):
            judge_criterion(nomination=nomination, criterion_value=value, judgement=judgement, actor=world.users[f"stage:{nomination.stage.order}"])
    return refresh(nomination)


def ready_at_stage(world, unit_code, order=2, **kwargs):
    """A nomination waiting at the stage with this order, its pending criteria judged: ready to approve."""
    from nominations.workflow import Action, advance

    nomination = judge_pending(world, submitted(world, unit_code, **kwargs))
    while nomination.stage.order < order:
        with clock.frozen_at(world.at_stage(nomination.stage.order)):
            advance(nomination, Action.APPROVE, actor=world.users[f"stage:{nomination.stage.order}"])
        nomination = refresh(nomination)
    return nomination


# --- Simulation and e-mail (tests/nominations/test_simulation.py, test_notifications.py) -------


@pytest.fixture
def eager_celery():
    """Celery tasks run in-process whatever CELERY_BROKER_URL says (CI also runs with a real broker)."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def mail(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Run a block as a request would: its on_commit callbacks (the queued tasks) run at the end."""

    class Mail:
        outbox = mailoutbox

        def capture(self):
            return django_capture_on_commit_callbacks(execute=True)

    return Mail()


@pytest.fixture
def nt_round(db):
    """The Ninh Thuận 2024 round from its data file, with no participants: a simulation makes its own."""
    load("ninh-thuan-2024.yaml")
    return Round.objects.get(campaign__code="ninh-thuan-2024", code="nam-2024")


def race(ids, act):
    """Run act(id, start) for every id in a thread of its own (its own database connection), each
    released at the same moment by `start()`, which act calls once it is ready. Returns
    {id: "done" or the exception raised}. For the PostgreSQL tests of row locks."""
    barrier = threading.Barrier(len(ids))
    outcomes = {}

    def run(item):
        try:
            act(item, lambda: barrier.wait(timeout=30))
            outcomes[item] = "done"
        except Exception as error:  # noqa: BLE001 - the caller asserts on it
            outcomes[item] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing thread did not finish"
    return outcomes


# --- One account per role (tests/nominations/test_rules.py, tests/dossiers/test_rules.py) -----------

ROLE_NAMES = ("anonymous", "officer_a", "officer_b", "secretary_a", "reviewer", "appraiser", "chairman", "administrator",
              "outside_admin", "superuser")


@pytest.fixture
def roles_world(nt_world):
    """Every role of the Ninh Thuận world by name (`users`): unit A (Sở Tài chính)'s officer and
    secretary, unit B (Sở Y tế)'s officer, the people of stages 2 to 4, the province's administrator,
    an administrator of another province, a superuser, Django's AnonymousUser; unit A has a draft
    and a nomination waiting at stage 2 (the review)."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from nominations.workflow import Action, advance

    world = nt_world
    province = Unit.objects.get(code="ubnd-tinh-ninh-thuan")
    elsewhere = Unit.objects.create(code="ubnd-tinh-khac", name="Ủy ban nhân dân tỉnh Khác", category=province.category, level=province.level)
    users = {
        "anonymous": AnonymousUser(),
        "officer_a": world.users["officer:so-tai-chinh-nt"],
        "officer_b": world.users["officer:so-y-te-nt"],
        "secretary_a": make_user("thu-ky-so-tai-chinh", world.units["so-tai-chinh-nt"], Role.COUNCIL_SECRETARY),
        "reviewer": world.users["stage:2"],
        "appraiser": world.users["stage:3"],
        "chairman": world.users["stage:4"],
        "administrator": make_user("quan-tri-tinh", province, Role.ADMINISTRATOR),
        "outside_admin": make_user("quan-tri-tinh-khac", elsewhere, Role.ADMINISTRATOR),
        "superuser": get_user_model().objects.create_superuser("sieu-quan-tri", "sieu@example.vn", "x-Unused-9"),
    }
    with clock.frozen_at(world.at_stage(1)):
        at_stage_2 = new_nomination(world, "so-tai-chinh-nt")
        draft = new_nomination(world, "so-tai-chinh-nt", kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
        hold_unit_council(world, "so-tai-chinh-nt", [at_stage_2])
        advance(at_stage_2, Action.SUBMIT, actor=users["officer_a"])
    return SimpleNamespace(world=world, users=users, stages={s.order: s for s in world.stages}, draft=refresh(draft),
                           at_stage_2=refresh(at_stage_2), unit_a=world.units["so-tai-chinh-nt"], unit_b=world.units["so-y-te-nt"])
