"""A node the registry cannot observe (no enterprise on it locally or nationally) is shown as "no
data to judge" — in the chain page, the graph, the export, the API and the CLI — and never picked as
a weak link (issue 9: 品牌与渠道 ranked #1 with 85.0 on the power-tool chain)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from corridor.atlas import selectors, services
from corridor.atlas.models import Chain
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db

TOOLS = "角磨机制造；电锤生产"
# every power-tool node but 品牌与渠道 (pt.channel) has makers somewhere
SCOPES = [
    "电动工具电机制造",
    "电动工具电池包制造；锂电池组生产",
    "电动工具开关制造；扳机开关生产；电动工具控制器研发",
    "电动工具齿轮制造",
    "电动工具外壳制造；电动工具机壳生产；电动工具注塑件加工",
    TOOLS,
    "割草机制造；园林工具生产；链锯研发",
    "台钻制造",
    "锯片制造",
]


@pytest.fixture
def power_tools() -> None:
    """Power-tool makers in several cities and the district; nobody trades power tools."""
    for c in range(4):
        for k, scope in enumerate(SCOPES):
            if (c + k) % 4 == 3:
                continue  # cities specialise
            EnterpriseFactory(
                is_local=False,
                city_code=f"3{c:02d}100",
                city=f"城市{c}",
                county_code=f"3{c:02d}102",
                business_scope=scope,
            )
    EnterpriseFactory(name="婺城某某工具有限公司", business_scope=TOOLS, latest_revenue=5000)
    services.classify_registry()
    national = selectors.national_picture("pt.channel")
    assert national["total"] == 0 and national["district"] == 0  # the premise of every test here
    others = [n for n in selectors.node_index() if n.startswith("pt.") and n.count(".") == 1]
    missing = [
        n for n in others if n != "pt.channel" and not selectors.national_picture(n)["total"]
    ]
    assert not missing


@pytest.fixture
def analyst() -> Client:
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    return client


def _rows(page: str) -> list[str]:
    body = page.split('id="weak-table"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)[1:]  # past the header row


def test_the_chain_page_lists_an_unobservable_node_last_as_no_data(
    analyst: Client, power_tools: None
) -> None:
    for language, label, why in (
        ("en", "No data to judge", "no enterprise in the national registry"),
        ("zh-hans", "无数据可判断", "全国企业库中没有企业"),
    ):
        page = analyst.get("/atlas/pt/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        rows = _rows(page)
        channel = [i for i, r in enumerate(rows) if "/atlas/node/pt.channel/" in r]
        assert channel, "the node is still listed"
        i = channel[0]
        assert label in rows[i] and why in rows[i].replace("No enterprise", "no enterprise")
        assert "find-targets" not in rows[i]  # its target search can only return nothing
        scored = [r for r in rows if "no-data" not in r.split(">", 1)[0]]
        assert rows[: len(scored)] == scored, "every scored node comes before the no-data ones"
        assert 'class="no-data"' in rows[i].split(">", 1)[0]
        assert "<strong>" not in rows[i]  # no score


def test_the_graph_draws_the_node_as_no_data_not_as_weak(
    analyst: Client, power_tools: None
) -> None:
    page = analyst.get("/atlas/pt/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    raw = page.split('id="chain-graph-data" type="application/json">', 1)[1].split("</script>", 1)[
        0
    ]
    graph = json.loads(raw)
    by_id = {d["id"]: d for d in graph["series"][0]["data"]}
    channel, tools = by_id["pt.channel"], by_id["pt.handheld"]
    assert channel["itemStyle"]["borderType"] == "dashed"
    assert channel["itemStyle"]["color"] != tools["itemStyle"]["color"]
    assert "No data to judge" in channel["label"]["formatter"]
    red = channel["itemStyle"]["color"].lower()
    assert not red.startswith("#dc")  # the weak colour (220, …) is not used for it


def test_export_api_and_cli_say_no_data_and_put_it_last(analyst: Client, power_tools: None) -> None:
    response = analyst.get("/atlas/pt/weak-links.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "Verdict" in header
    last = body[-1]
    assert last[1] == "Brands and channels" or "pt.channel" in last
    verdict = last[header.index("Verdict")]
    assert verdict.startswith("No data to judge") and "national registry" in verdict
    assert last[header.index("Weak-link score")] is None
    scores = [r[header.index("Weak-link score")] for r in body if r is not last]
    assert None not in scores and scores == sorted(scores, reverse=True)
    upstream = [
        r[header.index("Upstream nodes")] for r in body if r[header.index("Upstream nodes")]
    ]
    assert upstream and not any(re.search(r"\b(?:pt|nev|lm)\.[a-z]", u) for u in upstream)
    assert any("Tool motors" in u for u in upstream)  # names, not ids

    api = analyst.get("/api/v1/atlas/chains/pt/weak-links").json()
    assert api[-1]["node"] == "pt.channel"
    assert api[-1]["verdict"] == "no_data" and api[-1]["score"] is None
    assert all(r["verdict"] == "scored" for r in api[:-1])

    out = io.StringIO()
    call_command("atlas", "gaps", "--chain", "pt", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "pt." in line]
    assert "pt.channel" in lines[-1] and "[no_data]" in lines[-1]
    assert "pt.channel" not in " ".join(lines[:-1])


def test_weakest_links_skip_no_data_nodes(power_tools: None) -> None:
    """What picks weak links for investment (the demo's seed projects) never picks a no-data node."""
    chain = Chain.objects.get(key="pt")
    everything = [r["node"].id for r in selectors.weak_links(chain)]
    assert everything[-1] == "pt.channel"
    weakest = [r["node"].id for r in selectors.weakest_links(chain, 20)]
    assert "pt.channel" not in weakest and len(weakest) == len(everything) - 1
    assert weakest == everything[:-1]
