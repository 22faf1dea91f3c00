"""Complexity and relatedness: checked by hand, against the ecomplexity package, and by properties."""

from __future__ import annotations

import warnings
from functools import cache

import ecomplexity
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from corridor.engine.complexity import (
    POSSIBLE_ENTRANT,
    PRESETS,
    complexity,
    density,
    district_view,
    diversity,
    gain_pci,
    opportunity_gain,
    opportunity_scores,
    presence,
    proximity,
    rca,
    relatedness,
    swot_quadrants,
    ubiquity,
)

TIGHT = {"rtol": 1e-9, "atol": 1e-12}
R5 = np.sqrt(5.0)
COLS = {"time": "year", "loc": "city", "prod": "node", "val": "value"}

# --- the oracle -------------------------------------------------------------------------------


def _long(x: np.ndarray) -> pd.DataFrame:
    """x as the package's long table; zero-padded names keep its sorted order equal to ours."""
    cities, nodes = np.meshgrid(range(x.shape[0]), range(x.shape[1]), indexing="ij")
    return pd.DataFrame(
        {
            "year": 2024,
            "city": [f"c{i:03d}" for i in cities.ravel()],
            "node": [f"p{j:03d}" for j in nodes.ravel()],
            "value": x.ravel(),
        }
    )


@cache
def _oracle(seed: int) -> dict[str, np.ndarray]:
    """ecomplexity's outputs for the seeded matrix, reshaped to cities × nodes (NaN where it drops)."""
    x = _matrix(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(_long(x), COLS, verbose=False, check_logsupermodularity=False)
        prox = ecomplexity.proximity(_long(x), COLS)
    out = out.sort_values(["city", "node"])
    result = {
        k: out[k].to_numpy(dtype=float).reshape(x.shape)
        for k in ("rca", "mcp", "diversity", "ubiquity", "density", "eci", "pci", "cog")
    }
    names = [f"p{j:03d}" for j in range(x.shape[1])]
    phi = prox.pivot(index="node_1", columns="node_2", values="proximity")
    result["proximity"] = phi.reindex(index=names, columns=names).to_numpy(dtype=float)
    return result


@cache
def _matrix(seed: int) -> np.ndarray:
    """Enterprise counts, cities × nodes: skewed and sparse, with empty cities and empty nodes."""
    if seed == -1:
        return HAND.copy()
    rng = np.random.default_rng(seed)
    shape = (60, 45) if seed % 2 == 0 else (38, 70)
    x = rng.poisson(rng.gamma(0.6, 5.0, shape) * rng.gamma(2.0, 1.0, (shape[0], 1))).astype(float)
    x[rng.choice(shape[0], 2, replace=False)] = 0
    x[:, rng.choice(shape[1], 3, replace=False)] = 0
    return x


SEEDS = [0, 1, 2, 3]
ALL = [-1, *SEEDS]


def _defined(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the cities and nodes the package keeps (non-zero totals)."""
    x = _matrix(seed)
    return x.sum(axis=1) > 0, x.sum(axis=0) > 0


# --- by hand: 3 cities × 3 nodes --------------------------------------------------------------
#
#   X = [[1, 2, 0],    row sums 3, 3, 1; column sums 1, 4, 2; total 7
#        [0, 2, 1],
#        [0, 0, 1]]
#   RCA_cp = (X_cp/row)/(col/7):  c0: (1/3)/(1/7)=7/3, (2/3)/(4/7)=7/6;  c1: 7/6, (1/3)/(2/7)=7/6;  c2: 1/(2/7)=7/2
#   M = [[1,1,0],[0,1,1],[0,0,1]]   k_c = (2, 2, 1)   k_p = (1, 2, 2)
#   C = MᵀM: C01 = 1, C02 = 0, C12 = 1  →  φ01 = 1/max(1,2) = 1/2, φ02 = 0, φ12 = 1/max(2,2) = 1/2
#   φ row sums: 3/2, 2, 3/2
#   density c0 = ((1+1/2)/(3/2), (1/2+1)/2, (1/2)/(3/2)) = (1, 3/4, 1/3)
#           c1 = ((1/2)/(3/2), (1+1/2)/2, (1/2+1)/(3/2)) = (1/3, 3/4, 1)
#           c2 = (0, (1/2)/2, 1/(3/2)) = (0, 1/4, 2/3)
#   M̃ = (M/k_p)ᵀ(M/k_c) = [[1/2, 1/2, 0], [1/4, 1/2, 1/4], [0, 1/4, 3/4]]
#   eigenvalues 1, (3 ± √5)/8; for (3+√5)/8: v = (1, (√5−1)/4, −(1+√5)/4) (k_p·v = 0)
#   raw ECI = M v / k_c = ((3+√5)/8, −1/4, −(1+√5)/4): diversity (2,2,1) correlates positively, keep sign
#   ECI z-scores = ((3+√5)/4, (√5−3)/4, −√5/2);  PCI z-scores of v = (√5/2, (3−√5)/4, −(3+√5)/4)
#   std(raw ECI) = (5+√5)/12, so the gain-scale PCI u = v/std = (3 − 3√5/5, (9√5−15)/10, −3√5/5)
#   ecomplexity's PCI = (v − mean raw ECI)/std = (3 − √5/2, √5 − 3/2, −√5/2): ECI_c = mean PCI over its nodes
#   COG with w_p' = u_p'/Σφ_p'·: c0 lacks p2 only: −3√5/5·2/3 = −2√5/5
#                                c1 lacks p0 only: (3 − 3√5/5)·2/3 = 2 − 2√5/5
#                                c2 lacks p0, p1: p0: w0 + w1/2 = (65 − 7√5)/40;  p1: w0/2 + w1 = (1+√5)/4

HAND = np.array([[1, 2, 0], [0, 2, 1], [0, 0, 1]], dtype=float)


def test_hand_case_step_by_step() -> None:
    r = relatedness(HAND)
    assert_allclose(r.rca, [[7 / 3, 7 / 6, 0], [0, 7 / 6, 7 / 6], [0, 0, 7 / 2]], **TIGHT)
    assert_array_equal(r.m, [[1, 1, 0], [0, 1, 1], [0, 0, 1]])
    assert_array_equal(r.diversity, [2, 2, 1])
    assert_array_equal(r.ubiquity, [1, 2, 2])
    assert_allclose(r.proximity, [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]], **TIGHT)
    assert_allclose(r.density, [[1, 3 / 4, 1 / 3], [1 / 3, 3 / 4, 1], [0, 1 / 4, 2 / 3]], **TIGHT)
    assert_allclose(r.eci, [(3 + R5) / 4, (R5 - 3) / 4, -R5 / 2], **TIGHT)
    assert_allclose(r.pci, [R5 / 2, (3 - R5) / 4, -(3 + R5) / 4], **TIGHT)
    assert_allclose(r.pci_gain, [3 - 3 * R5 / 5, (9 * R5 - 15) / 10, -3 * R5 / 5], **TIGHT)
    expected_cog = [
        [0, 0, -2 * R5 / 5],
        [2 - 2 * R5 / 5, 0, 0],
        [(65 - 7 * R5) / 40, (1 + R5) / 4, 0],
    ]
    assert_allclose(r.cog, expected_cog, **TIGHT)


def test_hand_case_package_pci_keeps_eci_as_mean_pci() -> None:
    pkg = _oracle(-1)["pci"][0]
    assert_allclose(pkg, [3 - R5 / 2, R5 - 1.5, -R5 / 2], **TIGHT)
    r = relatedness(HAND)
    assert_allclose(_oracle(-1)["eci"][:, 0], r.eci, **TIGHT)
    assert_allclose(r.m @ pkg / r.diversity, r.eci, **TIGHT)


# --- against ecomplexity -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", ALL)
def test_rca_presence_diversity_ubiquity_match_package(seed: int) -> None:
    pkg, r = _oracle(seed), relatedness(_matrix(seed))
    rows, cols = _defined(seed)
    kept = np.outer(rows, cols)
    assert_allclose(r.rca[kept], pkg["rca"][kept], **TIGHT)
    assert_array_equal(r.m[kept], pkg["mcp"][kept])
    assert_array_equal(r.diversity[rows], pkg["diversity"][rows, 0])
    assert_array_equal(r.ubiquity[cols], pkg["ubiquity"][0, cols])
    # Where the package drops an empty city or node (NaN), every measure here is 0.
    assert not pkg["rca"][~kept].size or np.isnan(pkg["rca"][~kept]).all()
    assert (r.rca[~kept] == 0).all() and (r.m[~kept] == 0).all()
    assert (r.diversity[~rows] == 0).all() and (r.ubiquity[~cols] == 0).all()


@pytest.mark.parametrize("seed", ALL)
def test_proximity_matches_package_with_its_nan_fill(seed: int) -> None:
    pkg, phi = _oracle(seed)["proximity"], proximity(relatedness(_matrix(seed)).m)
    _, cols = _defined(seed)
    kept = np.outer(cols, cols)
    assert_allclose(phi[kept], pkg[kept], **TIGHT)
    assert_allclose(np.diag(pkg)[cols], 1.0)  # the package's diagonal is 1 too (C_pp = k_p)
    # The package leaves NaN for a node present nowhere; its own rule for a supplied φ
    # (diagonal NaN → 1, other NaN → 0) is exactly what proximity() returns.
    filled = pkg.copy()
    np.fill_diagonal(filled, 1.0)
    assert_allclose(phi, np.nan_to_num(filled, nan=0.0), **TIGHT)
    assert_allclose(phi, phi.T)


@pytest.mark.parametrize("seed", ALL)
def test_density_and_cog_match_package(seed: int) -> None:
    pkg, r = _oracle(seed), relatedness(_matrix(seed))
    rows, cols = _defined(seed)
    kept = np.outer(rows, cols)
    assert_allclose(r.density[kept], pkg["density"][kept], **TIGHT)
    assert_allclose(r.cog[kept], pkg["cog"][kept], rtol=1e-8, atol=1e-10)
    assert (r.density[~kept] == 0).all() and (r.cog[:, ~cols] == 0).all()
    # An empty city (dropped by the package) lacks every node: its COG is the formula's value.
    empty_city = opportunity_gain(np.zeros(r.m.shape[1]), r.proximity, r.pci_gain)
    for row in r.cog[~rows]:
        assert_allclose(row, empty_city, **TIGHT)
    assert not np.allclose(r.density, np.round(r.density))  # continuous, unlike knn density


@pytest.mark.parametrize("seed", ALL)
def test_eci_matches_package(seed: int) -> None:
    pkg, r = _oracle(seed), relatedness(_matrix(seed))
    rows, _ = _defined(seed)
    assert_allclose(r.eci[rows], pkg["eci"][rows, 0], rtol=1e-8, atol=1e-10)
    assert (r.eci[~rows] == 0).all()
    assert np.corrcoef(r.diversity[rows], r.eci[rows])[0, 1] > 0


@pytest.mark.parametrize("seed", ALL)
def test_pci_relates_to_package_pci_as_documented(seed: int) -> None:
    pkg, r = _oracle(seed), relatedness(_matrix(seed))
    rows, cols = _defined(seed)
    pkg_pci = pkg["pci"][0, cols]
    # Ours is a plain z-score; the package standardises PCI with ECI's mean and std instead.
    assert_allclose(r.pci[cols], (pkg_pci - pkg_pci.mean()) / pkg_pci.std(), rtol=1e-8, atol=1e-10)
    assert (r.pci[~cols] == 0).all()
    # Gain scale = package PCI + mean raw ECI/std: the same unit, centred on zero ubiquity-weighted mean.
    shift = r.pci_gain[cols] - pkg_pci
    assert_allclose(shift, shift[0], atol=1e-10)
    assert abs(r.ubiquity @ r.pci_gain) < 1e-9
    raw_eci = (r.m @ r.pci_gain)[rows] / r.diversity[rows]
    assert_allclose(raw_eci.std(), 1.0, **TIGHT)
    assert_allclose(raw_eci - raw_eci.mean(), r.eci[rows], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("seed", ALL)
def test_bundle_is_the_plain_functions(seed: int) -> None:
    x = _matrix(seed)
    r = relatedness(x)
    m = presence(rca(x))
    assert_array_equal(m, r.m)
    assert_array_equal(diversity(m), r.diversity)
    assert_array_equal(ubiquity(m), r.ubiquity)
    assert_allclose(density(m, proximity(m)), r.density)
    eci, pci = complexity(m)
    assert_allclose(eci, r.eci)
    assert_allclose(pci, r.pci)
    assert_allclose(gain_pci(m), r.pci_gain)
    assert_allclose(opportunity_gain(m, r.proximity, r.pci_gain), r.cog)
    # Rows one at a time give the same density and COG as the matrix.
    assert_allclose(density(m[-1], r.proximity), r.density[-1], **TIGHT)
    assert_allclose(opportunity_gain(m[-1], r.proximity, r.pci_gain), r.cog[-1], **TIGHT)


def test_empty_cities_and_nodes_change_nothing_else() -> None:
    x = _matrix(0)
    rows, cols = _defined(0)
    full, trimmed = relatedness(x), relatedness(x[rows][:, cols])
    for name in ("rca", "m", "density", "cog"):
        assert_allclose(getattr(full, name)[rows][:, cols], getattr(trimmed, name), **TIGHT)
    assert_allclose(full.proximity[cols][:, cols], trimmed.proximity)
    assert_allclose(full.eci[rows], trimmed.eci, **TIGHT)
    assert_allclose(full.pci[cols], trimmed.pci, **TIGHT)
    assert_allclose(full.proximity[~cols][:, ~cols], np.eye((~cols).sum()))


# --- edge cases -------------------------------------------------------------------------------


def _finite(r: object) -> bool:
    """Every array field of a Relatedness is finite."""
    return all(np.isfinite(v).all() for v in vars(r).values() if isinstance(v, np.ndarray))


def test_all_zero_matrix_gives_zeros_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = relatedness(np.zeros((4, 3)))
    assert _finite(r)
    for name in ("rca", "m", "diversity", "ubiquity", "density", "eci", "pci", "cog"):
        assert not getattr(r, name).any(), name
    assert_array_equal(r.proximity, np.eye(3))


def test_one_city_is_present_everywhere_it_has_anything() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = relatedness([[3.0, 0.0, 5.0, 1.0]])
    assert_allclose(r.rca, [[1, 0, 1, 1]])
    assert_array_equal(r.m, [[1, 0, 1, 1]])
    assert _finite(r)
    # One city cannot be ranked: ECI, PCI and COG are 0 (the package gives NaN here).
    assert not r.eci.any() and not r.pci.any() and not r.cog.any()


def test_node_present_nowhere() -> None:
    x = _matrix(2).copy()
    x[:, 4] = 0
    r = relatedness(x)
    assert r.ubiquity[4] == 0 and r.pci[4] == 0
    assert_array_equal(r.proximity[4], np.eye(x.shape[1])[4])
    assert (r.density[:, 4] == 0).all() and (r.cog[:, 4] == 0).all()
    assert _finite(r)


def test_high_threshold_leaves_nodes_and_cities_without_presence() -> None:
    r = relatedness(_matrix(1), threshold=4.0)
    assert (r.ubiquity == 0).any() and (r.diversity == 0).any()
    assert _finite(r)  # the package turns the whole ECI/PCI/COG output into NaN here
    assert_allclose(r.pci[r.ubiquity > 0].std(), 1.0)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([[1.0, np.nan], [2.0, 3.0]], "NaN value at row 0, column 1"),
        ([[1.0, 2.0], [3.0, -4.0]], "negative value -4 at row 1, column 1"),
        ([[1.0, np.inf], [2.0, 3.0]], "infinite value at row 0, column 1"),
        ([1.0, 2.0], "must have 2 dimension"),
    ],
)
def test_bad_values_are_refused(x: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        relatedness(x)


def test_bad_presence_and_threshold_are_refused() -> None:
    with pytest.raises(ValueError, match="only 0 and 1"):
        proximity([[1, 2], [0, 1]])
    with pytest.raises(ValueError, match="positive number"):
        presence([[1.0]], threshold=0)
    with pytest.raises(ValueError, match="district row has 2 activities, the matrix has 3"):
        district_view(HAND, [1.0, 2.0])


# --- a district against the national matrix -----------------------------------------------------


def test_district_that_is_a_row_equals_its_national_row() -> None:
    x = _matrix(0)
    view = district_view(x, x[7])
    r = view.national
    assert_allclose(view.rca, r.rca[7], **TIGHT)
    assert_array_equal(view.m, r.m[7])
    assert_allclose(view.density, r.density[7], **TIGHT)
    assert_allclose(view.cog, r.cog[7], **TIGHT)
    assert view.eci == pytest.approx(r.eci[7], abs=1e-10)


def test_district_inside_a_city_uses_national_phi() -> None:
    x = _matrix(0)
    district = np.floor(x[11] * 0.4)  # part of city 11; the national totals already contain it
    view = district_view(x, district)
    share = x.sum(axis=0) / x.sum()
    assert_allclose(view.rca, (district / district.sum()) / np.where(share > 0, share, 1), **TIGHT)
    assert_allclose(view.density, density(view.m, view.national.proximity), **TIGHT)
    alone = relatedness(district[np.newaxis, :])  # what the pitfall warns about: φ from one place
    assert not np.allclose(alone.proximity, view.national.proximity)
    assert np.isfinite(view.eci)


# --- opportunities and SWOT -----------------------------------------------------------------------


def test_opportunity_scores_by_hand() -> None:
    # 4 nodes, node 0 present. Candidates 1..3: density (.6, .3, .3) → distance (.4, .7, .7),
    # z(distance) = (−√2, 1/√2, 1/√2); PCI (0, 3, 0) → z = (−1/√2, √2, −1/√2); COG (1, 1, 4) likewise.
    s = opportunity_scores(
        [0.9, 0.6, 0.3, 0.3],
        [5.0, 0.0, 3.0, 0.0],
        [0.0, 1.0, 1.0, 4.0],
        [True, False, False, False],
        "balanced",
    )
    a, b = np.sqrt(2), 1 / np.sqrt(2)
    assert_allclose(s.z_distance[1:], [-a, b, b])
    assert_allclose(s.z_pci[1:], [-b, a, -b])
    assert_allclose(s.z_cog[1:], [-b, -b, a])
    assert_allclose(
        s.score[1:],
        [
            0.5 * a - 0.15 * b - 0.35 * b,
            -0.5 * b + 0.15 * a - 0.35 * b,
            -0.5 * b - 0.15 * b + 0.35 * a,
        ],
    )
    assert_allclose(s.score, s.from_distance + s.from_complexity + s.from_gain)
    assert np.isnan(s.score[0]) and not s.candidate[0]
    assert_allclose(s.distance, [0.1, 0.4, 0.7, 0.7])
    assert s.weights == PRESETS["balanced"]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_opportunity_presets_on_a_district(preset: str) -> None:
    view = district_view(_matrix(0), _matrix(0)[3] + _matrix(0)[20])
    s = opportunity_scores(view.density, view.national.pci, view.cog, view.present, preset)
    assert_array_equal(s.candidate, ~view.present)
    for z in (s.z_distance, s.z_pci, s.z_cog):
        assert_allclose((z[s.candidate].mean(), z[s.candidate].std()), (0.0, 1.0), atol=1e-12)
    assert_allclose(
        -s.z_distance[s.candidate], (lambda d: (d - d.mean()) / d.std())(view.density[s.candidate])
    )
    w_d, w_p, w_g = PRESETS[preset]
    assert_allclose(s.score, -w_d * s.z_distance + w_p * s.z_pci + w_g * s.z_cog)


def test_opportunity_weights_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown preset 'fast'"):
        opportunity_scores([0.5], [0.0], [0.0], [False], "fast")
    with pytest.raises(ValueError, match="three finite numbers"):
        opportunity_scores([0.5], [0.0], [0.0], [False], (1.0, 2.0))  # type: ignore[arg-type]
    lone = opportunity_scores([0.5, 0.2], [1.0, 0.0], [0.3, 0.0], [False, True], (1.0, 1.0, 1.0))
    assert lone.score[0] == 0.0  # a single candidate has no spread: every z is 0


def test_swot_quadrants() -> None:
    rca_row = [2.0, 0.5, 0.5, 1.5, 0.0, 0.0, 1.0]
    own = [0.6, 0.6, 0.2, 0.2, 0.6, 0.2, 0.4]
    peers = [
        [0.3, 0.5, 0.5, 0.3, 0.5, 0.3, 0.5],
        [0.5, 0.3, 0.3, 0.5, 0.3, 0.5, 0.3],
    ]  # mean 0.4 each
    q = swot_quadrants(rca_row, own, peers)
    labels = [
        "strength",
        "opportunity",
        "weakness",
        "threat",
        POSSIBLE_ENTRANT,
        POSSIBLE_ENTRANT,
        "strength",
    ]
    assert list(q.label) == labels
    assert_allclose(q.fit, np.asarray(own) - 0.4, atol=1e-15)
    assert list(q.fit_above) == [True, True, False, False, True, False, True]
    assert list(swot_quadrants(rca_row, own, np.full(7, 0.4)).label) == labels
    with pytest.raises(ValueError, match="one value per activity"):
        swot_quadrants(rca_row, own, [0.4, 0.4])


# --- properties -----------------------------------------------------------------------------------

VALUES = arrays(
    np.float64,
    st.tuples(st.integers(1, 7), st.integers(1, 7)),
    elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e9)),  # counts, 万元, staff: no 1e-300 quirks
)


@settings(max_examples=60, deadline=None)
@given(VALUES, st.floats(1e-3, 1e6))
def test_rca_is_scale_invariant(x: np.ndarray, factor: float) -> None:
    assert_allclose(rca(x * factor), rca(x), rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_density_is_a_share_and_everything_is_finite(x: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = relatedness(x)
    assert ((r.density >= 0) & (r.density <= 1 + 1e-12)).all()
    assert ((r.proximity >= 0) & (r.proximity <= 1)).all()
    assert _finite(r)
