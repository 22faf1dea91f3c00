"""Headline figures are computed from the data and explained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from corridor.registry.bulk import refresh_latest_facts
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role


@pytest.mark.django_db
def test_headlines_count_local_operating_and_titles_in_force() -> None:
    a, b = EnterpriseFactory(), EnterpriseFactory()
    EnterpriseFactory(status="cancelled")
    EnterpriseFactory(is_local=False)
    FactsFactory(enterprise=a, year=2023, revenue=100, employees=10)
    FactsFactory(enterprise=a, year=2024, revenue=250, employees=12)
    FactsFactory(enterprise=b, year=2022, revenue=50, employees=3)
    TitleFactory(
        enterprise=a,
        title="high_tech",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )
    TitleFactory(
        enterprise=b,
        title="high_tech",
        issued_on=dt.date(2010, 1, 1),
        expires_on=dt.date(2013, 1, 1),
    )
    refresh_latest_facts([a.pk, b.pk])
    client = Client()
    client.force_login(user_with_role("leader", "boss"))
    response = client.get("/")
    figures = {h.key: h for h in response.context["headlines"]}
    assert figures["enterprises"].value == 2
    assert figures["high_tech"].value == 1
    assert figures["revenue"].value == 300  # latest year of each: 250 + 50
    assert figures["employees"].value == 15
    body = response.content.decode()
    assert body.count("<details>") == 8  # every figure and both charts carry their explanation
    assert "2022–2024" in body


@pytest.mark.django_db
def test_every_overview_number_opens_exactly_the_records_counted() -> None:
    """Headline figures, the by-year trend and the per-chain chart: the count shown equals the
    count of the registry list its link opens."""
    import re

    from corridor.atlas.models import NodeLink

    a, b, c = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
    closed = EnterpriseFactory(status="cancelled")
    TitleFactory(
        enterprise=closed,
        title="high_tech",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )  # fmt: skip  (not counted, so not listed)
    gone = EnterpriseFactory(is_local=False)
    for e, years in ((a, (2022, 2023)), (b, (2023,)), (c, (2021,)), (gone, (2023,))):
        for y in years:
            FactsFactory(enterprise=e, year=y, revenue=20000, employees=5)
    TitleFactory(enterprise=a, title="high_tech", issued_on=dt.date(2023, 1, 1),
                 expires_on=dt.date(2099, 1, 1))  # fmt: skip
    refresh_latest_facts([a.pk, b.pk, c.pk, gone.pk])
    from corridor.atlas.selectors import chains

    key = chains().first().key
    node = f"{key}01"
    for e in (a, b, gone):
        NodeLink.objects.update_or_create(
            enterprise=e,
            node=node,
            defaults={"chain": key, "confidence": 1, "rule_confidence": 1, "effective": True},
        )
    client = Client()
    client.force_login(user_with_role("leader", "boss"))
    response = client.get("/")
    body = response.content.decode()
    trend = {p.year: p.enterprises for p in response.context["trend"]}
    assert trend == {2021: 1, 2022: 1, 2023: 2}
    per_chain = {p.key: p.enterprises for p in response.context["per_chain"]}
    assert per_chain[key] == 2
    links = re.findall(r'<a class="count-link" href="([^"]+)">([\d,]+)</a>', body)
    links += [
        (f"/registry/{h.link}", f"{h.value:,}")
        for h in response.context["headlines"]
        if h.key in ("enterprises", "above_scale", "high_tech", "tech_sme")
    ]
    assert len(links) >= len(trend) + len(per_chain) + 4
    for href, shown in links:
        listed = client.get(href.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == int(shown.replace(",", "")), href
    assert "4.00 亿元" in body  # 2023: two enterprises × 20,000 万元
