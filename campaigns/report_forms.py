"""The báo cáo thành tích forms of a legal basis, as data (campaigns/data/reference.yaml,
`legal_bases[].forms`), and which one a round's nominee reports on.

A legal basis lists its forms keyed by template name (templates/dossiers/<template_set>/<key>.html):
    bao_cao_phong_trao: {number: "Mẫu số 08", status: inferred, award_kind: phong_trao,
                         nominees: [collective, individual], fields: [...], earlier_awards: false}
- `award_kind`: the kind of award the form serves (Luật Thi đua, khen thưởng 2022: khen thưởng
  phong trào thi đua theo đợt hoặc chuyên đề vs công trạng). A round's kind is its `report_form`
  ("bao_cao_phong_trao": a movement by round or theme; empty: công trạng).
- `nominees`: collective, individual or both (the movement's form is one form for both).
- `fields`: the particulars of section I the nomination form asks for (Nomination's fields, REPORT_FIELDS).
- `earlier_awards`: whether the form has section III (danh hiệu thi đua; hình thức khen thưởng).
- `status`: attested (read in a source) or inferred (reasoned; to check against the decree).
A form given as a plain string ("Mẫu số 01") is a number and nothing else.
"""
from __future__ import annotations

from campaigns.models import NomineeKind, ReportForm

AWARD_KINDS = {"phong_trao": "thi đua theo đợt, chuyên đề", "cong_trang": "công trạng"}
FORM_STATUSES = ("attested", "inferred")

# The nominee's particulars a report form may ask (Nomination field -> label, as the report prints it).
INDIVIDUAL_FIELDS = {
    "birth_date": "Sinh ngày, tháng, năm",
    "gender": "Giới tính",
    "hometown": "Quê quán",
    "residence": "Trú quán",
    "position": "Chức vụ (Đảng, chính quyền, đoàn thể)",
    "qualification": "Trình độ chuyên môn, nghiệp vụ",
    "political_theory": "Lý luận chính trị",
    "academic_rank": "Học hàm",
    "academic_degree": "Học vị",
}
COLLECTIVE_FIELDS = {
    "headquarters": "Trụ sở",
    "unit_profile": "Đặc điểm, tình hình",
    "unit_functions": "Chức năng, nhiệm vụ",
    "unit_structure": "Tổ chức bộ máy (cơ cấu tổ chức)",
}
REPORT_FIELDS = {**INDIVIDUAL_FIELDS, **COLLECTIVE_FIELDS}
FIELDS_OF = {NomineeKind.INDIVIDUAL: INDIVIDUAL_FIELDS, NomineeKind.COLLECTIVE: COLLECTIVE_FIELDS}
DEFAULT_TEMPLATES = {NomineeKind.COLLECTIVE: "bao_cao_tap_the", NomineeKind.INDIVIDUAL: "bao_cao_ca_nhan"}


def normalised(forms: dict | None) -> dict[str, dict]:
    """Every form as a dict ("Mẫu số 01" -> {"number": "Mẫu số 01"})."""
    return {key: (dict(value) if isinstance(value, dict) else {"number": str(value)}) for key, value in (forms or {}).items()}


def numbers(forms: dict | None) -> dict[str, str]:
    """{template name: form number} ("to_trinh": "Mẫu số 01")."""
    return {key: value.get("number", "") for key, value in normalised(forms).items()}


def problems(forms) -> list[str]:
    """What is wrong with a legal basis's `forms` (Vietnamese, for the loader)."""
    if forms is None:
        return []
    if not isinstance(forms, dict):
        return ["'forms' phải là bảng: tên mẫu → số mẫu hoặc mô tả mẫu"]
    found = []
    for key, form in normalised(forms).items():
        where = f"forms.{key}"
        if not form.get("number"):
            found.append(f"{where}: thiếu 'number' (ví dụ \"Mẫu số 02\")")
        if form.get("status") and form["status"] not in FORM_STATUSES:
            found.append(f"{where}: 'status' phải là attested hoặc inferred (nhận được '{form['status']}')")
        kind = form.get("award_kind")
        if kind is None:
            continue
        if kind not in AWARD_KINDS:
            found.append(f"{where}: 'award_kind' phải là một trong {', '.join(AWARD_KINDS)} (nhận được '{kind}')")
        nominees = form.get("nominees") or []
        if not nominees or any(n not in NomineeKind.values for n in nominees):
            found.append(f"{where}: 'nominees' phải là danh sách gồm collective và/hoặc individual")
        allowed = {field for n in nominees if n in NomineeKind.values for field in FIELDS_OF[n]}
        for field in form.get("fields") or []:
            if field not in allowed:
                found.append(f"{where}: trường '{field}' không thuộc mẫu của {', '.join(nominees)} (chọn trong: {', '.join(sorted(allowed))})")
        if form.get("status") is None:
            found.append(f"{where}: mẫu báo cáo cần 'status' (attested: đã đối chiếu nguồn; inferred: suy ra)")
    return found


def award_kind_of(report_form: str) -> str:
    """The kind of award of a round from its `report_form`."""
    return "phong_trao" if report_form == ReportForm.PHONG_TRAO else "cong_trang"


def report_form_for(forms: dict | None, report_form: str, nominee_kind: str) -> dict:
    """The form a nominee of this kind reports on in a round of this kind of award: the legal basis's
    form for that award kind and nominee, else (a basis without such a form) the form per nominee."""
    forms = normalised(forms)
    kind = award_kind_of(report_form)
    for wanted in (kind, "cong_trang"):
        for key, form in forms.items():
            if form.get("award_kind") == wanted and nominee_kind in (form.get("nominees") or []):
                return _described(key, form)
    key = DEFAULT_TEMPLATES[nominee_kind]
    return _described(key, forms.get(key, {}))


def _described(key: str, form: dict) -> dict:
    return {
        "template": key,
        "number": form.get("number", ""),
        "status": form.get("status", ""),
        "award_kind": form.get("award_kind", ""),
        "fields": list(form.get("fields") or []),
        "earlier_awards": bool(form.get("earlier_awards", True)),
    }


def round_report_forms(round_) -> dict[str, dict]:
    """{nominee kind: form} for a round."""
    forms = round_.legal_basis.forms
    return {kind: report_form_for(forms, round_.report_form, kind) for kind in NomineeKind.values}


def fields_asked(round_, nominee_kind: str) -> list[str]:
    """The particulars the nomination form asks of a nominee of this kind in this round."""
    return report_form_for(round_.legal_basis.forms, round_.report_form, nominee_kind)["fields"]
