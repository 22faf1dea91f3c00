"""Atlas pages, export, API and CLI, exercised through the real web layer and database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from corridor.atlas import selectors, services
from corridor.atlas.models import Chain, LinkStatus, NodeLink
from tests.factories import EnterpriseFactory, user_with_role

pytestmark = pytest.mark.django_db

BATTERY = "锂离子电池制造；动力电池研发；电池零配件生产"
MOTOR = "驱动电机制造；新能源汽车驱动电机研发"


def _national(n_cities: int = 6) -> None:
    """A small national registry: cities specialise in different nodes."""
    scopes = [BATTERY, MOTOR, "铝合金型材制造；铝合金压铸件生产", "角磨机制造；电锤生产"]
    for c in range(n_cities):
        for k in range(4):
            EnterpriseFactory(
                is_local=False,
                city_code=f"3{c:02d}100",
                city=f"城市{c}",
                county_code=f"3{c:02d}102",
                business_scope=scopes[(c + k) % 4] if k < 3 else scopes[c % 4],
            )


@pytest.fixture
def analyst_client() -> Client:
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    return client


@pytest.fixture
def atlas_data() -> dict[str, object]:
    _national()
    local = EnterpriseFactory(
        name="婺城某某电池有限公司", business_scope=BATTERY, latest_revenue=8000
    )
    EnterpriseFactory(business_scope=MOTOR)
    services.classify_registry()
    return {"local": local}


def test_chain_pages_show_graph_weak_links_and_node_panel(
    analyst_client: Client, atlas_data
) -> None:  # type: ignore[no-untyped-def]
    page = analyst_client.get("/atlas/")
    assert page.status_code == 200
    assert "chain-nev" in page.content.decode()
    chain = analyst_client.get("/atlas/nev/").content.decode()
    assert 'id="chain-graph-data"' in chain and "nev.battery" in chain
    assert "weak-table" in chain
    panel = analyst_client.get("/atlas/node/nev.battery/", HTTP_HX_REQUEST="true").content.decode()
    assert "婺城某某电池有限公司" in panel
    assert "<html" not in panel  # a partial for HTMX


def test_weak_links_export_is_a_ranked_workbook(analyst_client: Client, atlas_data) -> None:  # type: ignore[no-untyped-def]
    response = analyst_client.get("/atlas/nev/weak-links.xlsx?w_lq=0")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    scores = [r[4] for r in rows[1:] if r[4] is not None]  # nodes with no data have none
    assert len(rows) - 1 == len(
        [
            n
            for n in selectors.current_definition(Chain.objects.get(key="nev"))["nodes"]
            if not n.get("parent")
        ]
    )
    assert scores == sorted(scores, reverse=True)
    assert [r[4] for r in rows[1 : len(scores) + 1]] == scores  # the unscored nodes come last
    method = [r[0] for r in book.worksheets[1].iter_rows(values_only=True) if r[0]]
    assert any("Σ" in str(line) for line in method)


def test_relatedness_page_scatter_and_opportunities(analyst_client: Client, atlas_data) -> None:  # type: ignore[no-untyped-def]
    body = analyst_client.get(
        "/atlas/relatedness/?preset=long_jump&peers=zhejiang"
    ).content.decode()
    assert 'id="scatter-data"' in body and 'id="opportunities"' in body
    assert analyst_client.get("/atlas/relatedness/?preset=<script>&peers=x").status_code == 200


def test_review_queue_decision_by_htmx_and_enterprise_panel(
    analyst_client: Client, atlas_data
) -> None:  # type: ignore[no-untyped-def]
    local = atlas_data["local"]
    response = analyst_client.post(
        f"/atlas/enterprise/{local.pk}/decide/",
        {"node": "nev.battery", "status": "rejected", "note": "pack assembler only"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "decided-" in response.content.decode()
    link = NodeLink.objects.get(enterprise=local, node="nev.battery")
    assert link.status == LinkStatus.REJECTED
    panel = analyst_client.get(f"/atlas/enterprise/{local.pk}/").content.decode()
    assert "pack assembler only" in panel
    assert analyst_client.get("/atlas/review/?status=rejected&scope=all").status_code == 200
    bad = analyst_client.post(
        f"/atlas/enterprise/{local.pk}/decide/", {"node": "nev.battery", "status": "maybe"}
    )
    assert bad.status_code == 400


def test_admin_edits_a_node_in_the_ui(atlas_data) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user_with_role("administrator"))
    chain = Chain.objects.get(key="sb")
    version = chain.current_version
    form = {
        "id": "sb.enzymes",
        "original_id": "",
        "parent": "",
        "name_zh": "工业酶",
        "name_en": "Industrial enzymes",
        "stage": "midstream",
        "terms": "工业酶制剂\n饲料用酶",
        "save_node": "1",
    }
    response = client.post("/atlas/sb/edit/", form)
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.current_version == version + 1
    clash = dict(form, id="sb.tools")  # an existing id cannot be reused by a new node
    assert client.post("/atlas/sb/edit/", clash).status_code == 200
    chain.refresh_from_db()
    assert chain.current_version == version + 1
    analyst = Client()
    analyst.force_login(user_with_role("investment_analyst"))
    assert analyst.get("/atlas/sb/edit/").status_code == 403


def test_api_classify_and_weak_links(analyst_client: Client, atlas_data) -> None:  # type: ignore[no-untyped-def]
    response = analyst_client.post(
        "/api/v1/atlas/classify",
        {"name": "某某电池有限公司", "scope": BATTERY},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "nev.battery" in response.json()["labels"]
    weak = analyst_client.get("/api/v1/atlas/chains/nev/weak-links").json()
    scored = [w["score"] for w in weak if w["verdict"] == "scored"]
    assert scored and scored[0] >= scored[-1]
    too_long = analyst_client.post(
        "/api/v1/atlas/classify", {"scope": "电" * 20001}, content_type="application/json"
    )
    assert too_long.status_code == 422


def test_classify_command_with_good_and_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"name": "某某电池有限公司", "scope": BATTERY, "id": 7}, ensure_ascii=False),
        "not json",
        json.dumps({"name": "某某餐饮有限公司", "scope": "餐饮服务"}, ensure_ascii=False),
        json.dumps([1, 2]),
        json.dumps({"name": {"zh": "x"}}),
        "",
        json.dumps({"products": ["动力电池", "电池包"]}, ensure_ascii=False),
    ]
    source.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("classify", input=str(source), output=str(out), stdout=stdout, stderr=stderr)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in records] == [7, None, None]  # extra fields pass through
    assert "nev.battery" in records[0]["labels"] and records[1]["labels"] == []
    assert records[0]["evidence"] and all("phrase" in e for e in records[0]["evidence"])
    assert "3 lines skipped" in stdout.getvalue()
    assert "line 2: not JSON" in stderr.getvalue() and "line 5: field 'name'" in stderr.getvalue()
    with pytest.raises(CommandError, match="line 2"):
        call_command(
            "classify",
            input=str(source),
            output=str(tmp_path / "o2.jsonl"),
            strict=True,
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "o2.jsonl").exists()
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes(json.dumps({"name": "电池"}, ensure_ascii=False).encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command(
            "classify", input=str(gbk), output=str(tmp_path / "o3.jsonl"), stderr=io.StringIO()
        )


def test_atlas_gaps_command_prints_the_ranking(atlas_data) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("atlas", "gaps", "--chain", "nev", stdout=out)
    text = out.getvalue()
    assert "nev.battery" in text and "weak-links-1" in text
    rows = [line for line in text.splitlines() if line[:2].strip().isdigit()]
    unscored = [line for line in text.splitlines() if "[no_data]" in line]
    assert len(rows) + len(unscored) == 13 and rows and unscored
    assert text.index(rows[-1]) < text.index(unscored[0])  # scored nodes first
    with pytest.raises(CommandError):
        call_command("atlas", "gaps", "--chain", "zz", stdout=io.StringIO())
    with pytest.raises(CommandError, match="non-negative"):
        call_command("atlas", "gaps", "--chain", "nev", "--w-lq", "-1", stdout=io.StringIO())


def test_retraining_from_the_page(analyst_client: Client, atlas_data) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.models import LearnedModel

    response = analyst_client.post("/atlas/retrain/", follow=True)
    assert "尚无人工审核结果" in response.content.decode()  # the message, in the default language
    assert not LearnedModel.objects.exists()
    services.decide_link(atlas_data["local"], "nev.battery", LinkStatus.CONFIRMED, None)
    analyst_client.post("/atlas/retrain/")
    model = LearnedModel.objects.get()
    assert model.decisions == 1
    assert model.version in analyst_client.get("/atlas/").content.decode()
