"""Saving a draft (deadline-night load): the number of queries does not grow with the number of
criteria, and every value and status is still stored right on create, on update and when a
criterion stops applying."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import UnitCategory
from criteria import evaluation
from criteria.models import Criterion, CriterionKind, Operator
from nominations.models import CriterionValue, Nomination
from nominations.services import ServiceError, applicable_criteria, save_nomination

from .conftest import fill_criteria

UNIT, OTHER, THIRD = "so-tai-chinh-nt", "so-y-te-nt", "so-gddt-nt"
# A save runs a fixed set of statements (the unit check, the row lock, the duplicate check, the
# nomination and its dossier flags, three reads, at most one INSERT, one UPDATE and one DELETE of
# values, the summary, the savepoints): 14 or 15 on SQLite and PostgreSQL.
MAX_SAVE_QUERIES = 20


def nomination_data(world, unit_code, **overrides):
    return {
        "kind": "collective",
        "nominee_unit": world.units[unit_code],
        "full_name": "",
        "gender": "",
        "birth_year": None,
        "position": "",
        "person_identifier": "",
        "award_form": world.round.award_forms.first(),
        "achievement_summary": "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số.",
        "eligibility_declared": True,
        **overrides,
    }


def save(world, unit_code, values, nomination=None):
    return save_nomination(
        actor=world.users[f"officer:{unit_code}"],
        round_=world.round,
        proposing_unit=world.units[unit_code],
        data=nomination_data(world, unit_code),
        values=values,
        nomination=nomination,
    )


def values_for(world, unit_code, **kwargs):
    """Every applicable criterion filled (fill_criteria reads only the nomination's choices)."""
    draft = Nomination(round=world.round, kind="collective", nominee_unit=world.units[unit_code], award_form=world.round.award_forms.first())
    return fill_criteria(draft, **kwargs)


def counted(call):
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def save_costs(world, unit_code):
    """Queries of the save alone: a new draft with every value, every value changed, the same
    values again, no values (as the evidence upload saves)."""
    data = nomination_data(world, unit_code)
    first, changed = values_for(world, unit_code), values_for(world, unit_code, number=Decimal("42.5"), flag=False)
    world.round.campaign  # noqa: B018 - read with the round, as the pages do (the round's period check reads it)

    def save_(values, nomination=None):
        return save_nomination(
            actor=world.users[f"officer:{unit_code}"], round_=world.round, proposing_unit=world.units[unit_code],
            data=data, values=values, nomination=nomination,
        )

    nomination, create = counted(lambda: save_(first))
    _, update = counted(lambda: save_(changed, nomination))
    _, unchanged = counted(lambda: save_(changed, nomination))
    _, nothing_given = counted(lambda: save_({}, nomination))
    return nomination, {"create": create, "update": update, "unchanged": unchanged, "nothing given": nothing_given}


def add_criteria(world, how_many):
    kinds = [CriterionKind.PERCENTAGE, CriterionKind.BOOLEAN, CriterionKind.RANKING, CriterionKind.EVIDENCE]
    Criterion.objects.bulk_create(
        Criterion(
            round=world.round,
            code=f"them-{i}",
            label=f"Tiêu chí thêm {i}",
            nominee_kind="collective",
            kind=kinds[i % 4],
            operator={CriterionKind.PERCENTAGE: Operator.GTE, CriterionKind.RANKING: Operator.IN}.get(kinds[i % 4], ""),
            threshold=Decimal(50) if kinds[i % 4] == CriterionKind.PERCENTAGE else None,
            choices=["Xuất sắc", "Tốt", "Khá"] if kinds[i % 4] == CriterionKind.RANKING else [],
            accepted_values=["Xuất sắc", "Tốt"] if kinds[i % 4] == CriterionKind.RANKING else [],
            source="Kiểm thử",
            order=1000 + i,
        )
        for i in range(how_many)
    )


def stored(nomination):
    return {v.criterion_id: v for v in CriterionValue.objects.filter(nomination=nomination)}


def assert_values_match(nomination, values):
    """Each applicable criterion has one row, with the given value and the status evaluate() gives."""
    rows = stored(nomination)
    criteria = list(applicable_criteria(nomination))
    assert set(rows) == {c.pk for c in criteria}
    for criterion in criteria:
        row, given = rows[criterion.pk], values.get(criterion.pk, {})
        if criterion.kind == CriterionKind.PERCENTAGE:
            assert row.number == given.get("number") and row.flag is None
        elif criterion.kind == CriterionKind.BOOLEAN:
            assert row.flag == given.get("flag") and row.number is None
        assert row.text == (given.get("text") or "")
        assert row.status == evaluation.evaluate(
            criterion, number=row.number, flag=row.flag, text=row.text, judgement=row.judgement,
            has_evidence=nomination.evidence.filter(criterion=criterion).exists(),
        )
    overall, met, total = evaluation.summarise([(c, rows[c.pk].status) for c in criteria])
    saved = Nomination.objects.get(pk=nomination.pk)
    assert (saved.criteria_status, saved.criteria_met, saved.criteria_total) == (overall, met, total)


# --- The cost -------------------------------------------------------------------------------------


def test_save_costs_the_same_queries_for_few_and_many_criteria(nt_world):
    world = nt_world
    few_count = len(values_for(world, UNIT))
    _, few = save_costs(world, UNIT)

    add_criteria(world, 72)
    many_count = len(values_for(world, OTHER))
    assert many_count >= few_count + 72
    many_nomination, many = save_costs(world, OTHER)

    assert many == few, f"{few_count} criteria: {few}; {many_count} criteria: {many}"
    assert max(many.values()) <= MAX_SAVE_QUERIES, many
    assert CriterionValue.objects.filter(nomination=many_nomination).count() == many_count


def test_save_within_the_query_budget(nt_world, django_assert_max_num_queries):
    world = nt_world
    add_criteria(world, 40)
    first, changed = values_for(world, UNIT), values_for(world, UNIT, number=Decimal("10"))
    with django_assert_max_num_queries(MAX_SAVE_QUERIES):
        nomination = save(world, UNIT, first)
    with django_assert_max_num_queries(MAX_SAVE_QUERIES):
        save(world, UNIT, changed, nomination)


def test_edit_form_post_costs_the_same_for_few_and_many_criteria(nt_world, client, settings):
    """The whole edit request (form, validation, save, redirect) through the test client."""
    settings.PORTAL_NOW = "2024-11-20T10:00"
    world = nt_world

    def post_costs(unit_code):
        nomination = save(world, unit_code, values_for(world, unit_code))
        client.force_login(world.users[f"officer:{unit_code}"])
        url = reverse("nomination_edit", args=[nomination.pk])
        data = {
            "kind": "collective", "nominee_unit": str(nomination.nominee_unit_id), "award_form": str(nomination.award_form_id),
            "achievement_summary": "Hoàn thành xuất sắc.", "eligibility_declared": "on", "save": "1",
        }
        for criterion in applicable_criteria(nomination):
            data[f"tc_{criterion.pk}"] = {
                CriterionKind.PERCENTAGE: "75,5", CriterionKind.BOOLEAN: "no", CriterionKind.RANKING: next(iter(criterion.choices or criterion.accepted_values), ""),
            }.get(criterion.kind, "Thuyết minh")
        response, post = counted(lambda: client.post(url, data))
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        response, get = counted(lambda: client.get(url))
        assert response.status_code == 200
        return {"post": post, "get": get}

    few = post_costs(UNIT)
    add_criteria(world, 72)
    assert post_costs(OTHER) == few


# --- What is stored ---------------------------------------------------------------------------------


def test_create_stores_every_value_and_status(nt_world):
    world = nt_world
    add_criteria(world, 8)
    values = values_for(world, UNIT)
    percentage = next(pk for pk, v in values.items() if "number" in v)
    values[percentage] = {"number": Decimal("12.5")}  # below its threshold: not met
    nomination = save(world, UNIT, values)
    assert_values_match(nomination, values)
    assert stored(nomination)[percentage].status == evaluation.NOT_MET


def test_update_changes_only_what_was_given_and_keeps_judgements(nt_world):
    world = nt_world
    add_criteria(world, 8)
    values = values_for(world, UNIT)
    nomination = save(world, UNIT, values)
    rows = stored(nomination)
    # The council already judged one criterion: a later edit keeps the judgement and its status.
    judged = next(pk for pk, row in rows.items() if row.status == evaluation.PENDING)
    CriterionValue.objects.filter(pk=rows[judged].pk).update(judgement=evaluation.NOT_MET, status=evaluation.NOT_MET)
    untouched_pks = {pk: row.pk for pk, row in rows.items()}

    changed = values_for(world, UNIT, number=Decimal("49.99"), flag=False)
    nomination = save(world, UNIT, changed, Nomination.objects.get(pk=nomination.pk))
    assert_values_match(nomination, changed)
    after = stored(nomination)
    assert {pk: row.pk for pk, row in after.items()} == untouched_pks  # updated in place, not re-created
    assert after[judged].judgement == evaluation.NOT_MET and after[judged].status == evaluation.NOT_MET

    # Criteria left out of `values` keep their stored value (the evidence upload saves with {}).
    nomination = save(world, UNIT, {}, nomination)
    assert_values_match(nomination, changed)


def test_value_of_a_criterion_that_no_longer_applies_is_removed(nt_world):
    world = nt_world
    values = values_for(world, UNIT)
    nomination = save(world, UNIT, values)
    leaving = Criterion.objects.get(pk=next(iter(values)))
    other_category = UnitCategory.objects.exclude(pk=world.units[UNIT].category_id).first()
    leaving.categories.add(other_category)  # now only for another category
    total_before = Nomination.objects.get(pk=nomination.pk).criteria_total

    nomination = save(world, UNIT, values, Nomination.objects.get(pk=nomination.pk))
    assert leaving.pk not in stored(nomination)
    assert_values_match(nomination, {pk: v for pk, v in values.items() if pk != leaving.pk})
    assert Nomination.objects.get(pk=nomination.pk).criteria_total == total_before - 1


def test_out_of_range_percentage_refuses_the_whole_save(nt_world):
    world = nt_world
    values = values_for(world, UNIT)
    nomination = save(world, UNIT, values)
    before = sorted(CriterionValue.objects.filter(nomination=nomination).values_list("criterion_id", "number", "flag", "text", "status"))
    summary_before = Nomination.objects.filter(pk=nomination.pk).values_list("achievement_summary", "criteria_met").get()
    bad = values_for(world, UNIT, number=Decimal("10"))
    last = [pk for pk, v in bad.items() if "number" in v][-1]
    bad[last] = {"number": Decimal("100.01")}
    data = nomination_data(world, UNIT, achievement_summary="Sửa đổi không được lưu.")
    with pytest.raises(ServiceError, match="phải từ 0 đến 100%"):
        save_nomination(
            actor=world.users[f"officer:{UNIT}"], round_=world.round, proposing_unit=world.units[UNIT],
            data=data, values=bad, nomination=nomination,
        )
    after = sorted(CriterionValue.objects.filter(nomination=nomination).values_list("criterion_id", "number", "flag", "text", "status"))
    assert after == before
    assert Nomination.objects.filter(pk=nomination.pk).values_list("achievement_summary", "criteria_met").get() == summary_before


def test_new_draft_for_another_unit_creates_its_own_rows(nt_world):
    world = nt_world
    first = save(world, UNIT, values_for(world, UNIT))
    second = save(world, THIRD, values_for(world, THIRD, number=Decimal("0")))
    assert CriterionValue.objects.filter(nomination=first).count() == CriterionValue.objects.filter(nomination=second).count()
    assert_values_match(second, values_for(world, THIRD, number=Decimal("0")))
    assert_values_match(first, values_for(world, UNIT))
