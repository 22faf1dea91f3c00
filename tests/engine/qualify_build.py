"""Enterprises for the qualification tests, built from a few numbers (the rest set to pass)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from corridor.engine.qualify import load_policies
from corridor.engine.qualify.evaluate import evaluate
from corridor.engine.qualify.model import (
    Assessment,
    CriterionResult,
    Enterprise,
    Held,
    PolicyResult,
    YearFacts,
)

ON = date(2026, 6, 1)  # reference year 2025
YEARS = (2023, 2024, 2025)
POLICIES = load_policies()

FACTS = {  # a healthy small manufacturer, the same each year
    "revenue": 4000.0,
    "main_business_revenue": 3800.0,
    "total_costs": 3500.0,
    "rd_expense": 240.0,  # 6 %
    "rd_expense_domestic": 240.0,
    "total_assets": 5000.0,
    "total_liabilities": 2000.0,
    "employees": 100.0,
    "rd_staff": 35.0,
    "high_tech_income": 3000.0,
    "new_equity_financing": 0.0,
}
ASSESSMENTS: dict[str, float | bool] = {
    "innovation_score": 80.0,
    "in_supported_field": True,
    "ip_core_support": True,
    "no_major_incident": True,
    "not_restricted_industry": True,
    "not_on_dishonesty_list": True,
    "no_research_misconduct": True,
    "mainland_resident": True,
    "niche_years": 5.0,
    "niche_market_share": 0.2,
    "development_score": 70.0,
    "strategic_emerging_field": True,
    "rd_unit_staff": 20.0,
    "rd_unit_degree_share": 0.8,
    "ip_class1_self_developed": True,
}
for _path in (  # the direct-confirmation and fast-track paths: known, and not taken
    "science_award_national_5y",
    "science_award_3y",
    "provincial_award_top3",
    "national_award",
    "national_award_top3",
    "provincial_rd_institution",
    "led_standard_5y",
    "chuangke_top500",
    "niche_national_top3",
    "ip_high_value_class1",
):
    ASSESSMENTS[_path] = False


def build(
    facts: Mapping[str, float | None] | None = None,
    by_year: Mapping[int, Mapping[str, float | None]] | None = None,
    assessments: Mapping[str, Any] | None = None,
    titles: tuple[str, ...] = (),
    platforms: tuple[str, ...] = (),
    ip: Mapping[str, int] | None = None,
    established_on: date | None = date(2015, 3, 5),
    industry_code: str | None = "C3484",
) -> Enterprise:
    """An enterprise: FACTS each year with `facts` applied to every year and `by_year` to one;
    a None value removes the figure (missing data)."""
    rows = []
    for year in YEARS:
        values: dict[str, float | None] = {
            **FACTS,
            **(facts or {}),
            **(by_year or {}).get(year, {}),
        }
        rows.append(YearFacts(year, {k: float(v) for k, v in values.items() if v is not None}))
    judged = {**ASSESSMENTS, **(assessments or {})}
    return Enterprise(
        key="e1",
        established_on=established_on,
        industry_code=industry_code,
        year_facts=tuple(rows),
        ip_holdings=dict({"invention_patent": 5, "utility_model": 5} if ip is None else ip),
        titles=tuple(Held(t, date(2024, 1, 1), date(2026, 12, 31)) for t in titles),
        rd_platforms=tuple(Held(p, date(2023, 1, 1)) for p in platforms),
        assessments={k: Assessment(v) for k, v in judged.items() if v is not None},
    )


def run(policy: str, ent: Enterprise, on: date = ON) -> PolicyResult:
    return evaluate(POLICIES[policy], ent, on)


def criterion(result: PolicyResult, id: str) -> CriterionResult:
    found = [c for c in result.criteria if c.id == id]
    assert found, f"no criterion {id} in {[c.id for c in result.criteria]}"
    return found[0]
