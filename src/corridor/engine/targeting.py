"""Investment targeting (精准招商): rank enterprises outside the district for chosen chain nodes.

The caller builds one ``Candidates`` table per selection (a node, a set of nodes or a whole chain):
``fit`` is the enterprise's best classification confidence over the chosen nodes and the three
linkage signals come from the atlas. Each of seven parts scores every candidate in [0, 1]:

- fit       = confidence × √min(1, evidence / 3)
              (three counted evidence pieces give full marks; one piece keeps 58 %);
- scale     = min(1, log(1 + revenue) / log(1 + R)), R = the candidates' 99th-percentile revenue
              (nearest rank: the ⌈0.99·n⌉-th smallest), so the top 1 % of the pool scores 1;
              0 for every candidate when R is 0;
- growth    = clip((CAGR + 0.10) / 0.50, 0, 1): −10 %/yr scores 0, +40 %/yr scores 1;
              unknown CAGR → 0.3 (as +5 %/yr: neutral-low, so no data never beats real growth);
- quality   = min(1, 0.30·高新技术企业 + 0.20·专精特新 + 0.30·专精特新小巨人 + 0.10·科技型中小企业
              + 0.20·listed + 0.30·min(1, R&D intensity / 0.06)); unknown R&D intensity counts 0;
- linkage   = 0.4·supplies the district's leaders + 0.3·buys from local firms + 0.3·co-located;
- expansion = 0.5·min(1, log(1 + equity) / log(1 + 50,000 万元)) + 0.25·min(1, new branches / 3)
              + 0.25·clip(2-year employee growth / 0.30, 0, 1); unknown growth counts 0;
- distance  = 0.7·exp(−km / 600) + 0.3·[province in the Yangtze River Delta: 31, 32, 33, 34],
              km = great-circle distance to Jinhua (119.65 E, 29.08 N); unknown coordinates → the
              exp term counts 0 (pass a city centre when only the city is known).

score = Σ contribution_p, contribution_p = 100 · w_p · part_p / Σ w  (points, 0..100 in total).
Order: score descending, ties by enterprise id ascending, so the same inputs give the same order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from corridor.engine.geo import EARTH_RADIUS_KM, great_circle_km

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Reason = tuple[str, dict[str, Any]]

FORMULA_VERSION: Final = "targeting-1"
PARTS: Final = ("fit", "scale", "growth", "quality", "linkage", "expansion", "distance")

FULL_EVIDENCE: Final = 3.0
REVENUE_PERCENTILE: Final = 99
GROWTH_FLOOR, GROWTH_SPAN, GROWTH_UNKNOWN = -0.10, 0.50, 0.3
# (name, bit in the titles mask, weight in quality); bit 16 is a listing, not a title.
TITLES: Final = (
    ("high_tech", 1, 0.30),
    ("specialised", 2, 0.20),
    ("little_giant", 4, 0.30),
    ("tech_sme", 8, 0.10),
    ("listed", 16, 0.20),
)
RD_WEIGHT, RD_FULL = 0.30, 0.06
LINKAGE_WEIGHTS: Final = (("supplies_leaders", 0.4), ("buys_local", 0.3), ("colocated", 0.3))
EQUITY_WEIGHT, EQUITY_FULL = 0.5, 50_000.0  # 万元; fixed, since most candidates raised nothing
BRANCH_WEIGHT, BRANCHES_FULL = 0.25, 3.0
CAPACITY_WEIGHT, CAPACITY_FULL = 0.25, 0.30
NEAR_WEIGHT, NEAR_KM = 0.7, 600.0
YRD_WEIGHT: Final = 0.3
YRD_PROVINCES: Final = (31, 32, 33, 34)
JINHUA_LON, JINHUA_LAT = 119.65, 29.08
EARTH_KM: Final = EARTH_RADIUS_KM  # the naive baseline's own haversine uses the same radius


# --- candidates -------------------------------------------------------------------------------

# Columns that may hold NaN (unknown); every other float column must be a number.
OPTIONAL: Final = frozenset({"growth", "rd_intensity", "capacity_growth", "lat", "lon"})
# (lowest, highest) allowed value of each float column.
BOUNDS: Final[dict[str, tuple[float, float]]] = {
    "fit": (0.0, 1.0),
    "evidence": (0.0, math.inf),
    "revenue": (0.0, math.inf),
    "growth": (-1.0, math.inf),
    "rd_intensity": (0.0, math.inf),
    "supplies_leaders": (0.0, 1.0),
    "buys_local": (0.0, 1.0),
    "colocated": (0.0, 1.0),
    "equity": (0.0, math.inf),
    "capacity_growth": (-1.0, math.inf),
    "lat": (-90.0, 90.0),
    "lon": (-180.0, 180.0),
}
INT_BOUNDS: Final[dict[str, tuple[int, int]]] = {
    "titles": (0, 31),
    "branches": (0, 2**31),
    "province_code": (0, 99),  # 0: unknown
}


@dataclass(frozen=True, eq=False)
class Candidates:
    """Equal-length columns, one row per enterprise outside the district (money in 万元)."""

    ids: Ints
    fit: Floats  # classification confidence for the chosen node(s), 0..1
    evidence: Floats  # counted evidence pieces behind the classification
    revenue: Floats  # latest year
    growth: Floats  # 3-year revenue CAGR; NaN unknown
    titles: Ints  # bitmask: 1 high_tech, 2 specialised, 4 little_giant, 8 tech_sme, 16 listed
    rd_intensity: Floats  # R&D expense / revenue; NaN unknown
    supplies_leaders: Floats  # 0..1: its node feeds nodes where the district has leaders
    buys_local: Floats  # 0..1: its upstream nodes have local suppliers
    colocated: Floats  # 0..1: its city hosts enterprises on nodes the district has
    equity: Floats  # equity financing raised in the last year
    branches: Ints  # new branches (0 when unknown)
    capacity_growth: Floats  # 2-year employee growth; NaN unknown
    lat: Floats  # NaN unknown
    lon: Floats  # NaN unknown
    province_code: Ints  # 2-digit division code (strings accepted); 0 unknown

    def __post_init__(self) -> None:
        ids = _id_column(self.ids)
        object.__setattr__(self, "ids", ids)
        for f in fields(self)[1:]:
            check = _int_column if f.name in INT_BOUNDS else _float_column
            object.__setattr__(self, f.name, check(f.name, getattr(self, f.name), ids))

    def __len__(self) -> int:
        return int(self.ids.size)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Candidates:
        """Columns from dict rows keyed like the fields ("id" for ids); None means unknown."""
        rows = list(rows)
        columns: dict[str, list[Any]] = {}
        for f in fields(cls):
            key = "id" if f.name == "ids" else f.name
            columns[f.name] = [math.nan if r.get(key) is None else r[key] for r in rows]
        return cls(**{name: np.asarray(values) for name, values in columns.items()})

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per enterprise with Python scalars (the naive scorer's input)."""
        names = [f.name for f in fields(self)]
        keys = ["id" if n == "ids" else n for n in names]
        columns = [getattr(self, n).tolist() for n in names]
        return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _where(mask: Bools, ids: Ints) -> str:
    """'row i (id x)' of the first True cell."""
    row = int(np.flatnonzero(mask)[0])
    return f"row {row} (id {int(ids[row])})"


def _one_dimensional(name: str, raw: ArrayLike, n: int | None) -> NDArray[Any]:
    arr = np.asarray(raw)
    if arr.ndim != 1:
        raise ValueError(f"column {name!r} must be one-dimensional, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise ValueError(f"column {name!r} has {arr.size} values, expected {n} (one per id)")
    return arr


def _id_column(raw: ArrayLike) -> Ints:
    arr = _one_dimensional("ids", raw, None)
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"column 'ids' must hold integers, got {arr.dtype}")
    ids = arr.astype(np.int64)
    if np.unique(ids).size != ids.size:
        # Ties are broken by id and exclusions are by id, so an id must name one row.
        raise ValueError("column 'ids' has a repeated id")
    return ids


def _float_column(name: str, raw: ArrayLike, ids: Ints) -> Floats:
    arr = _one_dimensional(name, raw, ids.size)
    try:
        values = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"column {name!r} must hold numbers, got {arr.dtype}") from None
    nan = np.isnan(values)
    if name not in OPTIONAL and nan.any():
        raise ValueError(f"column {name!r} has no value (NaN) at {_where(nan, ids)}")
    low, high = BOUNDS[name]
    bad = ~nan & ((values < low) | (values > high) | np.isinf(values))
    if bad.any():
        value = values[bad][0]
        raise ValueError(
            f"column {name!r} has {value:g} at {_where(bad, ids)}; allowed {low:g} to {high:g}"
        )
    return values


def _int_column(name: str, raw: ArrayLike, ids: Ints) -> Ints:
    arr = _one_dimensional(name, raw, ids.size)
    if arr.dtype.kind in "USO":  # "33" from a spreadsheet, None from a row
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"column {name!r} must hold whole numbers, got {arr.dtype}") from None
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise ValueError(f"column {name!r} must hold whole numbers; see {_where(bad, ids)}")
    elif arr.dtype.kind not in "iub":
        raise ValueError(f"column {name!r} must hold whole numbers, got {arr.dtype}")
    low, high = INT_BOUNDS[name]
    bad = (arr < low) | (arr > high)
    if bad.any():
        value = arr[bad][0]
        raise ValueError(
            f"column {name!r} has {value:g} at {_where(bad, ids)}; allowed {low}..{high}"
        )
    return arr.astype(np.int64)


# --- strategies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strategy:
    """A named, versioned set of part weights an analyst can save; missing parts weigh 0."""

    name: str
    weights: Mapping[str, float]
    version: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("a strategy needs a name")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError(f"strategy {self.name!r}: version must be a positive whole number")
        # A plain dict copy (not a mappingproxy) so a strategy pickles into Spark executors.
        object.__setattr__(self, "weights", _checked_weights(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Strategy:
        """A strategy from its saved form {"name", "weights", "version"}, validated."""
        unknown = set(data) - {"name", "weights", "version"}
        if unknown:
            raise ValueError(f"unknown strategy field {sorted(unknown)[0]!r}")
        weights = data.get("weights")
        if not isinstance(weights, Mapping):
            raise ValueError(f"strategy {data.get('name')!r}: weights must be a mapping")
        return cls(str(data.get("name") or ""), dict(weights), data.get("version", 1))

    def to_dict(self) -> dict[str, Any]:
        """The saved form (round-trips through from_dict)."""
        return {"name": self.name, "weights": dict(self.weights), "version": self.version}

    def points(self) -> dict[str, float]:
        """Points one unit of each part's score is worth: 100 · w / Σ w."""
        total = 0.0
        for part in PARTS:
            total += self.weights[part]
        return {part: 100.0 * self.weights[part] / total for part in PARTS}


def _checked_weights(strategy: Strategy) -> dict[str, float]:
    """All seven weights as floats, refusing unknown parts, bad numbers and all-zero weights."""
    given = strategy.weights
    unknown = set(given) - set(PARTS)
    if unknown:
        raise ValueError(
            f"strategy {strategy.name!r}: unknown part {sorted(unknown)[0]!r} "
            f"(parts: {', '.join(PARTS)})"
        )
    out = {}
    for part in PARTS:
        w = given.get(part, 0.0)
        ok = isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
        if not ok:
            raise ValueError(
                f"strategy {strategy.name!r}: weight of {part!r} must be a finite number ≥ 0, got {w!r}"
            )
        out[part] = float(w)
    if not any(out.values()):
        raise ValueError(f"strategy {strategy.name!r}: at least one weight must be positive")
    return out


# 均衡 balanced · 强链 strengthen · 补链 fill gaps · 就近 nearby (labels live in the UI's i18n).
DEFAULT_STRATEGY: Final = Strategy(
    "balanced",
    {
        "fit": 0.25,
        "scale": 0.15,
        "growth": 0.10,
        "quality": 0.15,
        "linkage": 0.15,
        "expansion": 0.10,
        "distance": 0.10,
    },
)
PRESETS: Final[dict[str, Strategy]] = {
    s.name: s
    for s in (
        DEFAULT_STRATEGY,
        Strategy(
            "strengthen",
            {
                "fit": 0.30,
                "scale": 0.25,
                "growth": 0.05,
                "quality": 0.25,
                "linkage": 0.05,
                "expansion": 0.05,
                "distance": 0.05,
            },
        ),
        Strategy(
            "fill_gaps",
            {
                "fit": 0.35,
                "scale": 0.05,
                "growth": 0.05,
                "quality": 0.05,
                "linkage": 0.35,
                "expansion": 0.10,
                "distance": 0.05,
            },
        ),
        Strategy(
            "nearby",
            {
                "fit": 0.20,
                "scale": 0.05,
                "growth": 0.05,
                "quality": 0.05,
                "linkage": 0.25,
                "expansion": 0.05,
                "distance": 0.35,
            },
        ),
    )
}


# --- part scores (vectorised) -----------------------------------------------------------------


def revenue_reference(revenue: Floats) -> float:
    """R of the scale part: the nearest-rank 99th percentile (exact, so any scorer reproduces it)."""
    n = revenue.size
    if n == 0:
        return 0.0
    k = (REVENUE_PERCENTILE * n + 99) // 100 - 1  # ⌈0.99·n⌉ − 1 without float rounding
    return float(np.partition(revenue, k)[k])


def fit_part(c: Candidates) -> Floats:
    """confidence × √min(1, evidence / 3)."""
    return c.fit * np.sqrt(np.minimum(1.0, c.evidence / FULL_EVIDENCE))


def scale_part(c: Candidates, reference: float) -> Floats:
    """min(1, log1p(revenue) / log1p(R)); 0 when R is 0."""
    if reference <= 0:
        return np.zeros(len(c))
    return np.minimum(1.0, np.log1p(c.revenue) / math.log1p(reference))


def growth_part(c: Candidates) -> Floats:
    """clip((CAGR + 0.1) / 0.5, 0, 1); 0.3 when unknown."""
    scaled = np.clip((c.growth - GROWTH_FLOOR) / GROWTH_SPAN, 0.0, 1.0)
    return np.where(np.isnan(c.growth), GROWTH_UNKNOWN, scaled)


def _title_score(mask: int) -> float:
    """Σ weights of the titles in mask, added in TITLES order."""
    score = 0.0
    for _, bit, weight in TITLES:
        score += weight if mask & bit else 0.0
    return score


# Every bitmask's title score looked up in one gather instead of five passes over the column.
_TITLE_SCORE: Final = np.array([_title_score(mask) for mask in range(32)])
_IN_YRD: Final = np.isin(np.arange(100), YRD_PROVINCES)


def quality_part(c: Candidates) -> Floats:
    """min(1, Σ title weights held + 0.3 · min(1, R&D intensity / 0.06))."""
    score = _TITLE_SCORE[c.titles]
    rd = np.nan_to_num(c.rd_intensity, nan=0.0)
    score += RD_WEIGHT * np.minimum(1.0, rd / RD_FULL)
    return np.minimum(1.0, score)


def linkage_part(c: Candidates) -> Floats:
    """0.4 · supplies leaders + 0.3 · buys local + 0.3 · co-located."""
    score = np.zeros(len(c))
    for name, weight in LINKAGE_WEIGHTS:
        score += weight * getattr(c, name)
    return score


def expansion_part(c: Candidates) -> Floats:
    """Equity raised (log-scaled), new branches and employee growth; unknown growth counts 0."""
    equity = np.minimum(1.0, np.log1p(c.equity) / math.log1p(EQUITY_FULL))
    branches = np.minimum(1.0, c.branches / BRANCHES_FULL)
    capacity = np.clip(np.nan_to_num(c.capacity_growth, nan=0.0) / CAPACITY_FULL, 0.0, 1.0)
    return EQUITY_WEIGHT * equity + BRANCH_WEIGHT * branches + CAPACITY_WEIGHT * capacity


def distance_km(lat: Floats, lon: Floats) -> Floats:
    """Great-circle km to Jinhua (engine.geo's haversine); NaN where a coordinate is unknown."""
    known = ~(np.isnan(lat) | np.isnan(lon))
    # Unknown rows are measured from Jinhua itself and masked after, so no NaN reaches the trig.
    km = great_circle_km(
        np.where(known, lat, JINHUA_LAT), np.where(known, lon, JINHUA_LON), JINHUA_LAT, JINHUA_LON
    )
    return np.where(known, km, np.nan)


def distance_part(c: Candidates, km: Floats) -> Floats:
    """0.7 · exp(−km / 600) + 0.3 · in the Yangtze River Delta; the exp term is 0 when km is unknown."""
    near = np.where(np.isnan(km), 0.0, np.exp(-np.nan_to_num(km) / NEAR_KM))
    yrd = _IN_YRD[c.province_code]
    return NEAR_WEIGHT * near + YRD_WEIGHT * yrd


def part_scores(c: Candidates, reference: float, km: Floats) -> Floats:
    """Every part's score, shape (7, n) with rows in PARTS order."""
    out = np.empty((len(PARTS), len(c)))
    out[0] = fit_part(c)
    out[1] = scale_part(c, reference)
    out[2] = growth_part(c)
    out[3] = quality_part(c)
    out[4] = linkage_part(c)
    out[5] = expansion_part(c)
    out[6] = distance_part(c, km)
    return out


def total_scores(parts: Floats, strategy: Strategy) -> Floats:
    """Σ contributions per candidate, summed in PARTS order (the order the parts are shown)."""
    points = strategy.points()
    total = np.zeros(parts.shape[1])
    for row, part in enumerate(PARTS):
        total += points[part] * parts[row]
    return total


# --- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One ranked enterprise with its score explained."""

    id: int
    rank: int  # 1 = best
    score: float  # 0..100
    parts: dict[str, float]  # part → score in [0, 1]
    contributions: dict[str, float]  # part → points; they sum to score
    reasons: tuple[Reason, ...]  # weighted parts' facts, largest contribution first


@dataclass(frozen=True, eq=False)
class Ranking:
    """The top targets, best first; parts and contributions have columns in PARTS order."""

    strategy: Strategy
    considered: int  # candidates scored (after exclusions)
    revenue_reference: float  # R of the scale part, 万元
    ids: Ints
    scores: Floats
    parts: Floats  # (k, 7), each in [0, 1]
    contributions: Floats  # (k, 7), points
    reasons: tuple[tuple[Reason, ...], ...]
    formula_version: str = FORMULA_VERSION

    def __len__(self) -> int:
        return int(self.ids.size)

    def targets(self) -> list[Target]:
        """Each ranked enterprise as a Target."""
        return [
            Target(
                int(self.ids[i]),
                i + 1,
                float(self.scores[i]),
                dict(zip(PARTS, self.parts[i].tolist(), strict=True)),
                dict(zip(PARTS, self.contributions[i].tolist(), strict=True)),
                self.reasons[i],
            )
            for i in range(len(self))
        ]


def top_indices(scores: Floats, ids: Ints, top: int) -> Ints:
    """Positions of the `top` best scores, ordered by (−score, id)."""
    k = min(top, scores.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if k < scores.size:
        # Take everything tied with the k-th best, not argpartition's arbitrary pick among ties,
        # so the id tie-break decides who makes the cut.
        kth = np.partition(scores, scores.size - k)[scores.size - k]
        picked = np.flatnonzero(scores >= kth)
    else:
        picked = np.arange(scores.size)
    order = np.lexsort((ids[picked], -scores[picked]))
    return picked[order[:k]].astype(np.int64)


def _pool(ids: Ints, exclude_ids: Iterable[int] | None) -> Ints:
    """Positions of the candidates not excluded."""
    if exclude_ids is None:
        return np.arange(ids.size)
    excluded = np.fromiter((int(i) for i in exclude_ids), dtype=np.int64)
    return np.flatnonzero(~np.isin(ids, excluded))


def rank(
    candidates: Candidates,
    strategy: Strategy = DEFAULT_STRATEGY,
    top: int = 200,
    exclude_ids: Iterable[int] | None = None,
) -> Ranking:
    """The `top` best candidates under `strategy`, ties by id; R is taken before exclusions."""
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
        raise ValueError(f"top must be a whole number ≥ 0, got {top!r}")
    # R comes from the whole pool so that excluding a few ids does not move everyone's scale.
    reference = revenue_reference(candidates.revenue)
    km = distance_km(candidates.lat, candidates.lon)
    parts = part_scores(candidates, reference, km)
    scores = total_scores(parts, strategy)
    pool = _pool(candidates.ids, exclude_ids)
    picked = pool[top_indices(scores[pool], candidates.ids[pool], int(top))]
    chosen = parts[:, picked].T
    points = np.array([strategy.points()[p] for p in PARTS])
    contributions = chosen * points
    reasons = tuple(
        _reasons(candidates, int(i), float(km[i]), reference, contributions[j], strategy)
        for j, i in enumerate(picked)
    )
    return Ranking(
        strategy,
        int(pool.size),
        reference,
        candidates.ids[picked],
        scores[picked],
        chosen,
        contributions,
        reasons,
    )


# --- reasons ----------------------------------------------------------------------------------


def _number(x: float, digits: int = 4) -> float | None:
    """A JSON-safe rounded float; None for unknown."""
    return None if math.isnan(x) else round(float(x), digits)


def _count(x: float) -> int | float:
    """Whole counts as int (4, not 4.0)."""
    return int(x) if float(x).is_integer() else round(float(x), 1)


def _titles(mask: int) -> list[str]:
    return [name for name, bit, _ in TITLES if mask & bit and name != "listed"]


def _facts(c: Candidates, i: int, km: float, reference: float) -> dict[str, dict[str, Any]]:
    """The inputs behind each part of candidate i, as an official would quote them."""
    return {
        "fit": {"confidence": _number(c.fit[i]), "evidence": _count(c.evidence[i])},
        "scale": {"revenue": _number(c.revenue[i], 1), "reference": _number(reference, 1)},
        "growth": {"cagr": _number(c.growth[i])},
        "quality": {
            "titles": _titles(int(c.titles[i])),
            "listed": bool(c.titles[i] & 16),
            "rd_intensity": _number(c.rd_intensity[i]),
        },
        "linkage": {name: _number(getattr(c, name)[i]) for name, _ in LINKAGE_WEIGHTS},
        "expansion": {
            "equity": _number(c.equity[i], 1),
            "branches": int(c.branches[i]),
            "capacity_growth": _number(c.capacity_growth[i]),
        },
        "distance": {
            "km": None if math.isnan(km) else round(km),
            "yrd": int(c.province_code[i]) in YRD_PROVINCES,
            "province": int(c.province_code[i]),
        },
    }


def _reasons(
    c: Candidates, i: int, km: float, reference: float, points: Floats, strategy: Strategy
) -> tuple[Reason, ...]:
    """(part, facts) for every weighted part, largest contribution first, ties in PARTS order."""
    facts = _facts(c, i, km, reference)
    weighted = [(j, p) for j, p in enumerate(PARTS) if strategy.weights[p] > 0]
    weighted.sort(key=lambda jp: -points[jp[0]])
    return tuple((p, facts[p]) for _, p in weighted)


# --- the naive baseline -----------------------------------------------------------------------


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


def _row_km(row: Mapping[str, Any]) -> float:
    """Haversine km to Jinhua for one row; NaN when a coordinate is unknown."""
    lat, lon = row["lat"], row["lon"]
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return math.nan
    phi, phi0 = math.radians(lat), math.radians(JINHUA_LAT)
    dphi, dlam = phi - phi0, math.radians(lon) - math.radians(JINHUA_LON)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi0) * math.cos(phi) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(a, 1.0)))


def _unknown(x: Any) -> bool:
    return x is None or math.isnan(x)


def _row_parts(row: Mapping[str, Any], reference: float) -> list[float]:
    """The seven part scores of one dict row, in PARTS order, written out with math."""
    fit = row["fit"] * math.sqrt(min(1.0, row["evidence"] / FULL_EVIDENCE))
    scale = min(1.0, math.log1p(row["revenue"]) / math.log1p(reference)) if reference > 0 else 0.0
    g = row["growth"]
    growth = GROWTH_UNKNOWN if _unknown(g) else _clip01((g - GROWTH_FLOOR) / GROWTH_SPAN)
    quality = 0.0
    for _, bit, weight in TITLES:
        quality += weight if int(row["titles"]) & bit else 0.0
    rd = 0.0 if _unknown(row["rd_intensity"]) else row["rd_intensity"]
    quality = min(1.0, quality + RD_WEIGHT * min(1.0, rd / RD_FULL))
    linkage = 0.0
    for name, weight in LINKAGE_WEIGHTS:
        linkage += weight * row[name]
    cg = 0.0 if _unknown(row["capacity_growth"]) else row["capacity_growth"]
    expansion = (
        EQUITY_WEIGHT * min(1.0, math.log1p(row["equity"]) / math.log1p(EQUITY_FULL))
        + BRANCH_WEIGHT * min(1.0, row["branches"] / BRANCHES_FULL)
        + CAPACITY_WEIGHT * _clip01(cg / CAPACITY_FULL)
    )
    km = _row_km(row)
    near = 0.0 if math.isnan(km) else math.exp(-km / NEAR_KM)
    yrd = 1.0 if int(row["province_code"]) in YRD_PROVINCES else 0.0
    distance = NEAR_WEIGHT * near + YRD_WEIGHT * yrd
    return [fit, scale, growth, quality, linkage, expansion, distance]


def rank_naive(
    rows: Sequence[Mapping[str, Any]],
    strategy: Strategy = DEFAULT_STRATEGY,
    top: int = 200,
    exclude_ids: Iterable[int] | None = None,
) -> list[tuple[int, float]]:
    """(id, score) of the top rows, one row at a time in plain Python: the baseline for rank()."""
    revenues = sorted(float(r["revenue"]) for r in rows)
    k = (REVENUE_PERCENTILE * len(revenues) + 99) // 100 - 1
    reference = revenues[k] if revenues else 0.0
    points = strategy.points()
    excluded = {int(i) for i in exclude_ids or ()}
    scored = []
    for row in rows:
        if int(row["id"]) in excluded:
            continue
        total = 0.0
        for part, value in zip(PARTS, _row_parts(row, reference), strict=True):
            total += points[part] * value
        scored.append((-total, int(row["id"]), total))
    scored.sort()
    return [(i, total) for _, i, total in scored[:top]]
