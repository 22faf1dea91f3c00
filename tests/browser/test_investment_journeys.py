"""Investment journey in Chromium: weak link → rank targets → make a lead → move it → see the funnel."""

from __future__ import annotations

import pytest

from corridor.atlas import services as atlas_services
from corridor.investment.models import Project
from tests.browser.conftest import sign_in
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry() -> None:
    for i, city in enumerate(("320400", "350900", "440600")):
        EnterpriseFactory(
            name=f"外地驱动电机{i}有限公司",
            is_local=False,
            city_code=city,
            province_code=city[:2] + "0000",
            business_scope="驱动电机制造；新能源汽车驱动电机研发",
            latest_revenue=10000 * (i + 1),
        )
    EnterpriseFactory(name="婺城锂电有限公司", business_scope="锂离子电池制造；动力电池研发")
    atlas_services.classify_registry()


def test_from_weak_link_to_a_lead_on_the_funnel(page, registry) -> None:  # type: ignore[no-untyped-def]
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.goto(page.base_url + "/atlas/nev/")
    row = page.locator("#weak-table tr", has_text="驱动电机")  # nev.motor, by its name
    row.locator("a.find-targets").click()
    page.wait_for_selector("#targets")
    assert page.locator("#targets tbody tr").count() == 3
    assert all(f"外地驱动电机{i}有限公司" in page.inner_text("#targets") for i in range(3))
    page.locator("#targets tbody tr").first.locator("button.make-lead").click()
    page.wait_for_selector("#project-stage")
    project = Project.objects.get()
    assert project.node == "nev.motor"
    page.select_option("#move-form select[name=stage]", "contact")
    page.click("#move-form button[type=submit]")
    page.wait_for_selector(".msg.error, .toast, h1")
    assert Project.objects.get().stage.key == "lead"  # contact needs the first-visit date
    page.click("#edit-project")
    page.fill("#id_first_visit_on", "2026-11-20")
    page.click("#save-project")
    page.wait_for_selector("#move-form")
    page.select_option("#move-form select[name=stage]", "contact")
    page.click("#move-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#project-stage').innerText.includes('接洽')"
    )
    page.goto(page.base_url + "/investment/analytics/")
    table = page.inner_text(".funnel-table")
    assert "接洽\t1" in table or "接洽 1" in table
    page.goto(page.base_url + "/investment/")
    assert page.locator("#col-contact [data-project]").count() == 1


@pytest.mark.parametrize("width", [1366, 1440])
def test_the_board_shows_every_stage_column_on_one_screen(browser, live_server, width) -> None:  # type: ignore[no-untyped-def]
    from corridor.investment import services

    ana = user_with_role("investment_analyst", "ana")
    for i in range(6):
        services.create_project(
            EnterpriseFactory(
                is_local=False, name=f"名字相当长的外地新能源汽车零部件企业{i}有限公司"
            ),
            ana,
            {"investment_amount": 120000 + i},
        )
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        sign_in(page, "ana")
        page.goto(page.base_url + "/investment/")
        heads = page.locator(".board-col .board-head")
        assert heads.count() == 10  # every stage, on hold and lost included
        for i in range(heads.count()):
            box = heads.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, i
        overflow = page.evaluate(
            "() => { const b = document.querySelector('.board');"
            " return [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth]; }"
        )
        assert overflow[0] <= overflow[1] and overflow[2] <= width, overflow
    finally:
        context.close()


def test_a_referral_is_created_by_hand_with_the_pickers(page) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(name="苏州引荐电驱动有限公司", is_local=False, city="苏州市")
    user_with_role("investment_analyst", "ana")
    sign_in(page, "ana")
    page.goto(page.base_url + "/investment/")
    page.click("#new-project")
    page.fill("#target-search", "引荐电驱")
    page.locator("#target-results input[type=radio]").first.check()
    page.select_option("#id_chain", "nev")
    # the node list narrows to the chosen chain's nodes, shown by name
    shown = page.eval_on_selector_all(
        "#id_node option[data-chain]:not([hidden])", "os => os.map(o => o.dataset.chain)"
    )
    assert shown and set(shown) == {"nev"}
    page.select_option("#id_node", "nev.motor")
    page.fill("#id_referred_by", "市商务局")
    page.click("#save-project")
    page.wait_for_selector("#project-stage")
    project = Project.objects.get()
    assert (project.target.name, project.node, project.referred_by) == (
        "苏州引荐电驱动有限公司",
        "nev.motor",
        "市商务局",
    )
    assert "驱动电机" in page.inner_text(".kv")  # the node by name
