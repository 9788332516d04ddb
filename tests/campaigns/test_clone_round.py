"""clone_round: a round copied into a later year, with today's organisations and legal basis."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Round, Unit, UnitCategory
from campaigns.services.loading import DATA_DIR, load_campaign_files
from campaigns.services.rounds import RoundCloneError, clone_round, shift_years
from quotas.models import QuotaException, QuotaRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def nt_2024(db):
    load_campaign_files([DATA_DIR / "reference.yaml", DATA_DIR / "ninh-thuan-2024.yaml"])
    round_ = Round.objects.get(campaign__code="ninh-thuan-2024", code="nam-2024")
    # A per-unit rule with categories and a named exception, as Thanh Hóa has: cloned with the rest.
    rule = QuotaRule.objects.create(
        round=round_, code="moi-don-vi", label="Mỗi đơn vị 01", award_form=round_.award_forms.get(),
        nominee_kind="either", scope="unit", limit=1, binds_at="submission", source="Thử nghiệm", order=9,
    )
    rule.categories.set(UnitCategory.objects.filter(code__in=["so_ban_nganh", "ubnd_huyen"]))
    QuotaException.objects.create(rule=rule, unit=Unit.objects.get(code="stttt-ninh-thuan"), limit=2, source="Thử nghiệm: ngoại lệ")
    round_.registration_deadline = dt.date(2024, 2, 29)
    round_.save(update_fields=["registration_deadline"])
    return round_


def test_shift_years_keeps_day_and_month_and_turns_29_february_into_28():
    assert shift_years(dt.date(2024, 12, 15), 2) == dt.date(2026, 12, 15)
    assert shift_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert shift_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert shift_years(None, 2) is None


def test_clone_round_moves_every_deadline_by_whole_years(nt_2024):
    clone = clone_round(round_=nt_2024, year=2026)
    old = list(nt_2024.stages.order_by("order").values_list("order", "deadline"))
    new = list(clone.stages.order_by("order").values_list("order", "deadline"))
    assert new == [(order, day.replace(year=2026)) for order, day in old]
    assert clone.registration_deadline == dt.date(2026, 2, 28)
    assert (clone.year, clone.code, clone.cloned_from) == (2026, "nam-2026", nt_2024)
    assert clone.name == "Khen thưởng phong trào thi đua Chuyển đổi số năm 2026"
    assert clone.registration_required == nt_2024.registration_required


def test_clone_round_copies_award_forms_criteria_and_eligibility_pointing_at_the_new_round(nt_2024):
    clone = clone_round(round_=nt_2024, year=2026)
    # The same forms and shares; the rule and the declaration cite the decree in force in 2026
    # (Nghị định 152/2025/NĐ-CP), not 98/2023 (ended 30/6/2025).
    assert list(clone.award_forms.values_list("code", "outcome", "vote_rule__code")) == [
        (code, outcome, "bang-khen-giay-khen-nd152") for code, outcome in nt_2024.award_forms.values_list("code", "outcome")
    ]
    assert list(clone.eligibility_conditions.values_list("code", "kind", "source")) == [
        (code, kind, source.replace("Nghị định 98/2023/NĐ-CP", "Nghị định 152/2025/NĐ-CP"))
        for code, kind, source in nt_2024.eligibility_conditions.values_list("code", "kind", "source")
    ]
    assert "Nghị định 98/2023/NĐ-CP, Điều 4" in nt_2024.eligibility_conditions.values_list("source", flat=True)
    old = {c.code: c for c in nt_2024.criteria.prefetch_related("categories", "award_forms")}
    new = {c.code: c for c in clone.criteria.prefetch_related("categories", "award_forms")}
    assert sorted(new) == sorted(old)
    for code, criterion in new.items():
        before = old[code]
        assert (criterion.kind, criterion.operator, criterion.threshold, criterion.mandatory, criterion.source) == (
            before.kind, before.operator, before.threshold, before.mandatory, before.source
        )
        assert {c.code for c in criterion.categories.all()} == {c.code for c in before.categories.all()}
        assert {f.round_id for f in criterion.award_forms.all()} <= {clone.pk}
        assert {f.code for f in criterion.award_forms.all()} == {f.code for f in before.award_forms.all()}


def test_clone_round_copies_quota_rules_with_categories_and_exceptions_under_successors(nt_2024):
    clone = clone_round(round_=nt_2024, year=2026)
    rows = lambda r: sorted(  # noqa: E731
        (q.code, q.award_form.code, q.nominee_kind, q.scope, q.limit, q.binds_at, tuple(sorted(c.code for c in q.categories.all())))
        for q in r.quota_rules.select_related("award_form").prefetch_related("categories")
    )
    assert rows(clone) == rows(nt_2024)
    assert set(clone.quota_rules.values_list("award_form__round_id", flat=True)) == {clone.pk}
    exception = QuotaException.objects.get(rule__round=clone)
    # Sở TT&TT Ninh Thuận → Sở KH&CN Ninh Thuận (3/2025) → Sở KH&CN Khánh Hòa (7/2025).
    assert (exception.unit.code, exception.limit, exception.source) == ("skhcn-khanh-hoa", 2, "Thử nghiệm: ngoại lệ")
    assert QuotaException.objects.get(rule__round=nt_2024).unit.code == "stttt-ninh-thuan"


def test_clone_round_hands_each_stage_to_the_successor_valid_on_its_new_deadline(nt_2024):
    clone = clone_round(round_=nt_2024, year=2026)
    assert list(clone.stages.order_by("order").values_list("organisation__code", flat=True)) == [
        None, "skhcn-khanh-hoa", "snv-khanh-hoa", "ubnd-tinh-khanh-hoa",
    ]
    assert clone.stages.get(order=2).name.startswith("Sở Khoa học và Công nghệ ")
    assert clone.award_forms.get().granted_by == "Chủ tịch Ủy ban nhân dân tỉnh Khánh Hòa"
    # The past keeps the names valid at its time.
    assert list(nt_2024.stages.order_by("order").values_list("organisation__code", flat=True)) == [
        None, "stttt-ninh-thuan", "snv-ninh-thuan", "ubnd-tinh-ninh-thuan",
    ]
    assert nt_2024.stages.get(order=2).name.startswith("Sở Thông tin và Truyền thông ")


def test_clone_round_follows_the_successor_chain_to_the_unit_valid_on_the_deadline(nt_2024):
    # Sở TT&TT → Sở KH&CN Ninh Thuận (01/3/2025) → Sở KH&CN Khánh Hòa (01/7/2025): two steps.
    clone = clone_round(round_=nt_2024, year=2025)
    assert clone.stages.get(order=2).organisation.code == "skhcn-khanh-hoa"  # deadline 15/12/2025
    assert clone.legal_basis.code == "nd-152-2025"


def test_clone_round_into_2026_switches_the_legal_basis_to_decree_152_2025(nt_2024):
    assert nt_2024.legal_basis.code == "nd-98-2023"
    clone = clone_round(round_=nt_2024, year=2026)
    assert clone.legal_basis.code == "nd-152-2025"
    assert "Nghị định 152/2025/NĐ-CP" in clone.notes


def test_clone_round_keeps_decree_98_2023_for_a_year_it_is_in_force(nt_2024):
    clone = clone_round(round_=nt_2024, year=2024, code="nam-2024-ban-sao")
    assert clone.legal_basis.code == "nd-98-2023"


def test_clone_round_refuses_a_code_already_taken_in_vietnamese(nt_2024):
    with pytest.raises(RoundCloneError, match="Mã đợt 'nam-2024' đã có trong phong trào 'ninh-thuan-2024'"):
        clone_round(round_=nt_2024, year=2026, code="nam-2024")
    assert Round.objects.filter(campaign=nt_2024.campaign).count() == 1


def test_clone_round_default_code_is_made_unique(nt_2024):
    first = clone_round(round_=nt_2024, year=2026)
    second = clone_round(round_=nt_2024, year=2026)
    assert (first.code, second.code) == ("nam-2026", "nam-2026-2")


def test_clone_round_is_all_or_nothing(nt_2024, monkeypatch):
    from campaigns.services import rounds

    def boom(*args, **kwargs):
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(rounds.QuotaException.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        clone_round(round_=nt_2024, year=2026)
    assert Round.objects.filter(campaign=nt_2024.campaign).count() == 1


def test_clone_round_command_prints_the_new_code(nt_2024):
    out = StringIO()
    call_command("clone_round", "--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--year", "2026", stdout=out)
    assert out.getvalue().strip() == "nam-2026"
    out = StringIO()
    call_command(
        "clone_round", "--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--year", "2027",
        "--code", "dot-2027", "--name", "Đợt thử 2027", stdout=out,
    )
    assert out.getvalue().strip() == "dot-2027"
    assert Round.objects.get(code="dot-2027").name == "Đợt thử 2027"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--campaign", "khong-co", "--round", "nam-2024", "--year", "2026"], "Không có phong trào mã 'khong-co'"),
        (["--campaign", "ninh-thuan-2024", "--round", "khong-co", "--year", "2026"], "không có đợt mã 'khong-co'"),
        (["--campaign", "ninh-thuan-2024", "--round", "nam-2024", "--year", "2026", "--code", "nam-2024"], "đã có trong phong trào"),
    ],
)
def test_clone_round_command_errors_are_vietnamese(nt_2024, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("clone_round", *args, stdout=StringIO())


def test_clone_round_derived_deadline_sources_speak_of_the_new_year(nt_2024):
    clone = clone_round(round_=nt_2024, year=2026)
    old = {s.order: s for s in nt_2024.stages.all()}
    for stage in clone.stages.all():
        if stage.deadline_stated:
            assert stage.source == old[stage.order].source  # a stated deadline cites its document as written
        else:
            assert "2024" in old[stage.order].source and "2024" not in stage.source, stage.source
    final = clone.stages.order_by("order").last()
    assert final.source == "KH 1670/KH-UBND, mục IV.1; hạn không nêu, suy ra cuối năm 2026 (phong trào năm 2026)"


def test_derived_source_keeps_the_citation_and_moves_the_derivation():
    from campaigns.services.rounds import derived_source

    text = "QĐ 253/QĐ-UBND ngày 15/02/2024, mục III.1; hạn không nêu, suy ra ngày cuối năm 2024 (sau hạn trình 30/12)"
    assert derived_source(text, 2024, 2026) == (
        "QĐ 253/QĐ-UBND ngày 15/02/2024, mục III.1; hạn không nêu, suy ra ngày cuối năm 2026 (sau hạn trình 30/12)"
    )
    assert derived_source("Kế hoạch 2024, mục IV", 2024, 2026) == "Kế hoạch 2024, mục IV"  # no derivation: as written
