"""Investment targeting: each part by hand, weights and ties, agreement with the naive scorer, errors."""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from corridor.engine.targeting import (
    DEFAULT_STRATEGY,
    PARTS,
    PRESETS,
    Candidates,
    Strategy,
    distance_km,
    distance_part,
    expansion_part,
    fit_part,
    growth_part,
    linkage_part,
    quality_part,
    rank,
    rank_naive,
    revenue_reference,
    scale_part,
)

NAN = math.nan
KM_PER_DEGREE = 6371.0088 * math.pi / 180  # one degree along a meridian
JINHUA = {"lat": 29.08, "lon": 119.65}
NEUTRAL: dict[str, Any] = {
    "fit": 0.5,
    "evidence": 3,
    "revenue": 1000.0,
    "growth": NAN,
    "titles": 0,
    "rd_intensity": NAN,
    "supplies_leaders": 0.0,
    "buys_local": 0.0,
    "colocated": 0.0,
    "equity": 0.0,
    "branches": 0,
    "capacity_growth": NAN,
    "lat": NAN,
    "lon": NAN,
    "province_code": "11",
}


def table(*rows: dict[str, Any]) -> Candidates:
    """Candidates with ids 1..n from partial rows (the rest NEUTRAL)."""
    return Candidates.from_rows(
        [{"id": r.get("id", i + 1), **NEUTRAL, **r} for i, r in enumerate(rows)]
    )


def only(part: str) -> Strategy:
    return Strategy(f"{part} only", {part: 1.0})


# --- each part by hand ------------------------------------------------------------------------


def test_fit_is_confidence_damped_until_three_pieces_of_evidence() -> None:
    c = table(*({"fit": 0.8, "evidence": e} for e in (3, 10, 0.75, 0)))
    assert_allclose(fit_part(c), [0.8, 0.8, 0.4, 0.0])


def test_revenue_reference_is_the_nearest_rank_99th_percentile() -> None:
    assert revenue_reference(np.arange(1.0, 101.0)) == 99.0
    assert revenue_reference(np.arange(1.0, 201.0)) == 198.0
    assert revenue_reference(np.array([7.0])) == 7.0
    assert revenue_reference(np.array([])) == 0.0


def test_scale_is_log_revenue_over_log_reference_capped_at_one() -> None:
    c = table({"revenue": 9.0}, {"revenue": 0.0}, {"revenue": 99.0}, {"revenue": 1e6})
    assert_allclose(scale_part(c, 99.0), [0.5, 0.0, 1.0, 1.0])
    assert_array_equal(scale_part(c, 0.0), 0.0)


def test_growth_maps_minus_ten_to_plus_forty_percent_onto_zero_to_one() -> None:
    c = table(*({"growth": g} for g in (-0.1, 0.15, 0.4, -0.5, 1.0, NAN)))
    assert_allclose(growth_part(c), [0.0, 0.5, 1.0, 0.0, 1.0, 0.3])


@pytest.mark.parametrize(
    ("titles", "rd", "expected"),
    [
        (0, NAN, 0.0),
        (1, NAN, 0.30),  # 高新技术企业
        (1 | 2, 0.0, 0.50),  # + 专精特新
        (8, 0.03, 0.10 + 0.15),  # 科技型中小企业, half of full R&D marks
        (16, 0.12, 0.20 + 0.30),  # listed, R&D beyond 6 % counts as 6 %
        (31, 0.06, 1.0),  # everything: capped
    ],
)
def test_quality_adds_title_weights_and_rd_intensity(
    titles: int, rd: float, expected: float
) -> None:
    assert_allclose(quality_part(table({"titles": titles, "rd_intensity": rd})), [expected])


def test_linkage_weighs_supplying_leaders_most() -> None:
    c = table(
        {"supplies_leaders": 1.0},
        {"buys_local": 1.0},
        {"colocated": 1.0},
        {"supplies_leaders": 0.5, "buys_local": 0.5, "colocated": 0.5},
    )
    assert_allclose(linkage_part(c), [0.4, 0.3, 0.3, 0.5])


def test_expansion_combines_equity_branches_and_capacity() -> None:
    c = table(
        {"equity": 50_000.0},
        {"equity": 1e9},
        {"branches": 3},
        {"branches": 30},
        {"capacity_growth": 0.15},
        {"capacity_growth": -0.2},
        {},
    )
    assert_allclose(expansion_part(c), [0.5, 0.5, 0.25, 0.25, 0.125, 0.0, 0.0])


def test_distance_is_haversine_to_jinhua() -> None:
    lat = np.array([29.08, 30.08, NAN, 29.08])
    lon = np.array([119.65, 119.65, 119.65, NAN])
    km = distance_km(lat, lon)
    assert_allclose(km[:2], [0.0, KM_PER_DEGREE], atol=1e-9)
    assert np.isnan(km[2:]).all()
    shanghai = distance_km(np.array([31.23]), np.array([121.47]))[0]
    assert 280 < shanghai < 300  # published road-free distance ≈ 290 km


def test_distance_part_blends_nearness_and_the_yangtze_river_delta() -> None:
    c = table(
        {**JINHUA, "province_code": "33"},
        {"province_code": 33},  # no coordinates: only the YRD bonus
        {"lat": 29.08 + 600 / KM_PER_DEGREE, "lon": 119.65, "province_code": "11"},
    )
    km = distance_km(c.lat, c.lon)
    assert_allclose(distance_part(c, km), [1.0, 0.3, 0.7 / math.e])


# --- ranking ----------------------------------------------------------------------------------


def test_a_distance_only_strategy_ranks_the_nearest_first() -> None:
    c = table(
        {"lat": 39.9, "lon": 116.4},  # Beijing
        {"lat": 30.27, "lon": 120.16},  # Hangzhou
        {**JINHUA},
        {"lat": 22.54, "lon": 114.06},  # Shenzhen
    )
    assert rank(c, only("distance")).ids.tolist() == [3, 2, 4, 1]


def test_changing_weights_changes_the_order_as_expected() -> None:
    big_far = {"revenue": 500_000.0, "titles": 1 | 2 | 16, "lat": 39.9, "lon": 116.4}
    small_near = {"revenue": 2_000.0, **JINHUA, "province_code": "33", "supplies_leaders": 1.0}
    c = table(big_far, small_near, *({"revenue": 1_000.0} for _ in range(98)))
    assert rank(c, PRESETS["strengthen"], top=2).ids.tolist() == [1, 2]
    assert rank(c, PRESETS["nearby"], top=2).ids.tolist() == [2, 1]
    assert rank(c, only("scale"), top=1).ids.tolist() == [1]


def test_ties_are_broken_by_id_even_at_the_cut() -> None:
    c = table(*({"id": i} for i in (50, 7, 31, 9, 2)))
    assert rank(c).ids.tolist() == [2, 7, 9, 31, 50]
    assert rank(c, top=2).ids.tolist() == [2, 7]


def test_the_same_inputs_in_any_row_order_give_the_same_ranking() -> None:
    rows = random_rows(2_000, seed=3)
    first = rank(Candidates.from_rows(rows), top=100)
    shuffled = [rows[i] for i in np.random.default_rng(4).permutation(len(rows))]
    again = rank(Candidates.from_rows(shuffled), top=100)
    assert_array_equal(first.ids, again.ids)
    assert_array_equal(first.scores, again.scores)


def test_excluded_ids_are_skipped_without_moving_anyone_elses_score() -> None:
    c = Candidates.from_rows(random_rows(500, seed=5))
    full = rank(c, top=10)
    skip = full.ids[:3].tolist()
    less = rank(c, top=7, exclude_ids=skip)
    assert_array_equal(less.ids, full.ids[3:])
    assert_array_equal(less.scores, full.scores[3:])
    assert less.considered == 497 and less.revenue_reference == full.revenue_reference


def test_no_candidates_top_beyond_n_and_top_zero() -> None:
    empty = rank(table(), top=5)
    assert len(empty) == 0 and empty.parts.shape == (0, len(PARTS)) and empty.targets() == []
    c = table({}, {}, {})
    assert len(rank(c, top=10)) == 3
    assert len(rank(c, top=0)) == 0


def test_all_optional_columns_unknown() -> None:
    c = table(*({"revenue": float(r)} for r in range(20)))
    ranking = rank(c)
    assert np.isfinite(ranking.scores).all()
    assert_allclose(ranking.parts[:, PARTS.index("growth")], 0.3)
    assert_allclose(ranking.parts[:, PARTS.index("distance")], 0.0)


def test_contributions_are_points_that_sum_to_the_score() -> None:
    target = rank(table({"fit": 1.0, "revenue": 0.0, "titles": 1}), DEFAULT_STRATEGY).targets()[0]
    assert target.contributions["fit"] == pytest.approx(25.0)
    assert target.contributions["quality"] == pytest.approx(15 * 0.3)
    assert target.contributions["growth"] == pytest.approx(10 * 0.3)
    assert sum(target.contributions.values()) == pytest.approx(target.score)


def test_reasons_carry_the_numbers_an_official_would_quote() -> None:
    row = {
        "growth": 0.18,
        "titles": 1 | 2 | 16,
        "rd_intensity": 0.05,
        "lat": 31.23,
        "lon": 121.47,
        "province_code": "31",
        "evidence": 4,
    }
    strategy = Strategy("three", {"growth": 1.0, "quality": 2.0, "distance": 1.0})
    reasons = rank(table(row), strategy).targets()[0].reasons
    assert [code for code, _ in reasons] == ["quality", "distance", "growth"]  # by points
    facts = dict(reasons)
    assert facts["growth"] == {"cagr": 0.18}
    assert facts["quality"] == {
        "titles": ["high_tech", "specialised"],
        "listed": True,
        "rd_intensity": 0.05,
    }
    assert facts["distance"]["yrd"] is True and 280 < facts["distance"]["km"] < 300
    assert isinstance(facts["distance"]["km"], int)
    assert dict(rank(table(row)).targets()[0].reasons)["fit"] == {"confidence": 0.5, "evidence": 4}


def test_unknown_values_are_none_in_the_reasons() -> None:
    facts = dict(rank(table({})).targets()[0].reasons)
    assert facts["growth"] == {"cagr": None}
    assert facts["distance"] == {"km": None, "yrd": False, "province": 11}


# --- agreement with the naive scorer ----------------------------------------------------------


def random_rows(n: int, seed: int) -> list[dict[str, Any]]:
    """Seeded rows with the awkward cases mixed in: unknown growth, no coordinates, zero revenue."""
    rng = np.random.default_rng(seed)

    def unknown_sometimes(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, NAN, values)

    c = Candidates(
        ids=rng.permutation(n).astype(np.int64) * 7 + 11,
        fit=rng.random(n),
        evidence=rng.integers(0, 6, n),
        revenue=np.where(rng.random(n) < 0.1, 0.0, rng.lognormal(8, 2, n)),
        growth=unknown_sometimes(rng.normal(0.1, 0.3, n).clip(-0.95), 0.3),
        titles=np.where(rng.random(n) < 0.25, rng.integers(1, 32, n), 0),
        rd_intensity=unknown_sometimes(rng.gamma(1.2, 0.03, n), 0.3),
        supplies_leaders=rng.random(n),
        buys_local=rng.random(n),
        colocated=rng.random(n),
        equity=np.where(rng.random(n) < 0.05, rng.lognormal(7, 1.5, n), 0.0),
        branches=rng.poisson(0.4, n),
        capacity_growth=unknown_sometimes(rng.normal(0.05, 0.25, n).clip(-0.95), 0.4),
        lat=unknown_sometimes(rng.uniform(18, 50, n), 0.1),
        lon=unknown_sometimes(rng.uniform(75, 134, n), 0.1),
        province_code=rng.integers(11, 66, n).astype(str),
    )
    return c.to_rows()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_rank_agrees_with_the_naive_scorer_on_5000_random_rows(name: str) -> None:
    rows = random_rows(5_000, seed=2024)
    ranking = rank(Candidates.from_rows(rows), PRESETS[name], top=300)
    naive = rank_naive(rows, PRESETS[name], top=300)
    assert ranking.ids.tolist() == [i for i, _ in naive]
    assert_allclose(ranking.scores, [s for _, s in naive], rtol=0, atol=1e-9)


def test_rank_agrees_with_the_naive_scorer_with_exclusions_and_top_beyond_n() -> None:
    rows = random_rows(300, seed=8)
    skip = [rows[i]["id"] for i in range(0, 300, 4)]
    ranking = rank(Candidates.from_rows(rows), top=1_000, exclude_ids=skip)
    naive = rank_naive(rows, top=1_000, exclude_ids=skip)
    assert len(ranking) == 225
    assert ranking.ids.tolist() == [i for i, _ in naive]
    assert_allclose(ranking.scores, [s for _, s in naive], rtol=0, atol=1e-9)


def test_naive_scorer_on_no_rows() -> None:
    assert rank_naive([], top=10) == []


# --- properties -------------------------------------------------------------------------------

unit = st.floats(0, 1)
maybe = st.one_of(st.just(NAN), st.floats(-0.99, 3))
row_values = st.fixed_dictionaries(
    {
        "fit": unit,
        "evidence": st.integers(0, 8),
        "revenue": st.one_of(st.just(0.0), st.floats(0, 1e7)),
        "growth": maybe,
        "titles": st.integers(0, 31),
        "rd_intensity": st.one_of(st.just(NAN), st.floats(0, 2)),
        "supplies_leaders": unit,
        "buys_local": unit,
        "colocated": unit,
        "equity": st.one_of(st.just(0.0), st.floats(0, 1e6)),
        "branches": st.integers(0, 20),
        "capacity_growth": maybe,
        "lat": st.one_of(st.just(NAN), st.floats(-90, 90)),
        "lon": st.one_of(st.just(NAN), st.floats(-180, 180)),
        "province_code": st.sampled_from(["00", "11", "31", "32", "33", "34", "44", "65"]),
    }
)
weights = st.dictionaries(st.sampled_from(PARTS), st.floats(0, 10), min_size=1).filter(
    lambda w: any(v > 0 for v in w.values())
)


@st.composite
def tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = draw(st.lists(row_values, max_size=25))
    ids = draw(
        st.lists(st.integers(1, 10**12), min_size=len(rows), max_size=len(rows), unique=True)
    )
    return [{"id": i, **r} for i, r in zip(ids, rows, strict=True)]


@settings(max_examples=150, deadline=None)
@given(rows=tables(), w=weights, top=st.integers(0, 30))
def test_contributions_sum_to_the_score_and_parts_stay_in_range(
    rows: list[dict[str, Any]], w: dict[str, float], top: int
) -> None:
    ranking = rank(Candidates.from_rows(rows), Strategy("drawn", w), top=top)
    assert len(ranking) == min(top, len(rows))
    assert_allclose(ranking.contributions.sum(axis=1), ranking.scores, rtol=0, atol=1e-9)
    assert ((ranking.parts >= 0) & (ranking.parts <= 1)).all()
    assert ((ranking.scores >= 0) & (ranking.scores <= 100 + 1e-9)).all()
    assert (np.diff(ranking.scores) <= 0).all()


@settings(max_examples=100, deadline=None)
@given(rows=tables(), w=weights)
def test_every_score_matches_the_naive_scorer(
    rows: list[dict[str, Any]], w: dict[str, float]
) -> None:
    strategy = Strategy("drawn", w)
    ours = rank(Candidates.from_rows(rows), strategy, top=len(rows))
    naive = dict(rank_naive(rows, strategy, top=len(rows)))
    assert_allclose(ours.scores, [naive[i] for i in ours.ids.tolist()], rtol=0, atol=1e-9)


# --- strategies and bad input -----------------------------------------------------------------


def test_presets_are_valid_and_round_trip_through_their_saved_form() -> None:
    assert {"balanced", "strengthen", "fill_gaps", "nearby"} <= set(PRESETS)
    for strategy in PRESETS.values():
        again = Strategy.from_dict(strategy.to_dict())
        assert again == strategy and sum(again.weights.values()) == pytest.approx(1.0)
        assert pickle.loads(pickle.dumps(strategy)) == strategy  # shipped to Spark executors


def test_missing_weights_are_zero() -> None:
    s = Strategy.from_dict({"name": "near", "weights": {"distance": 2}, "version": 3})
    assert s.weights["distance"] == 2.0 and s.weights["fit"] == 0.0 and s.version == 3
    assert s.points()["distance"] == 100.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x", "weights": {"fit": -1}}, "weight of 'fit' must be a finite number ≥ 0"),
        ({"name": "x", "weights": {"fit": NAN}}, "weight of 'fit'"),
        ({"name": "x", "weights": {"fit": math.inf}}, "weight of 'fit'"),
        ({"name": "x", "weights": {"fit": "0.5"}}, "weight of 'fit'"),
        ({"name": "x", "weights": {"fit": True}}, "weight of 'fit'"),
        ({"name": "x", "weights": {"distnace": 1}}, "unknown part 'distnace'"),
        ({"name": "x", "weights": {"fit": 0, "scale": 0}}, "at least one weight must be positive"),
        ({"name": "x", "weights": {}}, "at least one weight must be positive"),
        ({"name": "x", "weights": [1, 2]}, "weights must be a mapping"),
        ({"name": "", "weights": {"fit": 1}}, "needs a name"),
        ({"name": "x", "weights": {"fit": 1}, "version": 0}, "version must be a positive"),
        ({"name": "x", "weights": {"fit": 1}, "colour": "red"}, "unknown strategy field 'colour'"),
    ],
)
def test_invalid_strategies_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Strategy.from_dict(data)


def columns(n: int = 3, **changes: Any) -> dict[str, Any]:
    """Valid columns for n candidates, with some replaced."""
    base = {name: np.array([value] * n) for name, value in NEUTRAL.items()}
    return {**base, "ids": np.arange(1, n + 1), **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"fit": np.array([0.5, NAN, 0.5])},
            r"column 'fit' has no value \(NaN\) at row 1 \(id 2\)",
        ),
        ({"revenue": np.array([1.0, 2.0, NAN])}, "column 'revenue' has no value"),
        ({"fit": np.array([0.5, 1.5, 0.5])}, "column 'fit' has 1.5 at row 1 .* allowed 0 to 1"),
        ({"revenue": np.array([-3.0, 1.0, 1.0])}, "column 'revenue' has -3"),
        ({"equity": np.array([1.0, math.inf, 1.0])}, "column 'equity' has inf"),
        ({"lat": np.array([95.0, NAN, NAN])}, "column 'lat' has 95"),
        ({"buys_local": np.array([0.1, 0.2])}, "column 'buys_local' has 2 values, expected 3"),
        ({"colocated": np.zeros((3, 1))}, "column 'colocated' must be one-dimensional"),
        ({"ids": np.array([1, 2, 2])}, "column 'ids' has a repeated id"),
        ({"ids": np.array([1.0, 2.0, 3.0])}, "column 'ids' must hold integers"),
        ({"titles": np.array([0, 32, 0])}, "column 'titles' has 32"),
        ({"branches": np.array([0.0, NAN, 1.0])}, "column 'branches' must hold whole numbers"),
        ({"branches": np.array([0.5, 0.0, 1.0])}, "column 'branches' must hold whole numbers"),
        ({"province_code": np.array(["33", "ZJ", "11"])}, "column 'province_code' must hold whole"),
        ({"province_code": np.array(["330000", "33", "11"])}, "column 'province_code' has 330000"),
        ({"growth": np.array(["fast", "", ""])}, "column 'growth' must hold numbers"),
    ],
)
def test_bad_columns_are_refused_naming_the_column(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Candidates(**columns(**changes))


def test_valid_columns_are_accepted_and_normalised() -> None:
    c = Candidates(**columns(province_code=np.array(["33", "31", "11"])))
    assert c.province_code.dtype == np.int64 and c.province_code.tolist() == [33, 31, 11]
    assert c.evidence.dtype == np.float64 and len(c) == 3


@pytest.mark.parametrize("top", [-1, 2.5, True])
def test_a_bad_top_is_refused(top: Any) -> None:
    with pytest.raises(ValueError, match="top must be a whole number"):
        rank(table({}), top=top)
