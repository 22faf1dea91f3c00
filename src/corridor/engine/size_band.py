"""Industrial size bands of 统计上大中小微型企业划分办法 (2017): both employees and revenue reach a floor."""

from __future__ import annotations

from decimal import Decimal

# (band, minimum employees, minimum revenue in 万元), largest first; below "small" with figures is "micro".
BANDS: tuple[tuple[str, int, int], ...] = (
    ("large", 1000, 40000),
    ("medium", 300, 2000),
    ("small", 20, 300),
)


def size_band(employees: int | None, revenue: Decimal | float | None) -> str:
    """The band for one year's employees and revenue; 'unknown' when either is missing."""
    if employees is None or revenue is None:
        return "unknown"
    for band, min_staff, min_revenue in BANDS:
        if employees >= min_staff and revenue >= min_revenue:
            return band
    return "micro"


def size_band_sql(employees: str, revenue: str) -> str:
    """The same rule as an SQL CASE expression over two column names."""
    whens = " ".join(
        f"WHEN {employees} >= {staff} AND {revenue} >= {money} THEN '{band}'"
        for band, staff, money in BANDS
    )
    return f"CASE WHEN {employees} IS NULL OR {revenue} IS NULL THEN 'unknown' {whens} ELSE 'micro' END"
