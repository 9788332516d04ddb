"""`as_field` (campaigns/templatetags/form_fields.py) writes the markup crispy-forms' Bootstrap 5
pack gives a field: compared with `as_crispy_field` for every field of the nomination form and of
both councils' form, empty, with errors and with values full of markup characters."""
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from campaigns.templatetags.form_fields import _HANDED_ON, as_field
from nominations.forms import NominationForm

pytestmark = pytest.mark.django_db


def _normal(html: str) -> str:
    """The markup without the whitespace between and around tags (the pack's templates indent)."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


BAD_INDIVIDUAL = {
    "kind": "individual", "full_name": "x" * 300, "birth_year": "năm ngoái", "gender": "khác", "birth_date": "31/02/1990",
    "person_identifier": "12ab", "achievement_summary": "", "award_form": "999999", "nominee_unit": "abc",
}


# Values that must come back escaped in their inputs, as Django's input template escapes them.
MARKUP = {
    "kind": "individual", "full_name": 'Lê "Văn" <An> & O\'Neil', "position": "<script>alert(1)</script>", "birth_year": "19'80\"",
    "person_identifier": "&amp;", "birth_date": "<01/01/1980>",
}


@pytest.mark.parametrize(
    "data", [None, {"kind": "individual"}, {"kind": "collective"}, BAD_INDIVIDUAL, MARKUP],
    ids=["empty", "individual", "collective", "errors", "markup"],
)
def test_as_field_writes_the_markup_crispy_forms_gives_every_field(nt_world, data):
    unit = nt_world.units["so-tai-chinh-nt"]

    def form():  # one form each: crispy-forms writes its classes into the widgets it renders
        return NominationForm(data, round_=nt_world.round, proposing_unit=unit)

    ours, theirs = form(), form()
    if data is not None:
        ours.is_valid(), theirs.is_valid()
    written = 0
    for name in ours.fields:
        assert _normal(as_field(ours[name])) == _normal(as_crispy_field(theirs[name])), name
        written += not isinstance(ours.fields[name].widget, _HANDED_ON)
    assert written >= 12
    if data is BAD_INDIVIDUAL:
        assert ours["birth_year"].errors and "is-invalid" in as_field(ours["birth_year"])


BAD_MEETING = {
    "date": "32/13/2024", "start_time": "8 giờ", "end_time": "", "place": "", "chair": "x" * 300, "secretary": "",
    "members_total": "0", "members_present": "-1", "written_opinions": "nhiều", "notes": "x" * 5000,
}


@pytest.mark.parametrize("side_name", ["UNIT_COUNCIL", "STAGE_COUNCIL"])
@pytest.mark.parametrize("data", [None, BAD_MEETING], ids=["empty", "errors"])
def test_as_field_writes_the_markup_crispy_forms_gives_the_council_form(nt_world, data, side_name):
    """The council pages' meeting fields and their vote per nomination: the unit's council and a
    stage organisation's (whose times the page shows as the browser's time picker)."""
    from nominations import forms
    from nominations.templatetags.review_tags import time_picker
    from tests.nominations.conftest import new_nomination

    side = getattr(forms, side_name)
    nominations = [new_nomination(nt_world, "so-tai-chinh-nt")]
    bad = None if data is None else {**data, side.common_field: "abc", f"{side.vote_prefix}{nominations[0].pk}": "-3"}

    def form():
        return forms.CouncilMeetingForm(bad, side=side, round_=nt_world.round, nominations=nominations)

    ours, theirs = form(), form()
    if bad is not None:
        assert not ours.is_valid() and not theirs.is_valid()
    for name in ours.fields:
        mine, crispy = ours[name], theirs[name]
        if side is forms.STAGE_COUNCIL:
            mine, crispy = time_picker(mine), time_picker(crispy)
        assert _normal(as_field(mine)) == _normal(as_crispy_field(crispy)), name
    if bad is not None:
        assert ours["date"].errors and "is-invalid" in as_field(ours["date"])
        assert ours[f"{side.vote_prefix}{nominations[0].pk}"].errors


def test_hidden_inputs_are_those_the_template_loop_wrote():
    """A paged council form's carried counts (templates/nominations/_carried_votes.html), written in
    one pass: the same markup as the loop it replaced, names and values escaped."""
    from django.template import Context, Template

    from campaigns.templatetags.form_fields import hidden_inputs

    pairs = [("vote_12", "7"), ("phieu_3", '"><script>&'), ("vote_4", 0)]
    loop = Template('{% for name, votes in carried %}<input type="hidden" name="{{ name }}" value="{{ votes }}">{% endfor %}')
    assert hidden_inputs(pairs) == loop.render(Context({"carried": pairs}))
    assert "&quot;&gt;&lt;script&gt;&amp;" in hidden_inputs(pairs)
    assert hidden_inputs([]) == ""
