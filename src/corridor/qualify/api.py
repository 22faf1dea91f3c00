"""Qualification API: a stored enterprise's evaluation, a posted body, what-if, cultivation lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Body, Router, Schema

from corridor.accounts.auth import require_perm
from corridor.core.api_errors import domain_rules, responses
from corridor.core.views import SignedInRequest
from corridor.core.views import active_language as _lang
from corridor.engine.qualify.command import result_json
from corridor.engine.qualify.inputs import InputError
from corridor.errors import ValidationFailed
from corridor.qualify import live, selectors
from corridor.qualify import permissions as perms

router = Router(tags=["qualify"])
MAX_ROWS = 500


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


class EvaluationOut(Schema):
    enterprise: int | None
    as_of: str
    results: list[dict[str, Any]]


class ListRowOut(Schema):
    enterprise: int
    name: str
    verdict: str
    score: float | None
    as_of: str
    path: list[str]
    gap_count: int
    title_expires_on: str | None


class ListOut(Schema):
    policy: str
    version: str
    kind: str
    count: int
    rows: list[ListRowOut]


def _day(request: SignedInRequest) -> date:
    raw = str(request.GET.get("as_of", "") or "").strip()
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"as_of must be a date YYYY-MM-DD, not {raw[:20]!r}", field="as_of"
        ) from None


@router.get(
    "/enterprises/{enterprise_id}/evaluation", response=responses({200: EvaluationOut}, 404)
)
def enterprise_evaluation(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    """Every policy in force on as_of (default today) for a stored enterprise, criteria explained."""
    require_perm(request, perms.VIEW_QUALIFICATION)
    on = _day(request)
    results = live.evaluate_stored(enterprise_id, on)
    return {
        "enterprise": enterprise_id,
        "as_of": on.isoformat(),
        "results": [result_json(r, _lang()) for r in results],
    }


# The posted documents are the `corridor qualify` input format (docs/qualify.md), checked by the
# engine's own reader field by field; the schema takes any object, so a refusal is a declared rule.
EVALUATE_RULES = domain_rules(
    (
        "",
        "",
        "the body follows the corridor qualify input format (docs/qualify.md); details.problems "
        "names each enterprise, field, value and reason",
        "bad_input",
    )
)
WHAT_IF_RULES = domain_rules(
    (
        "",
        "",
        "overrides are {facts: {year: {fact: value}}, assessments: {key: value}, ip_holdings: "
        "{kind: count}} with the registry's field names and ranges (docs/qualify.md)",
        "validation_failed",
    )
)


@router.post(
    "/evaluate", response=responses({200: EvaluationOut}, 400), openapi_extra=EVALUATE_RULES
)
def evaluate_body(request: SignedInRequest, payload: dict[str, Any] = Body(...)):  # type: ignore[no-untyped-def]  # noqa: B008
    """A body in the `corridor qualify` input format; 422 lists each problem (enterprise, field)."""
    require_perm(request, perms.VIEW_QUALIFICATION)
    on = _day(request) if request.GET.get("as_of") else None
    try:
        day, results = live.evaluate_posted(payload, on)
    except InputError as exc:
        problems = [str(p) for p in exc.problems[:50]]
        raise _BadInput(problems[0] if problems else "bad input", problems) from None
    return {
        "enterprise": None,
        "as_of": day.isoformat(),
        "results": [result_json(r, _lang()) for r in results],
    }


class _BadInput(ValidationFailed):
    status = 422  # a readable body whose content breaks the input format's rules
    code = "bad_input"

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, problems=problems)


@router.post(
    "/enterprises/{enterprise_id}/what-if",
    response=responses({200: EvaluationOut}, 400, 404),
    openapi_extra=WHAT_IF_RULES,
)
def what_if(request: SignedInRequest, enterprise_id: int, payload: dict[str, Any] = Body(...)):  # type: ignore[no-untyped-def]  # noqa: B008
    """The verdicts with overrides {facts: {year: {fact: v}}, assessments, ip_holdings}; writes nothing."""
    require_perm(request, perms.ASSESS_ENTERPRISE)
    on = _day(request)
    results = live.what_if_stored(enterprise_id, on, payload)
    return {
        "enterprise": enterprise_id,
        "as_of": on.isoformat(),
        "results": [result_json(r, _lang()) for r in results],
    }


@router.get("/lists/{policy_id}/{kind}", response=responses({200: ListOut}, 404))
def cultivation_list(request: SignedInRequest, policy_id: str, kind: str):  # type: ignore[no-untyped-def]
    """A cultivation list (qualified | near | expiring) of the version in force, filtered by park,
    node, county, size_band (and days for expiring); at most 500 rows, count says how many in all."""
    require_perm(request, perms.VIEW_QUALIFICATION)
    on = _day(request)
    filters = selectors.ListFilters.from_query(request.GET)
    policy = selectors.policy_in_force(policy_id, on)
    qs = selectors.cultivation_list(policy, kind, filters, on)
    rows = list(qs[:MAX_ROWS])
    expiry = selectors.title_expiry([r.enterprise_id for r in rows], policy_id)
    return {
        "policy": policy.id,
        "version": policy.version,
        "kind": kind,
        "count": qs.count(),
        "rows": [
            {
                "enterprise": r.enterprise_id,
                "name": r.enterprise.name,
                "verdict": r.verdict,
                "score": r.score,
                "as_of": r.as_of.isoformat(),
                "path": r.path,
                "gap_count": r.gap_count,
                "title_expires_on": _iso(expiry.get(r.enterprise_id)),
            }
            for r in rows
        ],
    }
