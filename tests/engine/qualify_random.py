"""Random enterprises for the qualification tests: every input sometimes missing, values near the edges."""

from __future__ import annotations

import random
from datetime import date

from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.model import Assessment, Enterprise, Held, YearFacts

EDGES = {  # values that sit on thresholds of the shipped policies
    "revenue": [1000, 1500, 2000, 5000, 10000, 20000, 20000.01, 4999.99],
    "rd_expense": [100, 1000, 1200, 600, 99.99],
    "employees": [100, 500, 501, 10],
    "rd_staff": [10, 15, 30, 50],
}


def enterprise(rng: random.Random, i: int, year: int = 2025) -> Enterprise:
    """One random enterprise; about a tenth of every input is missing."""

    def maybe(value):  # type: ignore[no-untyped-def]
        return None if rng.random() < 0.1 else value

    base = rng.choice([300.0, 1500.0, 4000.0, 5000.0, 9000.0, 15000.0, 30000.0])
    rows = []
    for y in (year - 2, year - 1, year):
        revenue = round(base * rng.uniform(0.8, 1.3), 2)
        values = {
            "revenue": revenue if rng.random() > 0.1 else rng.choice(EDGES["revenue"]),
            "main_business_revenue": round(revenue * rng.uniform(0.5, 1.0), 2),
            "total_costs": round(revenue * rng.uniform(0.6, 1.0), 2),
            "rd_expense": round(revenue * rng.uniform(0.0, 0.08), 2),
            "total_assets": round(revenue * rng.uniform(0.5, 2.0), 2),
            "total_liabilities": round(revenue * rng.uniform(0.1, 1.5), 2),
            "employees": float(rng.choice([20, 80, 100, 300, 500, 600])),
            "high_tech_income": round(revenue * rng.uniform(0.3, 0.9), 2),
            "new_equity_financing": float(rng.choice([0, 0, 500, 2000, 6000, 8000])),
        }
        values["rd_expense_domestic"] = round(values["rd_expense"] * rng.uniform(0.5, 1.0), 2)
        values["rd_staff"] = float(
            int(values["employees"] * rng.choice([0.05, 0.1, 0.15, 0.3, 0.5]))
        )
        rows.append(YearFacts(y, {k: v for k, v in values.items() if maybe(v) is not None}))
    judged = {}
    for metric in m.ASSESSMENTS.values():
        if rng.random() < 0.3:
            continue
        if metric.value_type == m.BOOLEAN:
            judged[metric.id] = Assessment(rng.random() < 0.8)
        elif metric.unit == m.PERCENT:
            judged[metric.id] = Assessment(rng.choice([0.05, 0.1, 0.6, 0.2]))
        else:
            judged[metric.id] = Assessment(float(rng.choice([1, 2, 3, 15, 50, 60, 71, 80])))
    titles = tuple(
        Held(t, date(2024, 1, 1), date(2026, 12, 31))
        for t in ("high_tech", "innovative_sme", "specialised_sme", "tech_innovation_demo")
        if rng.random() < 0.3
    )
    platforms = tuple(Held(p, date(2023, 1, 1)) for p in m.PLATFORM_LEVELS if rng.random() < 0.2)
    ip = {k: rng.choice([0, 1, 2, 4, 5]) for k in m.IP_KINDS if rng.random() < 0.5}
    return Enterprise(
        key=f"e{i}",
        established_on=maybe(
            date(rng.choice([2010, 2018, 2023, 2024, 2025]), rng.randint(1, 12), 1)
        ),
        industry_code=maybe(rng.choice(["C3411", "3411", "F5212", "I6510", "E4710", "B0610"])),
        year_facts=tuple(rows),
        ip_holdings=maybe(ip),
        titles=maybe(titles),
        rd_platforms=maybe(platforms),
        assessments=judged,
    )
