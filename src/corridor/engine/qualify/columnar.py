"""The batch path: one policy over many enterprises at once, as NumPy columns.

It mirrors evaluate.py node for node (statuses as int codes, the same two costs, the same verdict
rule) and measure.py formula for formula, operation by operation, so its verdicts and scores are
identical to the per-enterprise path (asserted in tests/engine/test_qualify_columnar.py and in
bench/bench_qualify.py). It returns verdicts and scores only; the explanation of one enterprise
comes from evaluate() — the page calls that, the batch run stores these.
Columns: yearly facts as (n, 3) float arrays for Y-2, Y-1, Y with NaN for missing; every other input
as a float array with NaN for unknown (yes/no as 1/0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.evaluate import INF, reference_year
from corridor.engine.qualify.measure import full_years, holds
from corridor.engine.qualify.model import (
    AVG_LAST_2_YEARS,
    CAGR_2_YEARS,
    EACH_LAST_2_YEARS,
    GROWTH_1_YEAR,
    GROWTH_AVG_2_YEARS,
    LAST_3_YEARS,
    STATUS_CODES,
    SUM_LAST_2_YEARS,
    SUM_LAST_3_YEARS,
    VERDICTS,
    AllOf,
    AnyOf,
    Check,
    Enterprise,
    Node,
    Policy,
    Score,
    Tiers,
    tolerance,
)

F = NDArray[np.float64]
Codes = NDArray[np.int16]
MET, UNMET, UNKNOWN, MANUAL = (
    STATUS_CODES[s] for s in ("met", "unmet", "unknown", "manual_review")
)
QUALIFIED, NEAR, NOT_QUALIFIED, NEEDS_DATA = range(4)  # indexes into VERDICTS
assert VERDICTS == ("qualified", "near", "not_qualified", "needs_data")


@dataclass
class Columns:
    """The inputs of n enterprises, column by column (see the module docstring)."""

    n: int
    on: date
    year: int
    facts: dict[str, F]  # fact → (n, 3): Y-2, Y-1, Y
    established_year: F
    years_established: F
    ip: dict[str, F]  # ip metric id → count
    assessments: dict[str, F]
    titles: dict[str, F]  # title id → held in force (1/0), NaN where titles are not known
    platforms: dict[str, F]
    sector: NDArray[np.int8]  # index into metrics.SECTORS, −1 unknown
    titles_known: NDArray[np.bool_]  # the enterprise's title list is known (even if empty)
    keys: list[str] = field(default_factory=list)

    def fact(self, name: str) -> F:
        return self.facts.get(name, np.full((self.n, 3), np.nan))

    def flag(self, table: dict[str, F], name: str) -> F:
        return table.get(name, np.full(self.n, np.nan))

    def title(self, name: str) -> F:
        """Whether each holds the title in force; a title no one holds is 0 where titles are known."""
        found = self.titles.get(name)
        return found if found is not None else np.where(self.titles_known, 0.0, np.nan)


def full_years_array(established: NDArray[np.datetime64], on: date) -> F:
    """measure.full_years over an array of registration days (NaT → NaN)."""
    days = established.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (days.astype("datetime64[M]") - days.astype("datetime64[Y]")).astype(np.int64) + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    before = (on.month < month) | ((on.month == month) & (on.day < day))
    return np.where(np.isnat(days), np.nan, (on.year - year - before).astype(np.float64))


def make_columns(
    on: date,
    keys: Sequence[str],
    *,
    year: int | None = None,
    facts: dict[str, F] | None = None,
    established_on: NDArray[np.datetime64] | None = None,
    industry_codes: Sequence[str | None] | None = None,
    ip: dict[str, F] | None = None,
    assessments: dict[str, F] | None = None,
    titles: dict[str, F] | None = None,
    titles_known: NDArray[np.bool_] | None = None,
    platforms: dict[str, F] | None = None,
) -> Columns:
    """Columns from arrays (the batch run's bulk reads): anything not given is unknown.

    facts: fact → (n, 3) for Y-2, Y-1, Y; ip: ip metric id (ip_class1, ip_class2, ip_invention) →
    count; assessments, titles, platforms: name → 1/0/NaN; established_on: datetime64 (NaT unknown).
    """
    n = len(keys)
    nan = np.full(n, np.nan)
    est = (
        np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        if established_on is None
        else established_on
    )
    est_year = np.where(
        np.isnat(est), np.nan, est.astype("datetime64[Y]").astype(np.int64) + 1970.0
    )
    codes = [m.sector_of(c) for c in (industry_codes or [None] * n)]
    sector = np.array([-1 if s is None else m.SECTORS.index(s) for s in codes], dtype=np.int8)
    return Columns(
        n,
        on,
        reference_year(on) if year is None else year,
        {k: v for k, v in (facts or {}).items()},
        est_year,
        full_years_array(est, on),
        {k: (ip or {}).get(k, nan) for k in m.IPS},
        dict(assessments or {}),
        dict(titles or {}),
        dict(platforms or {}),
        sector,
        np.zeros(n, dtype=bool) if titles_known is None else titles_known,
        list(keys),
    )


def columns_from_enterprises(
    ents: Sequence[Enterprise], on: date, year: int | None = None
) -> Columns:
    """Columns from Enterprise records (the bridge for callers that hold records, and for tests)."""
    y = reference_year(on) if year is None else year
    n = len(ents)
    facts = {name: np.full((n, 3), np.nan) for name in m.FACTS}
    est_year, age = np.full(n, np.nan), np.full(n, np.nan)
    ip = {k: np.full(n, np.nan) for k in m.IPS}
    judged = {k: np.full(n, np.nan) for k in m.ASSESSMENTS}
    titles: dict[str, F] = {}
    platforms = {k: np.full(n, np.nan) for k in m.PLATFORM_LEVELS}
    sector = np.full(n, -1, dtype=np.int8)
    titles_known = np.array([e.titles is not None for e in ents], dtype=bool)
    names = {t.name for e in ents for t in (e.titles or ())}
    for name in names:
        titles[name] = np.full(n, np.nan)
    for i, e in enumerate(ents):
        for row in e.year_facts:
            if y - 2 <= row.year <= y:
                for name, value in row.values.items():
                    facts[name][i, row.year - y + 2] = value
        if e.established_on is not None:
            est_year[i] = e.established_on.year
            age[i] = full_years(e.established_on, on)
        if e.ip_holdings is not None:
            for metric, kinds in m.IP_MEMBERS.items():
                ip[metric][i] = sum(e.ip_holdings.get(k, 0) for k in kinds)
        for name, found in e.assessments.items():
            judged[name][i] = float(found.value)
        _held(titles, names, e.titles, i, on)
        _held(platforms, set(m.PLATFORM_LEVELS), e.rd_platforms, i, on)
        s = m.sector_of(e.industry_code)
        sector[i] = -1 if s is None else m.SECTORS.index(s)
    return Columns(
        n,
        on,
        y,
        facts,
        est_year,
        age,
        ip,
        judged,
        titles,
        platforms,
        sector,
        titles_known,
        [e.key for e in ents],
    )


def _held(
    table: dict[str, F], names: Iterable[str], held: Sequence | None, i: int, on: date
) -> None:
    if held is None:
        return
    for name in names:
        table[name][i] = float(any(h.name == name and h.in_force(on) for h in held))


@dataclass
class _Vec:
    status: Codes
    pessimistic: Codes
    optimistic: Codes
    low: F | None = None
    high: F | None = None


@dataclass
class Verdicts:
    """The batch result of one policy: verdict codes (index into model.VERDICTS) and scores."""

    policy: str
    version: str
    verdict: NDArray[np.int8]
    score_low: F | None
    score_high: F | None

    def names(self) -> list[str]:
        return [VERDICTS[v] for v in self.verdict]

    def score(self) -> F | None:
        """The score where it is known exactly (NaN where unknown items leave a range)."""
        if self.score_low is None or self.score_high is None:
            return None
        return np.where(self.score_low == self.score_high, self.score_low, np.nan)


def evaluate_columns(policy: Policy, cols: Columns) -> Verdicts:
    """Verdicts and scores of every enterprise in the columns under one policy version."""
    root = _node(policy.root, cols, policy)
    most = policy.near.max_unmet
    verdict = np.full(cols.n, NOT_QUALIFIED, dtype=np.int8)
    unmet = root.status == UNMET
    verdict[unmet & (root.optimistic <= most)] = NEEDS_DATA
    verdict[unmet & (root.pessimistic <= most)] = NEAR
    verdict[(root.status == UNKNOWN) | (root.status == MANUAL)] = NEEDS_DATA
    verdict[root.status == MET] = QUALIFIED
    return Verdicts(policy.id, policy.version, verdict, root.low, root.high)


def _node(node: Node, c: Columns, p: Policy) -> _Vec:
    if isinstance(node, Check):
        return _check(node, c, p)
    if isinstance(node, Tiers):
        return _tiers(node, c, p)
    if isinstance(node, Score):
        return _score(node, c, p)
    return _combine(node, [_node(child, c, p) for child in node.children])


def _combine(node: AllOf | AnyOf, kids: list[_Vec]) -> _Vec:
    st = np.stack([k.status for k in kids])
    pess = np.stack([k.pessimistic for k in kids])
    opt = np.stack([k.optimistic for k in kids])
    if isinstance(node, AllOf):
        status = np.where(
            (st == UNMET).any(0),
            UNMET,
            np.where((st == UNKNOWN).any(0), UNKNOWN, np.where((st == MANUAL).any(0), MANUAL, MET)),
        )
        out = _Vec(
            status.astype(np.int16),
            np.minimum(pess.sum(0), INF).astype(np.int16),
            np.minimum(opt.sum(0), INF).astype(np.int16),
        )
    else:
        status = np.where(
            (st == MET).any(0),
            MET,
            np.where(
                (st == UNKNOWN).any(0), UNKNOWN, np.where((st == MANUAL).any(0), MANUAL, UNMET)
            ),
        )
        out = _Vec(
            status.astype(np.int16), pess.min(0).astype(np.int16), opt.min(0).astype(np.int16)
        )
    scored = next((k for k in kids if k.low is not None), None)
    if scored is not None:
        out.low, out.high = scored.low, scored.high
    return out


def _leaf(status: Codes, closable: NDArray[np.bool_]) -> _Vec:
    pess = np.where(status == MET, 0, np.where(status == UNMET, np.where(closable, 1, INF), INF))
    opt = np.where(status == MET, 0, np.where(status == UNMET, np.where(closable, 1, INF), 0))
    return _Vec(status.astype(np.int16), pess.astype(np.int16), opt.astype(np.int16))


def _check(node: Check, c: Columns, p: Policy) -> _Vec:
    metric = m.lookup(node.metric)
    assert metric is not None
    missing = MANUAL if metric.expert else UNKNOWN
    if node.threshold is None:
        return _leaf(np.full(c.n, MANUAL, dtype=np.int16), np.zeros(c.n, dtype=bool))
    if metric.value_type == m.BOOLEAN:
        v = _scalar(metric, c)
        status = np.where(
            np.isnan(v), missing, np.where((v == 1.0) == bool(node.threshold), MET, UNMET)
        )
        return _leaf(status.astype(np.int16), np.zeros(c.n, dtype=bool))
    t = float(node.threshold)  # type: ignore[arg-type]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if node.period == EACH_LAST_2_YEARS:
            ok, known, gap_ok, progress = _each(node, metric, c, t)
        else:
            v, num, den, base = _value(metric, node.period, c)
            known = ~np.isnan(v)
            ok = holds(v, node.comparison, t)
            gap_ok, progress = _gap(metric, node.period, node.comparison, t, v, num, den, base)
    status = np.where(~known, missing, np.where(ok, MET, UNMET)).astype(np.int16)
    closable = gap_ok & (progress >= p.near.min_progress - 1e-12)
    cuts_a_fact = node.comparison in ("<=", "<") and metric.kind != m.RATIO  # a size cap
    closable &= metric.closable and not node.veto and not cuts_a_fact
    return _leaf(status, closable)


def _scalar(metric: m.Metric, c: Columns) -> F:
    name = metric.id.split(".", 1)[-1]
    if metric.kind == m.IP:
        return c.ip[metric.id]
    if metric.kind == m.AGE:
        return c.years_established
    if metric.kind == m.ASSESSMENT:
        return c.flag(c.assessments, metric.id)
    if metric.kind == m.TITLE:
        return c.title(name)
    if metric.kind == m.PLATFORM:
        return c.flag(c.platforms, name)
    code = m.SECTORS.index(name)
    return np.where(c.sector < 0, np.nan, (c.sector == code).astype(np.float64))


def _value(
    metric: m.Metric, period: str, c: Columns
) -> tuple[F, F | None, F | None, tuple[F, ...]]:
    """(value, numerator, denominator, base years) as measure.py computes them, over columns."""
    if not metric.yearly:
        return _scalar(metric, c), None, None, ()
    if metric.kind == m.RATIO:
        return _ratio(metric, period, c)
    v, base = _fact_value(c.fact(metric.id), period)
    gaps = np.isnan(np.stack(base)).any(0)  # measure.py reads no value when any year is missing
    return np.where(gaps, np.nan, v), None, None, base


def _fact_value(f: F, period: str) -> tuple[F, tuple[F, ...]]:
    a, b, y = f[:, 0], f[:, 1], f[:, 2]
    if period == SUM_LAST_2_YEARS:
        return b + y, (b, y)
    if period == SUM_LAST_3_YEARS:
        return a + b + y, (a, b, y)
    if period == AVG_LAST_2_YEARS:
        return (b + y) / 2.0, (b, y)
    if period == GROWTH_1_YEAR:
        return np.where(b > 0, y / b - 1.0, np.nan), (b, y)
    if period == CAGR_2_YEARS:
        return np.where((a > 0) & (y >= 0), np.sqrt(y / a) - 1.0, np.nan), (a, b, y)
    if period == GROWTH_AVG_2_YEARS:
        return np.where((a > 0) & (b > 0), (y / b + b / a) / 2.0 - 1.0, np.nan), (a, b, y)
    return y, (y,)


def _ratio(metric: m.Metric, period: str, c: Columns) -> tuple[F, F, F, tuple[F, ...]]:
    num, den = c.fact(metric.numerator), c.fact(metric.denominator)
    if period == LAST_3_YEARS:
        # the actual period if registered within the window: years before registration drop out
        first = np.where(
            np.isnan(c.established_year), c.year - 2, np.maximum(c.established_year, c.year - 2)
        )
        n, d = np.full(c.n, np.nan), np.full(c.n, np.nan)
        for start in (c.year - 2, c.year - 1, c.year):
            rows = first == start
            lo = start - c.year + 2
            cols = [(num[rows, j], den[rows, j]) for j in range(lo, 3)]
            ns, ds = cols[0]
            for more_n, more_d in cols[1:]:
                ns, ds = ns + more_n, ds + more_d
            n[rows], d[rows] = ns, ds
    else:
        n, d = num[:, 2], den[:, 2]
    value = np.where(d > 0, n / d, np.nan)
    return value, n, d, ()


def _gap(
    metric: m.Metric,
    period: str,
    comparison: str,
    t: float,
    v: F,
    num: F | None,
    den: F | None,
    base: tuple[F, ...],
) -> tuple[NDArray[np.bool_], F]:
    """(a shortfall exists and is closable by adding/cutting, progress) as measure.gap_one."""
    adding = comparison in (">=", ">")
    if metric.kind == m.RATIO:
        assert num is not None and den is not None
        if adding:
            need = t * den - num
            amount = need / (1.0 - t) if metric.numerator_in_denominator else need
            if t >= 1.0:
                return np.zeros(v.shape, dtype=bool), np.zeros(v.shape)
            return _progress(num, amount, True)
        return _progress(num, num - t * den, False)
    if period in (CAGR_2_YEARS, GROWTH_1_YEAR, GROWTH_AVG_2_YEARS):
        if not adding:
            return np.zeros(v.shape, dtype=bool), np.zeros(v.shape)
        latest = base[-1]
        if period == GROWTH_1_YEAR:
            required = base[0] * (1.0 + t)
        elif period == CAGR_2_YEARS:
            required = base[0] * ((1.0 + t) * (1.0 + t))
        else:
            required = base[1] * (2.0 * (1.0 + t) - base[1] / base[0])
        return _progress(latest, required - latest, True)
    if period == AVG_LAST_2_YEARS:
        total = base[0] + base[1]
        return (
            _progress(total, (t - v) * 2.0, True)
            if adding
            else _progress(total, (v - t) * 2.0, False)
        )
    return _progress(v, t - v, True) if adding else _progress(v, v - t, False)


def _progress(now: F, amount: F, adding: bool) -> tuple[NDArray[np.bool_], F]:
    exists = amount > 0
    if adding:
        have = np.maximum(now, 0.0)
        return exists, have / (have + amount)
    return exists, np.where(now > 0, (now - amount) / now, 0.0)


def _each(node: Check, metric: m.Metric, c: Columns, t: float) -> tuple:
    """each_last_2_years: (all years hold, known, every failing year closable, least progress)."""
    if metric.kind == m.RATIO:
        num, den = c.fact(metric.numerator)[:, 1:], c.fact(metric.denominator)[:, 1:]
        known = ~(np.isnan(num).any(1) | np.isnan(den).any(1)) & (den > 0).all(1)
        values = np.where(den > 0, num / den, np.nan)
    else:
        values = c.fact(metric.id)[:, 1:]
        num = den = None  # type: ignore[assignment]
        known = ~np.isnan(values).any(1)
    ok_years = holds(values, node.comparison, t)
    gap_ok = np.ones(c.n, dtype=bool)
    progress = np.full(c.n, np.inf)
    for j in (0, 1):
        nj = None if num is None else num[:, j]
        dj = None if den is None else den[:, j]
        exists, prog = _gap(
            metric, "latest", node.comparison, t, values[:, j], nj, dj, (values[:, j],)
        )
        failing = ~ok_years[:, j]
        gap_ok &= ~failing | exists
        progress = np.where(failing, np.minimum(progress, prog), progress)
    return ok_years.all(1), known, gap_ok, progress


def _tiers(node: Tiers, c: Columns, p: Policy) -> _Vec:
    kids = [_node(band.child, c, p) for band in node.bands]
    if node.by_metric == "sector":
        idx = np.full(c.n, -1, dtype=np.int16)
        for i in reversed(range(len(node.bands))):
            band = node.bands[i]
            hit = (
                c.sector >= 0
                if band.sector == "other"
                else c.sector == m.SECTORS.index(band.sector or "")
            )
            idx = np.where(hit, i, idx)
        unknown = c.sector < 0
    else:
        value = c.fact(node.by_metric)[:, 2]
        idx = np.full(c.n, len(node.bands) - 1, dtype=np.int16)
        for i in reversed(range(len(node.bands))):
            band = node.bands[i]
            if band.upto is not None:
                idx = np.where(value <= band.upto, i, idx)
            elif band.below is not None:
                idx = np.where(value < band.below, i, idx)
        unknown = np.isnan(value)
    out = _Vec(
        np.full(c.n, UNMET, dtype=np.int16),
        np.full(c.n, INF, dtype=np.int16),
        np.full(c.n, INF, dtype=np.int16),
    )
    for i, kid in enumerate(kids):
        rows = idx == i
        out.status[rows], out.pessimistic[rows], out.optimistic[rows] = (
            kid.status[rows],
            kid.pessimistic[rows],
            kid.optimistic[rows],
        )
    out.status[unknown], out.pessimistic[unknown], out.optimistic[unknown] = UNKNOWN, INF, 0
    return out


def _score(node: Score, c: Columns, p: Policy) -> _Vec:
    points: dict[str, tuple[F, F]] = {}
    for item in node.items:
        low, high = np.zeros(c.n), np.zeros(c.n)
        for scale in item.scales:
            metric = m.lookup(scale.metric)
            assert metric is not None
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                v = _value(metric, scale.period, c)[0]
            pts = np.zeros(c.n)
            for step in reversed(scale.steps):
                if step.min is not None:
                    hit = v >= step.min - tolerance(step.min)
                elif step.max is not None:
                    hit = v <= step.max + tolerance(step.max)
                elif step.is_ is not None:
                    hit = (v != 0.0) == step.is_
                else:
                    hit = np.ones(c.n, dtype=bool)
                pts = np.where(hit, step.points, pts)
            unknown = np.isnan(v)
            high = np.where(unknown, np.maximum(high, scale.max_points), np.maximum(high, pts))
            low = np.where(unknown, low, np.maximum(low, pts))
        points[item.id] = (low, high)
    low = sum((pt[0] for pt in points.values()), start=np.zeros(c.n))
    high = sum((pt[1] for pt in points.values()), start=np.zeros(c.n))
    parts = [_bound(low, high, node.pass_points)]
    for item in node.items:
        if item.nonzero:
            lo, hi = points[item.id]
            parts.append(np.where(lo > 0.0, MET, np.where(hi <= 0.0, UNMET, UNKNOWN)))
    for group in node.groups:
        g_low = sum((points[i][0] for i in group.items), start=np.zeros(c.n))
        g_high = sum((points[i][1] for i in group.items), start=np.zeros(c.n))
        parts.append(_bound(g_low, g_high, group.min))
    st = np.stack(parts)
    status = np.where(
        (st == UNMET).any(0), UNMET, np.where((st == UNKNOWN).any(0), UNKNOWN, MET)
    ).astype(np.int16)
    out = _leaf(status, np.zeros(c.n, dtype=bool))
    pess, opt = _upgrades(node, c, p, points)
    unmet = status == UNMET
    out.pessimistic = np.where(unmet & pess, 1, out.pessimistic).astype(np.int16)
    out.optimistic = np.where(unmet & opt, 1, out.optimistic).astype(np.int16)
    out.low, out.high = low, high
    return out


def _passes(
    node: Score, points: dict[str, tuple[F, F]], raised: str, to: float, k: int
) -> NDArray[np.bool_]:
    """evaluate.score_passes over columns."""

    def pts(item_id: str) -> F:
        now = points[item_id][k]
        return np.maximum(now, to) if item_id == raised else now

    total = sum((pts(i.id) for i in node.items), start=np.zeros(len(points[raised][0])))
    ok = total >= node.pass_points - 1e-9
    for item in node.items:
        if item.nonzero:
            ok &= pts(item.id) > 0.0
    for g in node.groups:
        ok &= sum((pts(i) for i in g.items), start=np.zeros(len(ok))) >= g.min - 1e-9
    return ok


def _upgrades(
    node: Score, c: Columns, p: Policy, points: dict[str, tuple[F, F]]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """evaluate.score_upgrades over columns: (an upgrade passes at lowest totals, at highest)."""
    pess, opt = np.zeros(c.n, dtype=bool), np.zeros(c.n, dtype=bool)
    for item in node.items:
        lo = points[item.id][0]
        for scale in item.scales:
            metric = m.lookup(scale.metric)
            assert metric is not None
            if not metric.closable:
                continue
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                v, num, den, base = _value(metric, scale.period, c)
                for step in scale.steps:
                    if step.min is None and step.max is None:
                        continue
                    comparison, t = (">=", step.min) if step.min is not None else ("<=", step.max)
                    assert t is not None
                    if comparison == "<=" and metric.kind != m.RATIO:
                        continue
                    exists, progress = _gap(metric, scale.period, comparison, t, v, num, den, base)
                    valid = (~np.isnan(v)) & (step.points > lo) & ~holds(v, comparison, t) & exists
                    valid &= progress >= p.near.min_progress - 1e-12
                    if not valid.any():
                        continue
                    pess |= valid & _passes(node, points, item.id, step.points, 0)
                    opt |= valid & _passes(node, points, item.id, step.points, 1)
    return pess, opt


def _bound(low: F, high: F, at_least: float) -> NDArray[np.int64]:
    return np.where(low >= at_least - 1e-9, MET, np.where(high < at_least - 1e-9, UNMET, UNKNOWN))
