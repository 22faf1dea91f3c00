"""Every edit form, opened and saved unchanged in Chromium, changes nothing and writes no history.

The edit forms of the app: the enterprise form (registry), the project form (investment), and the
chain editor's node form and chain-chief/anchors form (atlas). The edge form is an action (add or
remove one edge), not an edit of a record, so it is not saved unchanged here. Dates are included
(the defect of issue 9: in Chinese an unchanged save erased them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from corridor.accounts.models import AuditEvent
from tests.browser.conftest import sign_in
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    from corridor.atlas import selectors as atlas
    from corridor.investment import services as investment
    from corridor.investment.models import Project
    from corridor.parks.models import Park

    user = user_with_role("administrator", "root")
    park = Park.objects.create(name="婺城科创园", kind="science_park")
    ent = EnterpriseFactory(
        name="婺城精密电机有限公司",
        legal_form="有限责任公司",
        established_on=dt.date(2009, 8, 6),
        registered_capital=Decimal("1234.56"),
        address="浙江省金华市婺城区城北街道 1 号",
        industry_code="C3811",
        business_scope="一般项目：电机制造；\n技术服务。",
        main_products="微电机",
        park=park,
        latitude=29.08,
        longitude=119.65,
    )
    target = EnterpriseFactory(name="宁波外地电池有限公司", is_local=False)
    chain = atlas.chains().first()
    node = atlas.definition_of(chain).nodes[0]
    project = investment.create_project(
        target,
        user,
        {
            "name": "电池项目",
            "chain": chain.key,
            "node": node.id,
            "investment_amount": Decimal("50000"),
            "expected_output": Decimal("80000"),
            "expected_jobs": 300,
            "land_mu": Decimal("120.5"),
            "next_step": "第二轮洽谈",
        },
    )
    Project.objects.filter(pk=project.pk).update(  # every date field and the referral fields too
        next_follow_up=dt.date(2026, 3, 5),
        first_visit_on=dt.date(2025, 11, 20),
        production_on=dt.date(2026, 1, 8),
        full_output_on=dt.date(2026, 9, 30),
        source_channel="referral",
        referred_by="区商务局 王科长",
    )
    chain.leader_name = "张三"
    chain.leader_title = "区长"
    chain.save()
    chain.anchors.add(ent)
    return {"user": user, "enterprise": ent, "project": project, "chain": chain, "node": node.id}


def _snapshot(r: dict[str, Any]) -> dict[str, Any]:
    from corridor.atlas import selectors as atlas
    from corridor.atlas.models import Chain
    from corridor.investment.models import Project
    from corridor.registry.models import Enterprise

    chain = Chain.objects.get(pk=r["chain"].pk)
    return {
        "enterprise": model_to_dict(Enterprise.objects.get(pk=r["enterprise"].pk)),
        "project": model_to_dict(Project.objects.get(pk=r["project"].pk)),
        "chain": {
            "version": chain.current_version,
            "definition": atlas.current_definition(chain),
            "leader": (chain.leader_name, chain.leader_title),
            "anchors": sorted(chain.anchors.values_list("pk", flat=True)),
        },
        "history": AuditEvent.objects.count(),
    }


FORMS = [
    ("enterprise", "/registry/{e}/edit/", "#enterprise-form button[type=submit]"),
    ("project", "/investment/projects/{p}/edit/", "#project-form button[type=submit]"),
    ("chain node", "/atlas/{c}/edit/?node={n}", "#save-node"),
    ("chain owners", "/atlas/{c}/edit/", "#owners-form button[type=submit]"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_edit_form_saved_unchanged_changes_nothing(page, records, language) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    sign_in(page, "root")
    r = records
    for label, url, submit in FORMS:
        before = _snapshot(r)
        path = url.format(e=r["enterprise"].pk, p=r["project"].pk, c=r["chain"].key, n=r["node"])
        page.goto(page.base_url + path)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(submit)
        assert posted.value.status == 302, (
            f"{label} ({language}) refused: {posted.value.text()[:3000]}"
        )
        page.wait_for_load_state()
        after = _snapshot(r)
        for part in ("enterprise", "project", "chain"):
            assert after[part] == before[part], f"{label} ({language}) changed the {part}"
        assert after["history"] == before["history"], f"{label} ({language}) wrote history"
