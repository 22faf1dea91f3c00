"""Fixtures the investment tests share."""

from __future__ import annotations

import pytest

from tests.factories import EnterpriseFactory, FactsFactory, user_with_role

BATTERY = "锂离子电池制造；动力电池研发；电池零配件生产"


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    """An investment analyst (a module that needs a signed-in client defines its own)."""
    return user_with_role("investment_analyst", "ana")


def battery_makers_client(username: str):  # type: ignore[no-untyped-def]
    """Six battery makers outside the district and one inside, classified; a signed-in analyst's
    client (the pool tests' shared world)."""
    from django.test import Client

    from corridor.atlas import services as atlas_services

    for i in range(6):
        ent = EnterpriseFactory(
            name=f"外地电池{i}有限公司",
            is_local=False,
            city_code="320400",
            province_code="320000",
            business_scope=BATTERY,
            latest_revenue=1000 + i,
        )
        FactsFactory(enterprise=ent, year=2024, revenue=1000 + i, employees=50)
    EnterpriseFactory(name="婺城电池有限公司", business_scope=BATTERY)
    atlas_services.classify_registry()
    client = Client()
    client.force_login(user_with_role("investment_analyst", username))
    return client
