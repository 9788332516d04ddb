"""A document's date is the date of the act it records: the tờ trình the day its level forwarded what
it lists (or the day its issuer chose, before the next level acts, inside the round and not after
today), kept when the document is built again; a document built long after its round, with no act
recorded, is dated inside the round and cites the law in force then."""
import datetime as dt

import pytest

from campaigns import clock
from dossiers import services, sources
from dossiers.errors import DossierError
from dossiers.models import DocumentDate, DocumentFormat, DocumentKind
from nominations.workflow import Action, advance
from tests.dossiers.conftest import MOMENT
from tests.nominations.conftest import refresh

pytestmark = pytest.mark.django_db

AFTER_REVIEW = dt.datetime(2024, 12, 16, 9, tzinfo=clock.VIETNAM)


@pytest.fixture
def forwarded(dossier_world):
    """Ninh Thuận 2024: Sở TT&TT (stage 2) approved Sở Y tế's collective on 14/12/2024."""
    world = dossier_world
    with clock.frozen_at(world.at_stage(2)):
        advance(refresh(world.stage2[0]), Action.APPROVE, actor=world.users["stage:2"])
    return world


def test_the_to_trinh_is_dated_the_day_its_level_forwarded(forwarded):
    review = forwarded.stages[1]
    with clock.frozen_at(AFTER_REVIEW):
        source = sources.to_trinh_source(review, review.organisation)
    assert source["date"] == "2024-12-14"
    with clock.frozen_at(AFTER_REVIEW):
        pdf, _ = services.ensure_record(
            services.Spec(kind=DocumentKind.TO_TRINH, round=forwarded.round, organisation=review.organisation, stage=review,
                          issued_on=dt.date.fromisoformat(source["date"])),
            DocumentFormat.PDF,
        )
    assert pdf.issued_on == dt.date(2024, 12, 14)
    assert services.meta_for(pdf, source)["place_date"] == "Ninh Thuận, ngày 14 tháng 12 năm 2024"


def test_the_issuer_may_date_its_to_trinh_inside_the_round_and_not_after_today(forwarded):
    review = forwarded.stages[1]
    reviewer = forwarded.users["stage:2"]
    with clock.frozen_at(AFTER_REVIEW):
        services.set_to_trinh_date(stage=review, organisation=review.organisation, day=dt.date(2024, 12, 15), actor=reviewer)
        assert sources.to_trinh_source(review, review.organisation)["date"] == "2024-12-15"
        for day in (dt.date(2024, 12, 20), dt.date(2023, 12, 31), dt.date(2025, 1, 2)):
            with pytest.raises(DossierError) as caught:
                services.set_to_trinh_date(stage=review, organisation=review.organisation, day=day, actor=reviewer)
            assert str(caught.value) == (
                "Ngày tờ trình phải trong thời gian của đợt và không sau hôm nay: từ 16/04/2024 đến 16/12/2024 "
                f"(đã chọn {day:%d/%m/%Y})."
            )
        with pytest.raises(DossierError):  # someone who does not issue it
            services.set_to_trinh_date(stage=review, organisation=review.organisation, day=dt.date(2024, 12, 15),
                                       actor=forwarded.users["officer:so-y-te-nt"])
    assert DocumentDate.objects.get().date == dt.date(2024, 12, 15)


def test_once_the_next_level_acted_the_date_is_fixed(forwarded):
    review, appraisal = forwarded.stages[1], forwarded.stages[2]
    with clock.frozen_at(forwarded.at_stage(3)):
        advance(refresh(forwarded.stage2[0]), Action.APPROVE, actor=forwarded.users["stage:3"])
        with pytest.raises(DossierError) as caught:
            services.set_to_trinh_date(stage=review, organisation=review.organisation, day=dt.date(2024, 12, 13),
                                       actor=forwarded.users["stage:2"])
    assert str(caught.value) == "Tờ trình đã được cấp nhận xem xét: không đổi ngày văn bản được nữa."
    assert appraisal.order == 3


def test_a_rebuild_keeps_the_date_of_a_document_without_an_act(dossier_world):
    unit_stage, unit = dossier_world.stages[0], dossier_world.units["so-tai-chinh-nt"]
    with clock.frozen_at(dt.datetime(2024, 11, 25, 9, tzinfo=clock.VIETNAM)):
        first = sources.to_trinh_source(unit_stage, unit)  # voted, not yet submitted: today
        services.ensure_record(
            services.Spec(kind=DocumentKind.TO_TRINH, round=dossier_world.round, organisation=unit, stage=unit_stage,
                          issued_on=dt.date.fromisoformat(first["date"])),
            DocumentFormat.PDF,
        )
    with clock.frozen_at(MOMENT):  # 05/12/2024: built again
        again = sources.to_trinh_source(unit_stage, unit)
    assert first["date"] == again["date"] == "2024-11-25"


def test_a_document_built_years_later_without_an_act_is_dated_inside_its_round(dossier_world):
    unit_stage, unit = dossier_world.stages[0], dossier_world.units["so-tai-chinh-nt"]
    with clock.frozen_at(dt.datetime(2026, 12, 4, 9, tzinfo=clock.VIETNAM)):
        source = sources.to_trinh_source(unit_stage, unit)
    assert source["date"] == "2024-12-31"  # the round's last deadline, not 04/12/2026
    assert source["legal_lines"][1].startswith("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023")


def test_the_stage_page_lets_the_issuer_change_the_date(forwarded, client):
    review = forwarded.stages[1]
    client.force_login(forwarded.users["stage:2"])
    url = f"/ho-so-van-ban/dot/{forwarded.round.pk}/buoc/2/don-vi/{review.organisation.pk}/"
    with clock.frozen_at(AFTER_REVIEW):
        page = client.get(url).content.decode()
        assert "Tờ trình mang ngày 14/12/2024" in page and 'name="date"' in page
        response = client.post(url + "ngay-to-trinh/", {"date": "32/12/2024"}, follow=True)
        assert "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy" in response.content.decode()
        response = client.post(url + "ngay-to-trinh/", {"date": "15/12/2024"}, follow=True)
        assert "Đã ghi ngày tờ trình 15/12/2024" in response.content.decode()
        assert "Tờ trình mang ngày 15/12/2024 (do cơ quan chọn)" in response.content.decode()
    client.force_login(forwarded.users["officer:so-y-te-nt"])
    assert client.post(url + "ngay-to-trinh/", {"date": "15/12/2024"}).status_code == 404
