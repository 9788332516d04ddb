"""Open data: the public list of a round's awards, as CSV (UTF-8 with BOM, for Excel) and JSON.

Only what a decision makes public: the awardee's name, the unit, the award form, the decision's
number and date. No person identifier, year of birth, gender or position is read from the
database (selectors.OPEN_DATA_FIELDS), so none can leak into the files. Dates are ISO 8601
(yyyy-mm-dd), which Excel and every open-data tool read. A CSV cell that would start a formula in a
spreadsheet (= + - @) starts with a single quote instead (campaigns.text.csv_text); the JSON keeps
the text as it is.
"""
from __future__ import annotations

import csv
import io
import json

from campaigns.models import NomineeKind, Round
from campaigns.text import clean_value, csv_text
from nominations.display import vietnamese_labels

from . import selectors

FIELDS = ["stt", "ten", "doi_tuong", "don_vi", "hinh_thuc_khen_thuong", "so_quyet_dinh", "ngay_quyet_dinh"]
HEADERS = {
    "stt": "STT",
    "ten": "Tên tập thể / Họ và tên",
    "doi_tuong": "Đối tượng",
    "don_vi": "Đơn vị",
    "hinh_thuc_khen_thuong": "Hình thức khen thưởng",
    "so_quyet_dinh": "Số quyết định",
    "ngay_quyet_dinh": "Ngày quyết định",
}
KIND_LABELS = vietnamese_labels(NomineeKind)


def records(round_: Round) -> list[dict]:
    rows = []
    for number, (kind, full_name, nominee_unit, proposing_unit, award_form, decision_number, decision_date) in enumerate(
        selectors.open_data_rows(round_), 1
    ):
        row = {
            "stt": number,
            "ten": selectors.nominee_name(kind, full_name, nominee_unit),
            "doi_tuong": KIND_LABELS.get(kind, kind),
            "don_vi": nominee_unit if kind == NomineeKind.INDIVIDUAL else proposing_unit,
            "hinh_thuc_khen_thuong": award_form,
            "so_quyet_dinh": decision_number,
            "ngay_quyet_dinh": decision_date.isoformat(),
        }
        # Cleaned (campaigns.text): text stored before input was cleaned may hold control characters.
        rows.append({key: clean_value(value) for key, value in row.items()})
    return rows


def as_csv(round_: Round) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Vietnamese text correctly; a header row of
    Vietnamese column names."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writerow(HEADERS)
    # A name like "=HYPERLINK(...)" must not become a formula in Excel (OWASP, CSV Injection).
    writer.writerows({key: csv_text(value) for key, value in row.items()} for row in records(round_))
    return buffer.getvalue().encode("utf-8-sig")


def as_json(round_: Round) -> bytes:
    rows = records(round_)
    decisions = sorted({(r["so_quyet_dinh"], r["ngay_quyet_dinh"]) for r in rows}, key=lambda d: (d[1], d[0]))
    document = {
        "phong_trao": {"ma": round_.campaign.code, "ten": round_.campaign.name},
        "dot": {"ma": round_.code, "ten": round_.name, "nam": round_.year},
        "quyet_dinh": [{"so": number, "ngay": day} for number, day in decisions],
        "so_luong": len(rows),
        "truong": {name: HEADERS[name] for name in FIELDS},
        "danh_sach": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
