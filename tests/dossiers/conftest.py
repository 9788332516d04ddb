"""Fixtures for the dossiers: the Ninh Thuận 2024 round (Nghị định 98/2023) with nominations at
every stage, built by the real services (tests/nominations/conftest.py), and a private media root."""
import datetime as dt
from decimal import Decimal

import pytest

from nominations.models import CriterionValue

from campaigns import clock
from tests.worlds import assert_test_database, built_once, reloaded  # noqa: F401  (assert_test_database re-exported)
from tests.nominations.conftest import (  # noqa: F401  (fixtures re-exported)
    NT_PARTICIPANTS,
    build_world,
    hold_unit_council,
    judge_pending,
    load,
    new_nomination,
    nt_world,
    ready_at_stage,
    refresh,
    submitted,
)

PEOPLE = {
    "so-tai-chinh-nt": "Nguyễn Thị Hằng",
    "so-y-te-nt": "Trần Quốc Việt",
    "so-gddt-nt": "Đặng Thị Ánh Nguyệt",
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://thidua.example.vn"
    return settings.MEDIA_ROOT


def unit_stage_nominations(world, unit_code, people=()):
    """A collective and individuals of one unit, voted by its council (not yet submitted)."""
    with clock.frozen_at(world.at_stage(1)):
        nominations = [new_nomination(world, unit_code)]
        for index, name in enumerate(people):
            nominations.append(new_nomination(world, unit_code, kind="individual", full_name=name, person_identifier=f"0010{index}{unit_code[:3]}"))
        hold_unit_council(world, unit_code, nominations, members=9, present=8, votes=7)
    return [refresh(n) for n in nominations]


def add_dossier_nominations(world):
    """Sở Tài chính: a collective and one individual voted at the unit stage (stage 1); Sở Y tế
    and Sở GD&ĐT: nominations submitted to stage 2 (Sở TT&TT) and one moved on to stage 3."""
    world.unit_nominations = unit_stage_nominations(world, "so-tai-chinh-nt", [PEOPLE["so-tai-chinh-nt"]])
    world.stage2 = [
        judge_pending(world, submitted(world, "so-y-te-nt")),
        judge_pending(world, submitted(world, "so-y-te-nt", kind="individual", full_name=PEOPLE["so-y-te-nt"], person_identifier="079085000111")),
    ]
    world.stage3 = [ready_at_stage(world, "so-gddt-nt", order=3)]
    return world


@pytest.fixture(scope="module")
def module_dossier_world(module_nt_world, django_db_blocker):
    """add_dossier_nominations() once per module, on top of the module's nt_world, rolled back
    after the module (tests/worlds.py); None where the module has tests on committed data. A
    module using it sees these nominations in nt_world too."""
    if module_nt_world is None:
        yield None
        return
    with built_once(django_db_blocker):
        yield add_dossier_nominations(reloaded(module_nt_world))


@pytest.fixture
def dossier_world(request, module_dossier_world, db):
    """The Ninh Thuận world with the nominations of add_dossier_nominations(); each test writes in
    its own savepoint and gets its own objects."""
    if module_dossier_world is None:
        return add_dossier_nominations(request.getfixturevalue("nt_world"))
    return reloaded(module_dossier_world)


# --- One world and its documents, built once per module (the renders are the slow part) ----------

MOMENT = dt.datetime(2024, 12, 5, 10, 0, tzinfo=clock.VIETNAM)  # "ngày 05 tháng 12 năm 2024"
SITE_URL = "https://thidua.example.vn"


def make_world():
    load("ninh-thuan-2024.yaml")
    world = build_world("ninh-thuan-2024", "nam-2024", NT_PARTICIPANTS)
    world.unit_nominations = unit_stage_nominations(world, "so-tai-chinh-nt", [PEOPLE["so-tai-chinh-nt"]])
    # A figure with decimals in the collective's report: "92,5 %" (threshold 70 %: met).
    CriterionValue.objects.filter(nomination=world.unit_nominations[0], criterion__code="tthc-truc-tuyen").update(number=Decimal("92.5"))
    world.stage2 = [judge_pending(world, submitted(world, "so-y-te-nt"))]
    world.final = [ready_at_stage(world, "so-gddt-nt", order=4)]
    return world


class Built:
    """Files the build_dossier command wrote, read back into memory."""

    def __init__(self, world, out, media):
        self.world, self.out, self.media = world, out, media
        self.files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    def find(self, folder, fragment, extension):
        matches = [name for name in self.files if name.startswith(folder + "/") and fragment in name and name.endswith(extension)]
        assert len(matches) == 1, (folder, fragment, extension, sorted(self.files))
        return self.files[matches[0]]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The unit stage's dossier of Sở Tài chính (tờ trình, biên bản, a collective's and an
    individual's báo cáo thành tích) and the decision stage's dossier (dự thảo quyết định), built
    by `manage.py build_dossier` at 05/12/2024 with English active; rolled back after the module."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings
    from django.utils import translation

    media = tmp_path_factory.mktemp("dossier-media")
    out = tmp_path_factory.mktemp("dossier-out")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, SITE_URL=SITE_URL):
        assert_test_database()
        with transaction.atomic():
            world = make_world()
            # Built with English active, as after a page of the English interface in the same
            # process: the documents are Vietnamese whatever the caller's language.
            with clock.frozen_at(MOMENT), translation.override("en"):
                call_command("build_dossier", campaign="ninh-thuan-2024", round="nam-2024", stage=1, unit="so-tai-chinh-nt", out=str(out / "stage1"))
                call_command("build_dossier", campaign="ninh-thuan-2024", round="nam-2024", stage=4, out=str(out / "stage4"))
            yield Built(world, out, media)
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """make_world() once per module; each test runs in a savepoint inside it (use with `db`)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        assert_test_database()
        with transaction.atomic():
            yield make_world()
            transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db):
    module_world.round.refresh_from_db()
    return module_world
