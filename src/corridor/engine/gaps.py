"""Weak links of a chain in a district: per-node strength measures combined into one explained score.

weak-link score = 100 × Σ wᵢ·(1 − sᵢ) / Σ wᵢ, where each strength sᵢ ∈ [0, 1]:
- counts and money (enterprises, revenue, employees, titled enterprises): log(1 + x) / log(1 + max),
  the max taken over the chain's nodes, so the chain's strongest node scores 1;
- leader: 1 if a leading enterprise (an anchor, or a large or medium one) sits on the node, else 0;
- location quotient: min(LQ, 2) / 2 (LQ = the district's share of the node over the nation's);
- supply coverage: the share of the node's upstream nodes with at least one local enterprise
  (1 when the node has no upstream).

A node the registry cannot observe — no enterprise on it locally and none in the national registry —
is not scored: its verdict is "no data to judge" (NO_DATA), it has no score and no parts, and it is
listed after the scored nodes (in chain order). Scoring it would rank it as the weakest link only
because the classifier places no enterprise there, which says nothing about the district.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WEIGHTS_VERSION = "weak-links-1"
DEFAULT_WEIGHTS: dict[str, float] = {
    "enterprises": 0.20,
    "revenue": 0.15,
    "employees": 0.10,
    "titled": 0.10,
    "leader": 0.15,
    "lq": 0.15,
    "coverage": 0.15,
}
LOG_SCALED = ("enterprises", "revenue", "employees", "titled")
LQ_CAP = 2.0
SCORED = "scored"
NO_DATA = "no_data"  # nothing observed on the node, locally or nationally: no data to judge


@dataclass(frozen=True)
class NodeFacts:
    node: str
    enterprises: int
    revenue: float  # 万元, latest year
    employees: int
    titled: int  # enterprises holding a title in force (高企, 专精特新, …)
    leaders: int  # leading enterprises on the node
    lq: float | None  # location quotient against the national registry; None: no national data
    upstream: tuple[str, ...] = ()  # nodes that supply this node
    upstream_covered: tuple[str, ...] = ()  # those with at least one local enterprise
    leaders_downstream: int = (
        0  # leaders on the nodes this node supplies (the demand it would meet)
    )
    national: int | None = None  # enterprises on the node in the whole registry; None: not known

    @property
    def observed(self) -> bool:
        """Whether the registry sees any enterprise on the node (here or anywhere else)."""
        return self.enterprises > 0 or self.national is None or self.national > 0


@dataclass(frozen=True)
class Part:
    name: str
    value: float | None
    strength: float
    weight: float
    contribution: float  # points of the score this part adds


@dataclass(frozen=True)
class WeakLink:
    node: str
    score: float | None  # None when the verdict is NO_DATA
    parts: tuple[Part, ...] = field(default=())
    verdict: str = SCORED

    @property
    def judged(self) -> bool:
        """Whether the node was scored (not "no data to judge")."""
        return self.verdict == SCORED

    @property
    def main_reasons(self) -> tuple[Part, ...]:
        """The parts that add most to the score, largest first."""
        return tuple(sorted(self.parts, key=lambda p: -p.contribution)[:3])


def _log_strength(value: float, top: float) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(top))


def strengths(facts: NodeFacts, tops: Mapping[str, float]) -> dict[str, tuple[float | None, float]]:
    """(raw value, strength in [0, 1]) of each measure for one node."""
    out: dict[str, tuple[float | None, float]] = {}
    for name in LOG_SCALED:
        value = float(getattr(facts, name))
        out[name] = (value, _log_strength(value, tops[name]))
    out["leader"] = (float(facts.leaders), 1.0 if facts.leaders > 0 else 0.0)
    lq = facts.lq
    out["lq"] = (lq, 0.0 if lq is None else min(max(lq, 0.0), LQ_CAP) / LQ_CAP)
    if facts.upstream:
        share = len(facts.upstream_covered) / len(facts.upstream)
        out["coverage"] = (share, share)
    else:
        out["coverage"] = (None, 1.0)
    return out


def weak_link_scores(
    nodes: Sequence[NodeFacts], weights: Mapping[str, float] | None = None
) -> list[WeakLink]:
    """Every node's weak-link score with its parts, weakest (highest score) first."""
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown weak-link measure {sorted(unknown)[0]!r}")
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("weights must be finite and non-negative")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    observed = [n for n in nodes if n.observed]
    tops = {
        name: max((float(getattr(n, name)) for n in observed), default=0.0) for name in LOG_SCALED
    }
    out = []
    for facts in observed:
        parts = []
        for name, (value, strength) in strengths(facts, tops).items():
            weight = weights.get(name, 0.0)
            parts.append(Part(name, value, strength, weight, 100 * weight * (1 - strength) / total))
        score = sum(p.contribution for p in parts)
        out.append(WeakLink(facts.node, round(score, 2), tuple(parts)))
    ranked = sorted(out, key=lambda w: (-(w.score or 0.0), w.node))
    return ranked + [WeakLink(n.node, None, (), NO_DATA) for n in nodes if not n.observed]


def judged(ranked: Sequence[WeakLink]) -> list[WeakLink]:
    """The scored weak links only, weakest first (what may be picked as a weak link)."""
    return [w for w in ranked if w.judged]
