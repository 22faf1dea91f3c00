"""The value of a metric over a period for one enterprise, and the shortfall to a threshold.

Y is the reference fiscal year (by default the year before the evaluation day). A value that needs a
missing figure is None: the engine never fills a gap. Shortfalls follow metrics.py: for a ratio the
amount to add to the numerator (in the numerator's unit), for a growth rate the amount to add to the
latest year's figure, for a count the items; money is rounded up to 0.01 万元, staff and items to
whole ones. `progress` is how far the enterprise already is: amount ÷ (amount + shortfall) when adding,
(amount − excess) ÷ amount when cutting; "near" needs it to reach the policy's min_progress.
The formulas are written out operation by operation so that columnar.py, which mirrors them over
arrays, gives bit-identical results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.model import (
    AVG_LAST_2_YEARS,
    CAGR_2_YEARS,
    EACH_LAST_2_YEARS,
    GROWTH_1_YEAR,
    GROWTH_AVG_2_YEARS,
    LAST_3_YEARS,
    LATEST,
    SUM_LAST_2_YEARS,
    SUM_LAST_3_YEARS,
    Enterprise,
    tolerance,
)


@dataclass(frozen=True)
class Measured:
    value: float | bool | None
    years: tuple[int, ...] = ()
    per_year: tuple[float, ...] = ()  # each_last_2_years: the value of each year
    numerators: tuple[float, ...] = ()  # ratio: numerator per year (or the sum), for shortfalls
    denominators: tuple[float, ...] = ()
    base: tuple[float, ...] = ()  # growth: V_{Y-2}, V_{Y-1}, V_Y as present
    source: str = ""
    as_of: str = ""


def full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on` (a birthday count: 2025-03-05 → 2026-03-05 is 1)."""
    return on.year - since.year - (1 if (on.month, on.day) < (since.month, since.day) else 0)


def window(period: str, year: int) -> tuple[int, ...]:
    """The fiscal years a period reads, oldest first."""
    if period in (LAST_3_YEARS, SUM_LAST_3_YEARS, CAGR_2_YEARS, GROWTH_AVG_2_YEARS):
        return (year - 2, year - 1, year)
    if period in (EACH_LAST_2_YEARS, SUM_LAST_2_YEARS, AVG_LAST_2_YEARS, GROWTH_1_YEAR):
        return (year - 1, year)
    return (year,)


def _fact(ent: Enterprise, name: str, year: int) -> float | None:
    value = ent.facts(year).get(name)
    return None if value is None else float(value)


def measure(ent: Enterprise, metric: m.Metric, period: str, on: date, year: int) -> Measured:
    """The metric's value for this enterprise (None when any figure it needs is missing)."""
    if metric.kind == m.FACT:
        return _measure_fact(ent, metric.id, period, year)
    if metric.kind == m.RATIO:
        return _measure_ratio(ent, metric, period, year)
    if metric.kind == m.IP:
        if ent.ip_holdings is None:
            return Measured(None, source="ip_holdings")
        kinds = m.IP_MEMBERS[metric.id]
        return Measured(float(sum(ent.ip_holdings.get(k, 0) for k in kinds)), source="ip_holdings")
    if metric.kind == m.AGE:
        if ent.established_on is None:
            return Measured(None, source="established_on")
        return Measured(
            float(full_years(ent.established_on, on)),
            source="established_on",
            as_of=ent.established_on.isoformat(),
        )
    if metric.kind == m.ASSESSMENT:
        found = ent.assessments.get(metric.id)
        if found is None:
            return Measured(None, source="assessments")
        value = bool(found.value) if metric.value_type == m.BOOLEAN else float(found.value)
        return Measured(value, source=found.source or "assessments", as_of=found.as_of)
    if metric.kind in (m.TITLE, m.PLATFORM):
        held = ent.titles if metric.kind == m.TITLE else ent.rd_platforms
        name = metric.id.split(".", 1)[1]
        if held is None:
            return Measured(None, source=f"{metric.kind}s")
        return Measured(
            any(h.name == name and h.in_force(on) for h in held),
            source=f"{metric.kind}s",
            as_of=on.isoformat(),
        )
    sector = m.sector_of(ent.industry_code)
    return Measured(
        None if sector is None else sector == metric.id.split(".", 1)[1], source="industry_code"
    )


def _years_label(years: tuple[int, ...]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _measure_fact(ent: Enterprise, name: str, period: str, year: int) -> Measured:
    years = window(period, year)
    values = [_fact(ent, name, y) for y in years]
    src: dict[str, Any] = dict(source=ent.source or "year_facts", as_of=_years_label(years))
    if any(v is None for v in values):
        return Measured(None, years, **src)
    vs: list[float] = values  # type: ignore[assignment]
    if period == LATEST:
        return Measured(vs[0], years, base=tuple(vs), **src)
    if period == EACH_LAST_2_YEARS:
        return Measured(
            None, years, per_year=tuple(vs), base=tuple(vs), **src
        )  # value set by the check
    if period in (SUM_LAST_2_YEARS, SUM_LAST_3_YEARS):
        total = vs[0] + vs[1] if len(vs) == 2 else vs[0] + vs[1] + vs[2]
        return Measured(total, years, base=tuple(vs), **src)
    if period == AVG_LAST_2_YEARS:
        return Measured((vs[0] + vs[1]) / 2.0, years, base=tuple(vs), **src)
    return Measured(growth(period, vs), years, base=tuple(vs), **src)


def growth(period: str, vs: list[float]) -> float | None:
    """A growth rate over V_{Y-2}, V_{Y-1}, V_Y (or V_{Y-1}, V_Y); None where a base is ≤ 0."""
    if period == GROWTH_1_YEAR:
        return vs[1] / vs[0] - 1.0 if vs[0] > 0 else None
    if period == CAGR_2_YEARS:
        return math.sqrt(vs[2] / vs[0]) - 1.0 if vs[0] > 0 and vs[2] >= 0 else None
    if vs[0] > 0 and vs[1] > 0:
        return (vs[2] / vs[1] + vs[1] / vs[0]) / 2.0 - 1.0
    return None


def _measure_ratio(ent: Enterprise, metric: m.Metric, period: str, year: int) -> Measured:
    years = window(period, year)
    if period == LAST_3_YEARS and ent.established_on is not None:
        years = tuple(
            y for y in years if y >= ent.established_on.year
        )  # the actual period if shorter
    src: dict[str, Any] = dict(
        source=ent.source or "year_facts", as_of=_years_label(years) if years else ""
    )
    nums = [_fact(ent, metric.numerator, y) for y in years]
    dens = [_fact(ent, metric.denominator, y) for y in years]
    if not years or any(v is None for v in nums + dens):
        return Measured(None, years, **src)
    ns: list[float] = nums  # type: ignore[assignment]
    ds: list[float] = dens  # type: ignore[assignment]
    if period == EACH_LAST_2_YEARS:
        if any(d <= 0 for d in ds):
            return Measured(None, years, **src)
        return Measured(
            None,
            years,
            per_year=tuple(n / d for n, d in zip(ns, ds, strict=True)),
            numerators=tuple(ns),
            denominators=tuple(ds),
            **src,
        )
    n, d = _sum(ns), _sum(ds)
    if d <= 0:
        return Measured(None, years, **src)
    return Measured(n / d, years, numerators=(n,), denominators=(d,), **src)


def _sum(values: list[float]) -> float:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def holds(value: Any, comparison: str, threshold: float) -> Any:
    """value ⟨comparison⟩ threshold, tolerant of float noise at the edge: a bool for a number, a
    boolean array for a NumPy column (the batch path uses this very function)."""
    tol = tolerance(threshold)
    if comparison == ">=":
        return value >= threshold - tol
    if comparison == ">":
        return value > threshold + tol
    if comparison == "<=":
        return value <= threshold + tol
    return value < threshold - tol


@dataclass(frozen=True)
class Gap:
    amount: float  # raw (unrounded), > 0
    progress: float
    direction: str  # add | reduce


def gap_one(
    metric: m.Metric,
    period: str,
    comparison: str,
    t: float,
    value: float,
    num: float | None = None,
    den: float | None = None,
    base: tuple[float, ...] = (),
) -> Gap | None:
    """The raw shortfall of one (year's) value to its threshold; None when adding cannot close it."""
    adding = comparison in (">=", ">")
    if metric.kind == m.RATIO:
        assert num is not None and den is not None
        if adding:
            need = t * den - num
            amount = need / (1.0 - t) if metric.numerator_in_denominator else need
            return _gap(num, amount, "add") if t < 1.0 else None
        return _gap(num, num - t * den, "reduce")
    if period in (CAGR_2_YEARS, GROWTH_1_YEAR, GROWTH_AVG_2_YEARS):
        if not adding:
            return None
        return _gap(base[-1], required_latest(period, t, base) - base[-1], "add")
    if period == AVG_LAST_2_YEARS:
        total = base[0] + base[1]
        return (
            _gap(total, (t - value) * 2.0, "add")
            if adding
            else _gap(total, (value - t) * 2.0, "reduce")
        )
    return _gap(value, t - value, "add") if adding else _gap(value, value - t, "reduce")


def required_latest(period: str, t: float, base: tuple[float, ...]) -> float:
    """The latest year's figure that makes the growth rate reach t."""
    if period == GROWTH_1_YEAR:
        return base[0] * (1.0 + t)
    if period == CAGR_2_YEARS:
        return base[0] * ((1.0 + t) * (1.0 + t))
    return base[1] * (2.0 * (1.0 + t) - base[1] / base[0])


def _gap(amount_now: float, amount: float, direction: str) -> Gap | None:
    if not amount > 0:
        return None
    if direction == "add":
        progress = max(amount_now, 0.0) / (max(amount_now, 0.0) + amount)
    else:
        progress = (amount_now - amount) / amount_now if amount_now > 0 else 0.0
    return Gap(amount, progress, direction)


def rounded(amount: float, unit: str, strict: bool) -> float:
    """A shortfall in whole steps of its unit: 0.01 万元, one person, one item (one more for '>')."""
    step = 0.01 if unit == m.MONEY else 1.0
    steps = math.ceil(amount / step - 1e-6)
    if strict:
        steps += 1
    return round(steps * step, 2) if unit == m.MONEY else float(steps)
