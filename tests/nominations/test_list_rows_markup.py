"""The rows of the list pages written in one pass (review_tags.queue_table_rows,
thidua.unit_nomination_rows and unit_nomination_items) give the markup the template language gave
for them: each page is compared, row by row and whitespace aside, with the same rows rendered by
the templates they replaced (kept below as the reference). The round holds what each cell can
show: votes passed, not passed and missing, one person proposed by two units, likely duplicates,
drafts, returns with and without a reason, markup in the values, deadlines past and to come."""
from __future__ import annotations

import re

import pytest
from django.template import engines
from django.urls import reverse

from campaigns import clock
from demo.simulation import simulate_round
from nominations.models import CouncilVote, Nomination, Status
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world

pytestmark = pytest.mark.django_db

QUEUE_ROW_REFERENCE = """{% load i18n review_tags %}
{% translate "Chọn" as label_choose %}{% translate "Đối tượng" as label_kind %}{% translate "Đơn vị đề nghị" as label_unit %}{% translate "Khối" as label_category %}{% translate "Hình thức" as label_form %}{% translate "Tiêu chí" as label_criteria %}{% translate "Phiếu HĐ đơn vị" as label_vote %}{% translate "Lưu ý" as label_notes %}
{% with bulk=can_act_now %}{% for nomination in page.object_list %}
  <tr>
    {% if bulk and not is_final %}
      <td data-label="{{ label_choose }}"><input class="form-check-input" type="checkbox" name="n" value="{{ nomination.pk }}" id="chon-{{ nomination.pk }}"
                 aria-label="{% blocktranslate with name=nomination.nominee_name %}Chọn {{ name }}{% endblocktranslate %}"></td>
    {% endif %}
    <td class="card-title-cell">
      {% if nomination.detail_url %}<a href="{{ nomination.detail_url }}">{{ nomination.nominee_name }}</a>{% else %}{{ nomination.nominee_name }}{% endif %}
      {% if nomination.position %}<br><small class="text-muted">{{ nomination.position }}</small>{% endif %}
    </td>
    <td data-label="{{ label_kind }}">{{ nomination.get_kind_display }}</td>
    <td data-label="{{ label_unit }}">{{ nomination.proposing_unit }}</td>
    <td data-label="{{ label_category }}">{{ nomination.nominee_unit.category }}</td>
    <td data-label="{{ label_form }}">{{ nomination.award_form }}</td>
    <td class="text-nowrap" data-label="{{ label_criteria }}">{{ nomination.criteria_met }}/{{ nomination.criteria_total }}
      <span class="badge text-bg-{{ nomination.criteria_status|criteria_colour }}">{{ nomination.get_criteria_status_display }}</span></td>
    <td class="text-nowrap" data-label="{{ label_vote }}">
      {% if nomination.unit_vote %}
        {{ nomination.unit_votes_for }}/{{ nomination.unit_members_total }} ({{ nomination.unit_vote.share_percent|phan_tram_so }})
        {% if nomination.unit_vote.passed %}<span class="badge text-bg-success">{% translate "Đạt" %}</span>{% else %}<span class="badge text-bg-danger" title="{{ nomination.unit_vote.reason }}">{% translate "Chưa đạt" %}</span>{% endif %}
      {% else %}<span class="text-muted">{% translate "Chưa có" %}</span>{% endif %}
    </td>
    <td class="{% if not nomination.same_person_elsewhere and not nomination.likely_duplicates %}empty-cell{% endif %}" data-label="{{ label_notes }}">
      {% if nomination.same_person_elsewhere %}
        <span class="badge text-bg-danger" title="{% translate "Cùng số định danh cá nhân được đơn vị khác đề nghị trong đợt" %}">{% translate "Một người được hai đơn vị đề nghị" %}</span>
      {% endif %}
      {% if nomination.likely_duplicates %}{% include "nominations/_likely_duplicates.html" with others=nomination.likely_duplicates %}{% endif %}
    </td>
  </tr>
{% endfor %}{% endwith %}"""

# The unit's rows as the templates wrote them (the nominee unit, award form and author read
# through the nomination's relations).
UNIT_ROWS_REFERENCE = """{% load i18n thidua %}{% for g in ur.groups %}{% for n in g.nominations %}
  <tr>
    <td><a href="{% url 'nomination_detail' n.pk %}">{{ n.nominee_name }}</a><br><small class="text-muted">{{ n.get_kind_display }}{% if n.kind == "individual" %}, {{ n.nominee_unit.name }}{% endif %}</small>
      {% include "nominations/_draft_author.html" %}
      {% include "nominations/_return_notice.html" with d=ur.submit_deadline %}</td>
    <td>{{ n.award_form.name }}</td>
    <td class="text-nowrap">{{ n.criteria_met }}/{{ n.criteria_total }}
      <span class="badge text-bg-{% if n.criteria_status == 'met' %}success{% elif n.criteria_status == 'not_met' %}danger{% else %}warning{% endif %}">{{ n.get_criteria_status_display }}</span></td>
    <td>{% include "nominations/_status.html" %}</td>
  </tr>
{% endfor %}{% endfor %}"""

UNIT_ITEMS_REFERENCE = """{% load i18n thidua %}{% for ur in unit_rounds %}{% for g in ur.groups %}{% for n in g.nominations %}
  <li>
    <a href="{% url 'nomination_detail' n.pk %}">{{ n.nominee_name }}</a>
    <span class="small text-muted">— {{ n.get_kind_display }}, {{ n.award_form.name }}</span>
    {% include "nominations/_status.html" %}
    {% include "nominations/_draft_author.html" %}
    {% include "nominations/_return_notice.html" with d=ur.submit_deadline %}
  </li>
{% endfor %}{% endfor %}{% endfor %}"""

DECISION_ROWS_REFERENCE = """{% load i18n %}{% for nomination, declined, reason in form.rows %}
  <tr>
    <td><input class="form-check-input" type="checkbox" name="{{ form.khong.html_name }}" value="{{ nomination.pk }}" id="khong-{{ nomination.pk }}"{% if declined %} checked{% endif %}
               data-enables="{{ reason.id_for_label }}" aria-label="{% blocktranslate with name=nomination.nominee_name %}Không khen thưởng {{ name }}{% endblocktranslate %}"></td>
    <td><label for="khong-{{ nomination.pk }}">{{ nomination.nominee_name }}</label><br><small class="text-muted">{{ nomination.get_kind_display }}</small></td>
    <td>{{ nomination.proposing_unit }}</td>
    <td>{{ nomination.award_form }}</td>
    <td>
      <input type="text" class="form-control form-control-sm{% if reason.errors %} is-invalid{% endif %}" name="{{ reason.html_name }}" id="{{ reason.id_for_label }}"
             value="{{ reason.value|default_if_none:'' }}" maxlength="2000" aria-label="{{ reason.label }}" data-sparse="1">
      {% for error in reason.errors %}<div class="invalid-feedback">{{ error }}</div>{% endfor %}
    </td>
  </tr>
{% endfor %}"""


def _squeezed(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _rows(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>.*?</{tag}>", _squeezed(html))


def _reference(source: str, response) -> str:
    return engines["django"].from_string(source).render(response.context[0].flatten(), response.wsgi_request)


@pytest.fixture
def world():
    world = make_report_world()
    simulate_round(round_=world.round, nominations=40, seed=7, leave_share=0.35, return_share=0.3)
    add_copies(world.round, 150, seed=3)
    returned = list(Nomination.objects.filter(round=world.round, status=Status.RETURNED).order_by("id").values_list("pk", flat=True))
    Nomination.objects.filter(pk__in=returned[:1]).update(outcome_reason="")
    Nomination.objects.filter(pk__in=returned[1:3]).update(outcome_reason='Thiếu <biên bản> & "chữ ký"')
    return world


def _mark_queue(world, order):
    """Each kind of cell on the first rows of the stage's queue."""
    waiting = list(
        Nomination.objects.filter(round=world.round, stage__order=order, status=Status.IN_REVIEW)
        .order_by("proposing_unit__name", "kind", "id")[:6]
    )
    elsewhere = (
        Nomination.objects.filter(round=world.round, kind="individual")
        .exclude(proposing_unit=waiting[0].proposing_unit).exclude(status__in=(Status.DRAFT, Status.REJECTED)).first()
    )
    Nomination.objects.filter(pk=waiting[1].pk).update(kind="individual", person_identifier=elsewhere.person_identifier)
    Nomination.objects.filter(pk=waiting[2].pk).update(position='Trưởng <phòng> & "kế hoạch"')
    CouncilVote.objects.filter(nomination=waiting[3]).update(votes_for=0)
    CouncilVote.objects.filter(nomination=waiting[4]).delete()


@pytest.mark.parametrize("user, order", [("stage:2", 2), ("stage:3", 3), ("administrator", 2)])
def test_queue_rows_are_the_rows_the_template_wrote(client, world, user, order):
    _mark_queue(world, order)
    client.force_login(world.users[user])
    with clock.frozen_at(world.at_stage(order)):
        response = client.get(reverse("review_queue", args=(world.round.pk, order)))
        expected = _rows(_reference(QUEUE_ROW_REFERENCE, response), "tr")
    section = response.content.decode().split('aria-labelledby="hang-cho-tieu-de"', 1)[1].split("</tbody>", 1)[0]
    written = _rows(section, "tr")[1:]  # the head's row aside
    assert len(written) > 5
    assert written == expected
    page = "".join(written)
    if user != "administrator":
        assert 'id="chon-' in page
    for shown in ("Chưa đạt", "Chưa có", "Một người được hai đơn vị đề nghị", "&lt;phòng&gt; &amp; &quot;kế hoạch&quot;"):
        assert shown in page, shown


@pytest.mark.parametrize("officer", ["officer:so-tai-chinh-nt", "officer:so-xd-nt"])
@pytest.mark.parametrize("day", ["submission", "after the deadline"])
def test_unit_rows_are_the_rows_the_templates_wrote(client, world, officer, day):
    client.force_login(world.users[officer])
    at = world.at_stage(1) if day == "submission" else world.at_stage(3)
    with clock.frozen_at(at):
        round_page = client.get(reverse("unit_round", args=(world.round.pk,)))
        expected_rows = _rows(_reference(UNIT_ROWS_REFERENCE, round_page), "tr")
        home = client.get(reverse("home"))
        expected_items = _rows(_reference(UNIT_ITEMS_REFERENCE, home), "li")
    written_rows = [row for row in _rows(round_page.content.decode(), "tr") if "/ho-so/" in row]
    written_items = [item for item in _rows(home.content.decode(), "li") if "/ho-so/" in item]
    assert len(written_rows) > 5
    assert written_rows == expected_rows
    assert written_items == expected_items
    page = "".join(written_rows)
    own = Nomination.objects.filter(round=world.round, proposing_unit=world.units[officer.split(":")[1]])
    assert ("draft-author" in page) == own.filter(status__in=(Status.DRAFT, Status.RETURNED)).exists()
    assert ("return-notice" in page) == own.filter(status=Status.RETURNED).exists()


def test_unit_rows_show_returns_with_and_without_a_reason(client, world):
    """Every unit's returned nominations, as a unit sees them on its round page."""
    units = Nomination.objects.filter(round=world.round, status=Status.RETURNED).values_list("proposing_unit__code", flat=True)
    pages = []
    with clock.frozen_at(world.at_stage(1)):
        for code in set(units):
            if f"officer:{code}" not in world.users:
                continue
            client.force_login(world.users[f"officer:{code}"])
            pages.append(client.get(reverse("unit_round", args=(world.round.pk,))).content.decode())
    page = "".join(pages)
    for shown in ("draft-author", "return-notice", "(cơ quan xét không ghi lý do)", "Thiếu &lt;biên bản&gt; &amp; &quot;chữ ký&quot;"):
        assert shown in page, shown


def test_decision_rows_are_the_rows_the_template_wrote(client, world):
    """The form as first shown, and sent back with errors: a ticked row without a reason, a reason
    too long, a reason with markup, a reason typed for a row left unticked."""
    client.force_login(world.users["stage:4"])
    url = reverse("review_decision", args=(world.round.pk,))
    waiting = list(
        Nomination.objects.filter(round=world.round, stage__order=4, status=Status.IN_REVIEW).order_by("id").values_list("pk", flat=True)
    )
    assert len(waiting) > 4
    sent = {
        "number": "", "date": "31/12/2024", "signer": "Trần Quốc Nam",
        "khong": waiting[:3], f"reason_{waiting[1]}": "x" * 2001, f"reason_{waiting[2]}": 'Chưa <đủ> & "tiêu chuẩn"',
        f"reason_{waiting[3]}": "Không đánh dấu",
    }
    with clock.frozen_at(world.at_stage(4)):
        shown = client.get(url)
        sent_back = client.post(url, sent)
        for response in (shown, sent_back):
            assert response.status_code == 200
            expected = _rows(_reference(DECISION_ROWS_REFERENCE, response), "tr")
            written = [row for row in _rows(response.content.decode(), "tr") if 'name="khong"' in row]
            assert len(written) == len(waiting)
            assert written == expected
    page = sent_back.content.decode()
    assert page.count(" checked") == 3 and page.count("is-invalid") >= 2
    assert "Chưa &lt;đủ&gt; &amp; &quot;tiêu chuẩn&quot;" in page and 'value="Không đánh dấu"' in page
