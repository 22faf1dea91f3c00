"""Headline figures for the district, each with the inputs and formula that explain it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from corridor.atlas import selectors as atlas_selectors
from corridor.registry.models import Enterprise, EnterpriseStatus, EnterpriseYearFacts, TitleKind
from corridor.registry.selectors import under_registry_stamp, valid_title_filter


@dataclass
class Headline:
    """One figure on the home page and how it was computed."""

    key: str
    label: str | Promise
    value: Decimal | int
    unit: str | Promise
    formula: str | Promise
    inputs: list[tuple[str | Promise, str]] = field(default_factory=list)
    link: str = ""


def district_enterprises():  # type: ignore[no-untyped-def]
    """Operating enterprises registered in the district."""
    return Enterprise.objects.filter(is_local=True, status=EnterpriseStatus.OPERATING)


def headline_figures() -> list[Headline]:
    """Enterprises, above-scale, 高企, 科技型中小企业, employees and revenue for the district."""
    # titles in force depend on the day, the rest only on enterprise data
    agg = under_registry_stamp("headlines", _headline_numbers, timezone.localdate())
    scope: list[tuple[str | Promise, str]] = [
        (
            _("Population"),
            _("local (registered in %(d)s, county code %(c)s), status operating")
            % {"d": settings.CORRIDOR_DISTRICT_NAME, "c": settings.CORRIDOR_DISTRICT_COUNTY_CODE},
        ),
        (_("Enterprises counted"), f"{agg['n']:,}"),
        (_("of which synthetic demo records"), f"{agg['synthetic']:,}"),
    ]
    years = (
        _("Years of the latest facts used"),
        f"{agg['year_min'] or '—'}–{agg['year_max'] or '—'}",
    )
    facts = (_("Enterprises with yearly facts"), f"{agg['with_facts']:,}")

    def titled(kind: str) -> int:
        return int(agg[f"titled_{kind}"])

    return [
        Headline(
            "enterprises",
            _("Number of enterprises"),
            agg["n"],
            _("enterprises"),
            _("count of local operating enterprises"),
            scope,
            "?locality=local&status=operating",
        ),
        Headline(
            "above_scale",
            _("Above-scale enterprises"),
            titled(TitleKind.ABOVE_SCALE),
            _("enterprises"),
            _("count of local operating enterprises holding an above-scale title in force today"),
            scope,
            "?locality=local&status=operating&title=above_scale",
        ),
        Headline(
            "high_tech",
            _("High-tech enterprises"),
            titled(TitleKind.HIGH_TECH),
            _("enterprises"),
            _(
                "count holding a national high-tech enterprise title in force today (issued ≤ today ≤ expiry)"
            ),
            scope,
            "?locality=local&status=operating&title=high_tech",
        ),
        Headline(
            "tech_sme",
            _("Technology-based SMEs"),
            titled(TitleKind.TECH_SME),
            _("enterprises"),
            _("count holding a technology-based SME registration in force today"),
            scope,
            "?locality=local&status=operating&title=tech_sme",
        ),
        Headline(
            "employees",
            _("Employees"),
            agg["employees"] or 0,
            _("people"),
            _(
                "sum over local operating enterprises of employees in each one's latest year of facts"
            ),
            [*scope, facts, years],
            "?locality=local&status=operating",
        ),
        Headline(
            "revenue",
            _("Revenue"),
            agg["revenue"] or Decimal(0),
            _("in each enterprise's latest year of facts"),
            _("sum over local operating enterprises of revenue in each one's latest year of facts"),
            [*scope, facts, years],
            "?locality=local&status=operating",
        ),
    ]


def _headline_numbers() -> dict[str, Any]:
    base = district_enterprises()
    agg: dict[str, Any] = base.aggregate(
        n=Count("id"),
        synthetic=Count("id", filter=Q(is_synthetic=True)),
        employees=Sum("latest_employees"),
        revenue=Sum("latest_revenue"),
        with_facts=Count("id", filter=Q(latest_year__isnull=False)),
        year_min=Min("latest_year"),
        year_max=Max("latest_year"),
    )
    for kind in (TitleKind.ABOVE_SCALE, TitleKind.HIGH_TECH, TitleKind.TECH_SME):
        agg[f"titled_{kind}"] = base.filter(valid_title_filter(kind)).count()
    return agg


@dataclass
class YearPoint:
    """The district's enterprises with yearly facts for one year, and their summed revenue."""

    year: int
    enterprises: int
    revenue: Decimal
    link: str


def trend_by_year(last: int = 8) -> list[YearPoint]:
    """Per year (the last `last` years with facts): local operating enterprises with facts for that
    year and the sum of their revenue that year. The link opens exactly those enterprises."""
    rows = under_registry_stamp("trend_by_year", lambda: _trend_rows(last), last)
    return [
        YearPoint(
            r["year"],
            r["n"],
            r["revenue"] or Decimal(0),
            f"?locality=local&status=operating&facts_year={r['year']}",
        )
        for r in reversed(list(rows))
    ]


def _trend_rows(last: int) -> list[dict[str, Any]]:
    rows = (
        EnterpriseYearFacts.objects.filter(enterprise__in=district_enterprises())
        .values("year")
        .annotate(n=Count("enterprise", distinct=True), revenue=Sum("revenue"))
        .order_by("-year")[:last]
    )
    return [dict(r) for r in rows]


@dataclass
class ChainPoint:
    """Local operating enterprises on at least one node of a chain."""

    key: str
    name: str
    enterprises: int
    link: str


def enterprises_per_chain() -> list[ChainPoint]:
    """Per chain, in atlas order; the link opens exactly the enterprises counted."""
    return [
        ChainPoint(
            chain.key,
            atlas_selectors.chain_name(chain),
            n,
            f"?locality=local&status=operating&chain={chain.key}",
        )
        for chain, n in atlas_selectors.local_operating_per_chain()
    ]
