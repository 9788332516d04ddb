"""The report world is built once per module (tests/worlds.py): what a test writes, in the
database or on its Python objects, must not reach the next test. The two tests run in this order."""
import pytest

from nominations.models import Nomination

from tests.reports.conftest import nomination_count

pytestmark = pytest.mark.django_db

SEEN = {}


def test_a_test_that_writes_everywhere(report_world):
    SEEN["round"] = report_world.round
    SEEN["count"] = nomination_count(report_world.round)
    SEEN["name"] = report_world.round.name
    assert SEEN["count"] == 6
    Nomination.objects.filter(round=report_world.round).delete()
    report_world.round.name = "Đợt đã đổi tên"
    report_world.round.save(update_fields=["name"])
    report_world.nominations["draft"].achievement_summary = "Đã sửa trong bộ nhớ"
    report_world.users["intruder"] = report_world.users["stranger"]
    assert nomination_count(report_world.round) == 0


def test_the_next_test_finds_the_world_as_it_was_built(report_world):
    assert nomination_count(report_world.round) == SEEN["count"] == 6
    assert report_world.round.name == SEEN["name"] != "Đợt đã đổi tên"
    assert report_world.round is not SEEN["round"] and report_world.round.pk == SEEN["round"].pk
    assert report_world.nominations["draft"].achievement_summary != "Đã sửa trong bộ nhớ"
    assert "intruder" not in report_world.users
    assert [s.order for s in report_world.stages] == [1, 2, 3, 4]
