"""The one writer of every spreadsheet the portal produces (pretix's ListExporter habit).

An exporter describes its sheets (`Sheet`: title rows, columns, an iterable of rows) and this module
writes them with `Workbook(write_only=True)`, so that a 10,000-row list streams to disk without the
whole sheet in memory. Everything a provincial officer expects of a printable list is done here,
once: title rows, a styled header repeated on every printed page (print titles), A4 with
fit-to-width, the header frozen, an autofilter over the table, column widths, wrapped text, real
dates and numbers.

Every string is written as a text cell, never a formula: a name typed as `=HYPERLINK(...)` shows as
typed (`set_value`), and control characters that Excel cannot store are dropped (campaigns.text), so
text stored before input was cleaned never fails an export.

Write-only mode supports all of these (openpyxl 3.1: freeze panes, print titles, page setup,
column widths, merged cells and the autofilter are kept on the write-only sheet and written in the
sheet's head or tail), with one rule: what goes into the sheet's head (column widths, frozen
panes, page-setup properties, row heights) must be set before the first row is appended; the
autofilter and the merged cells, in the tail, may be set after the last row. Tests reopen every
file in normal mode and check each feature.
"""
from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from campaigns.text import clean_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column kinds: how a value is stored and shown.
TEXT = "text"  # short text, wrapped if longer than the column
INT = "int"  # a whole number, stored as a number
DATE = "date"  # a datetime.date, stored as an Excel date shown dd/mm/yyyy
PERCENT = "percent"  # a fraction (0.818), shown 81,8 % by Excel's locale
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
PAPERSIZE_A4 = "9"  # openpyxl: Worksheet.PAPERSIZE_A4

FONT_NAME = "Times New Roman"  # Nghị định 30/2020: Times New Roman (a metric-compatible font serves)
RED_FILL = PatternFill(fill_type="solid", start_color="FFF4B6B6", end_color="FFF4B6B6")
RED_FONT = Font(name=FONT_NAME, size=11, bold=True, color="FF9C0006")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFEFECE6", end_color="FFEFECE6")
THIN = Side(style="thin", color="FF808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = TEXT


@dataclass(frozen=True)
class Section:
    """A heading row inside the table ("I. TẬP THỂ"), merged across the columns, in bold."""

    text: str


@dataclass(frozen=True)
class Marked:
    """A row with some cells marked red (0-based column indexes): the quota report's over-limit cells."""

    values: list
    marked: frozenset = frozenset()


@dataclass
class Sheet:
    """One worksheet: `heading` lines above the table, the header row, then `rows` (lists of values
    in column order, `Section` or `Marked`), then `notes` lines under the table."""

    title: str
    heading: list[str]
    columns: list[Column]
    rows: Iterable
    landscape: bool = True
    notes: list[str] = field(default_factory=list)
    font_size: int = 11

    @property
    def header_row(self) -> int:
        return len(self.heading) + 2  # the title lines, one blank row, the header


EXCEL_CELL_MAX_CHARS = 32_767  # Excel's limit: a longer text makes it "repair" the file


def set_value(cell, value) -> None:
    """Put a value in a cell; a string is cleaned and stored as text, so a leading = is no formula."""
    if isinstance(value, str):
        cell.value = clean_text(value)[:EXCEL_CELL_MAX_CHARS]
        cell.data_type = "s"
    else:
        cell.value = value


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    clean = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in clean_text(text)).split()) or "Danh sach"
    base = clean if len(clean) <= 31 else (clean[:31].rsplit(" ", 1)[0] if " " in clean[:31] else clean[:31])
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


class _StreamSheet(WriteOnlyWorksheet):
    """A write-only sheet whose data rows are plain values that take their column's style.

    openpyxl's documented way to style a streamed cell is to append a WriteOnlyCell per value; that
    costs a new cell and a failed type conversion per value (tests/benchmarks/test_export_bench.py:
    2 to 3 times the time of writing the values unstyled). Here each column keeps one styled cell
    (_ColumnCell), reused from row to row: the sheet
    serialises every cell as soon as it is yielded, exactly as openpyxl does with the unstyled cell
    it reuses itself. A value that is already a cell (a marked, red cell) is written as it is."""

    column_cells: list | None = None

    def _values_to_row(self, values, row_idx):
        cells = self.column_cells
        if cells is None:
            yield from super()._values_to_row(values, row_idx)
            return
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                value.column, value.row = col_idx, row_idx
                yield value
                continue
            cell = cells[col_idx - 1]
            set_value(cell, value)
            cell.row = row_idx
            yield cell


class _Styles:
    """The workbook's few styles, built once."""

    def __init__(self, size: int):
        self.size = size
        self.title = Font(name=FONT_NAME, size=size + 3, bold=True)
        self.subtitle = Font(name=FONT_NAME, size=size + 1, bold=True)
        self.line = Font(name=FONT_NAME, size=size, italic=True)
        self.header = Font(name=FONT_NAME, size=size, bold=True)
        self.body = Font(name=FONT_NAME, size=size)
        self.bold = Font(name=FONT_NAME, size=size, bold=True)
        self.red = Font(name=FONT_NAME, size=size, bold=True, color="FF9C0006")
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.top_wrap = Alignment(vertical="top", wrap_text=True)
        self.top_right = Alignment(horizontal="right", vertical="top")
        self.top_centre = Alignment(horizontal="center", vertical="top")
        self.note = Alignment(horizontal="left", vertical="top", wrap_text=True)


def _cell(ws, value=None, *, font=None, alignment=None, fill=None, border=None, number_format=None, column=None):
    cell = WriteOnlyCell(ws)
    set_value(cell, value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    if column is not None:
        cell.column = column
    return cell


class _ColumnCell(Cell):
    """The cell a column's values stream through. Its style is fixed before the first row, so its
    style id is looked up once instead of once per value (openpyxl hashes the style on every
    write: a sixth of the time of a 10,000-row list)."""

    __slots__ = ("_fixed_style_id",)

    def freeze_style(self):
        self._fixed_style_id = self.parent.parent._cell_styles.add(self._style)
        return self

    @property
    def style_id(self):
        return self._fixed_style_id

    @property
    def has_style(self):
        return True


def _column_cell(ws, styles: _Styles, column: Column, index: int, *, marked=False):
    """The styled cell a column's values are written through."""
    cell = _ColumnCell(ws, row=1, column=index)
    cell.font = styles.red if marked else styles.body
    cell.border = BOX
    if marked:
        cell.fill = RED_FILL
    if column.kind == INT:
        cell.alignment = styles.top_right
    elif column.kind == DATE:
        cell.alignment, cell.number_format = styles.top_centre, DATE_FORMAT
    elif column.kind == PERCENT:
        cell.alignment, cell.number_format = styles.top_right, PERCENT_FORMAT
    else:
        cell.alignment = styles.top_wrap
    return cell.freeze_style()


def _line_height(text: str, width_chars: float, size: int) -> float:
    """The height (points) a wrapped, merged line needs: merged cells are never auto-fitted."""
    per_line = max(1, int(width_chars * 0.95))
    lines = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
    return round(lines * size * 1.45 + 4, 1)


def _write_sheet(wb, sheet: Sheet, taken: set[str], progress: Callable[[int], None] | None, every: int, done: int) -> int:
    ws = _StreamSheet(parent=wb, title=sheet_title(sheet.title, taken))
    wb._add_sheet(ws)  # what Workbook.create_sheet does for its own write-only sheets
    styles = _Styles(sheet.font_size)
    n_cols = len(sheet.columns)
    last_col = get_column_letter(n_cols)
    header_row = sheet.header_row
    total_width = sum(c.width for c in sheet.columns)

    # --- The sheet's head: set before the first row is appended. ---
    for index, column in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    # Margins in inches: 20 mm top, bottom and left, 15 mm right.
    ws.page_margins.top = ws.page_margins.bottom = 0.79
    ws.page_margins.left, ws.page_margins.right = 0.79, 0.59
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT_NAME
    for row, text in enumerate(sheet.heading, 1):
        ws.row_dimensions[row].height = _line_height(text, total_width, sheet.font_size + (3 if row == 1 else 1))
    ws.row_dimensions[header_row].height = max(
        _line_height(c.header, c.width, sheet.font_size) for c in sheet.columns
    )

    # --- Title lines, each merged across the table. ---
    for row, text in enumerate(sheet.heading, 1):
        font = styles.title if row == 1 else styles.subtitle if row == 2 else styles.line
        ws.append([_cell(ws, text, font=font, alignment=styles.centre if row <= 2 else styles.left)])
        if n_cols > 1:
            ws.merged_cells.add(f"A{row}:{last_col}{row}")
    ws.append([])
    ws.append([_cell(ws, c.header, font=styles.header, alignment=styles.centre, fill=HEADER_FILL, border=BOX) for c in sheet.columns])

    # --- The rows, streamed. ---
    plain = [_column_cell(ws, styles, c, i) for i, c in enumerate(sheet.columns, 1)]
    marked = [_column_cell(ws, styles, c, i, marked=True) for i, c in enumerate(sheet.columns, 1)]
    row_idx = header_row
    written = 0
    for row in sheet.rows:
        row_idx += 1
        if isinstance(row, Section):
            ws.column_cells = None
            ws.append([_cell(ws, row.text, font=styles.bold, alignment=styles.left, border=BOX)])
            if n_cols > 1:
                ws.merged_cells.add(f"A{row_idx}:{last_col}{row_idx}")
            continue
        if isinstance(row, Marked):
            values = list(row.values)
            for index in row.marked:
                if values[index] is not None:
                    cell = WriteOnlyCell(ws)
                    set_value(cell, values[index])
                    cell._style = copy(marked[index]._style)
                    values[index] = cell
            row = values
        ws.column_cells = plain
        ws.append(row)
        written += 1
        if progress is not None and written % every == 0:
            progress(done + written)
    ws.column_cells = None

    # --- The sheet's tail: the autofilter over header and rows, notes under the table. ---
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(row_idx, header_row + 1)}"
    if sheet.notes:
        ws.append([])
        row_idx += 1
        for text in sheet.notes:
            row_idx += 1
            ws.row_dimensions[row_idx].height = _line_height(text, total_width, sheet.font_size)  # read when the row is written
            ws.append([_cell(ws, text, font=styles.line, alignment=styles.note)])
            if n_cols > 1:  # merged across the table, so that it prints inside the page's width
                ws.merged_cells.add(f"A{row_idx}:{last_col}{row_idx}")
    return written


def write_workbook(sheets: Iterable[Sheet], target, *, progress: Callable[[int], None] | None = None, every: int = 500) -> int:
    """Write the sheets to `target` (a path or a binary file) in write-only mode; return the number
    of data rows. `progress(rows_written)` is called every `every` rows."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    done = 0
    for sheet in sheets:
        done += _write_sheet(wb, sheet, taken, progress, every, done)
    if not wb.worksheets:
        _write_sheet(wb, Sheet(title="Danh sách", heading=["Không có dữ liệu"], columns=[Column("", 20)], rows=[]), taken, None, every, 0)
    wb.save(target)
    if progress is not None:
        progress(done)
    return done


def fit_width(longest: int | None, header: str, *, minimum: float = 6, maximum: float = 60) -> float:
    """A column width (Excel's units: characters of the default font) for text whose longest value
    has `longest` characters: the database's LENGTH, one per letter for precomposed (NFC) text;
    decomposed text only makes a column wider, up to its cap. Vietnamese letters with stacked
    diacritics (ệ, ở) are as wide as their base letter in Times New Roman; the 10 % and the 2
    characters of margin cover the cell padding, and no column is narrower than the longest word of
    its header. Longer text wraps."""
    header_words = max((len(w) for w in header.split()), default=0)
    wanted = (longest or 0) * 1.1 + 2
    return round(max(minimum, header_words + 2, min(maximum, wanted)), 1)
