"""Cultivation journey in Chromium as the technology officer: open an enterprise → see why it is near
高企 → what-if closes the gap → export the cultivation list."""

from __future__ import annotations

import pytest
from django.utils import timezone

from corridor.qualify import services
from tests.browser.conftest import sign_in
from tests.browser.test_content_security_policy import _watch
from tests.factories import user_with_role
from tests.qualify.conftest import near_high_tech

pytestmark = pytest.mark.django_db(transaction=True)


def test_near_high_tech_what_if_and_export(page) -> None:  # type: ignore[no-untyped-def]
    officer = user_with_role("technology_officer", "tech")
    today = timezone.localdate()
    ent = near_high_tech(last_year=today.year - 1, name="婺城传感科技有限公司")
    for key, value in {
        "ip_core_support": True,
        "in_supported_field": True,
        "innovation_score": 80,
        "no_major_incident": True,
    }.items():
        services.record_assessment(ent.pk, key, value, "专家评审", today, officer)
    seen = _watch(page)  # no Content-Security-Policy violation on the way
    sign_in(page, "tech")
    page.goto(page.base_url + f"/registry/{ent.pk}/")
    page.click("#qualification")
    page.wait_for_selector("#result-high_tech")
    card = page.inner_text("#result-high_tech")
    assert "接近" in card and "需增加30万元" in card and "high_tech@2016" in card
    page.fill("#what-if-form input[name=fact_rd_expense]", "220")
    page.click("#what-if-form button[type=submit]")
    page.wait_for_selector("#qualify-results .badge.warning")  # the what-if banner
    assert "符合" in page.inner_text("#result-high_tech .verdict-qualified")
    page.goto(page.base_url + "/qualify/lists/high_tech/near/")
    assert "婺城传感科技有限公司" in page.inner_text("#cultivation")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename.startswith("cultivation-high_tech-near-")
    page.goto(page.base_url + "/qualify/")
    page.wait_for_selector("#verdict-chart canvas")  # the overview's ECharts bars
    assert "high_tech@2016" in page.inner_text("#verdict-counts")
    assert seen == []
