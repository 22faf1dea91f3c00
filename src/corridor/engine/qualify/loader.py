"""Policy files (YAML) → Policy trees, validated with precise errors: file, path, value, reason.

Files are read with the safe loader; anchors/aliases are refused (a "billion laughs" file would make
the tree exponential), and so are files over MAX_BYTES, nesting deeper than MAX_DEPTH, non-finite or
absurdly large numbers, unknown keys, unknown metrics, periods that do not fit the metric and ratio
thresholds written as percentages. Every problem in a file is reported, not just the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.model import (
    COMPARISONS,
    CURRENT,
    FACT_PERIODS,
    RATIO_PERIODS,
    AllOf,
    AnyOf,
    Band,
    Check,
    Label,
    Near,
    Node,
    Policy,
    Scale,
    Score,
    ScoreGroup,
    ScoreItem,
    Step,
    Tiers,
)

POLICY_DIR = Path(__file__).resolve().parent / "policies"
MAX_BYTES = 256_000
MAX_DEPTH = 6
MAX_NUMBER = 1e12
ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
VERSION = re.compile(r"^[0-9]{4}[a-z0-9._-]{0,12}$")
POLICY_KEYS = {
    "id",
    "version",
    "name",
    "document",
    "number",
    "effective_from",
    "effective_to",
    "dates_to_confirm",
    "valid_years",
    "near",
    "notes",
    "criteria",
    "score",
    "direct",
}
COMMON_KEYS = {"id", "label", "to_confirm", "veto"}
CHECK_KEYS = COMMON_KEYS | {"metric", "comparison", "threshold", "period"}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    value: Any
    reason: str

    def __str__(self) -> str:
        shown = repr(self.value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"{self.file}: {self.path or '(top)'} = {shown}: {self.reason}"


class PolicyError(ValueError):
    """A policy file that cannot be used; `problems` says where and why, each precisely."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_MISSING = object()


class _Reader:
    """Walks one parsed file, collecting problems with their paths."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, path: str, value: Any, reason: str) -> None:
        self.problems.append(Problem(self.file, path, value, reason))

    def mapping(self, data: Any, path: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.fail(path, data, f"expected a mapping, got {type(data).__name__}")
            return None
        for key in data:
            if key not in allowed:
                self.fail(
                    _join(path, str(key)),
                    data[key],
                    f"unknown key; allowed: {', '.join(sorted(allowed))}",
                )
        return data

    def get(
        self, data: dict[str, Any], key: str, path: str, kind: str, required: bool = True
    ) -> Any:
        value = data.get(key, _MISSING)
        where = _join(path, key)
        if value is _MISSING or value is None:
            if required:
                self.fail(where, None, "missing")
            return None
        checkers = {
            "id": lambda v: isinstance(v, str) and bool(ID.match(v)),
            "text": lambda v: isinstance(v, str) and 0 < len(v) <= 500,
            "bool": lambda v: isinstance(v, bool),
            "number": _finite,
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1000,
            "date": lambda v: isinstance(v, date) or (isinstance(v, str) and _iso(v) is not None),
        }
        if not checkers[kind](value):
            reasons = {
                "id": "expected an id: lower-case letters, digits and _, starting with a letter",
                "text": "expected text (1–500 characters)",
                "bool": "expected true or false",
                "number": f"expected a finite number of magnitude ≤ {MAX_NUMBER:g}",
                "int": "expected a whole number 0–1000",
                "date": "expected a date YYYY-MM-DD",
            }
            self.fail(where, value, reasons[kind])
            return None
        if kind == "date" and isinstance(value, str):
            return _iso(value)
        return value

    def label(self, data: dict[str, Any], path: str) -> Label:
        raw = data.get("label") if "label" in data else data.get("name")
        where = _join(path, "label" if "label" in data else "name")
        if (
            not isinstance(raw, dict)
            or set(raw) != {"zh", "en"}
            or not all(isinstance(raw.get(k), str) and raw.get(k) for k in ("zh", "en"))
        ):
            self.fail(where, raw, "expected {zh: …, en: …}, both non-empty text")
            return Label("?", "?")
        return Label(raw["zh"], raw["en"])


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _finite(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_NUMBER
    )


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_yaml(text: str, file: str) -> Any:
    """The YAML document, refusing oversize files, aliases and syntax errors (as PolicyError)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise PolicyError(
            [Problem(file, "", f"{len(text)} characters", f"file larger than {MAX_BYTES} bytes")]
        )
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                line = mark.line + 1 if mark else 0
                raise PolicyError(
                    [
                        Problem(
                            file,
                            f"line {line}",
                            event.anchor,
                            "anchors and aliases are not allowed",
                        )
                    ]
                )
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(
            [Problem(file, where, None, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
        ) from None


def load_policy_text(text: str, file: str = "<text>") -> Policy:
    """One policy from YAML text, validated."""
    reader = _Reader(file)
    policy = _policy(reader, parse_yaml(text, file))
    if reader.problems or policy is None:
        raise PolicyError(reader.problems or [Problem(file, "", None, "not a policy")])
    return policy


def load_policy_file(path: Path) -> Policy:
    return load_policy_text(path.read_text(encoding="utf-8"), path.name)


def load_policies(folder: Path = POLICY_DIR) -> dict[str, Policy]:
    """Every policy version in a folder, keyed `id@version`; overlapping versions are an error."""
    policies: dict[str, Policy] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            policy = load_policy_file(path)
        except PolicyError as exc:
            problems += exc.problems
            continue
        if policy.key in policies:
            problems.append(
                Problem(path.name, "version", policy.version, f"{policy.key} is defined twice")
            )
        policies[policy.key] = policy
    problems += _overlaps(policies.values())
    if problems:
        raise PolicyError(problems)
    return policies


def _overlaps(policies: Iterable[Policy]) -> list[Problem]:
    """Two versions of one policy in force on the same day."""
    by_id: dict[str, list[Policy]] = {}
    for p in policies:
        by_id.setdefault(p.id, []).append(p)
    problems = []
    for versions in by_id.values():
        versions.sort(key=lambda p: p.effective_from)
        for old, new in zip(versions, versions[1:], strict=False):
            if old.effective_to is None or old.effective_to >= new.effective_from:
                problems.append(
                    Problem(
                        new.source,
                        "effective_from",
                        new.effective_from.isoformat(),
                        f"overlaps {old.key} (in force to {old.effective_to or 'open end'})",
                    )
                )
    return problems


def _policy(r: _Reader, data: Any) -> Policy | None:
    doc = r.mapping(data, "", POLICY_KEYS)
    if doc is None:
        return None
    version = doc.get("version")
    version = (
        str(version) if isinstance(version, int) and not isinstance(version, bool) else version
    )
    if not (isinstance(version, str) and VERSION.match(version)):
        r.fail(
            "version",
            doc.get("version"),
            "expected a version label starting with its year, e.g. '2026'",
        )
    start, end = (
        r.get(doc, "effective_from", "", "date"),
        r.get(doc, "effective_to", "", "date", False),
    )
    if start and end and end < start:
        r.fail("effective_to", end.isoformat(), "before effective_from")
    has_alternative = doc.get("score") is not None
    criteria = (
        []
        if doc.get("criteria") is None and has_alternative
        else _nodes(r, doc.get("criteria"), "criteria", 1)
    )
    alternatives: list[Node] = []
    if doc.get("score") is not None:
        score = _score(r, doc["score"], "score")
        if score:
            alternatives.append(score)
    if doc.get("direct") is not None:
        if doc.get("score") is None:
            r.fail(
                "direct",
                doc["direct"],
                "direct confirmation is an alternative to a score: add `score`",
            )
        paths = _nodes(r, doc["direct"], "direct", 1)
        alternatives.append(AnyOf("direct", Label("直接认定", "direct confirmation"), tuple(paths)))
    if alternatives:
        criteria.append(
            AnyOf(
                "qualify_by",
                Label("评价或直接认定", "score or direct confirmation"),
                tuple(alternatives),
            )
        )
    if not criteria:
        r.fail("criteria", doc.get("criteria"), "a policy needs at least one criterion")
    near = _near(r, doc.get("near"))
    fields = dict(
        id=r.get(doc, "id", "", "id"),
        name=r.label(doc, ""),
        document=r.get(doc, "document", "", "text"),
        number=r.get(doc, "number", "", "text"),
        valid_years=r.get(doc, "valid_years", "", "int", False),
        notes=r.get(doc, "notes", "", "text", False) or "",
        dates_to_confirm=bool(r.get(doc, "dates_to_confirm", "", "bool", False)),
    )
    if r.problems:
        return None
    return Policy(
        version=str(version),
        effective_from=start,
        effective_to=end,
        root=AllOf("policy", fields["name"], tuple(criteria)),  # type: ignore[arg-type]
        near=near,
        source=r.file,
        **fields,  # type: ignore[arg-type]
    )


def _near(r: _Reader, data: Any) -> Near:
    if data is None:
        return Near()
    doc = r.mapping(data, "near", {"max_unmet", "min_progress"})
    if doc is None:
        return Near()
    most = r.get(doc, "max_unmet", "near", "int", False)
    progress = r.get(doc, "min_progress", "near", "number", False)
    if progress is not None and not 0 <= progress <= 1:
        r.fail("near.min_progress", progress, "expected a share between 0 and 1")
    return Near(
        Near.max_unmet if most is None else most,
        Near.min_progress if progress is None else progress,
    )


RESERVED_IDS = {"policy", "qualify_by", "direct", "score"}  # the nodes the loader adds itself


def _unique(r: _Reader, nodes: list[Node], path: str) -> None:
    seen: set[str] = set()
    for i, node in enumerate(nodes):
        if node.id in seen:
            r.fail(f"{path}[{i}].id", node.id, "duplicate id among its siblings")
        if node.id in RESERVED_IDS:
            r.fail(f"{path}[{i}].id", node.id, f"reserved id ({', '.join(sorted(RESERVED_IDS))})")
        seen.add(node.id)


def _nodes(r: _Reader, data: Any, path: str, depth: int) -> list[Node]:
    if not isinstance(data, list) or not data:
        r.fail(path, data, "expected a non-empty list of criteria")
        return []
    if len(data) > 200:
        r.fail(path, f"{len(data)} items", "more than 200 criteria")
        return []
    nodes = [_node(r, item, f"{path}[{i}]", depth) for i, item in enumerate(data)]
    found = [n for n in nodes if n is not None]
    _unique(r, found, path)
    return found


def _node(r: _Reader, data: Any, path: str, depth: int) -> Node | None:
    if depth > MAX_DEPTH:
        r.fail(path, "…", f"criteria nested deeper than {MAX_DEPTH} levels")
        return None
    if not isinstance(data, dict):
        r.fail(path, data, f"expected a criterion mapping, got {type(data).__name__}")
        return None
    for group, cls in (("all_of", AllOf), ("any_of", AnyOf)):
        if group in data:
            doc = r.mapping(data, path, COMMON_KEYS | {group})
            if doc is None:
                return None
            children = _nodes(r, doc[group], _join(path, group), depth + 1)
            return cls(
                r.get(doc, "id", path, "id") or "?",
                r.label(doc, path),
                tuple(children),
                bool(r.get(doc, "to_confirm", path, "bool", False)),
            )
    if "tiers" in data:
        return _tiers(r, data, path, depth)
    return _check(r, data, path, {})


def _metric_and_period(
    r: _Reader, doc: dict[str, Any], path: str
) -> tuple[m.Metric, Any, tuple[str, ...]] | None:
    """The named metric (or a problem recorded at path.metric), the period asked for or the
    metric's default, and the periods a metric of its kind can take."""
    metric_id = doc.get("metric")
    metric = m.lookup(metric_id) if isinstance(metric_id, str) else None
    if metric is None:
        r.fail(
            _join(path, "metric"),
            metric_id,
            "unknown metric; known: " + ", ".join(m.known_metric_ids()),
        )
        return None
    period = doc.get("period", "latest" if metric.yearly else CURRENT)
    allowed = (
        RATIO_PERIODS
        if metric.kind == m.RATIO
        else FACT_PERIODS
        if metric.kind == m.FACT
        else (CURRENT,)
    )
    return metric, period, tuple(allowed)


def _check(r: _Reader, data: dict[str, Any], path: str, inherited: dict[str, Any]) -> Check | None:
    doc = r.mapping(data, path, CHECK_KEYS)
    if doc is None:
        return None
    merged = {**inherited, **{k: v for k, v in doc.items() if v is not None or k == "threshold"}}
    found = _metric_and_period(r, merged, path)
    if found is None:
        return None
    metric, period, allowed = found
    if period not in allowed:
        r.fail(
            _join(path, "period"),
            period,
            f"not a period of {metric.id}; allowed: {', '.join(allowed)}",
        )
    comparison = merged.get("comparison", "is" if metric.value_type == m.BOOLEAN else None)
    threshold = merged.get("threshold", True if metric.value_type == m.BOOLEAN else _MISSING)
    _comparison(r, path, metric, comparison, threshold, period)
    if r.problems and any(p.path.startswith(path) for p in r.problems):
        return None
    return Check(
        id=r.get(doc, "id", path, "id") or inherited.get("id", "?"),
        label=r.label(doc, path)
        if "label" in doc
        else inherited.get("label", Label(metric.zh, metric.en)),
        metric=metric.id,
        comparison=comparison,  # type: ignore[arg-type]
        threshold=threshold,  # type: ignore[arg-type]
        period=period,
        veto=bool(merged.get("veto", False)),
        to_confirm=bool(merged.get("to_confirm", False)),
    )


def _comparison(
    r: _Reader, path: str, metric: m.Metric, comparison: Any, threshold: Any, period: str
) -> None:
    if comparison not in COMPARISONS:
        r.fail(_join(path, "comparison"), comparison, f"expected one of {', '.join(COMPARISONS)}")
        return
    if metric.value_type == m.BOOLEAN:
        if comparison != "is" or not isinstance(threshold, bool):
            r.fail(
                _join(path, "threshold"),
                threshold,
                f"{metric.id} is yes/no: use `comparison: is` and true/false",
            )
        return
    if comparison == "is":
        r.fail(
            _join(path, "comparison"),
            comparison,
            f"{metric.id} is a number: compare with >=, >, <=, <",
        )
        return
    if threshold is _MISSING:
        r.fail(
            _join(path, "threshold"),
            None,
            "missing (write `threshold: null` for one still to be entered)",
        )
    elif threshold is not None and not _finite(threshold):
        r.fail(
            _join(path, "threshold"),
            threshold,
            f"expected a finite number of magnitude ≤ {MAX_NUMBER:g}",
        )
    elif threshold is not None and _is_share(metric, period) and not -1 <= threshold <= 1:
        r.fail(
            _join(path, "threshold"),
            threshold,
            "a ratio or growth rate is a fraction: write 0.05 for 5 %",
        )
    elif threshold is not None and threshold < 0 and not _is_share(metric, period):
        r.fail(_join(path, "threshold"), threshold, "expected a threshold ≥ 0")


def _is_share(metric: m.Metric, period: str) -> bool:
    from corridor.engine.qualify.model import GROWTH_PERIODS

    return metric.unit == m.PERCENT or period in GROWTH_PERIODS


def _tiers(r: _Reader, data: dict[str, Any], path: str, depth: int) -> Tiers | None:
    doc = r.mapping(data, path, CHECK_KEYS | {"tiers"})
    if doc is None:
        return None
    spec = r.mapping(doc["tiers"], _join(path, "tiers"), {"by", "bands"})
    if spec is None:
        return None
    by = r.mapping(spec.get("by"), _join(path, "tiers.by"), {"metric", "period"}) or {}
    by_metric, by_period = by.get("metric"), by.get("period", "latest")
    if by_metric != "sector" and (by_metric not in m.FACTS or by_period not in ("latest",)):
        r.fail(
            _join(path, "tiers.by"),
            by,
            "bands go by `sector` or by a yearly fact in its latest year",
        )
    inherited: dict[str, Any] = {
        k: doc[k] for k in ("metric", "comparison", "period", "veto", "to_confirm") if k in doc
    }
    inherited |= {"id": doc.get("id"), "label": r.label(doc, path)}
    bands = []
    raw = spec.get("bands")
    if not isinstance(raw, list) or not raw:
        r.fail(_join(path, "tiers.bands"), raw, "expected a non-empty list of bands")
        raw = []
    for i, band in enumerate(raw):
        found = _band(
            r, band, f"{path}.tiers.bands[{i}]", inherited, by_metric == "sector", depth, i
        )
        if found:
            bands.append(found)
    _band_order(r, bands, f"{path}.tiers.bands", by_metric == "sector")
    return Tiers(
        r.get(doc, "id", path, "id") or "?",
        inherited["label"],
        str(by_metric),
        str(by_period),
        tuple(bands),
        bool(doc.get("to_confirm", False)),
    )


def _band(
    r: _Reader, data: Any, path: str, inherited: dict[str, Any], by_sector: bool, depth: int, i: int
) -> Band | None:
    doc = r.mapping(data, path, {"upto", "below", "sector", "threshold", "criterion", "to_confirm"})
    if doc is None:
        return None
    if by_sector:
        if doc.get("sector") not in (*m.SECTORS, "other"):
            r.fail(
                _join(path, "sector"),
                doc.get("sector"),
                f"expected one of {', '.join((*m.SECTORS, 'other'))}",
            )
    elif "upto" in doc and "below" in doc:
        r.fail(path, doc, "give `upto` (≤, inclusive) or `below` (<), not both")
    for edge in ("upto", "below"):
        if edge in doc and not _finite(doc[edge]):
            r.fail(_join(path, edge), doc[edge], "expected a finite number")
    if "criterion" in doc:
        child = _node(r, doc["criterion"], _join(path, "criterion"), depth + 1)
    elif "threshold" in doc:
        own = {"threshold": doc["threshold"], "id": f"band_{i + 1}"}
        if "to_confirm" in doc:
            own["to_confirm"] = doc["to_confirm"]
        child = _check(r, own, path, {**inherited, "id": own["id"]})
    else:
        r.fail(path, doc, "a band needs `threshold` or `criterion`")
        return None
    if child is None:
        return None
    sector = doc.get("sector") if by_sector else None
    return Band(child, doc.get("upto"), doc.get("below"), sector)


def _band_order(r: _Reader, bands: list[Band], path: str, by_sector: bool) -> None:
    if by_sector or not bands:
        return
    edges = [b.upto if b.upto is not None else b.below for b in bands]
    if edges[-1] is not None:
        r.fail(
            f"{path}[{len(bands) - 1}]",
            edges[-1],
            "the last band must be open-ended (no upto/below)",
        )
    bounded = [e for e in edges[:-1] if e is not None]
    if len(bounded) != len(edges) - 1 or bounded != sorted(set(bounded)):
        r.fail(path, edges, "band edges must rise strictly, each band but the last bounded")


def _score(r: _Reader, data: Any, path: str) -> Score | None:
    doc = r.mapping(data, path, {"id", "label", "pass", "items", "groups", "to_confirm"})
    if doc is None:
        return None
    items = []
    raw = doc.get("items")
    if not isinstance(raw, list) or not raw:
        r.fail(_join(path, "items"), raw, "expected a non-empty list of score items")
        raw = []
    for i, item in enumerate(raw):
        found = _score_item(r, item, f"{path}.items[{i}]")
        if found:
            items.append(found)
    names = {i.id for i in items}
    groups = []
    for i, group in enumerate(doc.get("groups") or []):
        where = f"{path}.groups[{i}]"
        g = r.mapping(group, where, {"id", "label", "items", "min"})
        if g is None:
            continue
        members = g.get("items")
        if not isinstance(members, list) or not members or not set(members) <= names:
            r.fail(
                _join(where, "items"),
                members,
                f"expected item ids among {', '.join(sorted(names))}",
            )
            continue
        if g.get("id") in names:
            r.fail(_join(where, "id"), g.get("id"), "a group id must differ from the item ids")
        groups.append(
            ScoreGroup(
                r.get(g, "id", where, "id") or "?",
                r.label(g, where),
                tuple(members),
                r.get(g, "min", where, "number") or 0,
            )
        )
    pass_points = r.get(doc, "pass", path, "number")
    total = sum(i.max_points for i in items)
    if pass_points is not None and items and pass_points > total:
        r.fail(
            _join(path, "pass"), pass_points, f"above the most points the items give ({total:g})"
        )
    return Score(
        r.get(doc, "id", path, "id") or "score",
        r.label(doc, path),
        pass_points or 0,
        tuple(items),
        tuple(groups),
        bool(doc.get("to_confirm", False)),
    )


def _score_item(r: _Reader, data: Any, path: str) -> ScoreItem | None:
    doc = r.mapping(
        data,
        path,
        {"id", "label", "metric", "period", "steps", "better_of", "nonzero", "to_confirm"},
    )
    if doc is None:
        return None
    if "better_of" in doc:
        raw = doc["better_of"]
        if not isinstance(raw, list) or len(raw) < 2:
            r.fail(_join(path, "better_of"), raw, "expected a list of at least two scales")
            return None
        scales = [_scale(r, s, f"{path}.better_of[{i}]") for i, s in enumerate(raw)]
    else:
        scales = [_scale(r, {k: doc[k] for k in ("metric", "period", "steps") if k in doc}, path)]
    if any(s is None for s in scales):
        return None
    return ScoreItem(
        r.get(doc, "id", path, "id") or "?",
        r.label(doc, path),
        tuple(scales),  # type: ignore[arg-type]
        bool(doc.get("nonzero", False)),
        bool(doc.get("to_confirm", False)),
    )


def _scale(r: _Reader, data: Any, path: str) -> Scale | None:
    doc = r.mapping(data, path, {"metric", "period", "steps"})
    if doc is None:
        return None
    found = _metric_and_period(r, doc, path)
    if found is None:
        return None
    metric, period, allowed = found
    if period not in allowed or period == "each_last_2_years":
        r.fail(_join(path, "period"), period, f"not a scoring period of {metric.id}")
    steps = []
    raw = doc.get("steps")
    if not isinstance(raw, list) or not raw:
        r.fail(_join(path, "steps"), raw, "expected a non-empty list of steps")
        return None
    for i, step in enumerate(raw):
        where = f"{path}.steps[{i}]"
        s = r.mapping(step, where, {"points", "min", "max", "is"})
        if s is None:
            continue
        bounds = [k for k in ("min", "max", "is") if k in s]
        if len(bounds) > 1:
            r.fail(where, s, "a step has one of min, max, is")
        points = r.get(s, "points", where, "number")
        if points is not None and not 0 <= points <= 100:
            r.fail(_join(where, "points"), points, "expected 0–100 points")
        if "is" in s and (metric.value_type != m.BOOLEAN or not isinstance(s["is"], bool)):
            r.fail(
                _join(where, "is"),
                s["is"],
                f"`is` needs a yes/no metric and true/false ({metric.id})",
            )
        for edge in ("min", "max"):
            if edge in s and (metric.value_type == m.BOOLEAN or not _finite(s[edge])):
                r.fail(_join(where, edge), s[edge], f"expected a finite number for {metric.id}")
            elif edge in s and _is_share(metric, period) and not -1 <= s[edge] <= 1:
                r.fail(
                    _join(where, edge),
                    s[edge],
                    "a ratio or growth rate is a fraction: write 0.05 for 5 %",
                )
        steps.append(Step(points or 0, s.get("min"), s.get("max"), s.get("is")))
    return Scale(metric.id, period, tuple(steps))
