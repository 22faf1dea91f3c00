"""ECharts options for investment attraction: the target map and the district map (see maps.js)."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.utils.translation import gettext as _

from corridor.engine import geo


def target_map(result: dict[str, Any], colour: str = "count") -> dict[str, Any]:
    """China by province (drill down to cities) coloured by the number or total score of targets."""
    rows = result["rows"]
    codes = [r["enterprise"]["city_code"] or r["enterprise"]["province_code"] for r in rows]
    scores = [r["score"] for r in rows]
    return _level_option(geo.COUNTRY, codes, scores, colour, depth=0)


def _level_option(
    code: str, codes: list[str], scores: list[float], colour: str, depth: int
) -> dict[str, Any]:
    """The map option of one region level, with its children's options for drilling down."""
    totals = geo.aggregate_for_map(codes, scores, code)
    data = geo.map_series_data(totals)
    dimension = 1 if colour == "score" else 0
    top = max((d["value"][dimension] for d in data), default=1) or 1
    children_options: dict[str, dict[str, Any]] = {}
    if depth == 0:  # provinces with targets get their city maps
        for child in {p for c in codes if (p := geo.province_of(c))}:
            children_options[child] = _level_option(child, codes, scores, colour, depth + 1)
    path = geo.boundary_file(code)
    return {
        "__geo": {"name": code, "url": static(path) if path else ""},
        "__children": geo.drill_children(code, static, children_options),
        "__metrics": [
            {"label": _("number of targets"), "dimension": 0},
            {"label": _("total score"), "dimension": 1},
        ],
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": top,
            "dimension": dimension,
            "calculable": True,
            "left": 10,
            "bottom": 10,
            "inRange": {"color": ["#e6f0fa", "#2b6cb0", "#0b2e4f"]},
        },
        "series": [
            {
                "type": "map",
                "map": code,
                "nameProperty": "adcode",
                "roam": True,
                "data": data,
                "label": {"show": False},
                "emphasis": {"label": {"show": True}},
            }
        ],
    }


def district_map(points: list[dict[str, Any]], city: str = "330700") -> dict[str, Any]:
    """The district's enterprises by node as points over the Jinhua map (counties where available)."""
    path = geo.boundary_file(city)
    series: dict[str, list[Any]] = {}
    for p in points:
        series.setdefault(p["node_name"], []).append(
            {"name": p["name"], "value": [p["lon"], p["lat"], p["revenue"]], "id": p["id"]}
        )
    return {
        "__geo": {"name": city, "url": static(path) if path else ""},
        "__children": {},
        "tooltip": {"trigger": "item"},
        "legend": {"type": "scroll", "top": 0},
        "geo": {
            "map": city,
            "roam": True,
            "nameProperty": "adcode",
            "itemStyle": {"areaColor": "#f0f4f8"},
        },
        "series": [
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": name,
                "symbolSize": 7,
                "data": pts,
            }
            for name, pts in series.items()
        ],
    }
