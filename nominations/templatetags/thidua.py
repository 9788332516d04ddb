"""Template filters of the nomination pages: {% load thidua %}. The number and date formats
(|so, |phan_tram, |dung_luong) are builtins of every template (campaigns/templatetags/vn_format.py)."""
import html

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from campaigns.models import NomineeKind
from campaigns.vn_format import vn_percent
from nominations import display
from nominations.models import CriteriaStatus, Status

register = template.Library()


@register.filter
def mau_trang_thai(status):
    """Bootstrap colour of a nomination status."""
    return display.NOMINATION_STATUS_COLOURS.get(status, "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


# --- The rows of a unit's pages ------------------------------------------------------------------
#
# The unit officer's home and round page list up to GROUP_ROWS nominations of each group (drafts,
# returned, each stage, each outcome), a few hundred rows for a large unit. Through the template
# language each row cost three includes and some twenty nodes, more than the rest of the page; the
# rows are therefore written here in one pass (as review_tags.queue_table_rows writes the queue's):
# the same markup and translated strings as the partials they replace (_status.html,
# _draft_author.html, _return_notice.html), every value escaped. The rows come from
# nominations.selectors.unit_rounds (their names joined: `nominee_unit_name`, `award_form_name`,
# `author_*`).

_CRITERIA_COLOURS = {"met": "success", "not_met": "danger"}
_DETAIL_PK = 987654321  # reversed once a page, then replaced by each row's id


def _escape(value) -> str:
    return html.escape(str(value))


class _UnitRowStrings:
    """What the rows repeat, translated and escaped once a page; `submit_deadline` (the unit's
    Deadline) is rendered once, for the return notices."""

    def __init__(self, submit_deadline):
        self.detail_url = reverse("nomination_detail", args=(_DETAIL_PK,))
        self.kinds = {value: _escape(label) for value, label in NomineeKind.choices}
        self.criteria = {value: _escape(label) for value, label in CriteriaStatus.choices}
        self.statuses = {value: _escape(label) for value, label in Status.choices}
        self.author_line = gettext("Người lập: %(who)s, ngày %(day)s")
        self.return_notice_head = (
            '\n<div class="alert alert-warning py-2 px-3 my-1 small return-notice" role="note">\n'
            f'  <strong>{_escape(gettext("Lý do trả lại:"))}</strong> '
        )
        self.submit_deadline = submit_deadline
        self._return_notice_tail = None
        self.no_reason = _escape(gettext("(cơ quan xét không ghi lý do)"))

    def url(self, nomination) -> str:
        return self.detail_url.replace(str(_DETAIL_PK), str(int(nomination.pk)))

    def name(self, nomination) -> str:
        return _escape(nomination.full_name if nomination.kind == NomineeKind.INDIVIDUAL else nomination.nominee_unit_name)

    def status(self, nomination) -> str:
        colour = display.NOMINATION_STATUS_COLOURS.get(nomination.status, "secondary")
        return f'<span class="badge text-bg-{colour}">{self.statuses.get(nomination.status) or _escape(nomination.status)}</span>'

    def author(self, nomination) -> str:
        if nomination.status not in (Status.DRAFT, Status.RETURNED):
            return ""
        who = f"{nomination.author_first_name} {nomination.author_last_name}".strip() or nomination.author_username
        # As the template's |date: in the current time zone (Vietnam's), then dd/mm/yyyy.
        line = self.author_line % {"who": who, "day": date_filter(template_localtime(nomination.created_at), "d/m/Y")}
        return f'\n<div class="small text-muted draft-author">{_escape(line)}</div>'

    def return_notice_of(self, nomination) -> str:
        if nomination.status != Status.RETURNED:
            return ""
        reason = _escape(nomination.outcome_reason) if nomination.outcome_reason else self.no_reason
        return self.return_notice_head + reason + self.return_notice_tail()

    def return_notice_tail(self) -> str:
        """The resubmission deadline of the return notices (rendered at the first returned row)."""
        if self._return_notice_tail is None:
            tail, d = ["\n  "], self.submit_deadline
            if d:
                deadline = render_to_string("nominations/_deadline.html", {"d": d})
                tail.append(f'<br><strong>{_escape(gettext("Hạn gửi lại:"))}</strong> {deadline}\n    ')
                if d.past:
                    tail.append(_escape(gettext("Chỉ gửi lại được khi cơ quan xét gia hạn cho đơn vị.")))
            tail.append("\n</div>")
            self._return_notice_tail = "".join(tail)
        return self._return_notice_tail


@register.simple_tag
def unit_nomination_rows(nominations, submit_deadline=None):
    """The <tr> of each nomination of a group on the unit's round page (name, kind and nominee
    unit, author and return notice; award form; criteria; status)."""
    strings = _UnitRowStrings(submit_deadline)
    rows = []
    for n in nominations:
        unit = f", {_escape(n.nominee_unit_name)}" if n.kind == NomineeKind.INDIVIDUAL else ""
        rows.append(
            f'<tr><td><a href="{strings.url(n)}">{strings.name(n)}</a><br><small class="text-muted">{strings.kinds.get(n.kind, "")}{unit}</small>'
            f"{strings.author(n)}{strings.return_notice_of(n)}</td>"
            f"<td>{_escape(n.award_form_name)}</td>"
            f'<td class="text-nowrap">{int(n.criteria_met)}/{int(n.criteria_total)} '
            f'<span class="badge text-bg-{_CRITERIA_COLOURS.get(n.criteria_status, "warning")}">{strings.criteria.get(n.criteria_status, "")}</span></td>'
            f"<td>{strings.status(n)}</td></tr>"
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def council_result_rows(results, meeting):
    """The <tr> of each row of a council meeting's results (the unit council page: nominee and
    award form, votes over the members, their share, the rule's requirement, the outcome), as
    the rows of templates/nominations/council.html were written one by one."""
    passed = f'<span class="badge text-bg-success">{_escape(gettext("Đạt"))}</span>'
    not_passed = f'<span class="badge text-bg-danger">{_escape(gettext("Không đạt"))}</span>'
    members, award_forms, rows = int(meeting.members_total), {}, []
    for row in results:
        nomination, outcome = row["nomination"], row["outcome"]
        award_form = nomination.award_form
        if award_form.pk not in award_forms:
            award_forms[award_form.pk] = _escape(award_form.name)
        verdict = passed if outcome.passed else f'{not_passed}<div class="small">{_escape(outcome.reason)}</div>'
        rows.append(
            f'          <tr>\n            <td><a href="{_escape(row["detail_url"])}">{_escape(nomination.nominee_name)}</a><br>'
            f'<small class="text-muted">{award_forms[award_form.pk]}</small></td>\n'
            f'            <td class="num">{int(row["vote"].votes_for)}/{members}</td>\n'
            f'            <td class="num">{_escape(vn_percent(outcome.share_percent, 1))}</td>\n'
            f'            <td class="small">{row["requirement"]}</td>\n'
            f"            <td>{verdict}</td>\n          </tr>"
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def unit_nomination_items(nominations, submit_deadline=None):
    """The <li> of each nomination of a group on the unit officer's home (name, kind, award form,
    status, author and return notice)."""
    strings = _UnitRowStrings(submit_deadline)
    return mark_safe("\n".join(
        f'<li><a href="{strings.url(n)}">{strings.name(n)}</a>\n'
        f'<span class="small text-muted">— {strings.kinds.get(n.kind, "")}, {_escape(n.award_form_name)}</span>\n'
        f"{strings.status(n)}{strings.author(n)}{strings.return_notice_of(n)}</li>"
        for n in nominations
    ))
