"""Atlas pages show names, never internal ids (issue 9): node ids like nev.battery and classifier
version strings like 'lh@2,…;model-ab12' appear only in links and tooltips, never as visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from corridor.atlas import services
from corridor.atlas.models import NodeLink
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db

NODE_ID = re.compile(r"\b(?:nev|pt|lm|lh|sb)\.[a-z_]+\b")
VERSION_ID = re.compile(r"model-[0-9a-f]{6,}|[a-z]{2,3}@\d")


class _Visible(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.titles: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.titles += [v or "" for k, v in attrs if k == "title"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> tuple[str, list[str]]:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts), parser.titles


@pytest.fixture
def client_and_enterprise() -> tuple[Client, int]:
    for c in range(4):
        EnterpriseFactory(
            is_local=False,
            city_code=f"3{c:02d}100",
            business_scope="锂离子电池制造；动力电池研发" if c % 2 else "角磨机制造；电锤生产",
        )
    local = EnterpriseFactory(
        name="婺城某某电池有限公司", business_scope="锂离子电池制造；动力电池研发；电池零配件生产"
    )
    EnterpriseFactory(business_scope="驱动电机制造；新能源汽车驱动电机研发")
    services.classify_registry()
    assert NodeLink.objects.filter(enterprise=local).exists()
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    return client, local.pk


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_atlas_pages_show_node_names_not_ids(client_and_enterprise, language: str) -> None:  # type: ignore[no-untyped-def]
    client, pk = client_and_enterprise
    pages = [
        "/atlas/",
        "/atlas/nev/",
        "/atlas/pt/",
        "/atlas/node/nev.battery/",
        "/atlas/review/?scope=all",
        f"/atlas/enterprise/{pk}/",
        "/atlas/relatedness/",
        f"/registry/{pk}/",
    ]
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        text, _titles = _visible(response.content.decode())
        assert not NODE_ID.findall(text), (url, NODE_ID.findall(text)[:5])


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "学习模型"), ("en", "learned model")])
def test_classifier_versions_read_as_words_with_the_raw_id_in_a_tooltip(
    client_and_enterprise, language: str, words: str
) -> None:  # type: ignore[no-untyped-def]
    client, pk = client_and_enterprise
    raw = NodeLink.objects.filter(enterprise_id=pk).first().classifier_version  # type: ignore[union-attr]
    assert VERSION_ID.search(raw)
    for url in (f"/atlas/enterprise/{pk}/", "/atlas/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        text, titles = _visible(html)
        assert not VERSION_ID.search(text), (url, VERSION_ID.findall(text)[:3])
        assert words in text.lower() if language == "en" else words in text, url
        assert any(VERSION_ID.search(t) for t in titles), "the raw id stays available on hover"


def test_the_chain_graph_names_other_chains_by_name(client_and_enterprise) -> None:  # type: ignore[no-untyped-def]
    import json

    client, _pk = client_and_enterprise
    html = client.get("/atlas/pt/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    raw = html.split('id="chain-graph-data" type="application/json">', 1)[1].split("</script>", 1)[
        0
    ]
    names = [d["name"] for d in json.loads(raw)["series"][0]["data"]]
    assert names and not [n for n in names if re.search(r"\((?:nev|pt|lm|lh|sb)\)", n)]
    assert any("新能源汽车及零部件" in n or "轻量化新材料" in n for n in names)  # cross-chain nodes
