"""The review queue keeps automatic links on top-level nodes with a database filter, not a regex.

On SQLite Django evaluates `node__regex` by calling Python's re for every row (a REGEXP function);
the queue now filters `node IN` the atlas's top-level nodes, which the node index serves.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.atlas import selectors
from corridor.atlas.models import NodeLink
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db


def _links(count: int, start: int = 0) -> None:
    sub = next(
        n for n, node in selectors.node_index().items() if node.parent == "nev.battery"
    )  # a node under a top-level node
    for i in range(start, start + count):
        ent = EnterpriseFactory(name=f"待审电池{i}有限公司", latest_revenue=100 + i)
        for node in ("nev.battery", sub):
            NodeLink.objects.create(
                enterprise=ent,
                node=node,
                chain="nev",
                confidence=0.5,
                rule_confidence=0.5,
                classifier_version="test",
            )


def _page_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/atlas/review/?scope=all").status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_queue_holds_top_level_links_only() -> None:
    _links(3)
    queue = list(selectors.review_queue("auto", "", local_only=False))
    assert len(queue) == 3 and {link.node for link in queue} == {"nev.battery"}


def test_the_review_page_filters_in_the_database_with_a_fixed_number_of_queries() -> None:
    client = Client()
    client.force_login(user_with_role("investment_analyst", "reviewer"))
    _links(3)
    few = _page_queries(client)
    assert not [sql for sql in few if "REGEXP" in sql.upper()]
    assert any('"node" IN (' in sql for sql in few)  # the top-level nodes, named in the query
    _links(27, start=3)
    many = _page_queries(client)
    assert len(many) == len(few)  # nothing is read per row
    assert "待审电池29有限公司" in client.get("/atlas/review/?scope=all").content.decode()
