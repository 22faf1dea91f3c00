"""Evaluations computed on request, never stored: a stored enterprise explained, its what-if, and a
posted body in the `corridor qualify` format. Views and the API share these."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from corridor.core.params import MAX_ID
from corridor.engine.qualify import PolicyResult, evaluate, what_if
from corridor.engine.qualify.inputs import InputError, parse_enterprise, parse_request
from corridor.engine.qualify.model import Enterprise
from corridor.errors import NotFound, ValidationFailed
from corridor.qualify import policies, records


def stored_enterprise(pk: int, on: date) -> Enterprise:
    record = records.enterprise_record(pk, on) if 1 <= pk <= MAX_ID else None
    if record is None:
        raise NotFound(_("No such enterprise, or its registry figures cannot be read."))
    return record


def evaluate_stored(pk: int, on: date) -> list[PolicyResult]:
    """Every policy in force on the day, explained, for one stored enterprise."""
    ent = stored_enterprise(pk, on)
    return [evaluate(p, ent, on) for p in policies.in_force(on)]


def parse_overrides(data: dict[str, Any]) -> dict[str, Any]:
    """What-if overrides {facts: {year: {fact: v}}, assessments: {k: v}, ip_holdings: {kind: n}},
    validated by the engine's input rules (ValidationFailed names the field)."""
    unknown = set(data) - {"facts", "assessments", "ip_holdings"}
    if unknown:
        raise ValidationFailed(
            _("Unknown field %(f)s; expected facts, assessments, ip_holdings.")
            % {"f": sorted(unknown)[0]},
            field=sorted(unknown)[0],
        )
    facts = data.get("facts") or {}
    if not isinstance(facts, dict):
        raise ValidationFailed(_("facts must be an object keyed by year."), field="facts")
    doc: dict[str, Any] = {"key": "what-if", "year_facts": []}
    for year, values in facts.items():
        if not isinstance(values, dict):
            raise ValidationFailed(_("facts.%(y)s must be an object.") % {"y": year}, field="facts")
        try:
            number = int(year)
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("facts: %(y)s is not a year.") % {"y": str(year)[:10]}, field="facts"
            ) from None
        doc["year_facts"].append({"year": number, **values})
    if data.get("assessments"):
        doc["assessments"] = data["assessments"]
    ip = data.get("ip_holdings") or {}
    if not isinstance(ip, dict):
        raise ValidationFailed(_("ip_holdings must be an object kind → count."), field="ip")
    doc["ip_holdings"] = [{"kind": k, "count": v} for k, v in ip.items()]
    problems: list = []
    parsed = parse_enterprise(0, doc, problems)
    if parsed is None:
        first = problems[0]
        raise ValidationFailed(
            f"{first.field} = {first.value!r}: {first.reason}", field=first.field
        )
    return {
        "facts": {row.year: dict(row.values) for row in parsed.year_facts},
        "assessments": {k: a.value for k, a in parsed.assessments.items()},
        "ip_holdings": dict(parsed.ip_holdings or {}) or None,
    }


def what_if_stored(pk: int, on: date, overrides: dict[str, Any]) -> list[PolicyResult]:
    """The stored enterprise's verdicts with some inputs changed; nothing is written."""
    ent = stored_enterprise(pk, on)
    found = parse_overrides(overrides)
    return what_if(policies.in_force(on), ent, on, **found)


def evaluate_posted(data: Any, on: date | None) -> tuple[date, list[PolicyResult]]:
    """A `corridor qualify` input document evaluated under the policies in force (InputError lists
    every problem by enterprise index, key and field)."""
    as_of, enterprises = parse_request(data)
    day = on or as_of or date.today()
    chosen = policies.in_force(day)
    return day, [evaluate(p, e, day) for e in enterprises for p in chosen]


__all__ = ["InputError", "evaluate_posted", "evaluate_stored", "what_if_stored"]
