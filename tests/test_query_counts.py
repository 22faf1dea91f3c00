"""Query-count baseline of the main pages (like NetBox's): a page that starts issuing more queries,
or whose count grows with the number of rows (an N+1), fails here.

Each page is requested as the role that uses it, once to warm the caches and then measured; the
same pages are measured again after the registry has grown from N to 3N rows (reclassified), and
both counts must equal the recorded baseline. Raise a baseline only for a reason you can name.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.atlas import services as atlas_services
from corridor.qualify import services as qualify_services
from corridor.registry.bulk import refresh_latest_facts
from corridor.registry.models import Enterprise
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role

pytestmark = pytest.mark.django_db

SCOPES = [
    "锂离子电池制造；动力电池研发；电池零配件生产",
    "驱动电机制造；新能源汽车驱动电机研发",
    "铝合金型材制造；铝合金压铸件生产",
    "角磨机制造；电锤生产",
]

# page → (role, queries of a warm request). Session, user and permissions are 4 of them.
# Home: its figures are read from the cache under the registry and atlas stamps (the stamps' small
# reads are most of its queries). Atlas and targets pages: the atlas stamp includes the last audit
# event on an atlas record; figures kept in the worker's memory under the stamps are not re-read
# (the node page's neighbours and title counts: 31 -> 14).
BASELINE: dict[str, tuple[str, int]] = {
    "/": ("leader", 12),
    "/registry/": ("technology_officer", 9),
    "/registry/?locality=all&q=有限&size=small&title=high_tech&page=2": (
        "technology_officer",
        9,
    ),
    "/registry/{ent}/": ("technology_officer", 13),
    "/atlas/nev/": ("investment_analyst", 14),
    "/atlas/node/nev.battery/": ("investment_analyst", 14),
    "/investment/targets/?node=nev.battery": ("investment_analyst", 16),
    "/investment/targets/?chain=nev": ("investment_analyst", 16),
    "/investment/analytics/": ("investment_analyst", 13),
    # qualify: the enterprise page reads the record (with its titles, tags, IP, platforms), the
    # stored policy versions' stamp, the five registry reads of the input adapter, the assessments
    "/qualify/": ("technology_officer", 9),
    "/qualify/numbers/": ("technology_officer", 8),
    "/qualify/enterprise/{ent}/": ("technology_officer", 19),
    # lists: + the lists' history, + the chain nodes of the filter (atlas node index: 2)
    "/qualify/lists/high_tech/near/": ("technology_officer", 11),
    "/qualify/lists/high_tech/qualified/": ("technology_officer", 11),
}


def _grow(n: int, start: int) -> None:
    """n more enterprises: a tenth local, each with two years of facts, every third titled."""
    for i in range(start, start + n):
        ent = EnterpriseFactory(
            name=f"样本{i:04d}有限公司",
            is_local=i % 10 == 0,
            city_code=f"3{i % 7:02d}100",
            city=f"城市{i % 7}",
            county_code="330702" if i % 10 == 0 else f"3{i % 7:02d}102",
            business_scope=SCOPES[i % 4],
        )
        FactsFactory(enterprise=ent, year=2023, revenue=900 + i, employees=20 + i % 30)
        FactsFactory(enterprise=ent, year=2024, revenue=1000 + i, employees=25 + i % 30)
        if i % 3 == 0:
            TitleFactory(
                enterprise=ent,
                title="high_tech",
                issued_on=dt.date(2023, 1, 1),
                expires_on=dt.date(2099, 1, 1),
            )
    refresh_latest_facts(list(Enterprise.objects.values_list("pk", flat=True)))
    atlas_services.classify_registry()
    qualify_services.evaluate_enterprises(None, dt.date.today())


def _counts(clients: dict[str, Client], ent: int) -> dict[str, int]:
    out = {}
    for page, (role, _baseline) in BASELINE.items():
        url = page.format(ent=ent)
        clients[role].get(url)  # warm: caches built by the first request are not counted
        with CaptureQueriesContext(connection) as ctx:
            response = clients[role].get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[page] = len(ctx.captured_queries)
    return out


def test_main_pages_keep_their_query_count_as_rows_triple() -> None:
    clients = {}
    for role in {role for role, _ in BASELINE.values()}:
        clients[role] = Client()
        clients[role].force_login(user_with_role(role, f"q-{role}"))
    n = 12
    _grow(n, 0)
    ent = Enterprise.objects.filter(is_local=True).order_by("pk").first().pk  # type: ignore[union-attr]
    small = _counts(clients, ent)
    _grow(2 * n, n)
    large = _counts(clients, ent)
    expected = {page: baseline for page, (_role, baseline) in BASELINE.items()}
    assert small == expected, "query counts changed on N rows"
    assert large == expected, "query counts grow with the number of rows"
