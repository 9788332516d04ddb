"""criteria.evaluation judged directly, without the database: every criterion kind and operator,
the reviewer's judgement, evidence, and the overall status over mandatory, alternative and priority
criteria (unsaved Criterion instances; the evaluator reads only their fields)."""
from decimal import Decimal

import pytest

from criteria.evaluation import MET, NOT_MET, PENDING, evaluate, summarise
from criteria.models import Criterion, CriterionKind, Operator


def percentage(operator, threshold="70", **fields):
    return Criterion(code=f"ty-le-{operator}", kind=CriterionKind.PERCENTAGE, operator=operator, threshold=Decimal(threshold), **fields)


def boolean(needs_evidence=False, **fields):
    return Criterion(code="co-khong", kind=CriterionKind.BOOLEAN, needs_evidence=needs_evidence, **fields)


def ranking(accepted=("Tốt", "Khá"), **fields):
    return Criterion(
        code="xep-loai", kind=CriterionKind.RANKING, operator=Operator.IN,
        choices=["Tốt", "Khá", "Trung bình", "Yếu"], accepted_values=list(accepted), **fields,
    )


def evidence(**fields):
    return Criterion(code="minh-chung", kind=CriterionKind.EVIDENCE, **fields)


# --- One value against one criterion -------------------------------------------------------------


@pytest.mark.parametrize(
    "operator, number, expected",
    [
        (Operator.GTE, "70", MET),
        (Operator.GTE, "70.01", MET),
        (Operator.GTE, "69.99", NOT_MET),
        (Operator.GT, "70.01", MET),
        (Operator.GT, "70", NOT_MET),
        (Operator.GT, "0", NOT_MET),
        (Operator.EQ, "70", MET),
        (Operator.EQ, "70.00", MET),
        (Operator.EQ, "70.5", NOT_MET),
        (Operator.EQ, "69", NOT_MET),
        (Operator.LTE, "70", MET),
        (Operator.LTE, "0", MET),
        (Operator.LTE, "70.01", NOT_MET),
    ],
)
def test_a_percentage_is_compared_with_its_threshold_by_its_operator(operator, number, expected):
    assert evaluate(percentage(operator), number=Decimal(number)) == expected


@pytest.mark.parametrize("number", [92.5, 93, "92.5"])
def test_a_percentage_given_as_float_int_or_text_is_read_as_a_decimal(number):
    assert evaluate(percentage(Operator.GTE, "92.5"), number=number) == MET


@pytest.mark.parametrize("operator", [Operator.GTE, Operator.GT, Operator.EQ, Operator.LTE])
def test_a_percentage_without_a_number_waits(operator):
    assert evaluate(percentage(operator), number=None) == PENDING


@pytest.mark.parametrize(
    "needs_evidence, flag, has_evidence, expected",
    [
        (False, True, False, MET),
        (False, False, False, NOT_MET),
        (False, None, False, PENDING),
        (True, True, True, MET),
        (True, True, False, PENDING),  # "có" declared, the evidence file not yet attached
        (True, False, True, NOT_MET),
        (True, False, False, NOT_MET),
        (True, None, True, PENDING),
    ],
)
def test_a_yes_no_criterion(needs_evidence, flag, has_evidence, expected):
    assert evaluate(boolean(needs_evidence), flag=flag, has_evidence=has_evidence) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Tốt", MET), ("Khá", MET), ("Trung bình", NOT_MET), ("Yếu", NOT_MET), ("tốt", NOT_MET), ("", PENDING)],
)
def test_a_ranking_is_met_by_an_accepted_level_only(text, expected):
    assert evaluate(ranking(), text=text) == expected


@pytest.mark.parametrize("text", ["", "Thuyết minh thành tích"])
@pytest.mark.parametrize("has_evidence", [False, True])
def test_an_evidence_criterion_waits_for_the_council(text, has_evidence):
    assert evaluate(evidence(), text=text, has_evidence=has_evidence) == PENDING


@pytest.mark.parametrize(
    "criterion, value",
    [
        (percentage(Operator.GTE), {"number": Decimal("10")}),
        (percentage(Operator.LTE), {"number": None}),
        (boolean(), {"flag": False}),
        (boolean(needs_evidence=True), {"flag": True}),
        (ranking(), {"text": "Yếu"}),
        (ranking(), {"text": ""}),
        (evidence(), {}),
    ],
    ids=["percentage-below", "percentage-empty", "boolean-no", "boolean-no-evidence", "ranking-low", "ranking-empty", "evidence"],
)
@pytest.mark.parametrize("judgement", [MET, NOT_MET])
def test_the_reviewers_judgement_overrides_the_value(criterion, value, judgement):
    assert evaluate(criterion, judgement=judgement, **value) == judgement


@pytest.mark.parametrize("judgement", ["", "pending", "khác"])
def test_a_judgement_other_than_met_or_not_met_is_ignored(judgement):
    assert evaluate(percentage(Operator.GTE), number=Decimal("80"), judgement=judgement) == MET
    assert evaluate(percentage(Operator.GTE), number=Decimal("60"), judgement=judgement) == NOT_MET


# --- The overall status of a nomination ------------------------------------------------------------


def criterion(code, *, mandatory=True, alternative_group="", priority=False):
    return Criterion(code=code, kind=CriterionKind.BOOLEAN, mandatory=mandatory, alternative_group=alternative_group, priority=priority)


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ((MET, MET, MET), MET),
        ((MET, PENDING, MET), PENDING),
        ((MET, NOT_MET, MET), NOT_MET),
        ((PENDING, NOT_MET, PENDING), NOT_MET),  # one mandatory criterion failed: pending ones cannot save it
        ((NOT_MET, PENDING, MET), NOT_MET),
        ((PENDING, PENDING, PENDING), PENDING),
    ],
)
def test_every_mandatory_criterion_binds(statuses, expected):
    pairs = [(criterion(f"bat-buoc-{i}"), status) for i, status in enumerate(statuses)]
    assert summarise(pairs) == (expected, statuses.count(MET), len(statuses))


@pytest.mark.parametrize(
    "group_statuses, expected",
    [
        ((MET, NOT_MET), MET),
        ((NOT_MET, MET, NOT_MET), MET),
        ((MET, PENDING), MET),
        ((PENDING, NOT_MET), PENDING),
        ((PENDING, PENDING), PENDING),
        ((NOT_MET, NOT_MET), NOT_MET),
        ((NOT_MET,), NOT_MET),
    ],
)
def test_an_alternative_group_is_met_by_any_of_its_members(group_statuses, expected):
    pairs = [(criterion("bat-buoc"), MET)] + [
        (criterion(f"thay-the-{i}", mandatory=False, alternative_group="mot-trong-hai"), status) for i, status in enumerate(group_statuses)
    ]
    assert summarise(pairs) == (expected, 1 + group_statuses.count(MET), 1 + len(group_statuses))


def test_two_alternative_groups_bind_separately():
    pairs = [
        (criterion("a1", mandatory=False, alternative_group="nhom-a"), MET),
        (criterion("a2", mandatory=False, alternative_group="nhom-a"), NOT_MET),
        (criterion("b1", mandatory=False, alternative_group="nhom-b"), NOT_MET),
        (criterion("b2", mandatory=False, alternative_group="nhom-b"), NOT_MET),
    ]
    assert summarise(pairs) == (NOT_MET, 1, 4)


@pytest.mark.parametrize("status", [MET, NOT_MET, PENDING])
def test_a_priority_criterion_never_binds_nor_counts(status):
    pairs = [(criterion("bat-buoc"), MET), (criterion("uu-tien", priority=True), status)]
    assert summarise(pairs) == (MET, 1, 1)


def test_a_mandatory_priority_criterion_still_does_not_bind():
    pairs = [(criterion("bat-buoc"), MET), (criterion("uu-tien", mandatory=True, priority=True), NOT_MET)]
    assert summarise(pairs) == (MET, 1, 1)


@pytest.mark.parametrize("status", [NOT_MET, PENDING])
def test_an_optional_criterion_counts_but_does_not_bind(status):
    pairs = [(criterion("bat-buoc"), MET), (criterion("tuy-chon", mandatory=False), status)]
    assert summarise(pairs) == (MET, 1, 2)


def test_mandatory_criteria_with_the_same_code_and_no_key_are_told_apart_by_their_key():
    """Unsaved criteria are keyed by code, saved ones by primary key: two saved criteria with the
    same code (two rounds) bind separately."""
    first, second = criterion("trung-ma"), criterion("trung-ma")
    first.pk, second.pk = 1, 2
    assert summarise([(first, MET), (second, NOT_MET)]) == (NOT_MET, 1, 2)


def test_nothing_to_judge_is_met():
    assert summarise([]) == (MET, 0, 0)
    assert summarise([(criterion("uu-tien", priority=True), NOT_MET)]) == (MET, 0, 0)
