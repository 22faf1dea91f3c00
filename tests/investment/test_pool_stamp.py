"""The target pool and the map stay cached across changes that are not their inputs.

Building the candidate pool of a whole chain reads every external enterprise on it with its facts
and titles (5-10 s on the national demo), so it is kept under the atlas stamp. That stamp used to
include the id of the last audit event of any kind, so moving a project or editing a user threw the
pool away; now only changes to registry or atlas records (and runs, decisions, imports) move it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.accounts.services import record_audit
from corridor.atlas import selectors as atlas
from corridor.registry import services as registry_services
from tests.factories import EnterpriseFactory, user_with_role
from tests.investment.conftest import battery_makers_client

pytestmark = pytest.mark.django_db

PAGES = ("/investment/targets/?chain=nev", "/investment/map/?chain=nev")


@pytest.fixture
def analyst() -> Client:
    return battery_makers_client("pool-analyst")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_an_audit_event_on_another_apps_record_keeps_the_pool(analyst) -> None:  # type: ignore[no-untyped-def]
    for url in PAGES:
        analyst.get(url)  # builds the pool and the map payload
    warm = {url: _queries(analyst, url) for url in PAGES}
    stamp = atlas.atlas_stamp()
    someone = user_with_role("leader", "pool-leader")
    record_audit(someone, "update", someone, {"first_name": ""}, {"first_name": "王"})
    assert atlas.atlas_stamp() == stamp
    assert {url: _queries(analyst, url) for url in PAGES} == warm  # nothing rebuilt


def test_an_enterprise_edit_moves_the_stamp_and_rebuilds(analyst) -> None:  # type: ignore[no-untyped-def]
    url = PAGES[0]
    analyst.get(url)
    warm = _queries(analyst, url)
    stamp = atlas.atlas_stamp()
    ent = EnterpriseFactory._meta.model.objects.get(name="外地电池0有限公司")
    registry_services.update_enterprise(ent, {"status": "cancelled"}, None)
    assert atlas.atlas_stamp() != stamp
    assert _queries(analyst, url) > warm  # the pool was read again
