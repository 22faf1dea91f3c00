"""The JSON input of `corridor qualify` → Enterprise records, validated with row-precise errors.

Money is in 万元, shares are fractions, a missing key is unknown. Each problem names the enterprise
(index and key), the field (e.g. `year_facts[1].rd_expense`), the value and the reason; unknown
fields are refused (a typo would otherwise silently read as missing data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.model import Assessment, Enterprise, Held, YearFacts

ENTERPRISE_KEYS = {
    "key",
    "name",
    "established_on",
    "industry_code",
    "year_facts",
    "ip_holdings",
    "titles",
    "rd_platforms",
    "assessments",
    "source",
}
MAX_MONEY = 1e10  # 万元: a trillion yuan, far above any enterprise
MAX_COUNT = 10_000_000
MAX_ENTERPRISES = 2_000_000
MIN_YEAR, MAX_YEAR = 1949, 2100
COUNT_FACTS = {"employees", "rd_staff"}


@dataclass(frozen=True)
class InputProblem:
    index: int | None
    key: str | None
    field: str
    value: Any
    reason: str

    def __str__(self) -> str:
        who = "input" if self.index is None else f"enterprises[{self.index}]"
        if self.key:
            who += f" (key {self.key!r})"
        shown = repr(self.value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"{who}: {self.field} = {shown}: {self.reason}"


class InputError(ValueError):
    """Input that cannot be evaluated; `problems` lists each (at most MAX_REPORTED)."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:MAX_REPORTED]))


MAX_REPORTED = 50


class _Row:
    def __init__(self, index: int | None, key: str | None, problems: list[InputProblem]) -> None:
        self.index, self.key, self.problems = index, key, problems

    def fail(self, field: str, value: Any, reason: str) -> None:
        self.problems.append(InputProblem(self.index, self.key, field, value, reason))

    def number(
        self, field: str, value: Any, low: float, high: float, whole: bool = False
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, value, "expected a number")
            return None
        if not math.isfinite(value):
            self.fail(field, value, "expected a finite number (not NaN or infinity)")
            return None
        if not low <= value <= high:
            self.fail(field, value, f"out of range {low:g}–{high:g}")
            return None
        if whole and value != int(value):
            self.fail(field, value, "expected a whole number")
            return None
        return float(value)

    def day(self, field: str, value: Any) -> date | None:
        if value is None:
            return None
        try:
            found = (
                date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
            )
        except ValueError:
            found = None
        if found is None:
            self.fail(field, value, "expected a date YYYY-MM-DD")
        return found

    def text(self, field: str, value: Any, limit: int = 200) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > limit:
            self.fail(field, value, f"expected text of at most {limit} characters")
            return None
        return value


def parse_request(data: Any) -> tuple[date | None, list[Enterprise]]:
    """(as_of, enterprises) from the decoded JSON document; InputError lists every problem."""
    problems: list[InputProblem] = []
    top = _Row(None, None, problems)
    if not isinstance(data, dict):
        raise InputError(
            [InputProblem(None, None, "(document)", type(data).__name__, "expected a JSON object")]
        )
    for name in data:
        if name not in ("as_of", "reference_year", "enterprises"):
            top.fail(name, data[name], "unknown field; expected as_of, reference_year, enterprises")
    as_of = top.day("as_of", data.get("as_of"))
    rows = data.get("enterprises")
    if not isinstance(rows, list):
        top.fail("enterprises", rows, "expected a list of enterprises")
        raise InputError(problems)
    if len(rows) > MAX_ENTERPRISES:
        top.fail("enterprises", f"{len(rows)} items", f"more than {MAX_ENTERPRISES:,} enterprises")
        raise InputError(problems)
    found, seen = [], set()
    for i, row in enumerate(rows):
        ent = parse_enterprise(i, row, problems)
        if ent is not None and ent.key in seen:
            problems.append(InputProblem(i, ent.key, "key", ent.key, "duplicate key"))
        elif ent is not None:
            seen.add(ent.key)
            found.append(ent)
        if len(problems) >= MAX_REPORTED:
            break
    if problems:
        raise InputError(problems)
    return as_of, found


def reference_year_of(data: dict[str, Any]) -> int | None:
    value = data.get("reference_year")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise InputError(
            [
                InputProblem(
                    None, None, "reference_year", value, f"expected a year {MIN_YEAR}–{MAX_YEAR}"
                )
            ]
        )
    return value


def parse_enterprise(i: int, data: Any, problems: list[InputProblem]) -> Enterprise | None:
    """One enterprise record; problems are appended (None when it cannot be read at all)."""
    if not isinstance(data, dict):
        problems.append(
            InputProblem(i, None, "(record)", type(data).__name__, "expected a JSON object")
        )
        return None
    key = data.get("key")
    row = _Row(i, key if isinstance(key, str) else None, problems)
    before = len(problems)
    if (
        not isinstance(key, (str, int))
        or isinstance(key, bool)
        or not str(key).strip()
        or len(str(key)) > 100
    ):
        row.fail("key", key, "expected a non-empty text key (at most 100 characters)")
    for name in data:
        if name not in ENTERPRISE_KEYS:
            row.fail(
                name, data[name], f"unknown field; known: {', '.join(sorted(ENTERPRISE_KEYS))}"
            )
    ent = Enterprise(
        key=str(key),
        name=row.text("name", data.get("name")) or "",
        established_on=row.day("established_on", data.get("established_on")),
        industry_code=row.text("industry_code", data.get("industry_code"), 10),
        year_facts=_year_facts(row, data.get("year_facts")),
        ip_holdings=_ip(row, data.get("ip_holdings")),
        titles=_held(row, "titles", data.get("titles"), "title"),
        rd_platforms=_held(row, "rd_platforms", data.get("rd_platforms"), "level"),
        assessments=_assessments(row, data.get("assessments")),
        source=row.text("source", data.get("source")) or "",
    )
    return ent if len(problems) == before else None


def _list(row: _Row, field: str, value: Any) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        row.fail(field, value, "expected a list")
        return None
    if len(value) > 1000:
        row.fail(field, f"{len(value)} items", "more than 1000 items")
        return None
    return value


def _year_facts(row: _Row, value: Any) -> tuple[YearFacts, ...]:
    found: dict[int, YearFacts] = {}
    for j, item in enumerate(_list(row, "year_facts", value) or []):
        where = f"year_facts[{j}]"
        if not isinstance(item, dict):
            row.fail(where, item, "expected an object")
            continue
        year = row.number(f"{where}.year", item.get("year"), MIN_YEAR, MAX_YEAR, whole=True)
        values: dict[str, float] = {}
        for name, raw in item.items():
            if name == "year":
                continue
            if name not in m.FACTS:
                row.fail(f"{where}.{name}", raw, f"unknown fact; known: {', '.join(m.FACTS)}")
                continue
            if raw is None:
                continue
            low = -MAX_MONEY if name not in COUNT_FACTS | {"total_assets", "total_costs"} else 0.0
            high = MAX_COUNT if name in COUNT_FACTS else MAX_MONEY
            got = row.number(f"{where}.{name}", raw, low, high, whole=name in COUNT_FACTS)
            if got is not None:
                values[name] = got
        if year is not None:
            if int(year) in found:
                row.fail(f"{where}.year", int(year), "this year is given twice")
            found[int(year)] = YearFacts(int(year), values)
    return tuple(found[y] for y in sorted(found))


def _ip(row: _Row, value: Any) -> dict[str, int] | None:
    items = _list(row, "ip_holdings", value)
    if items is None:
        return None
    counts: dict[str, int] = {}
    for j, item in enumerate(items):
        where = f"ip_holdings[{j}]"
        if not isinstance(item, dict) or set(item) - {"year", "kind", "count"}:
            row.fail(where, item, "expected an object with year, kind, count")
            continue
        kind = item.get("kind")
        if kind not in m.IP_KINDS:
            row.fail(f"{where}.kind", kind, f"unknown IP kind; known: {', '.join(m.IP_KINDS)}")
            continue
        if item.get("year") is not None:
            row.number(f"{where}.year", item.get("year"), MIN_YEAR, MAX_YEAR, whole=True)
        count = row.number(f"{where}.count", item.get("count", 1), 0, MAX_COUNT, whole=True)
        if count is not None:
            counts[kind] = counts.get(kind, 0) + int(count)
    return counts


def _held(row: _Row, field: str, value: Any, name_key: str) -> tuple[Held, ...] | None:
    items = _list(row, field, value)
    if items is None:
        return None
    found = []
    for j, item in enumerate(items):
        where = f"{field}[{j}]"
        allowed = {name_key, "level", "issued_on", "expires_on", "name"}
        if not isinstance(item, dict) or set(item) - allowed:
            row.fail(where, item, f"expected an object with {', '.join(sorted(allowed))}")
            continue
        name = item.get(name_key)
        if field == "rd_platforms" and name not in m.PLATFORM_LEVELS:
            row.fail(
                f"{where}.level",
                name,
                f"unknown platform level; known: {', '.join(m.PLATFORM_LEVELS)}",
            )
            continue
        if not isinstance(name, str) or not name:
            row.fail(f"{where}.{name_key}", name, "expected the title id, e.g. high_tech")
            continue
        issued = row.day(f"{where}.issued_on", item.get("issued_on"))
        expires = row.day(f"{where}.expires_on", item.get("expires_on"))
        if issued and expires and expires < issued:
            row.fail(f"{where}.expires_on", item.get("expires_on"), "before issued_on")
        level = item.get("level") if field == "titles" else ""
        found.append(Held(name, issued, expires, level if isinstance(level, str) else ""))
    return tuple(found)


def _assessments(row: _Row, value: Any) -> dict[str, Assessment]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        row.fail("assessments", value, "expected an object")
        return {}
    found = {}
    for name, raw in value.items():
        where = f"assessments.{name}"
        metric = m.ASSESSMENTS.get(name)
        if metric is None:
            row.fail(where, raw, f"unknown assessment; known: {', '.join(m.ASSESSMENTS)}")
            continue
        extra: dict[str, str] = {}
        if isinstance(raw, dict):
            if set(raw) - {"value", "source", "as_of", "by"}:
                row.fail(where, raw, "expected value, source, as_of, by")
                continue
            extra = {k: str(raw[k]) for k in ("source", "as_of", "by") if raw.get(k) is not None}
            raw = raw.get("value")
        if raw is None:
            continue
        if metric.value_type == m.BOOLEAN:
            if not isinstance(raw, bool):
                row.fail(where, raw, "expected true or false")
                continue
            found[name] = Assessment(raw, **extra)
            continue
        high = 1.0 if metric.unit == m.PERCENT else 100.0 if metric.unit == m.POINTS else MAX_COUNT
        got = row.number(where, raw, 0.0, high)
        if got is not None:
            found[name] = Assessment(got, **extra)
    return found
