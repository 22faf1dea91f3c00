"""Fixtures the qualification tests share: an enterprise near 高企 (R&D intensity short)."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.qualify import services
from corridor.registry.models import IPHolding
from tests.factories import EnterpriseFactory, FactsFactory, user_with_role

ON = dt.date(2026, 6, 1)  # reference fiscal year 2025


def near_high_tech(rd_2025: float = 190, last_year: int = 2025, **extra: object):  # type: ignore[no-untyped-def]
    """Revenue 4,000万 a year 2023–2025 (or the three years to last_year), R&D 190万 a year (4.75 %
    < 5 %): 30万 more R&D in the last year meets the 5 % band; every other 高企 criterion is met
    once the assessments are entered."""
    ent = EnterpriseFactory(established_on=dt.date(2015, 3, 1), industry_code="C3911", **extra)
    for year in (last_year - 2, last_year - 1, last_year):
        rd = rd_2025 if year == last_year else 190
        FactsFactory(
            enterprise=ent,
            year=year,
            revenue=4000,
            rd_expense=rd,
            rd_expense_domestic=rd,
            employees=100,
            rd_staff=20,
            high_tech_income=3000,
            total_costs=3500,
        )
    IPHolding.objects.create(enterprise=ent, year=last_year, kind="invention_patent", count=2)
    return ent


def assess_all(ent, officer) -> None:  # type: ignore[no-untyped-def]
    for key, value in {
        "ip_core_support": True,
        "in_supported_field": True,
        "innovation_score": 80,
        "no_major_incident": True,
    }.items():
        services.record_assessment(ent.pk, key, value, "专家评审 2026-05", ON, officer, ON)


@pytest.fixture
def officer():  # type: ignore[no-untyped-def]
    return user_with_role("technology_officer", "tech")
