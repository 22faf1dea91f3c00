"""The Content-Security-Policy in Chromium: the main pages (home, registry list and detail, atlas chain,
investment map; the admin site and the API docs) are served under the policy and run with no violation:
no inline script or handler, no <style> element injected, charts, map, tooltips and HTMX panels drawn."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.atlas import services as atlas_services
from tests.browser.conftest import sign_in
from tests.factories import EnterpriseFactory, user_with_role
from tests.investment.test_map import map_registry

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation a page reports (listening before any of its own scripts run), sent to the test.
RECORD = """document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolation(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});"""

DRAWN = """() => { const el = document.querySelector('#target-map');
  return el && el.corridorMap && el.corridorMap.current && !el.corridorMap.busy; }"""


def _watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.expose_function("cspViolation", lambda text: seen.append(text))
    page.add_init_script(RECORD)
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    return seen


def _hover_chart(page: Any, selector: str) -> None:
    """Move over a chart so ECharts builds its HTML tooltip (inline style attributes)."""
    box = page.locator(selector).bounding_box()
    for fx, fy in ((0.5, 0.5), (0.3, 0.4), (0.6, 0.6)):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(150)


def test_main_pages_render_with_no_policy_violation(page) -> None:  # type: ignore[no-untyped-def]
    map_registry()
    EnterpriseFactory(name="婺城锂电科技有限公司", business_scope="锂离子电池制造；动力电池研发")
    atlas_services.classify_registry()
    user_with_role("investment_analyst", "ana")
    seen = _watch(page)
    response = page.goto(page.base_url + "/accounts/login/")
    policy = response.headers.get("content-security-policy", "")
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'self'"):
        assert directive in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    sign_in(page, "ana")

    page.goto(page.base_url + "/")
    page.wait_for_selector("[data-echarts] canvas")
    _hover_chart(page, "[data-echarts]")

    page.goto(page.base_url + "/registry/?locality=")
    page.wait_for_selector("table tbody tr")
    with page.expect_navigation():  # the switcher submits from app.js, not from onchange=
        page.select_option("#language-select", "en")
    assert page.evaluate("document.documentElement.lang") == "en"

    page.goto(page.base_url + "/atlas/nev/")
    page.wait_for_selector("#chain-graph canvas")
    _hover_chart(page, "#chain-graph")
    page.click("#weak-table >> text=Traction batteries")
    page.wait_for_selector("#node-panel #node-enterprises")  # an HTMX swap (indicator styles)

    page.goto(page.base_url + "/investment/map/?node=nev.battery")
    page.wait_for_function(DRAWN)
    _hover_chart(page, "#target-map")
    page.wait_for_timeout(300)
    assert seen == []


def test_admin_sign_in_and_api_docs_run_with_no_policy_violation(page) -> None:  # type: ignore[no-untyped-def]
    user_with_role("administrator", "root")
    seen = _watch(page)
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-Corridor-1")
    page.click("input[type=submit]")
    page.wait_for_url(page.base_url + "/admin/")
    page.goto(page.base_url + "/admin/auth/user/")
    page.wait_for_selector("#changelist")
    page.goto(page.base_url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    page.wait_for_timeout(300)
    assert seen == []
