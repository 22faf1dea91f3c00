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
    assert body.count("<details>") == 6  # every figure carries its explanation
    assert "2022–2024" in body
