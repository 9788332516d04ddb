"""Import units (đơn vị) from an Excel spreadsheet (.xlsx).

The file is read and EVERY row is validated first; when any row is wrong, nothing is imported and
`UnitImportError.problems` lists each problem with its Excel row number, in Vietnamese
("Dòng 7: khối 'xyz' không tồn tại"). When every row is right, all rows are written in one
transaction, parents before children.

The sheet (the first worksheet of the workbook) has a header row; headers are matched ignoring
case, diacritics, punctuation and anything in parentheses ("Mã đơn vị (*)" = "ma don vi"):

    required  mã (code) · tên (name) · khối (category code or name) · cấp (tinh/huyen/xa or
              "Cấp tỉnh"/"Cấp huyện"/"Cấp xã")
    optional  đơn vị cấp trên (parent code: a row of the same file, before or after, or an existing
              unit) · viết tắt · địa danh · email · hiệu lực từ · hiệu lực đến (Excel dates or
              dd/mm/yyyy text)

Columns the importer does not know (STT, ghi chú...) are ignored and reported as warnings; rows
whose known columns are all empty are skipped.

Existing codes: by default a code that already exists in the database is an error ("đã có trong
hệ thống"), so that a file imported twice, or a typo that hits another unit's code, never
overwrites a unit silently. With `update=True` such rows update the existing unit instead: every
column present in the file overwrites the unit's field (an empty optional cell clears it); fields
whose column is absent from the file are kept.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction

from campaigns.models import Level, Unit, UnitCategory

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes, of the .xlsx as uploaded
# A zip bomb (a small .xlsx whose shared strings expand to 100 MB) is refused from the archive's
# directory, before openpyxl reads a byte of it. 5,000 rows of ten columns take about 5 MB of XML.
MAX_UNCOMPRESSED_SIZE = 20 * 1024 * 1024  # bytes, of all the .xlsx's parts once uncompressed
MAX_PART_SIZE = 10 * 1024 * 1024  # bytes, of any one part (the sheet, xl/sharedStrings.xml...)
MAX_PARTS = 500  # parts in the archive
MAX_ROWS = 5000  # data rows per file
HEADER_SEARCH_ROWS = 10  # the header may sit under a title row or two


class UnitImportError(Exception):
    """The file cannot be imported; `problems` lists every reason, row by row. Nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    units: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def __str__(self):
        text = f"Đã nhập {self.created + self.updated} đơn vị: {self.created} tạo mới"
        if self.updated:
            text += f", {self.updated} cập nhật"
        return text + "."


# ---------------------------------------------------------------- columns


def fold(text) -> str:
    """Lower case, no diacritics (đ → d), no parenthesised notes, punctuation as single spaces."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    text = re.sub(r"\(.*?\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# field name → (label used in messages, accepted headers once folded)
COLUMNS = {
    "code": ("mã", {"ma", "ma don vi", "ma dv", "code"}),
    "name": ("tên", {"ten", "ten don vi", "ten dv", "name"}),
    "category": ("khối", {"khoi", "khoi thi dua", "loai don vi", "khoi loai don vi", "category"}),
    "level": ("cấp", {"cap", "cap don vi", "cap hanh chinh", "level"}),
    "parent": ("đơn vị cấp trên", {"don vi cap tren", "ma don vi cap tren", "cap tren", "ma cap tren", "parent"}),
    "short_name": ("viết tắt", {"viet tat", "ten viet tat", "short name"}),
    "place_name": ("địa danh", {"dia danh", "place name"}),
    "email": ("email", {"email", "e mail", "thu dien tu"}),
    "valid_from": ("hiệu lực từ", {"hieu luc tu", "tu ngay", "valid from"}),
    "valid_to": ("hiệu lực đến", {"hieu luc den", "den ngay", "valid to"}),
}
REQUIRED = ("code", "name", "category", "level")
_HEADER_TO_FIELD = {alias: name for name, (_, aliases) in COLUMNS.items() for alias in aliases}

LEVELS = {
    "tinh": Level.TINH,
    "cap tinh": Level.TINH,
    "huyen": Level.HUYEN,
    "cap huyen": Level.HUYEN,
    "xa": Level.XA,
    "cap xa": Level.XA,
}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


@dataclass
class _Row:
    number: int  # the Excel row number, as the user sees it
    values: dict  # field name → cleaned value
    problems: list = field(default_factory=list)


# ---------------------------------------------------------------- entry point


PROGRESS_EVERY = 250  # rows between two progress reports


def import_units(*, file, update: bool = False, progress=None, within: Unit | None = None) -> ImportResult:
    """Validate every row of `file` (a path, or a file object such as an upload), then create the
    units in one transaction. Raises UnitImportError, having saved nothing, if anything is wrong.
    `progress(phase, done, total)`, if given, hears how far it got (the import job's page).
    `within`: every unit of the file must lie under this unit (the campaign editor imports the
    participants of its campaign's territory, nothing outside it)."""
    report = progress or (lambda phase, done=0, total=0: None)
    report("Đang đọc tệp", 0, 0)
    headers, raw_rows = _read_sheet(_read_bytes(file))
    columns, result_warnings = _map_columns(headers)
    rows = []
    for index, (number, values) in enumerate(raw_rows):
        if index % PROGRESS_EVERY == 0:
            report("Đang kiểm tra từng dòng", index, len(raw_rows))
        rows.append(_clean_row(number, values, columns))
    rows = [row for row in rows if row is not None]
    if not rows:
        raise UnitImportError(["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."])
    report("Đang đối chiếu với đơn vị trong hệ thống", len(raw_rows), len(raw_rows))
    existing = _validate(rows, columns, update=update)
    if within is not None:
        _check_within(rows, existing, within)
    problems = [f"Dòng {row.number}: {message}" for row in rows for message in row.problems]
    if problems:
        raise UnitImportError(problems)
    report("Đang ghi đơn vị", len(raw_rows), len(raw_rows))
    result = _write(rows, columns, existing)
    result.warnings = result_warnings
    return result


# ---------------------------------------------------------------- reading


def _read_bytes(file) -> bytes:
    """The file's content, refusing missing, empty and oversized files before parsing anything."""
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_SIZE:
                raise UnitImportError([_too_big(size)])
            data = path.read_bytes()
        except FileNotFoundError:
            raise UnitImportError([f"Không tìm thấy tệp '{path}'."])
        except OSError as error:
            raise UnitImportError([f"Không đọc được tệp '{path}': {error.strerror or error}."])
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_FILE_SIZE:
            raise UnitImportError([_too_big(size)])
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_FILE_SIZE + 1)
        if len(data) > MAX_FILE_SIZE:
            raise UnitImportError([_too_big(len(data))])
    if not data:
        raise UnitImportError(["Tệp rỗng (0 byte)."])
    return data


def check_workbook_file(file) -> None:
    """The cheap checks, for the upload's request: size, a zip, not a zip bomb. Raises
    UnitImportError; reads the archive's directory only, never the sheet."""
    _check_archive(_read_bytes(file))


def _check_archive(data: bytes) -> None:
    """A zip whose parts stay within the expanded-size limits (its directory only is read), or
    UnitImportError."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise UnitImportError([NOT_XLSX])
    try:
        with zipfile.ZipFile(buffer) as archive:
            _check_expanded_size(archive.infolist())
    except zipfile.BadZipFile:
        raise UnitImportError([NOT_XLSX])


def _too_big(size):
    return f"Tệp quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MB."


NOT_XLSX = (
    "Tệp không phải là tệp Excel .xlsx hợp lệ. Nếu là tệp .xls (Excel 97-2003) hoặc .csv, "
    "hãy mở bằng Excel và lưu lại dưới dạng 'Excel Workbook (.xlsx)'."
)


def _read_sheet(data: bytes):
    """(header values, [(row number, row values)...]) of the first worksheet."""
    _check_archive(data)

    from openpyxl import load_workbook  # imported here: only the import needs it

    # openpyxl raises many kinds of errors on a damaged or foreign file (KeyError for a zip that is
    # not a workbook, XML errors, ValueError...): whatever it raises, the file is not one we can read.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style", unsupported extensions: harmless
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise UnitImportError(["Tệp không có trang tính nào."])
                rows = []
                for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
                    rows.append((number, values))
                    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                        break
            finally:
                workbook.close()
    except UnitImportError:
        raise
    except Exception:
        logger.info("Unreadable spreadsheet uploaded for unit import", exc_info=True)
        raise UnitImportError([NOT_XLSX])

    header_index = _find_header(rows)
    if header_index is None:
        raise UnitImportError(["Tệp trống: không có dòng tiêu đề và dữ liệu."])
    headers = rows[header_index][1]
    data_rows = rows[header_index + 1 :]
    if len(data_rows) > MAX_ROWS:
        raise UnitImportError([f"Tệp có quá nhiều dòng (hơn {MAX_ROWS}); hãy chia thành nhiều tệp."])
    return headers, data_rows


TOO_BIG_EXPANDED = (
    "Nội dung tệp quá lớn sau khi giải nén ({what}: {size:.1f} MB, giới hạn {limit} MB). "
    "Tệp danh sách đơn vị thường chỉ vài MB: hãy xoá các trang tính, cột, định dạng thừa "
    "hoặc chia thành nhiều tệp nhỏ hơn."
)


def _check_expanded_size(parts):
    """Refuse an archive that would expand beyond the limits, from the sizes in its directory
    (zipfile stops at the declared size and rejects a part that claims less than it holds)."""
    if len(parts) > MAX_PARTS:
        raise UnitImportError([f"Tệp có quá nhiều thành phần ({len(parts)}); đây không phải tệp danh sách đơn vị."])
    mb = 1024 * 1024
    for info in parts:
        if info.file_size > MAX_PART_SIZE:
            what = "bảng chuỗi ký tự" if info.filename.endswith("sharedStrings.xml") else f"phần '{info.filename[:60]}'"
            raise UnitImportError([TOO_BIG_EXPANDED.format(what=what, size=info.file_size / mb, limit=MAX_PART_SIZE // mb)])
    total = sum(info.file_size for info in parts)
    if total > MAX_UNCOMPRESSED_SIZE:
        raise UnitImportError([TOO_BIG_EXPANDED.format(what="tổng cộng", size=total / mb, limit=MAX_UNCOMPRESSED_SIZE // mb)])


def _find_header(rows):
    """The first row (among the first few) naming at least two known columns; else the first
    non-empty row, whose missing columns are then reported."""
    first_non_empty = None
    for index, (_, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [v for v in values if v not in (None, "")]
        if not cells:
            continue
        if first_non_empty is None:
            first_non_empty = index
        if sum(1 for v in cells if fold(v) in _HEADER_TO_FIELD) >= 2:
            return index
    return first_non_empty


def _map_columns(headers):
    """field name → column index. Missing required or repeated columns are file-level errors."""
    columns, problems, unknown = {}, [], []
    for index, header in enumerate(headers):
        if header in (None, ""):
            continue
        name = _HEADER_TO_FIELD.get(fold(header))
        if name is None:
            unknown.append(str(header).strip())
        elif name in columns:
            problems.append(f"Cột '{COLUMNS[name][0]}' xuất hiện nhiều lần trong dòng tiêu đề.")
        else:
            columns[name] = index
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        problems.append(
            "Thiếu cột bắt buộc: " + ", ".join(missing) + ". Dòng tiêu đề cần các cột: "
            + ", ".join(COLUMNS[name][0] for name in REQUIRED)
            + " (tùy chọn: " + ", ".join(COLUMNS[n][0] for n in COLUMNS if n not in REQUIRED) + ")."
        )
    if problems:
        raise UnitImportError(problems)
    found_warnings = [f"Bỏ qua cột không nhận ra: {', '.join(repr(u) for u in unknown)}."] if unknown else []
    return columns, found_warnings


# ---------------------------------------------------------------- cleaning one row


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 12, not 12.0
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _clean_row(number, raw, columns):
    """A _Row with the cells converted, its problems noted; None for a row with nothing in it."""
    cells = {name: (raw[index] if index < len(raw) else None) for name, index in columns.items()}
    if all(_text(v) == "" for v in cells.values()):
        return None
    row = _Row(number=number, values={})
    for name in ("code", "name", "parent", "short_name", "place_name", "email"):
        if name in cells:
            row.values[name] = _text(cells[name])
    row.values["category_input"] = _text(cells["category"])
    row.values["level"] = _clean_level(row, _text(cells["level"]))
    for name in ("valid_from", "valid_to"):
        if name in cells:
            row.values[name] = _clean_date(row, cells[name], COLUMNS[name][0])
    return row


def _clean_level(row, text):
    if not text:
        row.problems.append("thiếu cấp")
        return None
    level = LEVELS.get(fold(text))
    if level is None:
        row.problems.append(f"cấp '{text}' không hợp lệ (dùng tinh/huyen/xa hoặc Cấp tỉnh/Cấp huyện/Cấp xã)")
    return level


def _clean_date(row, value, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if isinstance(value, str):
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    row.problems.append(f"{label} '{text}' không phải là ngày hợp lệ (nhập ngày Excel hoặc dạng dd/mm/yyyy)")
    return None


# ---------------------------------------------------------------- validating the whole file


def _validate(rows, columns, *, update):
    """Note every row's problems; return the existing units the file touches, by code."""
    all_categories = list(UnitCategory.objects.all())
    categories = {fold(category.name): category for category in all_categories}
    for category in all_categories:
        categories[fold(category.code)] = category  # a code wins over a name that folds the same

    codes = {row.values.get("code") for row in rows} | {row.values.get("parent") for row in rows}
    codes.discard("")
    codes.discard(None)
    existing = {unit.code: unit for unit in Unit.objects.filter(code__in=codes).select_related("parent")}
    first_row_of = {}

    for row in rows:
        values = row.values
        code = values.get("code", "")
        if not code:
            row.problems.append("thiếu mã đơn vị")
        else:
            try:
                validate_slug(code)
            except ValidationError:
                row.problems.append(
                    f"mã '{code}' không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_)"
                )
            if code in first_row_of:
                row.problems.append(f"mã '{code}' trùng với dòng {first_row_of[code]}")
            else:
                first_row_of[code] = row.number
            if code in existing and not update:
                row.problems.append(
                    f"mã '{code}' đã có trong hệ thống (đơn vị '{existing[code].name}'); "
                    "chọn 'cập nhật đơn vị đã có' (--update) nếu muốn ghi đè"
                )
        if not values.get("name"):
            row.problems.append("thiếu tên đơn vị")
        category_input = values.pop("category_input")
        if not category_input:
            row.problems.append("thiếu khối")
        else:
            values["category"] = categories.get(fold(category_input))
            if values["category"] is None:
                row.problems.append(f"khối '{category_input}' không tồn tại")
        valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            row.problems.append(
                f"hiệu lực đến ({valid_to:%d/%m/%Y}) trước hiệu lực từ ({valid_from:%d/%m/%Y})"
            )

    for row in rows:
        parent = row.values.get("parent")
        if parent and parent not in first_row_of and parent not in existing:
            row.problems.append(f"đơn vị cấp trên '{parent}' không có trong tệp và trong hệ thống")

    _check_cycles(rows, first_row_of, existing)
    _check_fields(rows, existing, update=update)
    return existing


def _check_within(rows, existing, within: Unit):
    """Every row's unit ends up under `within`: its parent is `within`, a unit under it, or a row of
    the file that is; an existing unit it updates is already under it."""
    parent_in_file = {row.values.get("code"): row.values.get("parent") for row in rows if row.values.get("code")}
    known = {u.code: u for u in Unit.objects.filter(code__in={p for p in parent_in_file.values() if p})}
    known.update(existing)

    def under(unit) -> bool:
        return unit is not None and unit.pk != within.pk and unit.path.startswith(within.path)

    def lands_inside(code, seen=()) -> bool:
        """Whether the unit `code` (a row of the file or a unit of the database) is `within` or under it."""
        if code == within.code:
            return True
        if code in seen:
            return False  # a cycle: reported by _check_cycles
        if code in parent_in_file and parent_in_file[code]:
            return lands_inside(parent_in_file[code], (*seen, code))
        return under(known.get(code))

    for row in rows:
        code = row.values.get("code")
        if not code:
            continue
        if code in existing and not under(existing[code]):
            row.problems.append(f"đơn vị '{code}' không thuộc {within.name}: không sửa được từ phong trào này")
        elif not lands_inside(code):
            row.problems.append(f"đơn vị cấp trên phải là {within.name} hoặc một đơn vị thuộc đó (mã '{within.code}')")


def _check_cycles(rows, first_row_of, existing):
    """A unit may not be its own ancestor, through the file's rows or the database's units."""
    # Without a parent column, an updated unit keeps its parent: the database's then applies.
    parent_in_file = {
        row.values["code"]: row.values["parent"] or None for row in rows if row.values.get("code") and "parent" in row.values
    }
    database_parent = _database_parents()

    def parent_of(code):
        if code in parent_in_file:
            return parent_in_file[code]
        return database_parent.get(code)

    for row in rows:
        start = row.values.get("code")
        if not start or first_row_of.get(start) != row.number or not row.values.get("parent"):
            continue
        chain, current = [start], parent_of(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = parent_of(current)
        if current == start:
            cycle = " → ".join(chain + [start])
            row.problems.append(f"đơn vị cấp trên tạo vòng lặp: {cycle}")


def _database_parents():
    return dict(Unit.objects.filter(parent__isnull=False).values_list("code", "parent__code"))


def _check_fields(rows, existing, *, update):
    """The model's own field checks (lengths, e-mail...), on the rows with no other problem."""
    for row in rows:
        if row.problems:
            continue
        unit = _unit_for(row, existing) if update else Unit()
        _apply(unit, row.values, parent=None)
        try:
            unit.full_clean(exclude=["parent", "successor"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = COLUMNS.get(name, (name,))[0]
                for message in messages:
                    row.problems.append(f"{label}: {message}")


# ---------------------------------------------------------------- writing


_PLAIN_FIELDS = ("code", "name", "category", "level", "short_name", "place_name", "email", "valid_from", "valid_to")


def _unit_for(row, existing):
    unit = existing.get(row.values["code"])
    return Unit.objects.get(pk=unit.pk) if unit is not None else Unit()


def _apply(unit, values, *, parent):
    for name in _PLAIN_FIELDS:
        if name in values:
            setattr(unit, name, values[name])
    if "parent" in values:
        unit.parent = parent


def _depth(code, parent_in_file, memo):
    """How many of the file's rows are above this one: parents are written first."""
    if code not in memo:
        parent = parent_in_file.get(code)
        memo[code] = 0 if parent not in parent_in_file else _depth(parent, parent_in_file, memo) + 1
    return memo[code]


def _write(rows, columns, existing):
    parent_in_file = {row.values["code"]: row.values.get("parent") or None for row in rows}
    memo = {}
    ordered = sorted(rows, key=lambda row: (_depth(row.values["code"], parent_in_file, memo), row.number))
    result = ImportResult()
    try:
        with transaction.atomic():
            saved = {}
            for row in ordered:
                code = row.values["code"]
                unit = _unit_for(row, existing)
                is_new = unit.pk is None
                parent_code = row.values.get("parent")
                parent = None
                if parent_code:
                    parent = saved.get(parent_code) or Unit.objects.get(code=parent_code)
                _apply(unit, row.values, parent=parent)
                unit.full_clean()
                unit.save()
                saved[code] = unit
                result.units.append(unit)
                if is_new:
                    result.created += 1
                else:
                    result.updated += 1
    except ValidationError as error:
        # Validated above; something changed in between (another import, an admin edit).
        raise UnitImportError([f"Dòng {row.number}: {'; '.join(error.messages)}"])
    except IntegrityError:
        raise UnitImportError(
            [f"Dòng {row.number}: không lưu được đơn vị '{row.values['code']}' (có thể vừa được tạo bởi người khác); không nhập gì, hãy thử lại."]
        )
    return result
