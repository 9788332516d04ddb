"""The spreadsheets: each exporter says what its sheets are and yields their rows; xlsx.py writes.

- AwardListExporter: the award list of a round at any stage or after the decision, filtered.
- QuotaReportExporter: every quota rule with its limit, the places held past each stage, what is left.
- ParticipationExporter: units registered and sending by each deadline, late units, extensions.
- DecisionListExporter: the list attached to a Quyết định khen thưởng.
"""
from __future__ import annotations

import io
from itertools import groupby
from typing import Callable, Iterable, Iterator

from campaigns import clock
from campaigns.models import NomineeKind, Round
from campaigns.vn_format import long_date, lowercase_slug
from nominations.display import vietnamese_labels
from nominations.models import AwardDecision, Status

from . import selectors
from .filters import AwardListFilters, ResolvedFilters, resolve
from .xlsx import DATE, INT, PERCENT, XLSX_CONTENT_TYPE, Column, Marked, Section, Sheet, fit_width, write_workbook

STATUS_LABELS = vietnamese_labels(Status)
KIND_LABELS = vietnamese_labels(NomineeKind)


class Exporter:
    """pretix's ListExporter: `sheets()` yields Sheet objects whose rows are plain lists;
    `write()` streams them to a file, `render()` returns (filename, content_type, bytes)."""

    identifier = ""
    verbose_name = ""
    file_stem = ""  # a round's export is named "<file_stem>-<campaign>-<round>.xlsx"

    def __init__(self, round_: Round):
        self.round = round_

    def filename(self) -> str:
        return f"{self.file_stem}-{_round_slug(self.round)}.xlsx"

    def sheets(self) -> Iterable[Sheet]:
        raise NotImplementedError

    def write(self, target, *, progress: Callable[[int], None] | None = None) -> int:
        return write_workbook(self.sheets(), target, progress=progress)

    def render(self) -> tuple[str, str, bytes]:
        buffer = io.BytesIO()
        self.write(buffer)
        return self.filename(), XLSX_CONTENT_TYPE, buffer.getvalue()


def _round_slug(round_: Round) -> str:
    return f"{lowercase_slug(round_.campaign.code)}-{lowercase_slug(round_.code)}"


def round_heading(round_: Round, title: str, *details: str, exported: str = "") -> list[str]:
    """The heading rows of a round's sheet: the campaign, TITLE — ROUND in capitals, the details,
    the export date (followed by `exported`, e.g. a count)."""
    return [
        round_.campaign.name,
        f"{title} — {round_.name}".upper(),
        *details,
        f"Ngày xuất: {clock.today():%d/%m/%Y}.{exported}",
    ]


def award_form_runs(records: Iterable, form_id: Callable) -> Iterator[tuple[int, Iterator]]:
    """Records sorted by award form, one award form at a time: (its id, an iterator of its records),
    lazily (itertools.groupby), so a streamed list stays streamed; read a run before asking for the
    next one."""
    return groupby(records, key=form_id)


# --- The award list ------------------------------------------------------------------------------


class AwardListExporter(Exporter):
    identifier = "award_list"
    verbose_name = "Danh sách đề nghị khen thưởng"
    file_stem = "danh-sach-khen-thuong"

    def __init__(self, round_: Round, filters: AwardListFilters | None = None, *, user=None):
        """`user`: the rows are limited to what this user may see; None (the shell): every row."""
        super().__init__(round_)
        self.filters = filters or AwardListFilters()
        self.user = user
        self.resolved: ResolvedFilters = resolve(round_, self.filters)
        self.queryset = selectors.award_list_queryset(round_, self.resolved, user=user)
        self._measure = None

    @property
    def measure(self) -> selectors.ListMeasure:
        if self._measure is None:
            self._measure = selectors.measure(self.queryset)
        return self._measure

    def count(self) -> int:
        return self.measure.count

    def columns(self) -> list[Column]:
        m = self.measure
        return [
            Column("STT", 6, INT),
            Column("Tên tập thể / Họ và tên", fit_width(m.name, "Họ và tên", minimum=18, maximum=36)),
            Column("Chức vụ", fit_width(m.position, "Chức vụ", minimum=10, maximum=24)),
            Column("Đơn vị đề nghị", fit_width(m.unit, "Đơn vị đề nghị", minimum=16, maximum=32)),
            Column("Đối tượng", 10),
            Column("Khối", fit_width(m.category, "Khối", minimum=10, maximum=24)),
            Column("Hình thức khen thưởng", 22),
            Column("Tóm tắt thành tích", 48),
            Column("Số tiêu chí đạt", 9, INT),
            Column("Tổng số tiêu chí", 9, INT),
            Column("Phiếu đồng ý tại Hội đồng đơn vị", 11, INT),
            Column("Số thành viên Hội đồng đơn vị", 11, INT),
            Column("Tỷ lệ đồng ý / tổng số thành viên", 11, PERCENT),
            Column("Bước hiện tại", 24),
            Column("Trạng thái", 14),
            Column("Số quyết định", 14),
            Column("Ngày quyết định", 12, DATE),
        ]

    def heading(self, award_form_name: str = "", count: int | None = None) -> list[str]:
        heading = round_heading(
            self.round, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", self.resolved.describe(),
            exported=f" Số hồ sơ: {self.count() if count is None else count}.",
        )
        if award_form_name:
            heading[1] += f"\nHình thức: {award_form_name}"
        return heading

    def _rows(self, records) -> Iterable[list]:
        number = 0
        for (
            (
                _id, _form_id, kind, full_name, nominee_unit, position, proposing_unit, category, award_form, summary,
                met, total, stage_order, stage_name, status, decision_number, decision_date,
            ),
            vote,
        ) in records:
            number += 1
            votes, members = vote or (None, None)
            yield [
                number,
                selectors.nominee_name(kind, full_name, nominee_unit),
                position or None,
                proposing_unit,
                KIND_LABELS.get(kind, kind),
                category,
                award_form,
                summary,
                met,
                total,
                votes,
                members,
                (votes / members) if votes is not None and members else None,
                f"{stage_order}. {stage_name}",
                STATUS_LABELS.get(status, status),
                decision_number,
                decision_date,
            ]

    def sheets(self) -> Iterable[Sheet]:
        columns = self.columns()
        records = selectors.award_list_rows(self.queryset, self.round)
        if not self.filters.per_award_form:
            yield Sheet(title="Danh sách", heading=self.heading(), columns=columns, rows=self._rows(records))
            return
        # One sheet per award form: the rows come sorted by award form, so each sheet takes its run.
        forms = list(self.round.award_forms.order_by("order", "pk"))
        if self.resolved.award_form is not None:
            forms = [self.resolved.award_form]
        per_form = selectors.count_by_award_form(self.queryset)
        runs = award_form_runs(records, lambda row: row[0][1])  # (record, vote): the record's award form id
        run = next(runs, None)
        for form in forms:
            heading = self.heading(form.name, per_form.get(form.pk, 0))
            mine = run is not None and run[0] == form.pk  # a form with no nomination: an empty sheet
            yield Sheet(title=form.name, heading=heading, columns=columns, rows=self._rows(run[1] if mine else ()))
            if mine:  # the writer has read this sheet's rows by now
                run = next(runs, None)


# --- The quota report ----------------------------------------------------------------------------


def _stage_header(stage, index: int, count: int) -> str:
    if index == 0:
        return "Đề nghị (đơn vị đã gửi)"
    if index == count - 1:
        return "Được khen thưởng / đề nghị cấp trên"
    who = (stage.organisation.short_name or stage.organisation.name) if stage.organisation_id else stage.name
    return f"Chấp thuận ở bước {stage.order} ({who})"


class QuotaReportExporter(Exporter):
    identifier = "quota_report"
    verbose_name = "Báo cáo số lượng khen thưởng"
    file_stem = "so-luong-khen-thuong"

    def sheets(self) -> Iterable[Sheet]:
        report = selectors.quota_report(self.round)
        stages = report.stages
        fixed = [
            Column("STT", 6, INT),
            Column("Quy định số lượng", 40),
            Column("Hình thức khen thưởng", 24),
            Column("Đối tượng", 12),
            Column("Phạm vi", 14),
            Column("Đơn vị", 24),
            Column("Áp dụng từ", 16),
            Column("Số lượng tối đa", 10, INT),
        ]
        stage_columns = [Column(_stage_header(s, i, len(stages)), 13, INT) for i, s in enumerate(stages)]
        columns = fixed + stage_columns + [Column("Còn lại", 9, INT), Column("Nguồn", 32)]
        first_stage_col = len(fixed)
        left_col = first_stage_col + len(stages)

        def rows():
            for number, row in enumerate(report.rows, 1):
                rule = row.rule
                values = [
                    number,
                    rule.label or str(rule),
                    rule.award_form.name,
                    rule.get_nominee_kind_display(),
                    rule.get_scope_display(),
                    row.group or None,
                    rule.get_binds_at_display(),
                    row.limit,
                    *[row.past[s.order] for s in stages],
                    row.left,
                    rule.source,
                ]
                marked = {first_stage_col + i for i, s in enumerate(stages) if row.over_at(s.order)}
                if row.left < 0:
                    marked.add(left_col)
                yield Marked(values, frozenset(marked)) if marked else values

        stage_notes = [f"Bước {s.order}: {s.name} — hạn chót {s.deadline:%d/%m/%Y}." for s in stages]
        yield Sheet(
            title="Số lượng khen thưởng",
            heading=round_heading(
                self.round, "BÁO CÁO SỐ LƯỢNG KHEN THƯỞNG",
                "Số hồ sơ đã qua từng bước và còn giữ chỗ (đang xét ở bước sau, được khen thưởng hoặc đã đề nghị cấp trên).",
            ),
            columns=columns,
            rows=rows(),
            notes=[
                "Còn lại = số lượng tối đa − số hồ sơ giữ chỗ ở bước đầu tiên quy định áp dụng "
                "('khi đơn vị đề nghị': bước 1; 'khi cấp xét chọn': bước 2).",
                "Ô màu đỏ: vượt số lượng tối đa. Quy trình trên Cổng không cho phép vượt; ô đỏ chỉ xuất hiện "
                "khi dữ liệu bị sửa trực tiếp, cần kiểm tra lại.",
                *stage_notes,
            ],
        )


# --- Participation and deadlines -----------------------------------------------------------------


class ParticipationExporter(Exporter):
    identifier = "participation"
    verbose_name = "Báo cáo tham gia và thời hạn"
    file_stem = "tham-gia-thoi-han"

    def sheets(self) -> Iterable[Sheet]:
        data = selectors.participation(self.round)
        first = data.stages.first
        unit_rows = [
            [
                n, u.name, u.category, u.registered_on, u.nominations, u.sent, u.first_sent, u.last_sent,
                first.deadline, u.extended_to, u.state_label,
            ]
            for n, u in enumerate(data.units, 1)
        ]
        yield Sheet(
            title="Đơn vị tham gia",
            heading=round_heading(self.round, "Đơn vị tham gia, gửi hồ sơ"),
            columns=[
                Column("STT", 6, INT),
                Column("Đơn vị", 36),
                Column("Khối", 22),
                Column("Ngày đăng ký thi đua", 12, DATE),
                Column("Số hồ sơ", 9, INT),
                Column("Số hồ sơ đã gửi", 9, INT),
                Column("Gửi lần đầu", 12, DATE),
                Column("Gửi lần cuối", 12, DATE),
                Column("Hạn chót", 12, DATE),
                Column("Được gia hạn đến", 12, DATE),
                Column("Tình hình", 22),
            ],
            rows=unit_rows,
            notes=[
                f"Hạn chót gửi hồ sơ: hết ngày {first.deadline:%d/%m/%Y} (bước 1: {first.name}). "
                "'Gửi lần đầu' tính theo giờ Việt Nam.",
            ],
        )

        stage_rows = []
        n = 0
        if self.round.registration_deadline:
            n += 1
            stage_rows.append(
                [n, "Đăng ký thi đua", "Các đơn vị", self.round.registration_deadline, "đơn vị",
                 data.registration_on_time, data.registration_late, None]
            )
        for t in data.timeliness:
            n += 1
            organisation = t.stage.organisation.name if t.stage.organisation_id else "Các đơn vị"
            unit = "đơn vị" if t.stage.pk == first.pk else "hồ sơ"
            stage_rows.append([n, f"{t.stage.order}. {t.stage.name}", organisation, t.deadline, unit, t.on_time, t.late, t.waiting])
        yield Sheet(
            title="Theo hạn chót",
            heading=round_heading(self.round, "Thực hiện theo hạn chót"),
            columns=[
                Column("STT", 6, INT),
                Column("Việc, bước", 44),
                Column("Cơ quan thực hiện", 30),
                Column("Hạn chót", 12, DATE),
                Column("Đếm theo", 9),
                Column("Đúng hạn", 10, INT),
                Column("Sau hạn", 10, INT),
                Column("Chưa thực hiện / còn chờ", 12, INT),
            ],
            rows=stage_rows,
            notes=[
                "Bước 1: số đơn vị gửi hồ sơ lần đầu đúng hạn, sau hạn (được gia hạn), chưa gửi. Các bước sau: số lượt "
                "chuyển tiếp, trả lại, không chấp thuận trong hạn và sau hạn; số hồ sơ còn chờ ở bước.",
            ],
        )

        extension_rows = [
            [
                n, f"{e.stage.order}. {e.stage.name}", e.unit.name, e.stage.deadline, e.new_deadline,
                (e.new_deadline - e.stage.deadline).days, e.reason,
                e.granted_by.get_full_name() or e.granted_by.get_username(), clock_day(e.granted_at),
            ]
            for n, e in enumerate(data.extensions, 1)
        ]
        yield Sheet(
            title="Gia hạn",
            heading=round_heading(self.round, "Các trường hợp gia hạn"),
            columns=[
                Column("STT", 6, INT),
                Column("Bước", 36),
                Column("Đơn vị được gia hạn", 30),
                Column("Hạn ban đầu", 12, DATE),
                Column("Hạn mới", 12, DATE),
                Column("Số ngày gia hạn", 9, INT),
                Column("Lý do", 40),
                Column("Người gia hạn", 20),
                Column("Ngày gia hạn", 12, DATE),
            ],
            rows=extension_rows,
        )


def clock_day(moment):
    return moment.astimezone(clock.VIETNAM).date() if moment else None


# --- The list attached to a decision -------------------------------------------------------------


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
GENDER_TITLES = {"female": "Bà", "male": "Ông"}


class DecisionListExporter(Exporter):
    """"Danh sách tập thể, cá nhân được khen thưởng (Kèm theo Quyết định số ... ngày ...)":
    collectives then individuals, under each award form, numbered from 1 in each group; A4 portrait,
    Times New Roman 13 (Nghị định 30/2020)."""

    identifier = "decision_list"
    verbose_name = "Danh sách kèm theo Quyết định"

    def __init__(self, decision: AwardDecision):
        super().__init__(decision.round)
        self.decision = decision

    def filename(self) -> str:
        number = lowercase_slug(self.decision.number) or str(self.decision.pk)
        return f"danh-sach-kem-quyet-dinh-{number}.xlsx"

    def heading(self) -> list[str]:
        """"(Kèm theo Quyết định số 12/QĐ-UBND ngày 31 tháng 12 năm 2024 của Chủ tịch Ủy ban nhân dân
        tỉnh Sơn La)": the authority that decides (the round's decision stage), in words, whatever the
        signer's title as recorded ("CHỦ TỊCH", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH")."""
        from dossiers.sources import decision_authority

        d = self.decision
        authority = decision_authority(d.round) or d.signer_title
        by = f" của {authority}" if authority else ""
        return [
            "DANH SÁCH",
            "Tập thể, cá nhân được khen thưởng",
            f"(Kèm theo Quyết định số {d.number} {long_date(d.date)}{by})",
        ]

    def _groups(self):
        """[(award form id, its name, its records)]: the records are in memory (one decision's)."""
        forms = []
        for form_id, run in award_form_runs(selectors.decision_rows(self.decision), lambda record: record[0]):
            records = list(run)
            forms.append((form_id, records[0][1], records))
        return forms

    def sheets(self) -> Iterable[Sheet]:
        forms = self._groups()

        def rows():
            for form_id, form_name, records in forms:
                if len(forms) > 1:
                    yield Section(form_name.upper())
                numeral = 0
                for kind, label in ((NomineeKind.COLLECTIVE, "TẬP THỂ"), (NomineeKind.INDIVIDUAL, "CÁ NHÂN")):
                    group = [r for r in records if r[2] == kind]
                    if not group:
                        continue
                    yield Section(f"{ROMAN[numeral]}. {label} ({len(group)})")
                    numeral += 1
                    for number, (_fid, award_form, _kind, gender, full_name, position, nominee_unit, proposing_unit) in enumerate(group, 1):
                        if kind == NomineeKind.INDIVIDUAL:
                            title = GENDER_TITLES.get(gender, "")
                            name = f"{title} {full_name}".strip()
                            unit = nominee_unit
                        else:
                            name, unit = nominee_unit, proposing_unit if proposing_unit != nominee_unit else None
                        yield [number, name, position or None, unit, award_form]

        collectives = sum(1 for _, _, records in forms for r in records if r[2] == NomineeKind.COLLECTIVE)
        individuals = sum(1 for _, _, records in forms for r in records if r[2] == NomineeKind.INDIVIDUAL)
        yield Sheet(
            title="Danh sách kèm Quyết định",
            heading=self.heading(),
            columns=[
                Column("STT", 6, INT),
                Column("Tên tập thể / Họ và tên", 32),
                Column("Chức vụ", 20),
                Column("Đơn vị", 32),
                Column("Hình thức khen thưởng", 26),
            ],
            rows=rows(),
            landscape=False,
            font_size=13,
            notes=[f"Tổng số: {collectives} tập thể, {individuals} cá nhân."],
        )
