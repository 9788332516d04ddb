"""Open data: the public CSV and JSON of a round's awards equal the decision's list and carry no
personal identifier, year of birth or gender."""
import csv
import io
import json

import pytest
from django.urls import reverse

from campaigns.services.rounds import clone_round
from reports import open_data
from reports.selectors import decision_rows

pytestmark = pytest.mark.django_db


def urls(round_):
    args = (round_.campaign.code, round_.code)
    return reverse("open_data_csv", args=args), reverse("open_data_json", args=args)


def decision_list(world):
    """(name, unit, award form, number, ISO date) of every nomination the decision awarded."""
    d = world.decision
    return [
        (full_name if kind == "individual" else nominee_unit, nominee_unit if kind == "individual" else proposing_unit, form, d.number, d.date.isoformat())
        for _fid, form, kind, _gender, full_name, _position, nominee_unit, proposing_unit in decision_rows(d)
    ]


def test_open_data_urls():
    assert reverse("open_data_csv", args=("ninh-thuan-2024", "nam-2024")) == "/du-lieu-mo/ninh-thuan-2024/nam-2024.csv"
    assert reverse("open_data_json", args=("ninh-thuan-2024", "nam-2024")) == "/du-lieu-mo/ninh-thuan-2024/nam-2024.json"


def test_open_data_csv_equals_the_decision_list(client, report_world):
    csv_url, _ = urls(report_world.round)
    response = client.get(csv_url)  # no login: public
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="khen-thuong-ninh-thuan-2024-nam-2024.csv"'
    assert "public" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Vietnamese right
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["STT", "Tên tập thể / Họ và tên", "Đối tượng", "Đơn vị", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định"]
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows[1:]] == decision_list(report_world)
    assert rows[1:] == [
        ["1", "Sở Tài chính tỉnh Ninh Thuận", "Tập thể", "Sở Tài chính tỉnh Ninh Thuận", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "123/QĐ-UBND", "2024-12-31"],
        ["2", "Nguyễn Thị Hoa", "Cá nhân", "Sở Y tế tỉnh Ninh Thuận", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "123/QĐ-UBND", "2024-12-31"],
    ]


def test_open_data_json_equals_the_decision_list(client, report_world):
    _, json_url = urls(report_world.round)
    response = client.get(json_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert document["phong_trao"] == {"ma": "ninh-thuan-2024", "ten": "Phong trào thi đua Chuyển đổi số năm 2024 tỉnh Ninh Thuận"}
    assert document["dot"]["ma"] == "nam-2024" and document["dot"]["nam"] == 2024
    assert document["quyet_dinh"] == [{"so": "123/QĐ-UBND", "ngay": "2024-12-31"}]
    assert document["so_luong"] == 2
    rows = document["danh_sach"]
    assert [set(r) for r in rows] == [set(open_data.FIELDS)] * 2
    assert [(r["ten"], r["don_vi"], r["hinh_thuc_khen_thuong"], r["so_quyet_dinh"], r["ngay_quyet_dinh"]) for r in rows] == decision_list(report_world)


def test_open_data_has_no_personal_identifiers(client, report_world):
    person = report_world.nominations["awarded_person"]
    assert (person.person_identifier, person.birth_year, person.gender) == ("058185000123", 1985, "female")
    for url in urls(report_world.round):
        text = client.get(url).content.decode("utf-8-sig")
        for secret in ("058185000123", "1985", "female", "Nữ", "Chuyên viên", "gender", "birth", "identifier", "Bà "):
            assert secret not in text, (url, secret)


def test_open_data_lists_only_awards_by_decision(client, report_world):
    document = json.loads(client.get(urls(report_world.round)[1]).content)
    listed = {r["ten"] for r in document["danh_sach"]}
    assert "Sở Giáo dục và Đào tạo tỉnh Ninh Thuận" not in listed  # still at appraisal
    assert "Sở Xây dựng tỉnh Ninh Thuận" not in listed  # returned


def test_open_data_404_before_any_decision(client, report_world):
    later = clone_round(round_=report_world.round, year=2025)
    for url in urls(later):
        assert client.get(url).status_code == 404, url


def test_open_data_404_for_unknown_codes(client, report_world):
    assert client.get("/du-lieu-mo/khong-co/nam-2024.csv").status_code == 404
    assert client.get("/du-lieu-mo/ninh-thuan-2024/khong-co.json").status_code == 404


def test_open_data_index_lists_rounds_with_a_decision(client, report_world):
    later = clone_round(round_=report_world.round, year=2025)
    response = client.get(reverse("open_data_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert urls(report_world.round)[0] in html and urls(later)[0] not in html
