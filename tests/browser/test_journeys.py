"""Main journeys in Chromium: sign in, search, detail with chart, import with errors, language, sign out."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.registry.bulk import refresh_latest_facts
from tests.browser.conftest import sign_in
from tests.factories import (
    EnterpriseFactory,
    FactsFactory,
    TitleFactory,
    user_with_role,
    valid_uscc,
)
from tests.registry.files import write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry_data() -> None:
    ent = EnterpriseFactory(name="婺城精密电机有限公司", business_scope="一般项目：电机制造")
    for year, revenue in [(2022, 800), (2023, 950), (2024, 1200)]:
        FactsFactory(enterprise=ent, year=year, revenue=revenue, employees=60, rd_expense=40)
    TitleFactory(
        enterprise=ent,
        title="high_tech",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )
    EnterpriseFactory(name="金华茶叶贸易有限公司")
    refresh_latest_facts([ent.pk])


def test_sign_in_search_open_detail_and_sign_out(page, registry_data) -> None:  # type: ignore[no-untyped-def]
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    assert page.locator("[data-figure=enterprises] .value").inner_text().strip() == "2"
    page.click("[data-nav=registry]")
    page.fill("#search", "电机")
    page.press("#search", "Enter")
    page.wait_for_function("() => document.querySelector('#result-count').innerText.includes('1')")
    assert page.locator(".ent-link").all_inner_texts() == ["婺城精密电机有限公司"]
    page.click("text=婺城精密电机有限公司")
    page.wait_for_selector("#facts-chart canvas")  # ECharts rendered from local static files
    assert "1,200.00" in page.inner_text("#facts-table")
    page.click("#sign-out")
    page.wait_for_url("**/accounts/login/**")


def test_import_a_file_with_errors_and_read_the_report(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    user_with_role("technology_officer", "off")
    path = write_csv(
        tmp_path / "企业.csv",
        [
            ["甲科技有限公司", valid_uscc(301), "浙江省金华市婺城区某路1号", 2024, "1,000", 20, 30],
            ["乙科技有限公司", "123", "", 2024, "很多", 5, 0],
        ],
        encoding="gb18030",
    )
    sign_in(page, "off")
    page.click("[data-nav=imports]")
    page.set_input_files("#import-file", str(path))
    page.click("#upload")
    page.wait_for_selector("#mapping-form")
    assert "甲科技有限公司" in page.inner_text("#sample")
    page.click("#validate")
    page.wait_for_selector("#issues")
    report = page.inner_text("#issues")
    assert "123" in report and "很多" in report
    rows = page.locator("#issues tbody tr.issue")
    assert rows.count() >= 2 and rows.first.locator("td").first.inner_text().strip() == "3"
    page.check("input[name=mode][value=valid_rows]")
    page.click("#apply")
    page.wait_for_selector("#applied-counts")
    assert page.inner_text("#import-status").strip() in ("已应用", "Applied")
    page.goto(page.base_url + "/registry/?q=甲科技")
    assert page.locator(".ent-link").all_inner_texts() == ["甲科技有限公司"]


def test_switch_language(page) -> None:  # type: ignore[no-untyped-def]
    user_with_role("leader", "boss")
    sign_in(page, "boss")
    assert page.inner_text("[data-nav=registry]").strip() == "企业库"
    page.select_option("#language-select", "en")
    page.wait_for_function(
        "() => document.querySelector('[data-nav=registry]').innerText.trim() === 'Enterprises'"
    )
    assert page.inner_text("html").count("企业库") == 0
    page.select_option("#language-select", "zh-hans")
    page.wait_for_function(
        "() => document.querySelector('[data-nav=registry]').innerText.trim() === '企业库'"
    )


def test_wrong_password_is_refused_in_the_page(page) -> None:  # type: ignore[no-untyped-def]
    user_with_role("leader", "boss")
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "nope")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-errors")
    assert "/accounts/login/" in page.url
