"""ECharts option dicts for the overview (pure functions over plain data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def trend_chart(
    years: Sequence[int],
    counts: Sequence[int],
    money: Sequence[float],
    hrefs: Sequence[str],
    count_label: str,
    money_label: str,
) -> dict[str, Any]:
    """Enterprises with facts per year (bars, each opening its records) and their revenue (line)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 70, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": [
            {"type": "value", "name": count_label, "minInterval": 1},
            {"type": "value", "name": money_label},
        ],
        "series": [
            {
                "name": count_label,
                "type": "bar",
                "cursor": "pointer",
                "data": [{"value": n, "href": h} for n, h in zip(counts, hrefs, strict=True)],
            },
            {"name": money_label, "type": "line", "yAxisIndex": 1, "data": list(money)},
        ],
    }


def chain_chart(
    names: Sequence[str], counts: Sequence[int], hrefs: Sequence[str], count_label: str
) -> dict[str, Any]:
    """Enterprises per chain, horizontal bars, each opening its records."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 130, "right": 40, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "name": count_label, "minInterval": 1},
        "yAxis": {"type": "category", "data": list(names), "inverse": True},
        "series": [
            {
                "name": count_label,
                "type": "bar",
                "cursor": "pointer",
                "label": {"show": True, "position": "right"},
                "data": [{"value": n, "href": h} for n, h in zip(counts, hrefs, strict=True)],
            }
        ],
    }
