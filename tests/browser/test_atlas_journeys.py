"""Atlas journeys in Chromium: open a chain, click a node, read why an enterprise sits there, fix it."""

from __future__ import annotations

import pytest

from corridor.atlas import services
from corridor.atlas.models import LinkStatus, NodeLink
from tests.browser.conftest import sign_in
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def atlas_data() -> dict[str, int]:
    maker = EnterpriseFactory(
        name="婺城锂电科技有限公司",
        business_scope="一般项目：锂离子电池制造；动力电池研发；电池零配件生产；汽车零配件零售",
        latest_revenue=12000,
    )
    EnterpriseFactory(
        name="婺城汽车销售服务有限公司", business_scope="汽车新车销售；机动车修理和维护"
    )
    for c in range(4):
        EnterpriseFactory(is_local=False, city_code=f"3{c:02d}100", business_scope="驱动电机制造")
    services.classify_registry()
    return {"maker": maker.pk}


def test_analyst_opens_a_chain_reads_evidence_and_rejects_a_link(page, atlas_data) -> None:  # type: ignore[no-untyped-def]
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.click("[data-nav=atlas]")
    page.click("#chain-nev")
    page.wait_for_selector("#chain-graph canvas")  # the ECharts graph rendered offline
    assert page.locator("#weak-table tbody tr").count() == 13
    page.click("#weak-table >> text=动力电池")
    page.wait_for_selector("#node-panel #node-enterprises")
    assert "婺城锂电科技有限公司" in page.inner_text("#node-panel")
    assert "婺城汽车销售服务有限公司" not in page.inner_text("#node-panel")
    page.click("#node-panel >> text=婺城锂电科技有限公司")
    page.wait_for_selector("#enterprise-links")
    links = page.inner_text("#enterprise-links")
    assert "动力电池" in links and "锂离子电池" in links
    assert "nev.battery" not in links  # the node's name, never its id
    row = page.locator("#enterprise-links tr", has_text="动力电池").first
    row.locator("button[value=rejected]").click()
    page.wait_for_selector("#enterprise-links .badge.error")
    link = NodeLink.objects.get(enterprise_id=atlas_data["maker"], node="nev.battery")
    assert link.status == LinkStatus.REJECTED
    page.goto(page.base_url + "/atlas/review/?status=rejected&scope=all")
    assert "婺城锂电科技有限公司" in page.inner_text("#queue")


def test_an_unobservable_node_reads_no_data_and_lq_has_a_gloss(page, atlas_data) -> None:  # type: ignore[no-untyped-def]
    """Issue 9: 品牌与渠道 (no enterprise anywhere) is not the weakest link of the power-tool chain."""
    for c in range(3):
        EnterpriseFactory(
            is_local=False, city_code=f"3{c:02d}100", business_scope="角磨机制造；电锤生产"
        )
    EnterpriseFactory(business_scope="角磨机制造；电锤生产")
    services.classify_registry()
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.goto(page.base_url + "/atlas/pt/")
    page.wait_for_selector("#chain-graph canvas")
    rows = page.locator("#weak-table tbody tr")
    first = rows.first.inner_text()
    assert "品牌与渠道" not in first and "手持电动工具" in page.inner_text("#weak-table")
    no_data = page.locator("#weak-table tr.no-data", has_text="品牌与渠道")
    assert no_data.count() == 1 and "无数据可判断" in no_data.inner_text()
    assert (
        rows.nth(rows.count() - 1).inner_text()
        == page.locator("#weak-table tr.no-data").last.inner_text()
    )
    gloss = page.locator("#weak-table thead abbr.gloss", has_text="LQ")
    gloss.hover()
    assert "区位熵" in (gloss.get_attribute("title") or "")
