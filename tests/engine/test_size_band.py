"""Size bands: the Python rule and its SQL twin agree on every boundary."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from corridor.engine.size_band import size_band, size_band_sql

CASES = [
    (None, 100, "unknown"),
    (10, None, "unknown"),
    (1000, 40000, "large"),
    (999, 40000, "medium"),
    (1000, Decimal("39999.99"), "medium"),
    (300, 2000, "medium"),
    (299, 2000, "small"),
    (20, 300, "small"),
    (19, 300, "micro"),
    (5000, 100, "micro"),
    (0, 0, "micro"),
]


@pytest.mark.parametrize(("staff", "revenue", "band"), CASES)
def test_python_and_sql_agree(staff, revenue, band) -> None:  # type: ignore[no-untyped-def]
    assert size_band(staff, revenue) == band
    db = sqlite3.connect(":memory:")
    value = float(revenue) if revenue is not None else None
    assert db.execute(f"SELECT {size_band_sql('?1', '?2')}", (staff, value)).fetchone()[0] == band
