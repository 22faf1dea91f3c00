"""The investment map in Chromium: colours by the chosen metric, names on hover, drill-down and back,
the target list filtered to the clicked region, and the Jinhua map with the district marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.factories import user_with_role
from tests.investment.test_map import map_registry

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# The ECharts state of the target map: the current map, its regions' fill colours and values.
STATE = """() => {
  const el = document.querySelector('#target-map');
  const chart = echarts.getInstanceByDom(el.querySelector('div'));
  const option = chart.getOption();
  const series = option.series.find(s => s.type === 'map');
  const model = chart.getModel().getSeriesByIndex(0);
  const data = model.getData();
  const fills = {};
  for (let i = 0; i < data.count(); i++) {
    const style = data.getItemVisual(i, 'style');
    fills[data.getName(i)] = {fill: style && style.fill, value: data.get(data.mapDimension('value'), i)};
  }
  return {map: series.map, fills: fills, depth: el.corridorMap.stack.length,
          trail: el.querySelector('.corridor-map-trail') ? el.querySelector('.corridor-map-trail').innerText : ''};
}"""

# Screen position of a region (by adcode) on the current map.
WHERE = """(code) => {
  const el = document.querySelector('#target-map');
  const chart = echarts.getInstanceByDom(el.querySelector('div'));
  const view = el.corridorMap.index.byCode[code];
  const point = chart.convertToPixel({seriesIndex: 0}, view.centroid || view.center);
  const box = el.getBoundingClientRect();
  return [box.left + point[0], box.top + point[1]];
}"""

DRAWN = """() => { const el = document.querySelector('#target-map');
  return el && el.corridorMap && el.corridorMap.current && !el.corridorMap.busy; }"""


@pytest.fixture
def registry() -> None:
    map_registry()


def _visible_rows(page: Any) -> list[str]:
    return [
        r.inner_text().split("\t")[1] if "\t" in r.inner_text() else r.inner_text()
        for r in page.locator("#region-targets tbody tr:visible").all()
    ]


def _click_region(page: Any, code: str) -> None:
    x, y = page.evaluate(WHERE, code)
    page.mouse.click(x, y)


def _map_on(page: Any, name: str) -> None:
    page.wait_for_function(
        "(name) => { const el = document.querySelector('#target-map');"
        " return el.corridorMap && !el.corridorMap.busy && el.corridorMap.current.__geo.name === name; }",
        arg=name,
    )


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_map_colours_names_drills_down_and_filters_the_targets(page, registry, lang) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": page.base_url}])
    page.goto(page.base_url + "/investment/map/?node=nev.battery")
    page.wait_for_function(DRAWN)
    state = page.evaluate(STATE)
    fills = state["fills"]
    assert fills["320000"]["value"] == 5 and fills["330000"]["value"] == 1
    assert fills["320000"]["fill"] != fills["330000"]["fill"]  # 江苏 5 is darker than 浙江 1
    assert fills["330000"]["fill"] == fills["440000"]["fill"]  # equal counts, equal colour
    page.screenshot(path=str(ARTIFACTS / f"map-country-{lang}.png"))

    # hover: the province's name and its value, not its code and "—"
    x, y = page.evaluate(WHERE, "320000")
    page.mouse.move(x, y)
    tooltip = page.locator("#target-map div", has_text="江苏省").last
    tooltip.wait_for()
    text = tooltip.inner_text()
    assert "江苏省" in text and "320000" not in text and "5" in text

    # click 江苏 → its cities, the list shows only 江苏's targets
    _click_region(page, "320000")
    _map_on(page, "320000")
    state = page.evaluate(STATE)
    assert state["fills"]["320400"]["value"] == 3 and state["fills"]["320500"]["value"] == 2
    assert state["fills"]["320400"]["fill"] != state["fills"]["320500"]["fill"]
    assert "江苏省" in state["trail"]
    rows = _visible_rows(page)
    assert len(rows) == 5 and all(("常州" in r or "苏州" in r) for r in rows)
    page.screenshot(path=str(ARTIFACTS / f"map-jiangsu-{lang}.png"))

    # click 常州 → its counties, the list shows 常州's
    _click_region(page, "320400")
    _map_on(page, "320400")
    state = page.evaluate(STATE)
    assert state["fills"]["320402"]["value"] == 3
    assert len(_visible_rows(page)) == 3
    page.screenshot(path=str(ARTIFACTS / f"map-changzhou-{lang}.png"))

    # back twice: the country again, every target listed
    page.click("#target-map .corridor-map-back")
    _map_on(page, "320000")
    assert len(_visible_rows(page)) == 5
    page.click("#target-map .corridor-map-back")
    _map_on(page, "100000")
    assert len(_visible_rows(page)) == 7

    # another metric: the colours follow the revenue
    page.click("#target-map .corridor-map-tools button:nth-child(4)")
    state = page.evaluate(STATE)
    assert state["fills"]["440000"]["value"] > state["fills"]["330000"]["value"]
    assert state["fills"]["440000"]["fill"] != state["fills"]["330000"]["fill"]


def test_the_jinhua_map_names_counties_marks_the_district_and_spreads_enterprises(
    page, registry
) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.goto(page.base_url + "/investment/map/")
    page.wait_for_function(
        "() => { const el = document.querySelector('#district-map');"
        " return el.corridorMap && el.corridorMap.current && !el.corridorMap.busy; }"
    )
    state = page.evaluate(
        """() => { const chart = echarts.getInstanceByDom(document.querySelector('#district-map div'));
          const o = chart.getOption();
          const pts = o.series.flatMap(s => s.data.map(d => chart.convertToPixel({geoIndex: 0}, d.value.slice(0, 2))));
          return {label: o.geo[0].label.show, regions: o.geo[0].regions.map(r => r.name), points: pts}; }"""
    )
    assert state["label"] is True
    assert state["regions"]
    pixels = {(round(x), round(y)) for x, y in state["points"]}
    assert len(pixels) == 3  # three enterprises, three places
    page.wait_for_timeout(1500)  # let the points' entry animation finish before the picture
    page.locator("#district-map").screenshot(path=str(ARTIFACTS / "map-jinhua.png"))
