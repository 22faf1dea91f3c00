"""The overview's charts draw in Chromium, and a bar opens the registry list of its records."""

from __future__ import annotations

import pytest

from corridor.registry.bulk import refresh_latest_facts
from tests.browser.conftest import sign_in
from tests.factories import EnterpriseFactory, FactsFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


def test_overview_charts_draw_and_a_bar_opens_its_records(page) -> None:  # type: ignore[no-untyped-def]
    ents = [EnterpriseFactory() for _ in range(3)]
    for e in ents:
        FactsFactory(enterprise=e, year=2024, revenue=20000)
    refresh_latest_facts([e.pk for e in ents])
    user_with_role("leader", "boss")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "boss")
    page.wait_for_selector("#trend-chart canvas")
    page.wait_for_selector("#chain-chart canvas")
    assert not errors, errors
    box = page.locator("#trend-chart").bounding_box()
    page.wait_for_timeout(1500)  # let the bars grow (ECharts' entry animation) before clicking
    # the single year's bar stands in the middle of the plot (grid left 60, right 70)
    with page.expect_navigation():
        page.mouse.click(box["x"] + 60 + (box["width"] - 130) / 2, box["y"] + box["height"] - 40)
    assert "facts_year=2024" in page.url
    assert page.locator("#result-count").inner_text().startswith("3")
