"""Allocation lists are exhaustive: a round simulated through the real workflow (simulate_round)
never awards a category or nominee kind outside its shares. One test per seed campaign, each
stating how its document divides the places:
- Sơn La 2021-2025 (QĐ 253/QĐ-UBND, Kế hoạch mục III.3.a): 11 collectives and 12 individuals, each
  split across six named groups; MTTQ and đoàn thể, named in none, get no Bằng khen.
- Thanh Hóa 2024 (HD Sở TT&TT, mục III.4.a): five named groups, no total; a press agency proposes
  collectives only, so its individuals get no Bằng khen.
- Ninh Thuận 2024 (KH 1670/KH-UBND, mục IV.2): a total without shares (5 collectives, 7 individuals).
- Rạch Giá 2022-2025: no number of awards in the plan, no allocation.
"""
from collections import Counter

import pytest

from campaigns.models import Round
from nominations.models import Nomination, Status
from demo.simulation import simulate_round
from quotas.limits import round_quota_rules, share_gap

from .conftest import load

pytestmark = pytest.mark.django_db

GAP = "Không có chỉ tiêu"


def _round(file, campaign, code):
    load(file)
    return Round.objects.get(campaign__code=campaign, code=code)


def _nominations(round_):
    return list(Nomination.objects.filter(round=round_).select_related("nominee_unit__category", "proposing_unit", "award_form"))


def _outside_shares(round_, nominations):
    """The nominations no share of an applicable allocation covers (quotas.limits.share_gap)."""
    rules = round_quota_rules([round_.pk])
    return [n for n in nominations if share_gap(n, rules) is not None]


def _awarded(nominations):
    return [n for n in nominations if n.status == Status.AWARDED]


def test_son_la_simulated_round_awards_no_mass_organisation_a_bang_khen():
    round_ = _round("son-la-2021-2025.yaml", "son-la-2021-2025", "nam-2023")
    simulate_round(round_=round_, nominations=80, seed=3)
    nominations = _nominations(round_)
    outside = _outside_shares(round_, nominations)
    bang_khen = [n for n in outside if n.award_form.code == "bang-khen-chu-tich-ubnd-tinh"]
    # The simulation did propose MTTQ / đoàn thể nominees for the Bằng khen (the test can fail) ...
    assert {n.nominee_unit.category.code for n in bang_khen} == {"mttq_doan_the"}
    assert {n.kind for n in bang_khen} == {"collective", "individual"}
    # ... and none of them got it, nor went past the unit: refused at submission, the clause cited.
    assert not [n for n in bang_khen if n.status in (Status.AWARDED, Status.IN_REVIEW)]
    assert outside == bang_khen
    awarded = Counter((n.kind, n.nominee_unit.category.code) for n in _awarded(nominations) if n.award_form.code == "bang-khen-chu-tich-ubnd-tinh")
    assert awarded and all(category != "mttq_doan_the" for _, category in awarded)
    # Each kind stays within its total and each group within its share.
    assert sum(n for (kind, _), n in awarded.items() if kind == "collective") <= 11
    assert sum(n for (kind, _), n in awarded.items() if kind == "individual") <= 12
    shares = {("collective", "so_ban_nganh"): 4, ("individual", "ubnd_huyen"): 3, ("collective", "ubnd_huyen"): 2}
    assert all(awarded[key] <= limit for key, limit in shares.items())


def test_thanh_hoa_simulated_round_awards_no_press_individual():
    round_ = _round("thanh-hoa-2024.yaml", "thanh-hoa-2024", "nam-2024")
    simulate_round(round_=round_, nominations=60, seed=5)
    nominations = _nominations(round_)
    outside = _outside_shares(round_, nominations)
    press_people = [n for n in nominations if n.nominee_unit.category.code == "bao_chi" and n.kind == "individual" and n.award_form.code == "bang-khen-chu-tich-ubnd-tinh"]
    assert press_people  # proposed by the simulation ...
    assert {n.pk for n in press_people} <= {n.pk for n in outside}
    assert not [n for n in outside if n.status in (Status.AWARDED, Status.IN_REVIEW)]  # ... never past the unit
    assert _awarded(nominations)
    assert not _outside_shares(round_, _awarded(nominations))


def test_ninh_thuan_simulated_round_has_a_total_and_no_shares():
    round_ = _round("ninh-thuan-2024.yaml", "ninh-thuan-2024", "nam-2024")
    assert not round_.quota_allocations.exists()  # mục IV.2: "Không quá 05 tập thể, 07 cá nhân", not split
    simulate_round(round_=round_, nominations=40, seed=7)
    nominations = _nominations(round_)
    assert not _outside_shares(round_, nominations)
    awarded = Counter(n.kind for n in _awarded(nominations))
    assert 0 < awarded["collective"] <= 5 and 0 < awarded["individual"] <= 7


def test_rach_gia_simulated_round_has_no_allocation_to_keep_to():
    round_ = _round("rach-gia-2022-2025.yaml", "rach-gia-2022-2025", "nam-2023")
    assert not round_.quota_allocations.exists() and not round_.quota_rules.exists()
    simulate_round(round_=round_, nominations=30, seed=2)
    nominations = _nominations(round_)
    assert not _outside_shares(round_, nominations)
    assert _awarded(nominations)
    assert not [n for n in nominations if GAP in n.outcome_reason]
