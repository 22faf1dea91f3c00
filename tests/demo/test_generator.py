"""The synthetic demo-enterprise generator: determinism, validity, realism of the mix."""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path

import pytest

from corridor.demo import generator as S
from corridor.demo import vocab as V
from corridor.demo.coords import coordinates
from corridor.engine.uscc import check_uscc, make_uscc

KEY_CHAINS = ("nev", "pt", "lm")
SALES_OR_REPAIR_CODES = {"F5172", "F5263", "F5174", "O8111", "F5164", "F5251", "F5154"}
REAL_NAMES = ["宇辰粉末冶金", "煌嘉电器", "万里扬", "宝琳科技", "八达电子仪表", "宁德时代", "比亚迪",
              "万向", "格力", "美的", "华为", "正泰", "公牛", "宝时得", "格力博"]  # fmt: skip


@pytest.fixture(scope="module")
def local() -> list[S.SyntheticEnterprise]:
    return list(S.generate_local())


@pytest.fixture(scope="module")
def national() -> list[S.SyntheticEnterprise]:
    return list(S.generate_national(count=20_000))


def digest(records: Iterator[S.SyntheticEnterprise], n: int = 2000) -> str:
    return hashlib.sha256("".join(repr(e) for e in islice(records, n)).encode()).hexdigest()


def chain(e: S.SyntheticEnterprise) -> str:
    return (e.chain_hint or "none").split(".")[0]


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_output() -> None:
    assert digest(S.generate_national(seed=7)) == digest(S.generate_national(seed=7))
    assert digest(S.generate_local(seed=7)) == digest(S.generate_local(seed=7))


def test_different_seeds_differ() -> None:
    assert digest(S.generate_national(seed=7), 200) != digest(S.generate_national(seed=8), 200)
    assert digest(S.generate_local(seed=7), 200) != digest(S.generate_local(seed=8), 200)


# ---------------------------------------------------------------- identity and places


def test_names_and_usccs_are_unique_across_both_sets(local, national) -> None:
    records = local + national
    assert len({e.name for e in records}) == len(records)
    assert len({e.uscc for e in records}) == len(records)


def test_every_uscc_is_valid_and_carries_the_county(local, national) -> None:
    for e in local + national:
        assert check_uscc(e.uscc).ok, e.uscc
        assert e.uscc[:2] == "91" and e.uscc[2:8] == e.county_code


def test_fast_uscc_matches_the_reference_builder() -> None:
    for serial in range(0, 500_000, 997):
        org8 = S.org_code_body(2, serial, 2025)
        assert S.fast_uscc("330702", org8) == make_uscc("9", "1", "330702", org8)


def test_division_codes_are_real_and_consistent(local, national) -> None:
    known = S.known_codes()
    for e in local + national:
        assert {e.province_code, e.city_code, e.county_code} <= known
        assert e.county_code[:4] == e.city_code[:4] and e.city_code[:2] == e.province_code[:2]
        assert e.address.startswith(e.province)


def test_local_records_are_in_wucheng_and_national_ones_elsewhere(local, national) -> None:
    assert all(e.is_local and e.county_code == "330702" for e in local)
    assert all(e.address.startswith("浙江省金华市婺城区") for e in local)
    assert {e.park for e in local} <= {*V.places().parks, None}
    assert not any(e.is_local or e.county_code == "330702" or e.park for e in national)
    assert len({e.province for e in national}) >= 31


def test_coordinates_for_about_seventy_percent_near_their_county(local, national) -> None:
    for records in (local, national):
        share = sum(e.latitude is not None for e in records) / len(records)
        assert 0.62 <= share <= 0.76
    for e in national[:3000]:
        if e.latitude is not None:
            lon, lat = coordinates().get(e.county_code) or coordinates()[e.city_code]
            assert abs(e.latitude - lat) < 0.5 and abs(e.longitude - lon) < 0.5


def test_no_name_claims_a_real_company(local, national) -> None:
    for e in local + national:
        assert not any(real in e.name for real in REAL_NAMES), e.name


# ---------------------------------------------------------------- the mix


def test_local_counts_per_chain_are_in_range(local) -> None:
    counts = Counter(chain(e) for e in local)
    assert 360 <= counts["nev"] <= 450
    assert 350 <= counts["pt"] <= 430
    assert 290 <= counts["lm"] <= 360
    assert 100 <= counts["lh"] <= 160
    assert 80 <= counts["sb"] <= 130
    assert 1550 <= counts["none"] <= 1750


def test_local_leaders_on_each_key_chain(local) -> None:
    leaders = [e for e in local if "龙头企业" in e.tags]
    assert Counter(chain(e) for e in leaders) == {c: 3 for c in KEY_CHAINS}
    for e in leaders:
        assert 50_000 <= e.facts[0]["revenue"] <= 500_000
    small = sum(1 for e in local if e.facts and e.facts[-1]["revenue"] < 500)
    assert small > len(local) * 0.4  # a long tail of micro firms


def test_national_chain_share(national) -> None:
    share = sum(e.chain_hint is not None for e in national) / len(national)
    assert 0.20 <= share <= 0.30


def share_of(records, predicate) -> float:
    return sum(1 for e in records if predicate(e)) / max(1, len(records))


def test_regional_specialisation_is_measurable(national) -> None:
    def battery(e) -> bool:
        return e.chain_hint == "nev.battery"

    def tools(e) -> bool:
        return (e.chain_hint or "").startswith("pt.")

    def tcm(e) -> bool:
        return e.chain_hint == "lh.tcm"

    ningde = [e for e in national if e.city == "宁德市"]
    assert share_of(ningde, battery) > 5 * share_of(national, battery)
    yongkang = [e for e in national if e.county == "永康市"]
    assert share_of(yongkang, tools) > 8 * share_of(national, tools)
    jinhua = [e for e in national if e.city == "金华市"]
    assert share_of(jinhua, tools) > 4 * share_of(national, tools)
    bozhou = [e for e in national if e.city == "亳州市"]
    assert share_of(bozhou, tcm) > 5 * share_of(national, tcm)


# ---------------------------------------------------------------- facts, titles, IP


def test_facts_are_internally_consistent(local, national) -> None:
    healthy = total = 0
    for e in local + national:
        years = [f["year"] for f in e.facts]
        assert years == sorted(set(years)) and all(y >= e.established_on.year for y in years)
        for f in e.facts:
            assert f["rd_expense_domestic"] <= f["rd_expense"]
            assert f["rd_staff"] <= f["employees"] and f["employees"] >= 1
            assert f["main_business_revenue"] <= f["revenue"]
            assert f["high_tech_income"] <= f["revenue"] and f["exports"] <= f["revenue"]
            assert isinstance(f["revenue"], Decimal) and f["revenue"].as_tuple().exponent == -2
            assert f["source"] == S.SYNTHETIC_SOURCE and f["as_of"] == date(f["year"], 12, 31)
            healthy += f["total_liabilities"] < f["total_assets"]
            total += 1
    assert healthy / total > 0.9


def test_cancelled_firms_stop_reporting(local) -> None:
    cancelled = [e for e in local if e.status == "cancelled"]
    assert cancelled and all(not e.facts or e.facts[-1]["year"] < 2024 for e in cancelled)
    assert 0.90 <= share_of(local, lambda e: e.status == "operating") <= 0.96


def titles_of(e: S.SyntheticEnterprise, kind: str) -> list[dict]:
    return [t for t in e.titles if t["title"] == kind]


def fact_of(e: S.SyntheticEnterprise, year: int) -> dict | None:
    return next((f for f in e.facts if f["year"] == year), None)


def test_above_scale_only_when_the_rule_holds(local, national) -> None:
    seen = 0
    for e in local + national:
        for t in titles_of(e, "above_scale"):
            fact = fact_of(e, t["issued_on"].year - 1)
            assert fact is not None and e.industry_code[0] in "BCD"
            assert fact["main_business_revenue"] >= 2000
            seen += 1
    assert seen > 100


def test_high_tech_mostly_with_enough_rd(local, national) -> None:
    intensities = []
    for e in local + national:
        for t in titles_of(e, "high_tech"):
            fact = fact_of(e, t["issued_on"].year)
            intensities.append(float(fact["rd_expense"] / fact["revenue"]))
    assert len(intensities) > 100
    assert share_of(intensities, lambda x: x >= 0.03) >= 0.9


def test_tech_sme_and_ladder_titles_follow_the_facts(local, national) -> None:
    for e in local + national:
        for t in titles_of(e, "tech_sme"):
            assert S.qualifies_tech_sme(fact_of(e, t["issued_on"].year - 1))
        if titles_of(e, "specialised_sme"):
            assert titles_of(e, "innovative_sme")
        for giant in titles_of(e, "little_giant"):
            assert giant["issued_on"] > titles_of(e, "specialised_sme")[0]["issued_on"]


def test_local_specialised_and_little_giants_are_a_handful(local) -> None:
    assert 5 <= sum(1 for e in local if titles_of(e, "specialised_sme")) <= 20
    assert 1 <= sum(1 for e in local if titles_of(e, "little_giant")) <= 3


def test_ip_only_where_there_is_rd(local, national) -> None:
    kinds = {"invention_patent", "utility_model", "design", "software_copyright",
             "plant_variety", "new_drug", "ic_layout"}  # fmt: skip
    for e in local + national:
        for item in e.ip:
            assert item["kind"] in kinds and item["count"] > 0
            assert fact_of(e, item["year"])["rd_expense"] > 0


def test_platforms_follow_rd_spend(local) -> None:
    with_platforms = [e for e in local if e.rd_platforms]
    assert with_platforms
    for e in with_platforms:
        top = max(f["rd_expense"] for f in e.facts)
        assert top >= 100
        for p in e.rd_platforms:
            assert p["kind"] != "key_institute" or top >= 3000


# ---------------------------------------------------------------- business scope


def test_scope_boilerplate_in_a_realistic_share(local, national) -> None:
    for records in (local, national):
        scopes = [e.business_scope for e in records]
        general = share_of(scopes, lambda s: "凭营业执照依法自主开展经营活动" in s)
        any_tail = share_of(scopes, lambda s: "方可开展经营活动" in s or "依法自主开展" in s)
        licensed = share_of(scopes, lambda s: "许可项目：" in s)
        assert 0.6 <= general <= 0.85 and 0.8 <= any_tail <= 0.95 and 0.1 <= licensed <= 0.6
        assert 130 <= statistics.median(len(s) for s in scopes) <= 300
        assert share_of(scopes, lambda s: len(s) > 400) > 0.025  # long lists of add-ons


def test_sales_and_repair_firms_have_no_chain(local, national) -> None:
    for records in (local, national):
        traders = [e for e in records if e.industry_code in SALES_OR_REPAIR_CODES]
        assert len(traders) > 0.05 * len(records)
        assert all(e.chain_hint is None for e in traders)
    assert any("风动和电动工具销售" in e.business_scope and e.chain_hint is None for e in local)
    assert any("机动车修理和维护" in e.business_scope and e.chain_hint is None for e in local)


def test_chain_firms_lead_with_their_own_business(national) -> None:
    for e in national[:3000]:
        if e.chain_hint and e.business_scope.startswith("一般项目："):
            first = e.business_scope.removeprefix("一般项目：").split("；")[0]
            phrases = V.nodes()[e.chain_hint]["scope"]
            assert any(first.startswith(p) for p in phrases), (e.chain_hint, first)


def test_the_child_side_of_the_demo_imports_no_django() -> None:
    """demo/producer.py runs the generator in a spawned child: a fresh interpreter without Django."""
    code = (
        "import sys, corridor.demo.producer, corridor.demo.generator; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert out.stdout.strip() == "[]"
