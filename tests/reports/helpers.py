"""Helpers of the report tests: open a produced workbook again, in normal mode."""
import io

from openpyxl import load_workbook

RED = "FFF4B6B6"


def reopen(data):
    """The workbook from bytes or a path, read back by openpyxl in normal (not read-only) mode."""
    source = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    return load_workbook(source)


def table(ws, header_row):
    """(header, data rows) of a sheet: the rows after the header up to the first empty row."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header, body = list(rows[0]), []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        body.append(list(row))
    return header, body


def is_red(cell):
    return cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill.start_color.rgb == RED
