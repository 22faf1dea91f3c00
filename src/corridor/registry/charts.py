"""ECharts option dicts for registry pages (pure functions over plain data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def facts_chart(
    years: Sequence[int],
    series: dict[str, Sequence[float | None]],
    staff: Sequence[int | None],
    money_unit: str,
    staff_label: str,
) -> dict[str, Any]:
    """Bars for money figures by year (万元) and a line for employees on a second axis."""
    bars = [{"name": name, "type": "bar", "data": list(values)} for name, values in series.items()]
    line = {
        "name": staff_label,
        "type": "line",
        "yAxisIndex": 1,
        "data": list(staff),
        "smooth": True,
    }
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 60, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": [{"type": "value", "name": money_unit}, {"type": "value", "name": staff_label}],
        "series": [*bars, line],
    }
