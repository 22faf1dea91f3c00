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
    assert "nev.battery" in links and "锂离子电池" in links
    row = page.locator("#enterprise-links tr", has_text="nev.battery").first
    row.locator("button[value=rejected]").click()
    page.wait_for_selector("#enterprise-links .badge.error")
    link = NodeLink.objects.get(enterprise_id=atlas_data["maker"], node="nev.battery")
    assert link.status == LinkStatus.REJECTED
    page.goto(page.base_url + "/atlas/review/?status=rejected&scope=all")
    assert "婺城锂电科技有限公司" in page.inner_text("#queue")
