"""The shapes of the qualification engine: policies as trees of criteria, enterprises' inputs, results.

A policy is a tree. Leaves are checks (metric · comparison · threshold over a period) and score
tables; inner nodes are all_of, any_of and tiers (a switch: the band of another metric picks the
child, e.g. the R&D-intensity threshold by sales band). The policy qualifies an enterprise when all
its `criteria` hold and, if it scores, the score passes or any one `direct` confirmation path holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# criterion statuses (the int codes are the columnar evaluator's)
MET = "met"
UNMET = "unmet"
UNKNOWN = "unknown"
MANUAL_REVIEW = "manual_review"
NOT_APPLICABLE = "not_applicable"
STATUS_CODES = {MET: 0, UNMET: 1, UNKNOWN: 2, MANUAL_REVIEW: 3, NOT_APPLICABLE: 4}
STATUSES = tuple(STATUS_CODES)

# policy verdicts
QUALIFIED = "qualified"
NEAR = "near"
NOT_QUALIFIED = "not_qualified"
NEEDS_DATA = "needs_data"
VERDICTS = (QUALIFIED, NEAR, NOT_QUALIFIED, NEEDS_DATA)

# periods of yearly metrics; Y is the reference (latest) fiscal year
LATEST = "latest"  # Y
LAST_3_YEARS = "last_3_years"  # Y-2..Y summed (ratio of sums); shorter if registered within
EACH_LAST_2_YEARS = "each_last_2_years"  # Y-1 and Y, each
SUM_LAST_2_YEARS = "sum_last_2_years"
SUM_LAST_3_YEARS = "sum_last_3_years"
AVG_LAST_2_YEARS = "avg_last_2_years"
CAGR_2_YEARS = "cagr_2_years"  # (V_Y / V_{Y-2})^(1/2) − 1
GROWTH_1_YEAR = "growth_1_year"  # V_Y / V_{Y-1} − 1
GROWTH_AVG_2_YEARS = "growth_avg_2_years"  # ½(V_Y/V_{Y-1} + V_{Y-1}/V_{Y-2}) − 1
CURRENT = "current"  # not yearly: on the evaluation day
RATIO_PERIODS = (LATEST, LAST_3_YEARS, EACH_LAST_2_YEARS)
FACT_PERIODS = (
    LATEST,
    EACH_LAST_2_YEARS,
    SUM_LAST_2_YEARS,
    SUM_LAST_3_YEARS,
    AVG_LAST_2_YEARS,
    CAGR_2_YEARS,
    GROWTH_1_YEAR,
    GROWTH_AVG_2_YEARS,
)
GROWTH_PERIODS = (CAGR_2_YEARS, GROWTH_1_YEAR, GROWTH_AVG_2_YEARS)
COMPARISONS = (">=", ">", "<=", "<", "is")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.zh


@dataclass(frozen=True)
class Check:
    id: str
    label: Label
    metric: str
    comparison: str
    threshold: float | bool | None  # None: not set yet (to be entered) → manual_review
    period: str = CURRENT
    veto: bool = False
    to_confirm: bool = False


@dataclass(frozen=True)
class Band:
    """One band of a tiers node: applies when the selector value is ≤ upto / < below (or always)."""

    child: Node
    upto: float | None = None
    below: float | None = None
    sector: str | None = None  # tiers by sector: the band of one sector

    def holds(self, value: float) -> bool:
        if self.upto is not None:
            return value <= self.upto
        if self.below is not None:
            return value < self.below
        return True


@dataclass(frozen=True)
class Tiers:
    id: str
    label: Label
    by_metric: str  # a yearly fact (band by its value) or "sector"
    by_period: str
    bands: tuple[Band, ...]
    to_confirm: bool = False


@dataclass(frozen=True)
class AllOf:
    id: str
    label: Label
    children: tuple[Node, ...]
    to_confirm: bool = False


@dataclass(frozen=True)
class AnyOf:
    id: str
    label: Label
    children: tuple[Node, ...]
    to_confirm: bool = False


@dataclass(frozen=True)
class Step:
    """One row of a scoring table: `points` when value ≥ min (or ≤ max, or is `is`; bare: always)."""

    points: float
    min: float | None = None
    max: float | None = None
    is_: bool | None = None

    def holds(self, value: float) -> bool:
        if self.min is not None:
            return value >= self.min - tolerance(self.min)
        if self.max is not None:
            return value <= self.max + tolerance(self.max)
        if self.is_ is not None:
            return bool(value) is self.is_
        return True


@dataclass(frozen=True)
class Scale:
    metric: str
    period: str
    steps: tuple[Step, ...]

    @property
    def max_points(self) -> float:
        return max(s.points for s in self.steps)


@dataclass(frozen=True)
class ScoreItem:
    id: str
    label: Label
    scales: tuple[Scale, ...]  # more than one: "the better of"
    nonzero: bool = False  # the item must score above 0 (科技人员 ≠ 0)
    to_confirm: bool = False

    @property
    def max_points(self) -> float:
        return max(s.max_points for s in self.scales)


@dataclass(frozen=True)
class ScoreGroup:
    id: str
    label: Label
    items: tuple[str, ...]
    min: float


@dataclass(frozen=True)
class Score:
    id: str
    label: Label
    pass_points: float
    items: tuple[ScoreItem, ...]
    groups: tuple[ScoreGroup, ...] = ()
    to_confirm: bool = False


Node = Check | AllOf | AnyOf | Tiers | Score
EPS = 1e-9  # comparisons tolerate float noise: 10 of 100 staff is exactly 10 %


def tolerance(threshold: float) -> float:
    """How far from a threshold a value still counts as on it (float noise, not leniency)."""
    return EPS * (abs(threshold) + 1.0)


@dataclass(frozen=True)
class Near:
    max_unmet: int = 2  # at most this many closable criteria unmet
    min_progress: float = 0.5  # each unmet value reaches at least this share of its threshold


@dataclass(frozen=True)
class Policy:
    id: str
    version: str
    name: Label
    document: str  # the issuing document's title
    number: str  # its number, e.g. 国科发火〔2016〕32号
    effective_from: date
    effective_to: date | None
    root: AllOf  # all criteria, plus the score-or-direct alternative
    valid_years: int | None = None
    near: Near = field(default_factory=Near)
    notes: str = ""
    dates_to_confirm: bool = False
    source: str = ""  # the file it was loaded from

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def in_force(self, on: date) -> bool:
        """Whether this version applies to an evaluation on that day."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


# ---- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFacts:
    year: int
    values: Mapping[str, float]  # fact id → value; a missing key is unknown


@dataclass(frozen=True)
class Held:
    """A title or an R&D platform: in force from issued_on to expires_on (inclusive)."""

    name: str
    issued_on: date | None = None
    expires_on: date | None = None
    level: str = ""

    def in_force(self, on: date) -> bool:
        return (self.issued_on is None or self.issued_on <= on) and (
            self.expires_on is None or on <= self.expires_on
        )


@dataclass(frozen=True)
class Assessment:
    value: float | bool
    source: str = ""
    as_of: str = ""
    by: str = ""


@dataclass(frozen=True)
class Enterprise:
    """Everything the engine reads about one enterprise. None / missing keys are unknown."""

    key: str
    name: str = ""
    established_on: date | None = None
    industry_code: str | None = None
    year_facts: tuple[YearFacts, ...] = ()
    ip_holdings: Mapping[str, int] | None = None  # kind → count; None: not known
    titles: tuple[Held, ...] | None = None  # None: not known (a list, even empty, is known)
    rd_platforms: tuple[Held, ...] | None = None
    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    source: str = ""  # where the facts come from (shown with each value)

    def facts(self, year: int) -> Mapping[str, float]:
        for row in self.year_facts:
            if row.year == year:
                return row.values
        return {}


# ---- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A sentence as a key and its parameters; messages.render() words it in zh or en."""

    key: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class CriterionResult:
    id: str  # dotted path in the policy, e.g. "rd_intensity.band_2"
    label: Label
    status: str
    kind: str = "check"  # check · all_of · any_of · tiers · score · score_item · score_group
    metric: str = ""
    value: float | bool | None = None
    threshold: float | bool | None = None
    comparison: str = ""
    unit: str = ""
    period: str = ""
    years: tuple[int, ...] = ()
    shortfall: float | None = None  # what to add (or cut, see direction), in shortfall_unit
    shortfall_unit: str = ""
    shortfall_direction: str = ""  # "add" | "reduce"
    shortfall_year: int | None = None  # the year the amount goes into
    closable: bool = False
    progress: float | None = None  # value ÷ threshold (threshold ÷ value for ≤), for sorting
    points: float | None = None
    max_points: float | None = None
    source: str = ""
    as_of: str = ""
    veto: bool = False
    to_confirm: bool = False
    depth: int = 0
    message: Message | None = None


@dataclass(frozen=True)
class PolicyResult:
    key: str  # the enterprise
    policy: str
    version: str
    verdict: str
    score: float | None  # None when the policy does not score or the score is not known
    score_range: tuple[float, float] | None
    criteria: tuple[CriterionResult, ...]
    path: tuple[CriterionResult, ...] = ()  # near: the cheapest set of unmet criteria to close
    confirmed_directly: bool = False
    to_confirm: bool = False  # some criterion it relied on is still to be confirmed

    @property
    def policy_key(self) -> str:
        return f"{self.policy}@{self.version}"
