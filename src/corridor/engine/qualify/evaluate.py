"""Evaluate one enterprise against one policy version, with every criterion explained.

Statuses combine three-valued: all_of is unmet if any child is unmet, else unknown/manual_review if
any child is, else met; any_of is met if any child is met, else unknown/manual_review, else unmet.
Each node also carries two costs — how many closable criteria must be closed to meet it — counting a
criterion whose data is missing as impossible (`pessimistic`) or as free (`optimistic`); all_of sums,
any_of takes the cheapest child. The verdict:
- qualified: the tree is met;
- needs_data: the tree is unknown/manual_review, or it is unmet but closable within the policy's
  `near.max_unmet` only if the missing data turned out favourable (the verdict depends on it);
- near: unmet, and closable within `near.max_unmet` verifiable, non-veto criteria, each with a stated
  shortfall and at least `near.min_progress` of the way there, using no missing data;
- not_qualified: otherwise.
A score table is met when its lowest possible total (unknown items at 0) passes, unmet when its
highest (unknown items at their maximum) does not; its gap is not priced yet (never closable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.measure import Gap, Measured, gap_one, holds, measure, rounded
from corridor.engine.qualify.model import (
    EACH_LAST_2_YEARS,
    MANUAL_REVIEW,
    MET,
    NEAR,
    NEEDS_DATA,
    NOT_APPLICABLE,
    NOT_QUALIFIED,
    QUALIFIED,
    UNKNOWN,
    UNMET,
    AllOf,
    AnyOf,
    Check,
    CriterionResult,
    Enterprise,
    Message,
    Near,
    Node,
    Policy,
    PolicyResult,
    Score,
    ScoreItem,
    Step,
    Tiers,
)

INF = 1000  # cost of a node that no stated amount can close


@dataclass
class _Eval:
    status: str
    pessimistic: int
    optimistic: int
    rows: list[CriterionResult] = field(default_factory=list)
    path: list[CriterionResult] = field(default_factory=list)  # unmet closable leaves, cheapest way
    score: tuple[float, float] | None = None
    direct: bool = False


@dataclass(frozen=True)
class Context:
    on: date
    year: int  # the reference fiscal year Y
    near: Near


def reference_year(on: date) -> int:
    """The latest complete fiscal year on a day: the calendar year before."""
    return on.year - 1


def evaluate(policy: Policy, ent: Enterprise, on: date, year: int | None = None) -> PolicyResult:
    """The verdict, score and explained criteria of one enterprise under one policy version."""
    ctx = Context(on, reference_year(on) if year is None else year, policy.near)
    found = _node(policy.root, ent, ctx, 0)
    verdict = verdict_of(found.status, found.pessimistic, found.optimistic, policy.near.max_unmet)
    named = dotted(found.rows)
    rows = tuple(named[id(r)] for r in found.rows[1:])  # the root is the policy itself
    score = found.score
    return PolicyResult(
        key=ent.key,
        policy=policy.id,
        version=policy.version,
        verdict=verdict,
        score=score[0] if score and score[0] == score[1] else None,
        score_range=score,
        criteria=rows,
        path=tuple(sorted((named[id(r)] for r in found.path), key=lambda r: -(r.progress or 0)))
        if verdict == NEAR
        else (),
        confirmed_directly=found.direct and verdict == QUALIFIED,
        to_confirm=any(r.to_confirm for r in rows) or policy.dates_to_confirm,
    )


TRANSPARENT = ("policy", "qualify_by")  # nodes the engine adds: not part of a criterion's id


def dotted(rows: list[CriterionResult]) -> dict[int, CriterionResult]:
    """Each row (by identity) renamed to its path in the policy: `size.revenue`, `rd_intensity.band_1`."""
    stack: list[tuple[int, str]] = []
    out = {}
    for row in rows:
        while stack and stack[-1][0] >= row.depth:
            stack.pop()
        parents = [name for _, name in stack if name not in TRANSPARENT]
        stack.append((row.depth, row.id))
        out[id(row)] = row
        # the rows were made by this evaluation and are not shared yet: renaming in place is safe
        # (dataclasses.replace on every row took most of the per-enterprise time)
        object.__setattr__(row, "id", ".".join([*parents, row.id]))
    return out


def evaluate_all(
    policies: Iterable[Policy], enterprises: Iterable[Enterprise], on: date, year: int | None = None
) -> list[PolicyResult]:
    """Every enterprise under every policy, enterprise by enterprise (the explained path)."""
    chosen = list(policies)
    return [evaluate(p, e, on, year) for e in enterprises for p in chosen]


def what_if(
    policies: Iterable[Policy],
    ent: Enterprise,
    on: date,
    facts: Mapping[int, Mapping[str, float]] | None = None,
    assessments: Mapping[str, float | bool] | None = None,
    ip_holdings: Mapping[str, int] | None = None,
    year: int | None = None,
) -> list[PolicyResult]:
    """The verdicts with some inputs changed (nothing stored is touched): facts by year, assessments, IP."""
    changed = with_overrides(ent, facts or {}, assessments or {}, ip_holdings)
    return [evaluate(p, changed, on, year) for p in policies]


def with_overrides(
    ent: Enterprise,
    facts: Mapping[int, Mapping[str, float]],
    assessments: Mapping[str, float | bool],
    ip_holdings: Mapping[str, int] | None,
) -> Enterprise:
    """A copy of the enterprise with the given inputs replaced."""
    from corridor.engine.qualify.model import Assessment, YearFacts

    years = {row.year: dict(row.values) for row in ent.year_facts}
    for year, values in facts.items():
        years.setdefault(year, {}).update(values)
    judged = dict(ent.assessments)
    judged.update({k: Assessment(v, source="what-if") for k, v in assessments.items()})
    ip = ent.ip_holdings if ip_holdings is None else {**(ent.ip_holdings or {}), **ip_holdings}
    rows = tuple(YearFacts(y, v) for y, v in sorted(years.items()))
    return replace(ent, year_facts=rows, assessments=judged, ip_holdings=ip)


def policies_in_force(policies: Iterable[Policy], on: date) -> list[Policy]:
    """The version of each policy that applies on a day (sorted by id)."""
    return sorted((p for p in policies if p.in_force(on)), key=lambda p: p.id)


def verdict_of(status: str, pessimistic: int, optimistic: int, max_unmet: int) -> str:
    """The policy verdict from the root's status and costs (see the module docstring)."""
    if status == MET:
        return QUALIFIED
    if status != UNMET:
        return NEEDS_DATA
    if pessimistic <= max_unmet:
        return NEAR
    return NEEDS_DATA if optimistic <= max_unmet else NOT_QUALIFIED


def _node(node: Node, ent: Enterprise, ctx: Context, depth: int) -> _Eval:
    if isinstance(node, Check):
        return _check(node, ent, ctx, depth)
    if isinstance(node, Tiers):
        return _tiers(node, ent, ctx, depth)
    if isinstance(node, Score):
        return _score(node, ent, ctx, depth)
    kids = [_node(child, ent, ctx, depth + 1) for child in node.children]
    return _combine(node, kids, depth)


def combine_all(statuses: Sequence[str]) -> str:
    live = [s for s in statuses if s != NOT_APPLICABLE]
    if UNMET in live:
        return UNMET
    if UNKNOWN in live:
        return UNKNOWN
    return MANUAL_REVIEW if MANUAL_REVIEW in live else MET


def combine_any(statuses: Sequence[str]) -> str:
    live = [s for s in statuses if s != NOT_APPLICABLE]
    if MET in live or not live:
        return MET if live else UNMET
    if UNKNOWN in live:
        return UNKNOWN
    return MANUAL_REVIEW if MANUAL_REVIEW in live else UNMET


def _combine(node: AllOf | AnyOf, kids: list[_Eval], depth: int) -> _Eval:
    statuses = [k.status for k in kids]
    if isinstance(node, AllOf):
        status = combine_all(statuses)
        pess = min(INF, sum(k.pessimistic for k in kids))
        opt = min(INF, sum(k.optimistic for k in kids))
        path = [row for k in kids for row in k.path]
    else:
        status = combine_any(statuses)
        cheapest = min(kids, key=lambda k: k.pessimistic)
        pess, opt = cheapest.pessimistic, min(k.optimistic for k in kids)
        path = list(cheapest.path)
    head = CriterionResult(
        node.id,
        node.label,
        status,
        kind="all_of" if isinstance(node, AllOf) else "any_of",
        to_confirm=node.to_confirm,
        depth=depth,
    )
    rows = [head] + [row for k in kids for row in k.rows]
    score = next((k.score for k in kids if k.score is not None), None)
    direct = any(k.direct for k in kids) or (node.id == "direct" and status == MET)
    if node.id == "qualify_by":
        direct = direct and not any(k.score is not None and k.status == MET for k in kids)
    return _Eval(status, pess, opt, rows, path, score, direct)


def _costs(status: str, closable: bool) -> tuple[int, int]:
    if status == MET:
        return 0, 0
    if status == UNMET:
        return (1, 1) if closable else (INF, INF)
    return INF, 0


def _missing_status(metric: m.Metric) -> str:
    return MANUAL_REVIEW if metric.expert else UNKNOWN


def _check(node: Check, ent: Enterprise, ctx: Context, depth: int) -> _Eval:
    metric = m.lookup(node.metric)
    assert metric is not None
    got = measure(ent, metric, node.period, ctx.on, ctx.year)
    base: dict[str, Any] = dict(
        kind="check",
        metric=metric.id,
        threshold=_shown(node.threshold, metric),
        comparison=node.comparison,
        unit=metric.unit,
        period=node.period,
        years=got.years,
        source=got.source,
        as_of=got.as_of,
        veto=node.veto,
        to_confirm=node.to_confirm,
        depth=depth,
    )
    if node.threshold is None:
        row = CriterionResult(
            node.id, node.label, MANUAL_REVIEW, message=Message("threshold_to_enter", {}), **base
        )  # type: ignore[arg-type]
        return _Eval(MANUAL_REVIEW, *_costs(MANUAL_REVIEW, False), [row])
    status, value, gap = _judge(node, metric, got, ctx)
    row = CriterionResult(node.id, node.label, status, value=_shown(value, metric), **base, **gap)  # type: ignore[arg-type]
    object.__setattr__(row, "message", _message(row, node, metric))  # fresh row, not shared yet
    costs = _costs(status, row.closable)
    return _Eval(status, *costs, [row], [row] if status == UNMET and row.closable else [])


def _shown(value: float | bool | None, metric: m.Metric) -> float | bool | None:
    """Ratios are shown in percent (the unit the rules use)."""
    if isinstance(value, float) and metric.unit == m.PERCENT and metric.kind == m.RATIO:
        return round(value * 100.0, 4)
    if isinstance(value, float):
        return round(value, 6)
    return value


def _judge(
    node: Check, metric: m.Metric, got: Measured, ctx: Context
) -> tuple[str, float | bool | None, dict]:
    """(status, value, shortfall fields) of a check whose threshold is set."""
    if metric.value_type == m.BOOLEAN:
        if got.value is None:
            return _missing_status(metric), None, {}
        return (MET if got.value is node.threshold else UNMET), got.value, {}
    t = float(node.threshold)  # type: ignore[arg-type]
    if node.period == EACH_LAST_2_YEARS:
        return _judge_each(node, metric, got, t, ctx)
    if got.value is None:
        return _missing_status(metric), None, {}
    value = float(got.value)
    if holds(value, node.comparison, t):
        return MET, value, {}
    num = got.numerators[0] if got.numerators else None
    den = got.denominators[0] if got.denominators else None
    gap = gap_one(metric, node.period, node.comparison, t, value, num, den, got.base)
    return (
        UNMET,
        value,
        _gap_fields(node, metric, [gap], ctx, got.years[-1] if got.years else ctx.year),
    )


def _judge_each(
    node: Check, metric: m.Metric, got: Measured, t: float, ctx: Context
) -> tuple[str, float | None, dict]:
    if not got.per_year:
        return _missing_status(metric), None, {}
    ok = [holds(v, node.comparison, t) for v in got.per_year]
    worst = min(got.per_year) if node.comparison in (">=", ">") else max(got.per_year)
    if all(ok):
        return MET, worst, {}
    gaps = []
    for i, (v, passed) in enumerate(zip(got.per_year, ok, strict=True)):
        if passed:
            continue
        num = got.numerators[i] if got.numerators else None
        den = got.denominators[i] if got.denominators else None
        gaps.append(gap_one(metric, "latest", node.comparison, t, v, num, den, (v,)))
    failing = [y for y, passed in zip(got.years, ok, strict=True) if not passed]
    return UNMET, worst, _gap_fields(node, metric, gaps, ctx, failing[-1])


def _gap_fields(node: Check, metric: m.Metric, gaps: list, ctx: Context, year: int) -> dict:
    if not gaps or any(g is None for g in gaps):
        return {"closable": False}
    unit = metric.shortfall_unit
    amount = sum(rounded(g.amount, unit, node.comparison in (">", "<")) for g in gaps)
    progress = min(g.progress for g in gaps)
    # a size cap (staff ≤ 500, sales ≤ 2亿) is not a gap to close; a ratio cap (debt ratio) is
    cuts_a_fact = gaps[0].direction == "reduce" and metric.kind != m.RATIO
    closable = (
        metric.closable
        and not node.veto
        and not cuts_a_fact
        and progress >= ctx.near.min_progress - 1e-12
    )
    return {
        "shortfall": round(amount, 2),
        "shortfall_unit": unit,
        "shortfall_direction": gaps[0].direction,
        "shortfall_year": year,
        "progress": round(progress, 6),
        "closable": closable,
    }


def _message(row: CriterionResult, node: Check, metric: m.Metric) -> Message | None:
    if row.status == MET:
        return None
    if row.status in (UNKNOWN, MANUAL_REVIEW):
        return Message(
            "missing" if row.status == UNKNOWN else "manual_review",
            {"criterion": node.id, "metric": metric.id, "years": row.years},
        )
    if row.shortfall is None:
        return Message(
            "unmet",
            {
                "metric": metric.id,
                "value": row.value,
                "threshold": row.threshold,
                "unit": row.unit,
                "comparison": node.comparison,
            },
        )
    what = metric.numerator if metric.kind == m.RATIO else metric.id
    return Message(
        f"shortfall_{row.shortfall_direction}",
        {
            "what": what,
            "amount": row.shortfall,
            "unit": row.shortfall_unit,
            "year": row.shortfall_year,
            "metric": metric.id,
            "threshold": row.threshold,
            "target_unit": row.unit,
            "period": node.period,
            "years": row.years,
            "comparison": node.comparison,
        },
    )


def _tiers(node: Tiers, ent: Enterprise, ctx: Context, depth: int) -> _Eval:
    chosen, shown = select_band(node, ent, ctx)
    head: dict[str, Any] = dict(
        kind="tiers",
        metric=node.by_metric,
        value=shown,
        period="latest" if node.by_metric != "sector" else "",
        unit=m.FACTS[node.by_metric].unit if node.by_metric in m.FACTS else "",
        to_confirm=node.to_confirm,
        depth=depth,
    )
    if chosen is None:
        row = CriterionResult(
            node.id,
            node.label,
            UNKNOWN,
            message=Message(
                "missing", {"criterion": node.id, "metric": node.by_metric, "years": (ctx.year,)}
            ),
            **head,
        )  # type: ignore[arg-type]
        return _Eval(UNKNOWN, *_costs(UNKNOWN, False), [row])
    if chosen < 0:  # no band for this sector
        row = CriterionResult(node.id, node.label, NOT_APPLICABLE, **head)  # type: ignore[arg-type]
        return _Eval(UNMET, INF, INF, [row])
    inner = _node(node.bands[chosen].child, ent, ctx, depth + 1)
    rows = [CriterionResult(node.id, node.label, inner.status, **head)]  # type: ignore[arg-type]
    for i, band in enumerate(node.bands):
        if i == chosen:
            rows += inner.rows
        else:
            rows += [_not_applicable(band.child, depth + 1)]
    return _Eval(inner.status, inner.pessimistic, inner.optimistic, rows, inner.path, inner.score)


def select_band(
    node: Tiers, ent: Enterprise, ctx: Context
) -> tuple[int | None, float | str | None]:
    """(index of the band that applies, the selector value shown); None when it is missing, −1: no band."""
    if node.by_metric == "sector":
        sector = m.sector_of(ent.industry_code)
        if sector is None:
            return None, None
        for i, band in enumerate(node.bands):
            if band.sector in (sector, "other"):
                return i, sector
        return -1, sector
    value = ent.facts(ctx.year).get(node.by_metric)
    if value is None:
        return None, None
    value = float(value)
    return next(i for i, band in enumerate(node.bands) if band.holds(value)), round(value, 6)


def _not_applicable(node: Node, depth: int) -> CriterionResult:
    extra: dict = {}
    if isinstance(node, Check):
        metric = m.lookup(node.metric)
        assert metric is not None
        extra = dict(
            metric=node.metric,
            threshold=_shown(node.threshold, metric),
            unit=metric.unit,
            comparison=node.comparison,
            period=node.period,
        )
    return CriterionResult(
        node.id, node.label, NOT_APPLICABLE, depth=depth, to_confirm=node.to_confirm, **extra
    )


def item_points(item: ScoreItem, ent: Enterprise, ctx: Context) -> tuple[float, float]:
    """(lowest, highest) points of a score item: the better of its scales, unknown scales 0…max."""
    low, high = 0.0, 0.0
    for scale in item.scales:
        metric = m.lookup(scale.metric)
        assert metric is not None
        got = measure(ent, metric, scale.period, ctx.on, ctx.year)
        if got.value is None:
            high = max(high, scale.max_points)
            continue
        value = float(got.value)
        points = next((s.points for s in scale.steps if s.holds(value)), 0.0)
        low, high = max(low, points), max(high, points)
    return low, high


def _bound(low: float, high: float, at_least: float, strict: bool = False) -> str:
    if (low > at_least) if strict else (low >= at_least - 1e-9):
        return MET
    if (high <= at_least) if strict else (high < at_least - 1e-9):
        return UNMET
    return UNKNOWN


def _score(node: Score, ent: Enterprise, ctx: Context, depth: int) -> _Eval:
    points = {item.id: item_points(item, ent, ctx) for item in node.items}
    low = sum(p[0] for p in points.values())
    high = sum(p[1] for p in points.values())
    rows = _item_rows(node, points, depth + 1) + _group_rows(node, points, depth + 1)
    parts = [_bound(low, high, node.pass_points)] + [
        r.status for r in rows if r.kind == "score_group"
    ]
    parts += [r.status for r, item in zip(rows, node.items, strict=False) if item.nonzero]
    status = combine_all(parts)
    costs = _costs(status, False)
    path: list[CriterionResult] = []
    if status == UNMET:
        pess, opt, best = score_upgrades(node, ent, ctx, points)
        costs = (pess, opt)
        if best is not None:
            at = next(i for i, r in enumerate(rows) if r.id == best[0])
            rows[at] = _upgrade_row(rows[at], best[1], ctx)
            path = [rows[at]]
    known = low == high
    short = Message("score_short", {"low": low, "high": high, "pass": node.pass_points})
    head = CriterionResult(
        node.id,
        node.label,
        status,
        kind="score",
        value=low if known else None,
        threshold=node.pass_points,
        comparison=">=",
        unit=m.POINTS,
        points=low if known else None,
        max_points=sum(i.max_points for i in node.items),
        to_confirm=node.to_confirm,
        depth=depth,
        message=None if status == MET else short,
    )
    return _Eval(status, *costs, [head, *rows], path, score=(low, high))


def _item_rows(
    node: Score, points: dict[str, tuple[float, float]], depth: int
) -> list[CriterionResult]:
    """One row per score item: its points; a `nonzero` item is unmet at 0."""
    rows = []
    for item in node.items:
        lo, hi = points[item.id]
        status = (
            _bound(lo, hi, 0.0, strict=True) if item.nonzero else (MET if lo == hi else UNKNOWN)
        )
        rows.append(
            CriterionResult(
                item.id,
                item.label,
                status,
                kind="score_item",
                points=lo if lo == hi else None,
                max_points=item.max_points,
                value=lo if lo == hi else None,
                unit=m.POINTS,
                threshold=0.0 if item.nonzero else None,
                comparison=">" if item.nonzero else "",
                to_confirm=item.to_confirm,
                depth=depth,
            )
        )
    return rows


def _group_rows(
    node: Score, points: dict[str, tuple[float, float]], depth: int
) -> list[CriterionResult]:
    """One row per score group (e.g. innovation ≥ 20)."""
    rows = []
    for group in node.groups:
        g_low = sum(points[i][0] for i in group.items)
        g_high = sum(points[i][1] for i in group.items)
        rows.append(
            CriterionResult(
                group.id,
                group.label,
                _bound(g_low, g_high, group.min),
                kind="score_group",
                value=g_low if g_low == g_high else None,
                threshold=group.min,
                comparison=">=",
                unit=m.POINTS,
                depth=depth,
            )
        )
    return rows


@dataclass(frozen=True)
class Upgrade:
    """One score item raised to a higher step by a stated amount."""

    metric: m.Metric
    scale_period: str
    comparison: str
    threshold: float
    value: float
    gap: Gap
    years: tuple[int, ...]


def score_upgrades(
    node: Score, ent: Enterprise, ctx: Context, points: dict[str, tuple[float, float]]
) -> tuple[int, int, tuple[str, Upgrade] | None]:
    """(pessimistic, optimistic cost, the closest upgrade) of an unmet score: 1 when raising one
    item to a higher step — by an amount of a closable metric, at least min_progress of the way —
    makes the score pass (with unknown items at 0, or at their maximum), else INF."""
    pess, opt, best = INF, INF, None
    for item in node.items:
        lo = points[item.id][0]
        for scale in item.scales:
            metric = m.lookup(scale.metric)
            assert metric is not None
            if not metric.closable:
                continue
            got = measure(ent, metric, scale.period, ctx.on, ctx.year)
            if got.value is None:
                continue
            value = float(got.value)
            for step in scale.steps:
                found = _step_gap(metric, scale.period, step, lo, value, got, ctx)
                if found is None:
                    continue
                if score_passes(node, points, item.id, step.points, 0):
                    pess = 1
                    if best is None or found.gap.progress > best[1].gap.progress:
                        best = (item.id, found)
                if score_passes(node, points, item.id, step.points, 1):
                    opt = 1
    return pess, opt, best


def _step_gap(
    metric: m.Metric, period: str, step: Step, lo: float, value: float, got: Measured, ctx: Context
) -> Upgrade | None:
    if step.points <= lo or (step.min is None and step.max is None):
        return None
    comparison, t = (">=", step.min) if step.min is not None else ("<=", step.max)
    assert t is not None
    if holds(value, comparison, t) or (comparison == "<=" and metric.kind != m.RATIO):
        return None
    num = got.numerators[0] if got.numerators else None
    den = got.denominators[0] if got.denominators else None
    gap = gap_one(metric, period, comparison, t, value, num, den, got.base)
    if gap is None or gap.progress < ctx.near.min_progress - 1e-12:
        return None
    return Upgrade(metric, period, comparison, t, value, gap, got.years)


def score_passes(
    node: Score, points: dict[str, tuple[float, float]], raised: str, to: float, k: int
) -> bool:
    """Whether the score passes with one item raised to `to` points (k: 0 lowest, 1 highest totals)."""

    def pts(item_id: str) -> float:
        now = points[item_id][k]
        return max(now, to) if item_id == raised else now

    if sum(pts(i.id) for i in node.items) < node.pass_points - 1e-9:
        return False
    if any(item.nonzero and not pts(item.id) > 0.0 for item in node.items):
        return False
    return all(sum(pts(i) for i in g.items) >= g.min - 1e-9 for g in node.groups)


def _upgrade_row(row: CriterionResult, up: Upgrade, ctx: Context) -> CriterionResult:
    """The item's row with the shortfall that lifts it to the step that passes the score."""
    unit = up.metric.shortfall_unit
    amount = rounded(up.gap.amount, unit, False)
    year = up.years[-1] if up.years else ctx.year
    what = up.metric.numerator if up.metric.kind == m.RATIO else up.metric.id
    threshold = _shown(up.threshold, up.metric)
    message = Message(
        f"shortfall_{up.gap.direction}",
        {
            "what": what,
            "amount": amount,
            "unit": unit,
            "year": year,
            "metric": up.metric.id,
            "threshold": threshold,
            "target_unit": up.metric.unit,
            "period": up.scale_period,
            "years": up.years,
            "comparison": up.comparison,
        },
    )
    return replace(
        row,
        status=UNMET,
        metric=up.metric.id,
        value=_shown(up.value, up.metric),
        threshold=threshold,
        comparison=up.comparison,
        unit=up.metric.unit,
        period=up.scale_period,
        years=up.years,
        shortfall=amount,
        shortfall_unit=unit,
        shortfall_direction=up.gap.direction,
        shortfall_year=year,
        closable=True,
        progress=round(up.gap.progress, 6),
        message=message,
    )
