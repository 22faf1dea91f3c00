"""ECharts option dicts for the cultivation pages (pure functions over plain data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def verdict_chart(
    names: Sequence[str],
    qualified: Sequence[int],
    near: Sequence[int],
    hrefs: Sequence[tuple[str, str]],
    labels: tuple[str, str],
) -> dict[str, Any]:
    """Qualified and near per policy, horizontal stacked bars, each opening its cultivation list."""
    return {
        "animation": False,  # drawn at once: a screenshot or print mid-animation showed bars too short
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 170, "right": 40, "top": 30, "bottom": 30},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": list(names), "inverse": True},
        "series": [
            {
                "name": labels[0],
                "type": "bar",
                "stack": "total",
                "cursor": "pointer",
                "data": [{"value": n, "href": h[0]} for n, h in zip(qualified, hrefs, strict=True)],
            },
            {
                "name": labels[1],
                "type": "bar",
                "stack": "total",
                "cursor": "pointer",
                "data": [{"value": n, "href": h[1]} for n, h in zip(near, hrefs, strict=True)],
            },
        ],
    }


def history_chart(
    days: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> dict[str, Any]:
    """The lists' sizes day by day: near, qualified not titled, titled (one line each)."""
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": list(days)},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": name, "type": "line", "data": list(values)} for name, values in series],
    }
