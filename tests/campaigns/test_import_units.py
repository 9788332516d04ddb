"""Importing units from an Excel file: the service, the `import_units` command and the admin upload.

Every spreadsheet is built here with openpyxl, into tmp_path.
"""
import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from campaigns.models import Level, Unit, UnitImportJob
from campaigns.services.units import MAX_FILE_SIZE, NOT_XLSX, UnitImportError, import_units
from tests.factories import UnitCategoryFactory, UnitFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["Mã", "Tên", "Khối", "Cấp", "Đơn vị cấp trên", "Viết tắt", "Địa danh", "Email", "Hiệu lực từ", "Hiệu lực đến"]
LEVEL_HELP = "(dùng tinh/huyen/xa hoặc Cấp tỉnh/Cấp huyện/Cấp xã)"
DATE_HELP = "(nhập ngày Excel hoặc dạng dd/mm/yyyy)"


def write_xlsx(path, rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def good_row(code="xa-a", *, parent="huyen-a", name=None, category="ubnd_xa", level="xa"):
    return [code, name or f"UBND {code}", category, level, parent]


@pytest.fixture
def categories(db):
    return {
        "ubnd_tinh": UnitCategoryFactory(code="ubnd_tinh", name="UBND cấp tỉnh và cơ quan giúp việc Chủ tịch"),
        "ubnd_huyen": UnitCategoryFactory(code="ubnd_huyen", name="UBND cấp huyện"),
        "ubnd_xa": UnitCategoryFactory(code="ubnd_xa", name="UBND cấp xã (xã, phường, thị trấn, đặc khu)"),
    }


@pytest.fixture
def province(categories):
    return UnitFactory(code="ubnd-tinh-son-la", name="UBND tỉnh Sơn La", category=categories["ubnd_tinh"], level=Level.TINH)


def problems_of(path, **options):
    with pytest.raises(UnitImportError) as caught:
        import_units(file=path, **options)
    return caught.value.problems


# ---------------------------------------------------------------- a good file


@pytest.mark.django_db
def test_import_units_good_file_creates_units_with_parents_and_dates(tmp_path, province):
    path = write_xlsx(
        tmp_path / "don-vi.xlsx",
        [
            # a child before its parent: the parent is written first anyway
            ["xa-chieng-an", "UBND xã Chiềng An", "UBND cấp xã", "Cấp xã", "tp-son-la", "UBND", "Sơn La",
             "chienggan@sonla.gov.vn", dt.date(2020, 1, 1), "30/06/2025"],
            ["tp-son-la", "UBND thành phố Sơn La", "ubnd_huyen", "huyen", "ubnd-tinh-son-la", "UBND", "Sơn La",
             None, "01/01/2008", None],
        ],
    )

    result = import_units(file=path)

    assert (result.created, result.updated) == (2, 0)
    assert str(result) == "Đã nhập 2 đơn vị: 2 tạo mới."
    city = Unit.objects.get(code="tp-son-la")
    commune = Unit.objects.get(code="xa-chieng-an")
    assert (city.parent, commune.parent) == (province, city)
    assert (city.level, commune.level) == (Level.HUYEN, Level.XA)
    assert (city.category.code, commune.category.code) == ("ubnd_huyen", "ubnd_xa")
    assert (commune.valid_from, commune.valid_to) == (dt.date(2020, 1, 1), dt.date(2025, 6, 30))
    assert (city.valid_from, city.valid_to) == (dt.date(2008, 1, 1), None)
    assert (commune.short_name, commune.place_name, commune.email) == ("UBND", "Sơn La", "chienggan@sonla.gov.vn")
    assert commune.path == f"{province.path}{city.pk}/{commune.pk}/"


@pytest.mark.django_db
def test_import_units_headers_match_without_case_or_diacritics(tmp_path, province):
    path = write_xlsx(
        tmp_path / "khong-dau.xlsx",
        [[1, "huyen-mai-son", "UBND huyện Mai Sơn", "UBND CAP HUYEN", "CAP HUYEN", "ubnd-tinh-son-la"]],
        headers=["STT", "MA DON VI", "ten don vi (*)", "KHỐI", "cap", "Mã đơn vị cấp trên"],
    )

    result = import_units(file=path)

    unit = Unit.objects.get(code="huyen-mai-son")
    assert (unit.name, unit.category.code, unit.level, unit.parent) == (
        "UBND huyện Mai Sơn", "ubnd_huyen", Level.HUYEN, province,
    )
    assert result.warnings == ["Bỏ qua cột không nhận ra: 'STT'."]


@pytest.mark.django_db
def test_import_units_title_row_and_blank_rows_keep_excel_row_numbers(tmp_path, categories):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐƠN VỊ THAM GIA PHONG TRÀO"])  # row 1: a title
    sheet.append(HEADERS)  # row 2
    sheet.append(good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"))  # row 3
    sheet.append([])  # row 4: blank, skipped
    sheet.append(good_row("xa-a", category="khoi-la"))  # row 5
    workbook.save(tmp_path / "tieu-de.xlsx")

    assert problems_of(tmp_path / "tieu-de.xlsx") == ["Dòng 5: khối 'khoi-la' không tồn tại"]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_import_units_numeric_codes_are_read_as_text(tmp_path, categories):
    path = write_xlsx(tmp_path / "so.xlsx", [[101, "Đơn vị 101", "ubnd_huyen", "huyen", None], [102, "Đơn vị 102", "ubnd_xa", "xa", 101]])

    import_units(file=path)

    assert Unit.objects.get(code="102").parent.code == "101"


# ---------------------------------------------------------------- each kind of bad row


BAD_ROWS = {
    "unknown category": (["xa-b", "UBND xã B", "xyz", "xa", "huyen-a"], "khối 'xyz' không tồn tại"),
    "missing category": (["xa-b", "UBND xã B", None, "xa", "huyen-a"], "thiếu khối"),
    "missing name": (["xa-b", None, "ubnd_xa", "xa", "huyen-a"], "thiếu tên đơn vị"),
    "missing code": ([None, "UBND xã B", "ubnd_xa", "xa", "huyen-a"], "thiếu mã đơn vị"),
    "code not a slug": (
        ["xã b", "UBND xã B", "ubnd_xa", "xa", "huyen-a"],
        "mã 'xã b' không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_)",
    ),
    "unknown parent": (
        ["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-khong-co"],
        "đơn vị cấp trên 'huyen-khong-co' không có trong tệp và trong hệ thống",
    ),
    "bad level": (["xa-b", "UBND xã B", "ubnd_xa", "phường", "huyen-a"], f"cấp 'phường' không hợp lệ {LEVEL_HELP}"),
    "missing level": (["xa-b", "UBND xã B", "ubnd_xa", None, "huyen-a"], "thiếu cấp"),
    "bad date text": (
        ["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-a", None, None, None, "31/02/2024"],
        f"hiệu lực từ '31/02/2024' không phải là ngày hợp lệ {DATE_HELP}",
    ),
    "date as a bare number": (
        ["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-a", None, None, None, None, 45000],
        f"hiệu lực đến '45000' không phải là ngày hợp lệ {DATE_HELP}",
    ),
    "end before start": (
        ["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-a", None, None, None, "01/07/2025", dt.date(2025, 6, 30)],
        "hiệu lực đến (30/06/2025) trước hiệu lực từ (01/07/2025)",
    ),
    "short name too long": (
        ["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-a", "X" * 41],
        "viết tắt: ",  # Django's own message follows
    ),
    "bad email": (["xa-b", "UBND xã B", "ubnd_xa", "xa", "huyen-a", None, None, "khong-phai-email"], "email: "),
}


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row, expected", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_import_units_bad_row_names_row_and_reason_and_imports_nothing(tmp_path, categories, bad_row, expected):
    path = write_xlsx(
        tmp_path / "sai.xlsx",
        [good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"), bad_row],  # rows 2 and 3
    )

    problems = problems_of(path)

    assert len(problems) == 1
    if expected.endswith(": "):
        assert problems[0].startswith(f"Dòng 3: {expected}")
    else:
        assert problems == [f"Dòng 3: {expected}"]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_import_units_duplicate_code_in_file_names_both_rows(tmp_path, categories):
    path = write_xlsx(
        tmp_path / "trung.xlsx",
        [
            good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"),
            good_row("xa-a"),
            good_row("xa-a", name="Trùng mã"),
        ],
    )

    assert problems_of(path) == ["Dòng 4: mã 'xa-a' trùng với dòng 3"]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_import_units_existing_code_is_a_duplicate_by_default(tmp_path, province):
    path = write_xlsx(tmp_path / "da-co.xlsx", [["ubnd-tinh-son-la", "Tên mới", "ubnd_tinh", "tinh", None]])

    assert problems_of(path) == [
        "Dòng 2: mã 'ubnd-tinh-son-la' đã có trong hệ thống (đơn vị 'UBND tỉnh Sơn La'); "
        "chọn 'cập nhật đơn vị đã có' (--update) nếu muốn ghi đè"
    ]
    province.refresh_from_db()
    assert province.name == "UBND tỉnh Sơn La"


@pytest.mark.django_db
def test_import_units_update_option_overwrites_existing_units(tmp_path, province, categories):
    city = UnitFactory(code="tp-son-la", name="Thành phố Sơn La", category=categories["ubnd_huyen"], level=Level.HUYEN)
    path = write_xlsx(
        tmp_path / "cap-nhat.xlsx",
        [
            ["tp-son-la", "UBND thành phố Sơn La", "ubnd_huyen", "huyen", "ubnd-tinh-son-la", "UBND"],
            ["xa-moi", "UBND xã Mới", "ubnd_xa", "xa", "tp-son-la"],
        ],
    )

    result = import_units(file=path, update=True)

    assert (result.created, result.updated) == (1, 1)
    city.refresh_from_db()
    assert (city.name, city.parent, city.short_name) == ("UBND thành phố Sơn La", province, "UBND")
    assert city.path == f"{province.path}{city.pk}/"
    assert Unit.objects.get(code="xa-moi").parent == city


@pytest.mark.django_db
def test_import_units_parent_cycle_in_file_is_refused(tmp_path, categories):
    path = write_xlsx(
        tmp_path / "vong.xlsx",
        [
            good_row("huyen-a", parent="xa-a", category="ubnd_huyen", level="huyen"),
            good_row("xa-a", parent="huyen-a"),
            good_row("xa-tu-tro", parent="xa-tu-tro"),
        ],
    )

    assert problems_of(path) == [
        "Dòng 2: đơn vị cấp trên tạo vòng lặp: huyen-a → xa-a → huyen-a",
        "Dòng 3: đơn vị cấp trên tạo vòng lặp: xa-a → huyen-a → xa-a",
        "Dòng 4: đơn vị cấp trên tạo vòng lặp: xa-tu-tro → xa-tu-tro",
    ]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_import_units_update_cannot_close_a_cycle_through_the_database(tmp_path, province, categories):
    UnitFactory(code="tp-son-la", category=categories["ubnd_huyen"], level=Level.HUYEN, parent=province)
    path = write_xlsx(tmp_path / "vong-db.xlsx", [["ubnd-tinh-son-la", "UBND tỉnh Sơn La", "ubnd_tinh", "tinh", "tp-son-la"]])

    assert problems_of(path, update=True) == [
        "Dòng 2: đơn vị cấp trên tạo vòng lặp: ubnd-tinh-son-la → tp-son-la → ubnd-tinh-son-la"
    ]
    province.refresh_from_db()
    assert province.parent is None


@pytest.mark.django_db
def test_import_units_every_bad_row_is_reported_at_once(tmp_path, categories):
    path = write_xlsx(
        tmp_path / "nhieu-loi.xlsx",
        [
            good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"),
            ["xa-b", None, "xyz", "xa", "huyen-a"],
            good_row("xa-c"),
            ["xa-d", "UBND xã D", "ubnd_xa", "thôn", "huyen-z"],
        ],
    )

    assert problems_of(path) == [
        "Dòng 3: thiếu tên đơn vị",
        "Dòng 3: khối 'xyz' không tồn tại",
        f"Dòng 5: cấp 'thôn' không hợp lệ {LEVEL_HELP}",
        "Dòng 5: đơn vị cấp trên 'huyen-z' không có trong tệp và trong hệ thống",
    ]
    assert Unit.objects.count() == 0


# ---------------------------------------------------------------- files that are not right as a whole


@pytest.mark.django_db
def test_import_units_text_file_is_not_xlsx(tmp_path, categories):
    path = tmp_path / "don-vi.xlsx"
    path.write_text("Mã,Tên,Khối,Cấp\nxa-a,UBND xã A,ubnd_xa,xa\n", encoding="utf-8")

    assert problems_of(path) == [NOT_XLSX]


@pytest.mark.django_db
def test_import_units_zip_that_is_not_a_workbook_is_not_xlsx(tmp_path, categories):
    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")

    assert problems_of(path) == [NOT_XLSX]


@pytest.mark.django_db
def test_import_units_empty_file_is_refused(tmp_path, categories):
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")

    assert problems_of(path) == ["Tệp rỗng (0 byte)."]


@pytest.mark.django_db
def test_import_units_file_over_the_size_limit_is_refused(tmp_path, categories):
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"0" * (MAX_FILE_SIZE + 1))

    assert problems_of(path) == ["Tệp quá lớn (5.0 MB); giới hạn 5 MB."]


@pytest.mark.django_db
def test_import_units_missing_file_is_reported(tmp_path, categories):
    assert problems_of(tmp_path / "khong-co.xlsx") == [f"Không tìm thấy tệp '{tmp_path / 'khong-co.xlsx'}'."]


@pytest.mark.django_db
def test_import_units_missing_required_columns_are_named(tmp_path, categories):
    path = write_xlsx(tmp_path / "thieu-cot.xlsx", [["xa-a", "UBND xã A"]], headers=["Mã", "Tên"])

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith("Thiếu cột bắt buộc: khối, cấp.")


@pytest.mark.django_db
def test_import_units_header_without_rows_is_refused(tmp_path, categories):
    assert problems_of(write_xlsx(tmp_path / "chi-tieu-de.xlsx", [])) == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]


@pytest.mark.django_db
def test_import_units_empty_workbook_is_refused(tmp_path, categories):
    assert problems_of(write_xlsx(tmp_path / "trang.xlsx", [], headers=None)) == ["Tệp trống: không có dòng tiêu đề và dữ liệu."]


# ---------------------------------------------------------------- the command


@pytest.mark.django_db
def test_import_units_command_prints_vietnamese_summary(tmp_path, categories, capsys):
    path = write_xlsx(tmp_path / "tot.xlsx", [good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"), good_row("xa-a")])

    call_command("import_units", str(path))

    assert capsys.readouterr().out.strip() == "Đã nhập 2 đơn vị: 2 tạo mới."
    assert Unit.objects.count() == 2


@pytest.mark.django_db
def test_import_units_command_fails_with_the_problems(tmp_path, categories):
    path = write_xlsx(tmp_path / "sai.xlsx", [good_row("xa-a", category="xyz", parent=None)])

    with pytest.raises(CommandError) as caught:
        call_command("import_units", str(path))

    assert caught.value.returncode == 1
    assert str(caught.value) == f"Tệp '{path}' không hợp lệ, không nhập đơn vị nào:\n  - Dòng 2: khối 'xyz' không tồn tại"
    assert Unit.objects.count() == 0


def test_import_units_command_exit_status_is_non_zero_on_a_bad_file(tmp_path):
    """The real process, on its own SQLite database: `manage.py import_units` exits 1 and says why."""
    path = write_xlsx(tmp_path / "sai.xlsx", [good_row("xa-a", category="xyz", parent=None)])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Only the campaigns app and what it depends on: the command needs no other table.
    subprocess.run([*manage, "migrate", "campaigns", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, capture_output=True)

    done = subprocess.run([*manage, "import_units", str(path)], cwd=ROOT, env=env, capture_output=True, text=True)

    assert done.returncode == 1
    assert "Dòng 2: khối 'xyz' không tồn tại" in done.stderr


# ---------------------------------------------------------------- the admin upload


@pytest.fixture
def admin_user_client(client, db):
    """A superuser; the import job runs in the request (Celery eager, as without a broker)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    client.force_login(UserFactory(superuser=True))
    yield client
    app.conf.task_always_eager = previous


IMPORT_URL = "admin:campaigns_unit_import"


def upload(client, path=None, *, name="don-vi.xlsx", content=None, follow=False, **data):
    content = Path(path).read_bytes() if path is not None else content
    file = SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return client.post(reverse(IMPORT_URL), {"file": file, **data}, follow=follow)


@pytest.mark.django_db
def test_unit_changelist_links_to_the_import_page(admin_user_client):
    page = admin_user_client.get(reverse("admin:campaigns_unit_changelist"))

    assert page.status_code == 200
    assert f'href="{reverse(IMPORT_URL)}"' in page.content.decode()
    assert "Nhập đơn vị từ Excel" in page.content.decode()


@pytest.mark.django_db
def test_admin_import_page_shows_the_form(admin_user_client):
    page = admin_user_client.get(reverse(IMPORT_URL))

    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()


@pytest.mark.django_db
def test_admin_import_good_file_creates_units_and_returns_to_the_list(admin_user_client, tmp_path, province):
    path = write_xlsx(tmp_path / "tot.xlsx", [good_row("huyen-a", parent="ubnd-tinh-son-la", category="ubnd_huyen", level="huyen"), good_row("xa-a")])

    response = upload(admin_user_client, path)

    assert response.status_code == 302
    job = UnitImportJob.objects.get()
    assert response.url == reverse("admin:campaigns_unit_import_job", args=[job.pk])
    assert Unit.objects.get(code="xa-a").parent.parent == province
    page = admin_user_client.get(response.url).content.decode()
    assert "Đã nhập 2 đơn vị: 2 tạo mới." in page and 'http-equiv="refresh"' not in page
    assert reverse("admin:campaigns_unit_changelist") in page


@pytest.mark.django_db
def test_admin_import_bad_file_lists_problems_and_saves_nothing(admin_user_client, tmp_path, categories):
    path = write_xlsx(tmp_path / "sai.xlsx", [good_row("huyen-a", parent=None, category="ubnd_huyen", level="huyen"), good_row("xa-a", category="xyz")])

    response = upload(admin_user_client, path, follow=True)

    assert response.status_code == 200
    assert response.context["job"].problems == ["Dòng 3: khối 'xyz' không tồn tại"]
    html = response.content.decode()
    assert "Dòng 3: khối &#x27;xyz&#x27; không tồn tại" in html
    assert "chưa nhập đơn vị nào" in html
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_existing_code_with_update_checked_updates(admin_user_client, tmp_path, province):
    path = write_xlsx(tmp_path / "cap-nhat.xlsx", [["ubnd-tinh-son-la", "Ủy ban nhân dân tỉnh Sơn La", "ubnd_tinh", "tinh", None]])

    response = upload(admin_user_client, path, update="on")

    assert response.status_code == 302
    province.refresh_from_db()
    assert province.name == "Ủy ban nhân dân tỉnh Sơn La"


@pytest.mark.django_db
def test_admin_import_non_excel_upload_is_explained(admin_user_client, categories):
    response = upload(admin_user_client, name="anh.png", content=b"\x89PNG\r\n\x1a\n not really")

    assert response.status_code == 200
    assert response.context["problems"] == [NOT_XLSX]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_empty_upload_is_a_form_error(admin_user_client, categories):
    response = upload(admin_user_client, content=b"")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp rỗng (0 byte)."]


@pytest.mark.django_db
def test_admin_import_without_file_is_a_form_error(admin_user_client, categories):
    response = admin_user_client.post(reverse(IMPORT_URL), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Hãy chọn tệp Excel cần nhập."]


@pytest.mark.django_db
def test_admin_import_huge_upload_is_a_form_error(admin_user_client, categories):
    response = upload(admin_user_client, content=b"0" * (MAX_FILE_SIZE + 1))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp quá lớn (5.0 MB); giới hạn 5 MB."]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_admin_import_is_forbidden_to_staff_without_add_permission(client, tmp_path, categories):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse(IMPORT_URL)).status_code == 403
