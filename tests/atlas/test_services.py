"""Atlas services: packaged chains and versions, classification runs, decisions, weak links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from corridor.accounts.models import AuditEvent
from corridor.atlas import chains as packaged
from corridor.atlas import selectors, services
from corridor.atlas.models import Chain, ChainVersion, LinkStatus, NodeLink
from corridor.errors import ValidationFailed
from corridor.registry.models import TitleKind
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role

BATTERY_MAKER = "锂离子电池制造；动力电池研发；电池零配件生产；技术服务、技术开发"
DEALER = "汽车新车销售；汽车零配件零售；机动车修理和维护；二手车经纪"
RESTAURANT = "餐饮服务；食品销售；外卖递送服务"

pytestmark = pytest.mark.django_db


def test_packaged_chains_are_loaded_with_every_required_node() -> None:
    keys = list(Chain.objects.values_list("key", flat=True))
    assert keys == list(packaged.CHAIN_ORDER)
    nodes = selectors.node_index()
    for chain_key, required in packaged.REQUIRED_NODES.items():
        for node_id in required:
            assert nodes[node_id].chain == chain_key
    assert services.ensure_packaged_chains() == []  # idempotent


def test_an_edit_makes_a_new_version_and_the_package_does_not_overwrite_it() -> None:
    chain = Chain.objects.get(key="pt")
    before = chain.current_version
    admin = user_with_role("administrator")
    node = {
        "id": "pt.laser",
        "name": {"zh": "激光测量工具", "en": "Laser measuring tools"},
        "stage": "downstream",
        "terms": ["激光测距仪", "激光水平仪"],
    }
    version = services.save_node(chain, node, admin)
    chain.refresh_from_db()
    assert version.number == before + 1 == chain.current_version
    assert version.source == ChainVersion.Source.EDIT
    assert selectors.node_index()["pt.laser"].terms == ("激光测距仪", "激光水平仪")
    assert services.ensure_packaged_chains() == []
    chain.refresh_from_db()
    assert chain.current_version == before + 1
    assert AuditEvent.objects.filter(target_type="atlas.chain", target_id=str(chain.pk)).exists()


def test_an_invalid_edit_is_refused_and_changes_nothing() -> None:
    chain = Chain.objects.get(key="lm")
    before = chain.versions.count()
    with pytest.raises(ValidationFailed, match="stage"):
        services.save_node(
            chain, {"id": "lm.xyz", "name": {"zh": "x", "en": "x"}, "stage": "sideways"}, None
        )
    with pytest.raises(ValidationFailed, match="edge end|cross edge"):
        services.set_edge(chain, "lm.aluminium", "lm.nowhere", True, None)
    assert chain.versions.count() == before


def test_edges_can_be_added_and_removed() -> None:
    chain = Chain.objects.get(key="nev")
    services.set_edge(chain, "nev.charging", "nev.aftermarket", True, None)
    assert ("nev.charging", "nev.aftermarket") in {
        (e.source, e.target) for e in selectors.definition_of(Chain.objects.get(key="nev")).edges
    }
    services.set_edge(Chain.objects.get(key="nev"), "nev.charging", "nev.aftermarket", False, None)
    assert ("nev.charging", "nev.aftermarket") not in {
        (e.source, e.target) for e in selectors.definition_of(Chain.objects.get(key="nev")).edges
    }


def test_classification_places_makers_and_not_dealers_and_records_the_version() -> None:
    maker = EnterpriseFactory(name="金华某某新能源科技有限公司", business_scope=BATTERY_MAKER)
    dealer = EnterpriseFactory(name="金华某某汽车销售服务有限公司", business_scope=DEALER)
    other = EnterpriseFactory(name="金华某某餐饮管理有限公司", business_scope=RESTAURANT)
    run = services.classify_registry()
    assert run.status == "done" and run.enterprises == 3
    maker_nodes = set(
        NodeLink.objects.filter(enterprise=maker, effective=True).values_list("node", flat=True)
    )
    assert "nev.battery" in maker_nodes
    assert not NodeLink.objects.filter(enterprise__in=[dealer, other], effective=True).exists()
    link = NodeLink.objects.get(enterprise=maker, node="nev.battery")
    assert link.classifier_version == run.classifier_version
    assert "nev@" in link.classifier_version
    assert any(e["phrase"] for e in link.evidence)


def test_decisions_survive_later_runs_and_are_audited() -> None:
    maker = EnterpriseFactory(business_scope=BATTERY_MAKER)
    services.classify_registry()
    analyst = user_with_role("investment_analyst")
    services.decide_link(maker, "nev.battery", LinkStatus.REJECTED, analyst, "makes only cases")
    services.decide_link(maker, "lm.aluminium", LinkStatus.CONFIRMED, analyst)
    run = services.classify_registry()
    assert run.kept_decisions >= 1
    rejected = NodeLink.objects.get(enterprise=maker, node="nev.battery")
    assert rejected.status == LinkStatus.REJECTED and not rejected.effective
    assert rejected.note == "makes only cases" and rejected.decided_by == analyst
    confirmed = NodeLink.objects.get(enterprise=maker, node="lm.aluminium")
    assert confirmed.status == LinkStatus.CONFIRMED and confirmed.effective
    assert AuditEvent.objects.filter(target_type="atlas.nodelink").count() == 2


def test_a_decision_on_an_unknown_node_or_status_is_refused() -> None:
    ent = EnterpriseFactory()
    with pytest.raises(ValidationFailed):
        services.decide_link(ent, "nev.nowhere", LinkStatus.CONFIRMED, None)
    with pytest.raises(ValidationFailed):
        services.decide_link(ent, "nev.battery", "auto", None)
    assert not NodeLink.objects.filter(enterprise=ent).exists()


def test_weak_links_rank_empty_nodes_above_populated_ones_and_parts_add_up() -> None:
    """A node with no local enterprise but makers elsewhere is a gap (weaker than a populated one);
    a node with none anywhere has no data to judge and is not scored."""
    for i in range(3):
        ent = EnterpriseFactory(business_scope=BATTERY_MAKER, latest_revenue=5000 + i)
        FactsFactory(enterprise=ent)
    EnterpriseFactory(
        is_local=False,
        city_code="320500",
        business_scope="汽车空调压缩机制造；汽车热管理系统研发；电动压缩机生产",
    )
    services.decide_link(EnterpriseFactory(), "nev.vehicle", LinkStatus.CONFIRMED, None)
    services.classify_registry()
    ranked = selectors.weak_links(Chain.objects.get(key="nev"))
    scores = {r["node"].id: r["result"].score for r in ranked}
    assert scores["nev.thermal"] is not None, "the external thermal maker makes the node observable"
    assert scores["nev.battery"] < scores["nev.thermal"]
    assert scores["nev.charging"] is None  # nobody anywhere: no data to judge
    judged = [r for r in ranked if r["result"].judged]
    assert ranked[: len(judged)] == judged
    for r in judged:
        assert r["result"].score == pytest.approx(
            sum(p.contribution for p in r["result"].parts), abs=0.01
        )
    battery = next(r for r in ranked if r["node"].id == "nev.battery")
    assert battery["facts"].enterprises == 3


def test_retraining_uses_decisions_and_needs_some() -> None:
    from corridor.errors import Conflict

    with pytest.raises(Conflict):
        services.retrain_model(None)
    ent = EnterpriseFactory(business_scope=BATTERY_MAKER)
    services.decide_link(ent, "nev.battery", LinkStatus.CONFIRMED, None)
    model = services.retrain_model(None)
    assert model.decisions == 1 and model.trained_on > 100
    assert selectors.live_classifier().model.version == model.version


def test_editing_a_node_keeps_what_the_editor_does_not_show() -> None:
    chain = Chain.objects.get(key="pt")
    channel = next(
        n for n in selectors.current_definition(chain)["nodes"] if n["id"] == "pt.channel"
    )
    assert channel.get("counts_trade") is True
    edited = {k: channel[k] for k in ("id", "name", "stage", "description")} | {
        "terms": ["电动工具品牌运营"]
    }
    services.save_node(chain, edited, None)
    assert selectors.node_index()["pt.channel"].counts_trade
    assert selectors.node_index()["pt.channel"].terms == ("电动工具品牌运营",)


def test_node_panel_counts_only_titles_in_force_today() -> None:
    """A title issued after today, or expired before it, is not counted on the node panel."""
    today = timezone.localdate()
    maker = EnterpriseFactory(name="金华某某电池科技有限公司", business_scope=BATTERY_MAKER)
    services.classify_registry()
    node = NodeLink.objects.filter(enterprise=maker).values_list("node", flat=True).first()
    assert node
    TitleFactory(enterprise=maker, title="high_tech", issued_on=today + dt.timedelta(days=1))
    TitleFactory(enterprise=maker, title="tech_sme", expires_on=today - dt.timedelta(days=1))
    assert selectors.node_detail(node)["title_counts"] == []
    TitleFactory(enterprise=maker, title="little_giant", issued_on=today, expires_on=today)
    labels = [label for label, _ in selectors.node_detail(node)["title_counts"]]
    assert labels == [TitleKind.LITTLE_GIANT.label]
