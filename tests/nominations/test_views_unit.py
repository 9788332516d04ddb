"""The unit officer's side through the Django test client: login, home, the nomination form with
live criteria statuses, evidence upload and private download, the unit council, registration,
submitting (and its deadline), the shared detail page, 404s for other units' data, and query
counts that do not grow with the number of nominations."""
import datetime as dt
import io
import json
import re
import zipfile

import pytest
import rules
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import clock
from criteria.models import Criterion, CriterionKind
from criteria.selectors import criteria_for
from nominations.models import CouncilVote, CriterionValue, Evidence, Nomination, Registration, Status

from .conftest import VIETNAM, hold_unit_council, new_nomination, refresh, submitted

pytestmark = pytest.mark.django_db

UNIT = "so-tai-chinh-nt"
OTHER = "so-y-te-nt"
DEADLINE = "30/11/2024"  # the unit stage of Ninh Thuận 2024 (derived: before Sở TT&TT's 15/12/2024)


@pytest.fixture
def world(nt_world):
    return nt_world


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer(client, world):
    client.force_login(world.users[f"officer:{UNIT}"])
    return client


def login(client, world, key):
    client.force_login(world.users[key])
    return client


def award_form(world):
    return world.round.award_forms.get(code="bang-khen-chu-tich-ubnd-tinh")


def criterion(world, code):
    return Criterion.objects.get(round=world.round, code=code)


def collective_post(world, unit_code=UNIT, *, percentage="100", **overrides):
    """What the form posts for a collective nominee meeting every criterion (percentages at `percentage`)."""
    unit = world.units[unit_code]
    form = award_form(world)
    data = {
        "kind": "collective",
        "nominee_unit": str(unit.pk),
        "award_form": str(form.pk),
        "achievement_summary": "Hoàn thành 100% chỉ tiêu chuyển đổi số năm 2024.",
        "eligibility_declared": "on",
        "save": "1",
    }
    for c in criteria_for(round_=world.round, nominee_kind="collective", category=unit.category, award_form=form):
        data[f"tc_{c.pk}"] = {
            CriterionKind.PERCENTAGE: percentage,
            CriterionKind.BOOLEAN: "yes",
            CriterionKind.RANKING: (c.accepted_values or [""])[0],
        }.get(c.kind, "Sản phẩm: số hóa 100% hồ sơ lưu trữ.")
    data.update(overrides)
    return data


def individual_post(world, unit_code=UNIT, **overrides):
    unit = world.units[unit_code]
    data = {
        "kind": "individual",
        "nominee_unit": str(unit.pk),
        "award_form": str(award_form(world).pk),
        "full_name": "Nguyễn Thị Hoa",
        "gender": "female",
        "birth_year": "1985",
        "position": "Chuyên viên",
        "person_identifier": "001185000123",
        "achievement_summary": "Xây dựng kho dữ liệu số của Sở.",
        "eligibility_declared": "on",
        "save": "1",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def pdf_bytes():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (139, 26, 26)).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes(*parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


# --- Accounts -------------------------------------------------------------------------------------


def test_login_page_renders_in_vietnamese(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1 class=\"mb-3\">Đăng nhập</h1>" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert f'href="{reverse("password_reset")}"' in html


def test_login_with_wrong_password_answers_in_vietnamese(client, world):
    response = client.post(reverse("login"), {"username": f"officer-{UNIT}", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Vui lòng điền vào" in response.content.decode()


def test_login_then_home(client, world):
    response = client.post(reverse("login"), {"username": f"officer-{UNIT}", "password": "x-Unused-9"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_home_for_anonymous_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_reset_sends_a_vietnamese_mail(client, world, mailoutbox):
    from config import password_reset

    password_reset.forget(email=f"officer-{UNIT}@example.vn", ip="127.0.0.1")  # the throttle's counts, kept in a shared cache
    response = client.post(reverse("password_reset"), {"email": f"officer-{UNIT}@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Đặt lại mật khẩu tài khoản Cổng thi đua chuyển đổi số"
    assert "/tai-khoan/dat-lai-mat-khau/" in mailoutbox[0].body
    assert "Kính gửi" in mailoutbox[0].body


# --- Home -----------------------------------------------------------------------------------------


def test_home_for_officer_lists_round_with_days_left(officer, world, in_unit_stage):
    response = officer.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.round.name in html
    assert f"Hạn gửi hồ sơ ({world.stages[0].name})" in html
    assert f"{DEADLINE}" in html
    assert "còn 5 ngày" in html
    assert "Đã đăng ký" in html
    assert reverse("nomination_create", args=[world.round.pk]) in html


def test_home_groups_officer_nominations_by_stage_and_status(officer, world):
    with clock.frozen_at(world.at_stage(1)):
        draft = new_nomination(world, UNIT, kind="individual", full_name="Lê Văn Nam", person_identifier="001085000001")
    sent = submitted(world, UNIT)
    with clock.frozen_at(world.at_stage(1)):
        response = officer.get(reverse("home"))
    groups = response.context["unit_rounds"][0].groups
    assert [(g.label, [n.pk for n in g.nominations]) for g in groups] == [
        ("Nháp", [draft.pk]),
        (f"Đang xét — {world.stages[1].name}", [sent.pk]),
    ]


def test_home_for_reviewer_links_to_the_queue_with_waiting_count(client, world):
    submitted(world, UNIT)
    login(client, world, "stage:2")
    with clock.frozen_at(world.at_stage(2)):
        response = client.get(reverse("home"))
    rows = response.context["review_stages"]
    assert [(r.stage.order, r.waiting) for r in rows] == [(2, 1)]
    assert f'href="{rows[0].queue_url}"' in response.content.decode()
    assert rows[0].queue_url in (reverse("review_queue", args=[world.round.pk, 2]), f"/xet/{world.round.pk}/2/")


# --- The nomination form ----------------------------------------------------------------------------


def test_create_nomination_through_the_form_shows_statuses(officer, world, in_unit_stage):
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), collective_post(world))
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("nomination_detail", args=[nomination.pk])
    assert (nomination.kind, nomination.nominee_unit, nomination.status) == ("collective", world.units[UNIT], Status.DRAFT)
    assert nomination.eligibility_declared is True
    statuses = dict(nomination.criterion_values.values_list("criterion__code", "status"))
    assert statuses["ho-so-cong-viec-cap-tinh"] == "met"
    assert statuses["san-pham-cu-the"] == "pending"  # evidence: the reviewing council judges
    assert nomination.criteria_status == "pending"
    html = officer.get(response["Location"]).content.decode()
    assert "Đạt" in html and "Chờ Hội đồng đánh giá" in html
    assert "từ 100% trở lên" in html


def test_form_shows_each_criterion_with_threshold_source_and_live_attributes(officer, world, in_unit_stage):
    response = officer.get(reverse("nomination_create", args=[world.round.pk]))
    html = response.content.decode()
    c = criterion(world, "tthc-truc-tuyen")
    assert response.status_code == 200
    assert "từ 70% trở lên" in html
    assert c.source in html
    assert f'data-criterion="tc_{c.pk}"' in html and 'data-operator="gte"' in html and 'data-threshold="70"' in html
    assert "js/criteria.js" in html
    assert "Sản phẩm cụ thể về chuyển đổi số" not in html  # the pledge belongs to registration
    assert "không đang bị xem xét thi hành kỷ luật" in html  # the declaration's text as the label


def test_failing_percentage_shows_not_met_and_submit_is_refused(officer, world, in_unit_stage):
    failing = criterion(world, "tthc-truc-tuyen")  # threshold: from 70 %
    data = collective_post(world, **{f"tc_{failing.pk}": "50,5"})
    officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    nomination = Nomination.objects.get()
    assert CriterionValue.objects.get(nomination=nomination, criterion=failing).status == "not_met"
    assert nomination.criteria_status == "not_met"
    hold_unit_council(world, UNIT, [nomination])

    detail = officer.get(reverse("nomination_detail", args=[nomination.pk]))
    html = detail.content.decode()
    assert "Chưa đạt" in html and "50,5 %" in html
    assert "Chưa gửi được vì:" in html
    assert "Có tiêu chí bắt buộc chưa đạt" in html
    assert f'action="{reverse("nomination_submit", args=[nomination.pk])}"' not in html

    response = officer.post(reverse("nomination_submit", args=[nomination.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [
        "Chưa gửi được hồ sơ. Có tiêu chí bắt buộc chưa đạt: hồ sơ chỉ được lưu nháp. Thiếu tệp minh chứng cho tiêu chí "
        "bắt buộc \"Đăng ký, triển khai thực hiện mỗi cơ quan, đơn vị có một sản phẩm cụ thể\"."
    ]
    assert refresh(nomination).status == Status.DRAFT


def test_percentage_over_100_gives_a_vietnamese_error_and_saves_nothing(officer, world, in_unit_stage):
    c = criterion(world, "van-ban-ky-so")
    data = collective_post(world, **{f"tc_{c.pk}": "150"})
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors[f"tc_{c.pk}"] == ["Tỷ lệ không được lớn hơn 100 %."]
    assert [r["badge"]["key"] for r in response.context["rows"] if r["criterion"] == c] == ["invalid"]
    assert response.context["overall_badge"]["key"] == "pending"  # the invalid figure is not counted as met
    assert Nomination.objects.count() == 0
    html = response.content.decode()
    assert 'value="150"' in html  # nothing typed is lost
    assert "Hồ sơ chưa được lưu" in html
    field = re.search(r'<input[^>]*name="tc_%d"[^>]*>' % c.pk, html).group(0)
    assert 'class="form-control is-invalid"' in field and 'aria-invalid="true"' in field
    assert f'id="error_1_id_tc_{c.pk}"' in html  # the message next to its field
    assert "Hoàn thành 100% chỉ tiêu chuyển đổi số năm 2024." in html


def test_letters_in_a_percentage_give_a_vietnamese_error(officer, world, in_unit_stage):
    c = criterion(world, "van-ban-ky-so")
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), collective_post(world, **{f"tc_{c.pk}": "chín mươi"}))
    assert response.context["form"].errors[f"tc_{c.pk}"] == ["Hãy nhập một tỷ lệ phần trăm là số từ 0 đến 100, ví dụ 92,5."]
    assert Nomination.objects.count() == 0


def test_individual_with_bad_year_and_identifier_gives_vietnamese_errors(officer, world, in_unit_stage):
    data = individual_post(world, birth_year="1800", person_identifier="0011850abc12", full_name="")
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    errors = response.context["form"].errors
    assert errors["birth_year"] == ["Năm sinh phải từ 1930 đến 2024."]
    assert errors["person_identifier"] == ["Số CMND/CCCD chỉ gồm chữ số (không có chữ cái, dấu chấm hay dấu gạch)."]
    assert errors["full_name"] == ["Vui lòng nhập họ và tên (bắt buộc với cá nhân)."]
    assert Nomination.objects.count() == 0
    assert 'value="0011850abc12"' in response.content.decode()


def test_identifier_must_have_9_or_12_digits(officer, world, in_unit_stage):
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), individual_post(world, person_identifier="12345"))
    assert response.context["form"].errors["person_identifier"] == [
        "Số CMND/CCCD phải có 9 chữ số (CMND) hoặc 12 chữ số (CCCD); đã nhập 5 chữ số."
    ]


def test_individual_saved_through_the_form(officer, world, in_unit_stage):
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), individual_post(world, person_identifier="001 185 000 123"))
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.full_name, nomination.birth_year, nomination.person_identifier) == ("Nguyễn Thị Hoa", 1985, "001185000123")
    assert list(nomination.criterion_values.values_list("criterion__code", flat=True)) == ["ca-nhan-thanh-tich"]


def test_refresh_rebuilds_criteria_for_a_new_kind_without_saving(officer, world, in_unit_stage):
    data = collective_post(world, kind="individual", refresh="1")
    del data["save"]
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), data)
    form = response.context["form"]
    assert Nomination.objects.count() == 0
    assert [c.code for c in form.criteria] == ["ca-nhan-thanh-tich"]
    assert not form.errors
    html = response.content.decode()
    assert "Hoàn thành 100% chỉ tiêu chuyển đổi số năm 2024." in html
    assert "Đơn vị công tác của cá nhân" in html


def test_same_collective_twice_is_a_form_error_not_a_500(officer, world, in_unit_stage):
    officer.post(reverse("nomination_create", args=[world.round.pk]), collective_post(world))
    response = officer.post(reverse("nomination_create", args=[world.round.pk]), collective_post(world))
    assert response.status_code == 200
    assert "không đề nghị nhiều hình thức khen thưởng cho một thành tích" in " ".join(response.context["form"].non_field_errors())
    assert Nomination.objects.count() == 1


def test_edit_updates_values_and_statuses(officer, world, in_unit_stage):
    officer.post(reverse("nomination_create", args=[world.round.pk]), collective_post(world, percentage="40"))
    nomination = Nomination.objects.get()
    assert nomination.criteria_status == "not_met"
    page = officer.get(reverse("nomination_edit", args=[nomination.pk]))
    assert 'value="40"' in page.content.decode()
    response = officer.post(reverse("nomination_edit", args=[nomination.pk]), collective_post(world, percentage="100"))
    assert response.status_code == 302
    assert refresh(nomination).criteria_status == "pending"
    assert Nomination.objects.count() == 1


def test_unit_pages_ask_the_rules_by_name(officer, world, in_unit_stage, monkeypatch):
    """The unit's pages decide through the predicates registered in nominations/rules.py: with the
    rule "nominations.edit_nomination" refusing, the officer's own draft is neither editable, nor
    deletable, nor open to evidence, and its page offers no edit."""
    nomination = new_nomination(world, UNIT)
    assert officer.get(reverse("nomination_edit", args=[nomination.pk])).status_code == 200
    monkeypatch.setitem(rules.permissions.permissions, "nominations.edit_nomination", rules.always_deny)
    assert officer.get(reverse("nomination_edit", args=[nomination.pk])).status_code == 404
    assert officer.get(reverse("nomination_delete", args=[nomination.pk])).status_code == 404
    detail = officer.get(reverse("nomination_detail", args=[nomination.pk]))
    assert (detail.status_code, detail.context["is_officer"], detail.context["can_edit"]) == (200, False, False)
    monkeypatch.setitem(rules.permissions.permissions, "nominations.review_nomination", rules.always_allow)
    assert officer.get(reverse("nomination_detail", args=[nomination.pk])).context["can_review"] is True


def test_other_units_officer_cannot_edit_or_see(client, world, in_unit_stage):
    nomination = new_nomination(world, UNIT)
    login(client, world, f"officer:{OTHER}")
    assert client.get(reverse("nomination_detail", args=[nomination.pk])).status_code == 404
    assert client.get(reverse("nomination_edit", args=[nomination.pk])).status_code == 404
    assert client.post(reverse("nomination_submit", args=[nomination.pk])).status_code == 404
    assert client.get(reverse("nomination_evidence", args=[nomination.pk])).status_code == 404


def test_round_of_another_territory_is_404(officer, world):
    from tests.factories import RoundFactory

    foreign = RoundFactory()
    assert officer.get(reverse("unit_round", args=[foreign.pk])).status_code == 404
    assert officer.get(reverse("nomination_create", args=[foreign.pk])).status_code == 404


# --- Evidence -------------------------------------------------------------------------------------------


@pytest.fixture
def draft(world, in_unit_stage):
    return new_nomination(world, UNIT, evidence=False)


def upload(client, nomination, name, content, **extra):
    return client.post(
        reverse("nomination_evidence", args=[nomination.pk]), {"file": SimpleUploadedFile(name, content), **extra}
    )


def test_evidence_upload_accepts_a_real_pdf_and_png(officer, world, draft, media):
    product = criterion(world, "san-pham-cu-the")
    response = upload(officer, draft, "Báo cáo sản phẩm.pdf", pdf_bytes(), criterion=str(product.pk))
    assert response.status_code == 302
    response = upload(officer, draft, "anh-chup.png", png_bytes())
    assert response.status_code == 302
    rows = list(Evidence.objects.order_by("id").values_list("original_name", "content_type", "criterion_id"))
    assert rows == [("Báo cáo sản phẩm.pdf", "application/pdf", product.pk), ("anh-chup.png", "image/png", None)]
    stored = Evidence.objects.first().file.name
    assert stored.startswith(f"private/evidence/{world.round.pk}/") and "Báo" not in stored


def test_evidence_upload_accepts_docx_and_xlsx_by_their_parts(officer, draft, media):
    assert upload(officer, draft, "bien-ban.docx", zip_bytes("word/document.xml", "[Content_Types].xml")).status_code == 302
    assert upload(officer, draft, "so-lieu.xlsx", zip_bytes("xl/workbook.xml")).status_code == 302
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bao-cao.pdf", "Đây là văn bản thường, không phải PDF.".encode(), "không phải là tệp được chấp nhận"),
        ("bao-cao.docx", None, "không phải là tệp được chấp nhận"),
        ("rong.pdf", b"", "Tệp rỗng"),
        ("lon.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "Tệp quá lớn (10 MB). Dung lượng tối đa là 10 MB."),
    ],
    ids=["text-named-pdf", "zip-named-docx", "empty", "oversize"],
)
def test_evidence_upload_refuses_by_content(officer, draft, media, name, content, message):
    content = zip_bytes("readme.txt") if content is None else content
    response = upload(officer, draft, name, content)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert Evidence.objects.count() == 0


def test_boolean_with_evidence_needed_waits_for_the_file(officer, world, draft, media):
    """Evidence changes statuses: the service re-evaluates when a file arrives."""
    before = dict(draft.criterion_values.values_list("criterion__code", "status"))
    assert before["san-pham-cu-the"] == "pending"
    upload(officer, draft, "san-pham.pdf", pdf_bytes(), criterion=str(criterion(world, "san-pham-cu-the").pk))
    assert refresh(draft).evidence.count() == 1


def test_download_gives_the_file_with_its_vietnamese_name(officer, draft, media):
    upload(officer, draft, "Báo cáo thành tích.pdf", pdf_bytes())
    evidence = Evidence.objects.get()
    response = officer.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()[:0] + evidence.file.open("rb").read()
    evidence.file.close()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Bao cao thanh tich.pdf\"; "
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A0nh%20t%C3%ADch.pdf"
    )


def test_download_by_another_units_officer_is_404(client, world, draft, media):
    login(client, world, f"officer:{UNIT}")
    upload(client, draft, "bao-cao.pdf", pdf_bytes())
    evidence = Evidence.objects.get()
    login(client, world, f"officer:{OTHER}")
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 302


def test_upload_refused_once_submitted(officer, world, media):
    nomination = submitted(world, UNIT)
    with clock.frozen_at(world.at_stage(1)):
        response = upload(officer, nomination, "bao-cao.pdf", pdf_bytes())
    assert response.status_code == 302
    assert not Evidence.objects.filter(original_name="bao-cao.pdf").exists()
    assert messages_of(response) == ["Chỉ thêm minh chứng khi hồ sơ còn nháp hoặc bị trả lại, bởi cán bộ đơn vị đề nghị."]


# --- Detail page, submit, deadline ---------------------------------------------------------------------


def test_detail_of_another_units_nomination_is_404(client, world, in_unit_stage):
    nomination = new_nomination(world, OTHER)
    login(client, world, f"officer:{UNIT}")
    assert client.get(reverse("nomination_detail", args=[nomination.pk])).status_code == 404


def test_detail_is_404_for_the_reviewer_before_submission_and_shown_after(client, world):
    with clock.frozen_at(world.at_stage(1)):
        draft = new_nomination(world, UNIT)
    login(client, world, "stage:2")
    assert client.get(reverse("nomination_detail", args=[draft.pk])).status_code == 404
    sent = submitted(world, OTHER)
    with clock.frozen_at(world.at_stage(2)):
        response = client.get(reverse("nomination_detail", args=[sent.pk]))
    assert response.status_code == 200
    assert response.context["can_review"] is True
    assert response.context["is_officer"] is False


def test_submit_before_the_deadline_moves_to_the_first_review_stage(officer, world, in_unit_stage):
    nomination = new_nomination(world, UNIT)
    hold_unit_council(world, UNIT, [nomination])
    html = officer.get(reverse("nomination_detail", args=[nomination.pk])).content.decode()
    assert f'action="{reverse("nomination_submit", args=[nomination.pk])}"' in html
    response = officer.post(reverse("nomination_submit", args=[nomination.pk]))
    nomination = refresh(nomination)
    assert (nomination.status, nomination.stage.order) == (Status.IN_REVIEW, 2)
    assert messages_of(response) == [f"Đã gửi hồ sơ đến bước \"{world.stages[1].name}\".", "Thư thông báo đã được xếp vào hàng đợi và sẽ được gửi tự động."]
    history = officer.get(reverse("nomination_detail", args=[nomination.pk])).context["history"]
    assert [(h["label"], h["from_status"], h["to_status"]) for h in history] == [("Gửi hồ sơ", "Nháp", "Đang xét")]


def test_submit_after_the_deadline_is_refused_with_the_date(officer, world):
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, UNIT)
        hold_unit_council(world, UNIT, [nomination])
    after = dt.datetime(2024, 12, 1, 0, 0, 1, tzinfo=VIETNAM)
    with clock.frozen_at(after):
        html = officer.get(reverse("nomination_detail", args=[nomination.pk])).content.decode()
        assert f'action="{reverse("nomination_submit", args=[nomination.pk])}"' not in html
        assert "Chưa gửi được vì:" in html and f"có hạn chót đến hết ngày {DEADLINE}" in html
        response = officer.post(reverse("nomination_submit", args=[nomination.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("nomination_detail", args=[nomination.pk])
    [message] = messages_of(response)
    assert message.startswith("Chưa gửi được hồ sơ. Đã hết hạn:")
    assert f"đến hết ngày {DEADLINE}" in message
    assert refresh(nomination).status == Status.DRAFT


def test_returned_nomination_is_edited_and_the_change_is_in_the_history(officer, world):
    from nominations.workflow import Action, advance

    nomination = submitted(world, UNIT)
    with clock.frozen_at(world.at_stage(2)):
        advance(nomination, Action.RETURN, actor=world.users["stage:2"], comment="Bổ sung số liệu dịch vụ công.")
    with clock.frozen_at(world.at_stage(2, days_before=0)):  # the unit corrects after the return
        page = officer.get(reverse("nomination_edit", args=[nomination.pk]))
        assert "Bổ sung số liệu dịch vụ công." in page.content.decode()
        data = collective_post(world, achievement_summary="Thành tích đã bổ sung số liệu.")
        assert officer.post(reverse("nomination_edit", args=[nomination.pk]), data).status_code == 302
        detail = officer.get(reverse("nomination_detail", args=[nomination.pk]))
    history = detail.context["history"]
    assert [h["label"] for h in history] == ["Gửi hồ sơ", "Trả lại để bổ sung", "Sửa hồ sơ sau khi gửi"]
    assert history[-1]["changes"] == [
        ("Tóm tắt thành tích", "Hoàn thành xuất sắc các chỉ tiêu chuyển đổi số.", "Thành tích đã bổ sung số liệu.")
    ]
    assert "Lý do trả lại:" in detail.content.decode()


def test_last_minute_of_the_deadline_day_still_submits(officer, world):
    with clock.frozen_at(world.at_stage(1)):
        nomination = new_nomination(world, UNIT)
        hold_unit_council(world, UNIT, [nomination])
    with clock.frozen_at(dt.datetime(2024, 11, 30, 23, 59, tzinfo=VIETNAM)):
        officer.post(reverse("nomination_submit", args=[nomination.pk]))
    assert refresh(nomination).status == Status.IN_REVIEW


# --- The unit council ---------------------------------------------------------------------------------


def council_post(nominations, votes, **overrides):
    data = {
        "date": "25/11/2024",
        "start_time": "08:00",
        "end_time": "10:30",
        "place": "Hội trường Sở Tài chính",
        "chair": "Nguyễn Văn An",
        "secretary": "Trần Thị Bình",
        "members_total": "9",
        "members_present": "9",
        "written_opinions": "0",
        "notes": "",
    }
    data.update({f"phieu_{n.pk}": str(v) for n, v in zip(nominations, votes)})
    data.update(overrides)
    return data


def test_council_form_records_votes_and_shows_fail_below_the_rule(officer, world, in_unit_stage):
    low = new_nomination(world, UNIT)
    high = new_nomination(world, UNIT, kind="individual", full_name="Phạm Văn Long", person_identifier="001080000777")
    url = reverse("unit_council", args=[world.round.pk])
    response = officer.post(url, council_post([low, high], [4, 5]))
    assert response.status_code == 302
    assert dict(CouncilVote.objects.values_list("nomination_id", "votes_for")) == {low.pk: 4, high.pk: 5}
    page = officer.get(url)
    results = {r["nomination"].pk: r["outcome"] for r in page.context["results"]}
    assert (results[low.pk].passed, results[high.pk].passed) == (False, True)
    html = page.content.decode()
    assert "44,4 %" in html and "55,6 %" in html
    assert "Không đạt" in html
    assert low.award_form.vote_rule.source in html
    assert 'value="25/11/2024"' in html  # the meeting is shown for correction, dd/mm/yyyy
    blockers = officer.get(reverse("nomination_detail", args=[low.pk])).context["submit_blockers"]
    assert any("chưa đạt: cần trên 50 % tổng số thành viên" in b.message for b in blockers)


def test_council_form_errors_are_vietnamese(officer, world, in_unit_stage):
    nomination = new_nomination(world, UNIT)
    data = council_post([nomination], [12], members_present="10", date="2024-11-25", end_time="07:00")
    response = officer.post(reverse("unit_council", args=[world.round.pk]), data)
    errors = response.context["form"].errors
    assert errors["members_present"] == ["Số thành viên có mặt không được lớn hơn số thành viên Hội đồng (9)."]
    assert errors["date"] == ["Ngày họp phải theo dạng dd/mm/yyyy, ví dụ 05/12/2024."]
    assert errors["end_time"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    assert CouncilVote.objects.count() == 0


def test_council_page_is_404_for_another_territory_and_for_reviewers(client, world):
    login(client, world, "stage:2")
    assert client.get(reverse("unit_council", args=[world.round.pk])).status_code == 404


# --- Registration ---------------------------------------------------------------------------------------


def test_registration_records_the_pledge(officer, world, in_unit_stage):
    Registration.objects.filter(unit=world.units[UNIT]).delete()
    page = officer.get(reverse("unit_register", args=[world.round.pk]))
    assert "Sản phẩm cụ thể về chuyển đổi số đơn vị đăng ký thực hiện" in page.content.decode()
    response = officer.post(reverse("unit_register", args=[world.round.pk]), {"pledge": "Số hóa 100% hồ sơ lưu trữ"})
    assert response.status_code == 302
    assert Registration.objects.get(unit=world.units[UNIT]).pledge == "Số hóa 100% hồ sơ lưu trữ"


def test_registration_after_its_deadline_is_refused(officer, world, in_unit_stage):
    Registration.objects.filter(unit=world.units[UNIT]).delete()
    world.round.registration_deadline = dt.date(2024, 5, 1)
    world.round.save(update_fields=["registration_deadline"])
    response = officer.post(reverse("unit_register", args=[world.round.pk]), {"pledge": "Sản phẩm"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Đã hết hạn đăng ký thi đua (hạn đến hết ngày 01/05/2024)."]
    assert not Registration.objects.filter(unit=world.units[UNIT]).exists()


# --- The JSON evaluation endpoint ---------------------------------------------------------------------------


def test_evaluation_endpoint_answers_statuses(officer, world):
    pct, flag = criterion(world, "tthc-truc-tuyen"), criterion(world, "nhiem-vu-ke-hoach-1446")
    response = officer.post(reverse("criteria_evaluate"), {f"tc_{pct.pk}": "69,99", f"tc_{flag.pk}": "yes"})
    body = response.json()
    assert response.status_code == 200
    assert (body["results"][f"tc_{pct.pk}"]["status"], body["results"][f"tc_{pct.pk}"]["label"]) == ("not_met", "Chưa đạt")
    assert body["results"][f"tc_{flag.pk}"]["label"] == "Đạt"
    assert body["overall"]["status"] == "not_met"


def test_evaluation_endpoint_json_body_and_invalid_value(officer, world):
    pct = criterion(world, "tthc-truc-tuyen")
    response = officer.post(
        reverse("criteria_evaluate"), json.dumps({"values": {f"tc_{pct.pk}": "150"}}), content_type="application/json"
    )
    result = response.json()["results"][f"tc_{pct.pk}"]
    assert (result["badge"], result["message"]) == ("invalid", "Tỷ lệ không được lớn hơn 100 %.")


def test_evaluation_endpoint_refuses_strangers(client, world):
    from tests.factories import CriterionFactory

    foreign = CriterionFactory()
    assert client.post(reverse("criteria_evaluate"), {f"tc_{foreign.pk}": "90"}).status_code == 401
    login(client, world, f"officer:{UNIT}")
    assert client.post(reverse("criteria_evaluate"), {f"tc_{foreign.pk}": "90"}).status_code == 404


# --- Query counts: no page issues more queries as nominations grow ---------------------------------------


def _grow(world, size, start):
    """Nominations of the officer's unit up to `size`: individuals, every other one submitted."""
    for i in range(start, size):
        kwargs = {"kind": "individual", "full_name": f"Cán bộ số {i}", "person_identifier": f"0010850001{i:02d}"}
        if i % 2:
            submitted(world, UNIT, **kwargs)
        else:
            with clock.frozen_at(world.at_stage(1)):
                new_nomination(world, UNIT, **kwargs)


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["home", "round", "detail", "reviewer_home"])
def test_page_queries_do_not_grow_with_nominations(client, world, django_assert_num_queries, page):
    with clock.frozen_at(world.at_stage(1)):
        viewed = new_nomination(world, UNIT)
        hold_unit_council(world, UNIT, [viewed])
    _grow(world, 2, 1)
    url = {
        "home": reverse("home"),
        "round": reverse("unit_round", args=[world.round.pk]),
        "detail": reverse("nomination_detail", args=[viewed.pk]),
        "reviewer_home": reverse("home"),
    }[page]
    login(client, world, "stage:2" if page == "reviewer_home" else f"officer:{UNIT}")
    with clock.frozen_at(world.at_stage(1)):
        client.get(url)  # warm caches that are not per request
        at_two = _count(client, url)
    _grow(world, 6, 2)
    assert Nomination.objects.filter(proposing_unit=world.units[UNIT]).count() == 6
    with clock.frozen_at(world.at_stage(1)), django_assert_num_queries(at_two):
        client.get(url)


def test_unit_council_keeps_the_votes_of_submitted_nominations_with_a_print_button(officer, world):
    sent = submitted(world, UNIT)
    with clock.frozen_at(world.at_stage(1, days_before=2)):
        html = officer.get(reverse("unit_council", args=[world.round.pk])).content.decode()
    results = html[html.index('id="ket-qua"'):html.index("</section>", html.index('id="ket-qua"'))]
    assert sent.nominee_name in results and "9/9" in results
    assert "data-print>In kết quả biểu quyết</button>" in results
    assert '<section class="card portal-card mb-3 no-print">' in html  # the form is not printed
