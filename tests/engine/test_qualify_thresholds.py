"""Every threshold of the shipped policies at, just below and just above its edge, for each version.

Each row: policy version, criterion id, the inputs that put the enterprise at the edge, and the
status expected. Edges are inclusive as the rules say (≥ 10 % staff: exactly 10 % meets; sales of
exactly 5,000万 are in the 5 % tier).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.engine.qualify_build import build, criterion, run

MET, UNMET, NA, MANUAL = "met", "unmet", "not_applicable", "manual_review"


def _edges(
    policy: str,
    cid: str,
    key: str,
    at: float,
    below: float,
    above: float,
    kind: str = "facts",
    higher_is_better: bool = True,
) -> list[Any]:
    """Three rows for one threshold: at the edge, just below, just above."""
    good, bad = (MET, UNMET) if higher_is_better else (UNMET, MET)
    return [
        pytest.param(policy, cid, {kind: {key: at}}, MET, id=f"{policy}-{cid}-at"),
        pytest.param(
            policy,
            cid,
            {kind: {key: below}},
            bad if higher_is_better else MET,
            id=f"{policy}-{cid}-below",
        ),
        pytest.param(
            policy,
            cid,
            {kind: {key: above}},
            good if higher_is_better else UNMET,
            id=f"{policy}-{cid}-above",
        ),
    ]


ROWS = [
    # 高新技术企业 2016
    *_edges("high_tech@2016", "rd_staff_share", "rd_staff", 10, 9, 11),  # of 100 staff
    *_edges(
        "high_tech@2016", "high_tech_income_share", "high_tech_income", 2400, 2399.99, 2400.01
    ),  # of 4,000
    *_edges(
        "high_tech@2016", "rd_domestic_share", "rd_expense_domestic", 144, 143.99, 144.01
    ),  # of 240
    *_edges(
        "high_tech@2016", "innovation_score", "innovation_score", 71, 70, 72, kind="assessments"
    ),
    # R&D ÷ sales, 3 years, sales 4,000 ≤ 5,000 → 5 %: 200 a year
    *_edges("high_tech@2016", "rd_intensity.band_1", "rd_expense", 200, 199.99, 200.01),
    # 科技型中小企业 2017 (upper limits: at the edge meets, above fails)
    *_edges("tech_sme@2017", "staff_max", "employees", 500, 499, 501, higher_is_better=False),
    *_edges(
        "tech_sme@2017", "revenue_max", "revenue", 20000, 19999.99, 20000.01, higher_is_better=False
    ),
    *_edges(
        "tech_sme@2017",
        "assets_max",
        "total_assets",
        20000,
        19999.99,
        20000.01,
        higher_is_better=False,
    ),
    # 专精特新 2022
    *_edges("specialised_sme@2022", "niche_years", "niche_years", 2, 1, 3, kind="assessments"),
    *_edges("specialised_sme@2022", "rd_expense", "rd_expense", 100, 99.99, 100.01),
    *_edges(
        "specialised_sme@2022", "rd_intensity", "rd_expense", 120, 119.99, 120.01
    ),  # 3 % of 4,000
    *_edges(
        "specialised_sme@2022",
        "score_or_fast_track.development_score",
        "development_score",
        60,
        59,
        61,
        kind="assessments",
    ),
    # 专精特新 2026
    *_edges("specialised_sme@2026", "niche_years", "niche_years", 3, 2, 4, kind="assessments"),
    *_edges(
        "specialised_sme@2026",
        "main_business_share",
        "main_business_revenue",
        3200,
        3199.99,
        3200.01,
    ),
    *_edges(
        "specialised_sme@2026",
        "debt_ratio",
        "total_liabilities",
        4000,
        3999.99,
        4000.01,
        higher_is_better=False,
    ),
    *_edges("specialised_sme@2026", "rd_intensity", "rd_expense", 120, 119.99, 120.01),
    *_edges(
        "specialised_sme@2026",
        "development_score",
        "development_score",
        50,
        49,
        51,
        kind="assessments",
    ),
    # 小巨人 2022
    *_edges(
        "little_giant@2022", "main_business_share", "main_business_revenue", 2800, 2799.99, 2800.01
    ),
    *_edges(
        "little_giant@2022",
        "niche_market_share",
        "niche_market_share",
        0.10,
        0.0999,
        0.1001,
        kind="assessments",
    ),
    *_edges("little_giant@2022", "class1_ip", "invention_patent", 2, 1, 3, kind="ip"),
    # 小巨人 2026
    *_edges("little_giant@2026", "revenue", "revenue", 5000, 4999.99, 5000.01),
    *_edges("little_giant@2026", "class1_ip.ip_class1", "invention_patent", 4, 3, 5, kind="ip"),
    *_edges(
        "little_giant@2026",
        "development_score",
        "development_score",
        60,
        59,
        61,
        kind="assessments",
    ),
    # 上规 (industry)
    *_edges(
        "above_scale@2011",
        "sector_threshold.band_1",
        "main_business_revenue",
        2000,
        1999.99,
        2000.01,
    ),
    # 省级研发中心
    *_edges("rd_center@2025", "rd_unit_staff", "rd_unit_staff", 15, 14, 16, kind="assessments"),
    *_edges(
        "rd_center@2025",
        "rd_unit_degree_share",
        "rd_unit_degree_share",
        0.6,
        0.5999,
        0.6001,
        kind="assessments",
    ),
    *_edges(
        "rd_center@2025", "rd_intensity.band_1", "rd_expense", 240, 239.99, 240.01
    ),  # 6 % of 4,000
]


def _enterprise(inputs: dict[str, Any]):  # type: ignore[no-untyped-def]
    return build(
        facts=inputs.get("facts"),
        assessments=inputs.get("assessments"),
        ip=inputs.get("ip"),
        platforms=("city_rd_center",),
        titles=("high_tech",),
    )


@pytest.mark.parametrize(("policy", "cid", "inputs", "expected"), ROWS)
def test_threshold_edges(policy: str, cid: str, inputs: dict[str, Any], expected: str) -> None:
    assert criterion(run(policy, _enterprise(inputs)), cid).status == expected


@pytest.mark.parametrize(
    ("liabilities", "expected"),
    [(3500, MET), (3499.99, MET), (3500.01, UNMET)],  # debt ratio ≤ 70 % of assets 5,000
)
def test_little_giant_2022_debt_ratio_edge(liabilities: float, expected: str) -> None:
    ent = build(facts={"total_liabilities": liabilities})
    assert criterion(run("little_giant@2022", ent), "debt_ratio").status == expected


@pytest.mark.parametrize(
    ("revenue", "band", "threshold"),
    [
        (5000, "rd_intensity.band_1", 5.0),  # exactly 5,000万 is in the 5 % tier
        (4999.99, "rd_intensity.band_1", 5.0),
        (5000.01, "rd_intensity.band_2", 4.0),
        (20000, "rd_intensity.band_2", 4.0),
        (20000.01, "rd_intensity.band_3", 3.0),
    ],
)
def test_high_tech_sales_tiers_are_inclusive_at_the_top(
    revenue: float, band: str, threshold: float
) -> None:
    result = run("high_tech@2016", build(facts={"revenue": revenue}))
    chosen = criterion(result, band)
    assert chosen.status != NA and chosen.threshold == threshold
    others = [c for c in result.criteria if c.id.startswith("rd_intensity.band") and c.id != band]
    assert all(c.status == NA for c in others)


@pytest.mark.parametrize(
    ("revenue", "applies"),
    [(4999.99, "rd.small_band"), (5000, "rd.band_2"), (9999.99, "rd.band_2"), (10000, "rd.band_3")],
)
def test_little_giant_2022_revenue_bands_below_edges(revenue: float, applies: str) -> None:
    result = run("little_giant@2022", build(facts={"revenue": revenue}))
    assert criterion(result, applies).status != NA


@pytest.mark.parametrize(
    ("revenue", "applies"),
    [
        (4999.99, "rd_intensity.band_1"),
        (5000, "rd_intensity.band_2"),
        (20000, "rd_intensity.band_2"),
        (20000.01, "rd_intensity.large_band"),
    ],
)
def test_rd_center_bands(revenue: float, applies: str) -> None:
    ent = build(facts={"revenue": revenue}, titles=("high_tech",), platforms=("city_rd_center",))
    assert criterion(run("rd_center@2025", ent), applies).status != NA


@pytest.mark.parametrize(
    ("established_on", "expected"),
    [(date(2025, 6, 1), MET), (date(2025, 6, 2), UNMET), (date(2025, 5, 31), MET)],
)
def test_registered_one_year_counts_whole_years(established_on: date, expected: str) -> None:
    ent = build(established_on=established_on)
    assert criterion(run("high_tech@2016", ent), "registered_1_year").status == expected


@pytest.mark.parametrize(
    ("policy", "cid", "latest", "expected"),
    [
        # 2-year revenue CAGR ≥ 5 %: from 1,000 (2023) to 1,102.5 (2025) is exactly 5 %
        ("little_giant@2026", "revenue_growth", 1102.5, MET),
        ("little_giant@2026", "revenue_growth", 1102.49, UNMET),
        ("little_giant@2026", "revenue_growth", 1102.51, MET),
    ],
)
def test_cagr_edge(policy: str, cid: str, latest: float, expected: str) -> None:
    ent = build(
        by_year={2023: {"revenue": 1000}, 2024: {"revenue": 1050}, 2025: {"revenue": latest}}
    )
    assert criterion(run(policy, ent), cid).status == expected


@pytest.mark.parametrize(
    ("y2024", "y2025", "expected"),
    [(100, 100, MET), (99.99, 100, UNMET), (100, 99.99, UNMET), (100.01, 100.01, MET)],
)
def test_each_of_the_last_two_years(y2024: float, y2025: float, expected: str) -> None:
    ent = build(by_year={2024: {"rd_expense": y2024}, 2025: {"rd_expense": y2025}})
    assert criterion(run("specialised_sme@2026", ent), "rd_expense").status == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [(1200, MET), (1199.99, UNMET), (1200.01, MET)],
)
def test_little_giant_2026_two_year_rd_total(total: float, expected: str) -> None:
    ent = build(by_year={2024: {"rd_expense": 600}, 2025: {"rd_expense": total - 600}})
    assert criterion(run("little_giant@2026", ent), "rd_expense_total").status == expected


@pytest.mark.parametrize(
    ("g2024", "g2025", "expected"),
    # ½(Y2/Y1 + Y3/Y2) − 1 ≥ 5 %: 1,000 → 1,050 → 1,102.5 is exactly 5 %
    [(1050, 1102.5, MET), (1050, 1102.4, UNMET), (1050, 1102.6, MET)],
)
def test_little_giant_2022_average_growth(g2024: float, g2025: float, expected: str) -> None:
    ent = build(
        by_year={
            2023: {"main_business_revenue": 1000},
            2024: {"main_business_revenue": g2024},
            2025: {"main_business_revenue": g2025},
        },
        facts={"revenue": 1200, "rd_expense": 80},
    )
    assert criterion(run("little_giant@2022", ent), "main_business_growth").status == expected


@pytest.mark.parametrize(
    ("share", "points"),
    [(0.30, 20), (0.2999, 16), (0.25, 16), (0.20, 12), (0.15, 8), (0.10, 4), (0.0999, 0)],
)
def test_tech_sme_staff_score_steps(share: float, points: float) -> None:
    ent = build(facts={"rd_staff": share * 10000, "employees": 10000})
    assert criterion(run("tech_sme@2017", ent), "score.rd_staff").points == points


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("C3484", MET),
        ("3484", MET),
        ("B0610", MET),
        ("F5212", MANUAL),
        ("I6510", MANUAL),
        ("E4710", MANUAL),
    ],
)
def test_above_scale_by_sector(code: str, status: str) -> None:
    result = run("above_scale@2011", build(industry_code=code))
    assert criterion(result, "sector_threshold").status == status
