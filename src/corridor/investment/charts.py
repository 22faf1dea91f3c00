"""ECharts options for investment attraction: the target map and the district map (see maps.js).

Both maps name their regions by the features' ``adcode`` (``nameProperty`` on ``__geo``, every
``map`` series and ``geo``), so data, features, drill-down and the target list join on one key;
maps.js shows the features' names. The target map carries one flat table of every region on the
drill path of the targets and candidates (provinces, cities, counties); the boundary file of a
level is fetched only when the user drills into it.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.templatetags.static import static
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.atlas import selectors as atlas_selectors
from corridor.engine import geo
from corridor.engine.targeting import Strategy
from corridor.investment import targets
from corridor.investment.candidates import scored_pool

NAME_PROPERTY = "adcode"

# Map metrics: (key, value dimension, decimals). Dimensions of every region's value list.
METRICS = (("count", 0, 0), ("score", 1, 1), ("candidates", 2, 0), ("revenue", 3, 0))


def metric_labels() -> dict[str, str]:
    """Metric key → label, in the current language (the colour-by choices)."""
    return {
        "count": _("number of targets"),
        "score": _("total score"),
        "candidates": _("candidate enterprises"),
        "revenue": _("candidates' revenue (10k yuan)"),
    }


# --- the data behind the target map (cached) ---------------------------------------------------


def map_payload(nodes: list[str], strategy: Strategy, top: int) -> dict[str, Any]:
    """Ranked targets (compact rows) and every region's totals for the target map.

    Cached under the atlas stamp (it changes with every link, chain, registry edit or import), so
    the ranking and the candidate totals are computed once per data change and selection.
    """
    key = map_key(nodes, strategy, top)
    return _memo(key, lambda: {**_build_payload(nodes, strategy, top), "key": key})


def map_key(nodes: list[str], strategy: Strategy, top: int) -> str:
    """The cache key of the map payload of the selection as of now (the atlas stamp)."""
    weights = sorted((k, float(v)) for k, v in strategy.weights.items())
    selection = json.dumps([sorted(nodes), strategy.name, weights, int(top)])
    digest = hashlib.sha256(f"{atlas_selectors.atlas_stamp()}|{selection}".encode()).hexdigest()
    return f"investment:map:v2:{digest[:40]}"  # v2: the payload holds its key


# Values by key, newest last: a process memo in front of the shared cache. Keys carry the atlas
# stamp, so an entry never goes stale; it saves unpickling a 300 KB payload (~60 ms) per request.
_RECENT: OrderedDict[str, Any] = OrderedDict()
_RECENT_SIZE = 48


def _memo(key: str, build: Callable[[], Any], shared: bool = True) -> Any:
    """The value of ``key`` from this process, else the shared cache (``shared``), else built.

    Values are shared between requests: callers must not change them.
    """
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    value = cache.get(key) if shared else None
    if value is None:
        value = build()
        if shared:
            cache.set(key, value, 3600)
    _RECENT[key] = value
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return value


def target_map_script(payload: dict[str, Any], colour: str, element_id: str) -> SafeString:
    """``json_script`` of :func:`target_map`, built once per payload, metric and language."""
    key = f"{payload['key']}:{colour}:{get_language()}:script"
    script: SafeString = _memo(
        key, lambda: json_script(target_map(payload, colour), element_id), False
    )
    return script


def _build_payload(nodes: list[str], strategy: Strategy, top: int) -> dict[str, Any]:
    pool = scored_pool(nodes)
    result = targets.ranked(nodes, strategy, top, pool=pool)
    rows = []
    for r in result["rows"]:
        e = r["enterprise"]
        code = e.get("county_code") or e.get("city_code") or e.get("province_code")
        rows.append(
            {
                "rank": r["rank"],
                "id": r["id"],
                "name": e["name"],
                "city": e["city"],
                "score": r["score"],
                "regions": " ".join(geo.map_regions(code)),
                "code": code,
            }
        )
    # every candidate: count and revenue; the ranked ones: count and score
    codes, columns = [], []
    ranked_score = {r["id"]: r["score"] for r in rows}
    for pk, (code, revenue) in pool.places.items():
        codes.append(code)
        in_top = pk in ranked_score
        columns.append((1 if in_top else 0, ranked_score.get(pk, 0.0), 1, revenue))
    regions = geo.totals_on_maps(codes, columns)
    return {"rows": rows, "regions": regions, "considered": result["considered"]}


# --- options ----------------------------------------------------------------------------------


def target_map(payload: dict[str, Any], colour: str = "count") -> dict[str, Any]:
    """China by province (drill down to cities and counties), coloured by the chosen metric."""
    labels = metric_labels()
    metric = next((i for i, m in enumerate(METRICS) if m[0] == colour), 0)
    data = [
        {NAME_PROPERTY: code, "value": [_rounded(v, METRICS[i][2]) for i, v in enumerate(values)]}
        for code, values in payload["regions"].items()
    ]
    return {
        "__geo": _geo(geo.COUNTRY, _("China")),
        "__children": _children(geo.COUNTRY, depth=2),
        "__metrics": [
            {"label": labels[key], "dimension": dim, "digits": digits}
            for key, dim, digits in METRICS
        ],
        "__metric": metric,
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "calculable": True,
            "left": 10,
            "bottom": 10,
            "inRange": {"color": ["#e6f0fa", "#2b6cb0", "#0b2e4f"]},
        },
        "series": [
            {
                "type": "map",
                "nameProperty": NAME_PROPERTY,
                "roam": True,
                "data": data,
                "label": {
                    "show": True,
                    "fontSize": 10,
                    "color": "#1f2933",
                    "textBorderColor": "#ffffff",
                    "textBorderWidth": 2,
                },
                "emphasis": {"label": {"show": True, "fontWeight": "bold"}},
                "itemStyle": {"areaColor": "#f4f6f8", "borderColor": "#9aa5b1"},
            }
        ],
    }


def _rounded(value: float, digits: int) -> float | int:
    """As the tooltip shows it (counts and 万元 whole, scores to one decimal): a smaller page."""
    return int(round(value)) if digits == 0 else round(value, digits)


def _geo(code: str, label: str | None = None) -> dict[str, Any]:
    path = geo.boundary_file(code)
    out = {"name": code, "url": static(path) if path else "", "nameProperty": NAME_PROPERTY}
    if label:
        out["label"] = label
    return out


@lru_cache(maxsize=64)
def _children(code: str, depth: int) -> dict[str, dict[str, Any]]:
    """Each child with a boundary file → {name, url, children} down ``depth`` levels (URLs only:
    the files are fetched on click). Fixed per installed package: built once per process (the
    option is serialised, never changed in place)."""
    out = geo.drill_children(code, static)
    if depth > 1:
        for child, entry in out.items():
            below = _children(child, depth - 1)
            if below:
                entry["children"] = below
    return out


# --- the district map -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _features(path: str) -> dict[str, dict[str, Any]]:
    """adcode → GeoJSON feature of a boundary file (read once per process from the static files)."""
    found = finders.find(path)
    if not found:
        return {}
    found_path = found[0] if isinstance(found, list) else found
    data = json.loads(Path(found_path).read_text(encoding="utf-8"))
    return {str(f["properties"]["adcode"]): f for f in data.get("features", [])}


@lru_cache(maxsize=50_000)
def _spread(pk: int, county: str, path: str, district: str) -> tuple[float, float] | None:
    """A spot inside the enterprise's county (else the district) fixed by its id (memoised: the
    same id always lands on the same spot, so the map does not shuffle between requests)."""
    features = _features(path)
    feature = features.get(county) or features.get(district)
    return geo.spread_in_feature(f"enterprise:{pk}", feature) if feature else None


def _place(point: dict[str, Any], path: str | None, district: str) -> list[float]:
    """The point's own coordinates, else a spot inside its county fixed by its id."""
    if point["lat"] is not None and point["lon"] is not None:
        return [point["lon"], point["lat"]]
    spot = _spread(point["id"], point.get("county_code") or "", path, district) if path else None
    return list(spot) if spot else []


PLACEMENTS = ("location", "node")


def placement_labels() -> dict[str, str]:
    """How the district map places enterprises, in the current language."""
    return {"location": _("by location"), "node": _("by node")}


def _by_node(points: list[dict[str, Any]], path: str | None, district: str) -> list[list[float]]:
    """Each node a cluster inside the district: the node at a well-separated spot (best-candidate
    sampling), its enterprises around it within a radius that grows with their number."""
    feature = _features(path).get(district) if path else None
    if feature is None:
        return [[] for _p in points]
    counts: dict[str, int] = {}
    for p in points:
        counts[p["node"]] = counts.get(p["node"], 0) + 1
    anchors = geo.spread_anchors(sorted(counts), feature)
    top = max(counts.values(), default=1)
    x0, y0, x1, y1 = geo.feature_bbox(feature)
    span = min(x1 - x0, y1 - y0)
    out = []
    for p in points:
        radius = span * (0.02 + 0.08 * (counts[p["node"]] / top) ** 0.5)
        lon, lat = geo.spread_in_feature(
            f"enterprise:{p['id']}:{p['node']}", feature, anchors[p["node"]], radius, tries=40
        )
        out.append([lon, lat])
    return out


def placed_points(node: str = "", place: str = "location") -> list[dict[str, Any]]:
    """The district's enterprises with the map position to draw them at (cached with the atlas).

    ``location``: own coordinates, else a spot inside the county fixed by the id; ``node``: one
    cluster per node inside the district (for registries whose coordinates are only the seat).
    """
    place = place if place in PLACEMENTS else "location"
    return list(_memo(_district_key(node, place), lambda: _placed_points(node, place)))


def _district_key(node: str, place: str) -> str:
    return f"investment:district:{hash_key(atlas_selectors.atlas_stamp(), node, place)}"


def _placed_points(node: str, place: str) -> list[dict[str, Any]]:
    district = settings.CORRIDOR_DISTRICT_COUNTY_CODE
    path = geo.boundary_file(geo.city_of(district) or district)
    points = atlas_selectors.local_points(node)
    spots = (
        _by_node(points, path, district)
        if place == "node"
        else [_place(p, path, district) for p in points]
    )
    return [{**p, "at": at} for p, at in zip(points, spots, strict=True) if at]


def district_map_script(
    node: str, place: str, nodes: dict[str, Any], element_id: str
) -> SafeString:
    """``json_script`` of :func:`district_map`, built once per data change, filter and language."""
    place = place if place in PLACEMENTS else "location"
    key = f"{_district_key(node, place)}:{get_language()}:script"

    def build() -> SafeString:
        return json_script(district_map(placed_points(node, place), nodes), element_id)

    script: SafeString = _memo(key, build, False)
    return script


def hash_key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def district_map(
    points: list[dict[str, Any]], nodes: dict[str, Any], city: str | None = None
) -> dict[str, Any]:
    """The district's enterprises by node over the county map of its city, the district marked.

    ``points`` come from :func:`placed_points` (each with ``at`` = [lon, lat]).
    """
    district = settings.CORRIDOR_DISTRICT_COUNTY_CODE
    city = city or geo.city_of(district) or district
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    series: dict[str, list[Any]] = {}
    for p in points:
        node = nodes.get(p["node"])
        series.setdefault(node.name(lang) if node else p["node"], []).append(
            {"name": p["name"], "value": [*p["at"], p["revenue"]], "id": p["id"]}
        )
    return {
        "__geo": _geo(city, settings.CORRIDOR_DISTRICT_NAME),
        "__children": {},
        "tooltip": {"trigger": "item"},
        "legend": {"type": "scroll", "top": 0},
        "geo": {
            "roam": True,
            "nameProperty": NAME_PROPERTY,
            "label": {"show": True, "color": "#52606d", "fontSize": 11},
            "itemStyle": {"areaColor": "#f0f4f8", "borderColor": "#9aa5b1"},
            "emphasis": {"label": {"show": True}, "itemStyle": {"areaColor": "#e1e7ee"}},
            "regions": [
                {
                    "name": district,
                    "itemStyle": {
                        "areaColor": "#fdebd0",
                        "borderColor": "#c05621",
                        "borderWidth": 2,
                    },
                    "label": {"color": "#7b341e", "fontWeight": "bold", "fontSize": 13},
                }
            ],
        },
        "series": [
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": name,
                "symbolSize": 6,
                "itemStyle": {"opacity": 0.75},
                "data": pts,
            }
            for name, pts in series.items()
        ],
    }
