"""The report form a round asks for is data: every seed round is a movement's round (phong trào thi
đua theo đợt, chuyên đề) and reports on the movement's form (Mẫu số 08 of Nghị định 98/2023/NĐ-CP,
which Thanh Hóa 2024 names) for collectives and individuals alike; a round of công trạng awards uses
the decree's form for a collective (Mẫu số 02) or an individual (Mẫu số 03)."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from campaigns import clock
from campaigns.models import Round
from dossiers import rendering, services, sources
from dossiers.models import DocumentFormat
from tests.dossiers.test_documents import assert_a4, assert_fonts_embedded, normalised, pdf_text
from tests.nominations.conftest import build_world, eager_celery, load, new_nomination  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

UNIT = "so-y-te-th"


@pytest.fixture
def thanh_hoa(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load("thanh-hoa-2024.yaml")
    world = build_world("thanh-hoa-2024", "nam-2024", [(UNIT, "Sở Y tế tỉnh Thanh Hóa", "so_ban_nganh", None, "tinh")])
    with clock.frozen_at(world.at_stage(1)):
        world.collective = new_nomination(world, UNIT)
        world.individual = new_nomination(world, UNIT, kind="individual", full_name="Lê Thị Thu Hà", person_identifier="038185000123")
    return world


def report_html(nomination) -> str:
    source = sources.report_source(nomination)
    record = services.GeneratedDocument(verification_code="TESTCODE", issued_on=clock.today(), kind="bao_cao_thanh_tich")
    return normalised(rendering.section_html(source, services.meta_for(record, source)))


def test_thanh_hoa_round_names_form_08_with_its_clause(thanh_hoa):
    round_ = thanh_hoa.round
    assert round_.report_form == "bao_cao_phong_trao"
    assert "mục IV.1" in round_.report_form_source and "Mẫu số 08" in round_.report_form_source


def test_thanh_hoa_collective_and_individual_reports_follow_form_08(thanh_hoa):
    collective = report_html(thanh_hoa.collective)
    assert "Mẫu số 08 — Nghị định 98/2023/NĐ-CP" in collective
    assert "Tên tập thể: Sở Y tế tỉnh Thanh Hóa" in collective
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC TRONG PHONG TRÀO THI ĐUA" in collective
    assert "Mẫu số 02" not in collective
    individual = report_html(thanh_hoa.individual)
    assert "Mẫu số 08 — Nghị định 98/2023/NĐ-CP" in individual
    assert "Họ và tên: Lê Thị Thu Hà" in individual
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in individual and "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in individual
    assert "Mẫu số 03" not in individual
    assert "038185000123" not in individual  # the identifier is never printed


def test_thanh_hoa_report_pdf_reads_back(thanh_hoa):
    spec = services.Spec(kind="bao_cao_thanh_tich", round=thanh_hoa.round, organisation=thanh_hoa.units[UNIT],
                         nomination=thanh_hoa.individual, title="Báo cáo thành tích")
    record, _ = services.ensure_record(spec, DocumentFormat.PDF)
    data, _pages = services.document_bytes(record, sources.report_source(thanh_hoa.individual))
    text = pdf_text(data)
    assert "Mẫu số 08 — Nghị định 98/2023/NĐ-CP" in text
    assert "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert "Lê Thị Thu Hà" in text
    assert_a4(data)
    assert_fonts_embedded(data)


def test_a_legal_basis_without_the_movement_s_form_falls_back_to_the_form_per_nominee(thanh_hoa):
    from campaigns.models import LegalBasis

    basis = LegalBasis.objects.get(code="nd-152-2025")
    basis.forms = {key: form for key, form in basis.forms.items() if key != "bao_cao_phong_trao"}
    basis.save(update_fields=["forms"])
    round_ = thanh_hoa.round
    round_.legal_basis = basis
    round_.save(update_fields=["legal_basis"])
    html = report_html(thanh_hoa.individual)
    assert "Mẫu số 05 — Nghị định 152/2025/NĐ-CP" in html  # the individual's form (công trạng), attested


def test_every_seed_round_is_a_movement_s_round_without_summary_except_thanh_hoa():
    load("son-la-2021-2025.yaml", "ninh-thuan-2024.yaml", "rach-gia-2022-2025.yaml")
    assert set(Round.objects.values_list("report_form", "summary_report_required")) == {("bao_cao_phong_trao", False)}
    assert all(Round.objects.values_list("report_form_source", flat=True))


def test_campaign_rules_json_and_clone_carry_the_report_form(thanh_hoa, capsys):
    call_command("campaign_rules", "thanh-hoa-2024", "--json")
    rules = json.loads(capsys.readouterr().out)
    basis = rules["rounds"][0]["dossier_legal_basis"]
    assert basis["report_form"] == "bao_cao_phong_trao"
    assert "Mẫu số 08" in basis["report_form_source"]
    assert basis["summary_report_required"] is True and "tóm tắt" in basis["summary_report_source"]
    from campaigns.services.rounds import clone_round

    clone = clone_round(round_=thanh_hoa.round, year=2025)
    assert (clone.report_form, clone.report_form_source) == (thanh_hoa.round.report_form, thanh_hoa.round.report_form_source)
    assert clone.summary_report_required and clone.summary_report_source == thanh_hoa.round.summary_report_source


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update(report_form="mau-moi", report_form_source="x"), "'report_form' không hợp lệ: 'mau-moi'"),
        (lambda r: r.update(report_form="bao_cao_phong_trao", report_form_source=""), "'report_form' phải kèm 'report_form_source'"),
        (lambda r: r.update(summary_report_required=True), "'summary_report_required' phải kèm 'summary_report_source'"),
        (lambda r: r.update(summary_report_required="có"), "'summary_report_required' phải là true hoặc false"),
    ],
)
def test_a_wrong_report_form_is_refused_whole(tmp_path, change, message):
    import shutil

    import yaml

    from campaigns.services.loading import DATA_DIR, CampaignDataError, load_campaign_files

    shutil.copy(DATA_DIR / "reference.yaml", tmp_path / "reference.yaml")
    path = tmp_path / "ninh-thuan-2024.yaml"
    data = yaml.safe_load((DATA_DIR / "ninh-thuan-2024.yaml").read_text(encoding="utf-8"))
    change(data["rounds"][0])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CampaignDataError, match=message):
        load_campaign_files([tmp_path / "reference.yaml", path])
    assert not Round.objects.exists()


def test_thanh_hoa_stage_dossier_holds_a_summary_report_per_nominee(thanh_hoa):
    from dossiers.models import BuildStatus, DocumentKind, GeneratedDocument
    from dossiers.storage import read_bytes
    from tests.nominations.conftest import hold_unit_council

    stage = thanh_hoa.stages[0]
    unit = thanh_hoa.units[UNIT]
    with clock.frozen_at(thanh_hoa.at_stage(1)):
        hold_unit_council(thanh_hoa, UNIT, [thanh_hoa.collective, thanh_hoa.individual])
        planned = services.plan_members(stage, unit)
        kinds = [item.spec.kind for item in planned]
        assert kinds.count(DocumentKind.BAO_CAO_THANH_TICH) == 2
        assert kinds.count(DocumentKind.BAO_CAO_TOM_TAT) == 2
        dossier = services.build_stage_dossier_now(stage=stage, organisation=unit)
    assert dossier.status == BuildStatus.DONE, dossier.error
    summaries = GeneratedDocument.objects.filter(kind=DocumentKind.BAO_CAO_TOM_TAT, status=BuildStatus.DONE)
    assert summaries.filter(format=DocumentFormat.PDF).count() == 2
    assert summaries.filter(format=DocumentFormat.DOCX).count() == 2
    text = pdf_text(read_bytes(summaries.get(format=DocumentFormat.PDF, nomination=thanh_hoa.individual)))
    for expected in ("BÁO CÁO TÓM TẮT THÀNH TÍCH", "Lê Thị Thu Hà", "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                     "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", "Kết quả thực hiện các tiêu chí của phong trào thi đua: đạt"):
        assert expected in text, expected
    # A member painted from the dossier's pages carries the font subsets of its own text only:
    # about the size of the same report built alone, not of the whole dossier's fonts.
    member = read_bytes(GeneratedDocument.objects.get(kind=DocumentKind.BAO_CAO_THANH_TICH, format=DocumentFormat.PDF, nomination=thanh_hoa.individual))
    alone, _pages = services.document_bytes(
        GeneratedDocument.objects.get(kind=DocumentKind.BAO_CAO_THANH_TICH, format=DocumentFormat.PDF, nomination=thanh_hoa.individual),
        sources.report_source(thanh_hoa.individual),
    )
    assert len(member) < 1.3 * len(alone), (len(member), len(alone))
    merged = pdf_text(read_bytes(dossier))
    assert "Báo cáo tóm tắt thành tích: Lê Thị Thu Hà" in merged  # the cover's contents
    assert merged.count("BÁO CÁO TÓM TẮT THÀNH TÍCH") == 2


def test_rounds_without_the_requirement_have_no_summary(thanh_hoa):
    from dossiers.models import DocumentKind

    stage = thanh_hoa.stages[0]
    stage.round.summary_report_required = False
    stage.round.save(update_fields=["summary_report_required"])
    from tests.nominations.conftest import hold_unit_council

    with clock.frozen_at(thanh_hoa.at_stage(1)):
        hold_unit_council(thanh_hoa, UNIT, [thanh_hoa.collective])
        kinds = [item.spec.kind for item in services.plan_members(stage, thanh_hoa.units[UNIT])]
    assert DocumentKind.BAO_CAO_TOM_TAT not in kinds


def test_the_nomination_page_builds_and_lists_the_summary_where_the_round_asks(thanh_hoa, client, eager_celery, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from dossiers.models import BuildStatus, DocumentKind, GeneratedDocument

    client.force_login(thanh_hoa.users[f"officer:{UNIT}"])
    with clock.frozen_at(thanh_hoa.at_stage(1)):
        with django_capture_on_commit_callbacks(execute=True):  # the tasks are sent after commit (eager here)
            response = client.post(reverse("dossiers:nomination_report", args=[thanh_hoa.individual.pk]))
        assert response.status_code == 302
        built = GeneratedDocument.objects.filter(nomination=thanh_hoa.individual, status=BuildStatus.DONE)
        assert sorted(built.values_list("kind", "format")) == [
            (DocumentKind.BAO_CAO_THANH_TICH, "docx"), (DocumentKind.BAO_CAO_THANH_TICH, "pdf"),
            (DocumentKind.BAO_CAO_TOM_TAT, "docx"), (DocumentKind.BAO_CAO_TOM_TAT, "pdf"),
        ]
        page = client.get(reverse("nomination_detail", args=[thanh_hoa.individual.pk])).content.decode()
    assert "Báo cáo tóm tắt thành tích — Lê Thị Thu Hà" in page and "Báo cáo thành tích — Lê Thị Thu Hà" in page
