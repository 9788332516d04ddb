"""Likely duplicates (nominations/duplicates.py) and the person key they are looked up by."""
import pytest
from django.db.models import Model

from campaigns import clock
from nominations.duplicates import likely_duplicates
from nominations.models import Nomination, person_key

from .conftest import new_nomination, submitted

pytestmark = pytest.mark.django_db


def test_person_key_normalises_name_and_is_empty_without_year():
    assert person_key("  Nguyễn   Văn  AN ", 1985, 7) == "1985|7|nguyễn văn an"
    assert person_key("Nguyễn Văn An", None, 7) == ""
    assert person_key("", 1985, 7) == ""


def test_person_key_kept_when_saving_only_the_name(nt_world):
    with clock.frozen_at(nt_world.at_stage(1)):
        nomination = new_nomination(nt_world, "so-y-te-nt", kind="individual", full_name="Trần Văn An", person_identifier="079190000011")
    nomination.full_name = "Trần  Văn BÌNH"
    nomination.save(update_fields=["full_name"])
    assert Nomination.objects.values_list("person_key", flat=True).get(pk=nomination.pk) == (
        f"1985|{nomination.nominee_unit_id}|trần văn bình"
    )


def test_likely_duplicates_same_name_written_differently_found(nt_world):
    with clock.frozen_at(nt_world.at_stage(1)):
        first = submitted(nt_world, "so-y-te-nt", kind="individual", full_name="Lê Thị Hoa", person_identifier="079190000021")
        second = submitted(nt_world, "so-y-te-nt", kind="individual", full_name="lê  thị HOA", person_identifier="079190000022")
    found = likely_duplicates([first], nt_world.users["stage:2"])
    assert [n.pk for n in found[first.pk]] == [second.pk]
    # Both on the same page: each is the other's duplicate, found among the page's own rows.
    both = likely_duplicates([first, second], nt_world.users["stage:2"])
    assert {pk: [n.pk for n in others] for pk, others in both.items()} == {first.pk: [second.pk], second.pk: [first.pk]}


def test_likely_duplicates_reads_no_namesake_of_another_year_or_unit(nt_world, monkeypatch):
    """What the check reads grows with the duplicates found, not with the round: nominations of the
    same unit and year of birth with other names (or the same name and another year) are not read."""
    with clock.frozen_at(nt_world.at_stage(1)):
        page = submitted(nt_world, "so-y-te-nt", kind="individual", full_name="Phạm Văn Nam", person_identifier="079190000031")
        for index, name in enumerate(["Phạm Văn Bắc", "Đỗ Thị Mai", "Phạm Văn Nam"]):
            other = new_nomination(nt_world, "so-y-te-nt", kind="individual", full_name=name, person_identifier=f"07919000004{index}")
            if name == "Phạm Văn Nam":
                other.birth_year = 1990
                other.save()
    read = []
    from_db = Model.from_db.__func__

    def counting(cls, *args, **kwargs):
        read.append(cls.__name__)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(Model, "from_db", classmethod(counting))
    # The unit's officer sees all four (drafts included).
    assert likely_duplicates([page], nt_world.users["officer:so-y-te-nt"]) == {}
    assert read.count("Nomination") == 0


def test_likely_duplicates_for_one_round_match_the_general_rule_for_every_role(roles_world):
    """Given the round (the queue, the bulk preview, the detail page), what the user may see is written
    for that round alone: the same duplicates as the general rule, for every role."""
    from tests.nominations.conftest import ROLE_NAMES

    world = roles_world.world
    with clock.frozen_at(world.at_stage(1)):
        # The draft's person (079190000001) proposed again by unit B (sent) and unit A's namesake sent.
        again_b = submitted(world, "so-y-te-nt", kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
        namesake = submitted(world, "so-tai-chinh-nt", kind="individual", full_name="võ thị  LAN", person_identifier="079190000002")
    page = [roles_world.draft, again_b, namesake]
    found_any = False
    for name in ROLE_NAMES:
        user = roles_world.users[name]
        general = likely_duplicates(page, user)
        for_round = likely_duplicates(page, user, world.round)
        assert {k: [n.pk for n in v] for k, v in for_round.items()} == {k: [n.pk for n in v] for k, v in general.items()}, name
        found_any = found_any or bool(general)
    assert found_any


def test_people_proposed_by_another_unit_whoever_sees_them(roles_world):
    """same_people's `proposed_elsewhere`: another proposing unit of the round proposed the same
    personal identifier (not as a draft, not rejected), whether or not the user sees that proposal;
    the page's own rows count for each other."""
    from nominations.duplicates import same_people
    from nominations.models import Status
    from nominations.workflow import Action, advance
    from tests.nominations.conftest import ROLE_NAMES

    world = roles_world.world
    with clock.frozen_at(world.at_stage(1)):
        # Võ Thị Lan (079190000001): a draft at unit A, sent by unit B: no other unit has sent her.
        lan_b = submitted(world, "so-y-te-nt", kind="individual", full_name="Võ Thị Lan", person_identifier="079190000001")
        # Hồ Văn Minh (079190000003): sent by unit A and by the Sở Giáo dục, a draft at unit B.
        minh_a = submitted(world, "so-tai-chinh-nt", kind="individual", full_name="Hồ Văn Minh", person_identifier="079190000003")
        minh_c = submitted(world, "so-gddt-nt", kind="individual", full_name="Hồ Văn Minh", person_identifier="079190000003")
        new_nomination(world, "so-y-te-nt", kind="individual", full_name="Hồ Văn Minh", person_identifier="079190000003")
        # Đinh Thị Thu (079190000004): sent by unit A; refused at the Sở Xây dựng.
        thu_a = submitted(world, "so-tai-chinh-nt", kind="individual", full_name="Đinh Thị Thu", person_identifier="079190000004")
        thu_d = submitted(world, "so-xd-nt", kind="individual", full_name="Đinh Thị Thu", person_identifier="079190000004")
    with clock.frozen_at(world.at_stage(2)):
        advance(thu_d, Action.REJECT, actor=world.users["stage:2"], comment="Không đủ điều kiện")
    assert Nomination.objects.get(pk=thu_d.pk).status == Status.REJECTED

    def by_the_rule(nomination):
        return Nomination.objects.filter(
            round_id=nomination.round_id, kind="individual", person_identifier=nomination.person_identifier,
        ).exclude(proposing_unit_id=nomination.proposing_unit_id).exclude(status__in=(Status.DRAFT, Status.REJECTED)).exists()

    for page in ([lan_b, minh_a, thu_a], [minh_a], [minh_a, minh_c], [roles_world.draft, lan_b]):
        page = [Nomination.objects.get(pk=n.pk) for n in page]
        expected = {n.pk for n in page if by_the_rule(n)}
        for name in ROLE_NAMES:
            assert same_people(page, roles_world.users[name], world.round).proposed_elsewhere == expected, name
    assert same_people([Nomination.objects.get(pk=minh_a.pk)], roles_world.users["officer_a"]).proposed_elsewhere == {minh_a.pk}
