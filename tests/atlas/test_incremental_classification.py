"""Enterprises created, edited, deleted or restored are classified onto the atlas at once."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corridor.atlas import selectors, services
from corridor.atlas.models import ClassificationRun, LinkStatus, NodeLink
from corridor.demo.generator import generate_local
from corridor.registry import services as registry
from corridor.registry.models import Enterprise
from tests.factories import EnterpriseFactory, user_with_role, valid_uscc

BATTERY_MAKER = "锂离子电池制造；动力电池研发；电池零配件生产；技术服务、技术开发"
ALUMINIUM_MAKER = "铝合金型材制造；铝型材加工"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    return user_with_role("administrator")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what registry services leave for after the commit (tests roll back instead)."""

    def run(write, *args: Any, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def _links(ids: list[int] | None = None) -> dict[tuple[int, str], tuple[Any, ...]]:
    """Every stored link (of these enterprises) with what a run writes, not when."""
    qs = NodeLink.objects.all() if ids is None else NodeLink.objects.filter(enterprise_id__in=ids)
    return {
        (link.enterprise_id, link.node): (
            link.chain,
            link.confidence,
            link.rule_confidence,
            link.evidence,
            link.classifier_version,
            link.status,
            link.effective,
            link.note,
            link.decided_by_id,
            link.decided_at,
        )
        for link in qs
    }


def _nodes(enterprise: Enterprise) -> set[str]:
    return set(
        NodeLink.objects.filter(enterprise=enterprise, effective=True).values_list(
            "node", flat=True
        )
    )


def test_a_created_enterprise_is_linked_at_once_with_evidence(admin, committed) -> None:  # type: ignore[no-untyped-def]
    ent = committed(
        registry.create_enterprise,
        {"name": "金华某某新能源科技有限公司", "business_scope": BATTERY_MAKER},
        admin,
    )
    link = NodeLink.objects.get(enterprise=ent, node="nev.battery")
    assert link.status == LinkStatus.AUTO and link.effective
    assert link.classifier_version == selectors.live_classifier_version()
    assert any("电池" in e["phrase"] and e["field"] == "scope" for e in link.evidence)
    run = ClassificationRun.objects.get()
    assert run.scope == ClassificationRun.Scope.ENTERPRISES and run.enterprises == 1
    assert selectors.last_run() is None  # the page's "last run" is a whole-registry run


def test_links_follow_an_edit_of_the_business_scope(admin, committed) -> None:  # type: ignore[no-untyped-def]
    ent = committed(
        registry.create_enterprise,
        {"name": "金华某某制造有限公司", "business_scope": BATTERY_MAKER},
        admin,
    )
    assert _nodes(ent) == {"nev.battery"}
    committed(registry.update_enterprise, ent, {"business_scope": ALUMINIUM_MAKER}, admin)
    assert _nodes(ent) == {"lm.aluminium"}
    assert not NodeLink.objects.filter(enterprise=ent, node="nev.battery").exists()
    runs = ClassificationRun.objects.count()
    committed(registry.update_enterprise, ent, {"business_scope": ALUMINIUM_MAKER}, admin)
    assert ClassificationRun.objects.count() == runs  # nothing changed, nothing announced


def test_decisions_survive_reclassification_exactly_as_in_a_whole_run(admin, committed) -> None:  # type: ignore[no-untyped-def]
    ent = committed(
        registry.create_enterprise,
        {"name": "金华某某科技有限公司", "business_scope": BATTERY_MAKER},
        admin,
    )
    analyst = user_with_role("investment_analyst")
    services.decide_link(ent, "nev.battery", LinkStatus.REJECTED, analyst, "makes only cases")
    services.decide_link(ent, "pt.garden", LinkStatus.CONFIRMED, analyst)
    decided = _links([ent.pk])
    committed(
        registry.update_enterprise,
        ent,
        {"business_scope": BATTERY_MAKER + "；" + ALUMINIUM_MAKER},
        admin,
    )
    after_edit = _links([ent.pk])
    for key in (
        (ent.pk, "nev.battery"),
        (ent.pk, "pt.garden"),
    ):  # untouched, to the decision's time
        assert after_edit[key] == decided[key]
    assert after_edit[(ent.pk, "lm.aluminium")][5] == LinkStatus.AUTO
    run = services.classify_registry()
    assert (
        run.kept_decisions == 1
    )  # the classifier still finds the battery node; the rejection stands
    assert _links([ent.pk]) == after_edit


def test_soft_delete_drops_automatic_links_and_restore_brings_them_back(admin, committed) -> None:  # type: ignore[no-untyped-def]
    ent = committed(
        registry.create_enterprise,
        {"name": "金华某某电池有限公司", "business_scope": BATTERY_MAKER + "；" + ALUMINIUM_MAKER},
        admin,
    )
    services.decide_link(ent, "lm.aluminium", LinkStatus.CONFIRMED, None)
    committed(registry.soft_delete_enterprise, ent, admin)
    remaining = NodeLink.objects.filter(enterprise=ent)
    assert [(link.node, link.status) for link in remaining] == [
        ("lm.aluminium", LinkStatus.CONFIRMED)
    ]
    committed(registry.restore_enterprise, ent.pk, admin)
    assert _nodes(ent) == {"nev.battery", "lm.aluminium"}
    assert NodeLink.objects.get(enterprise=ent, node="nev.battery").status == LinkStatus.AUTO


def test_a_merge_reclassifies_the_kept_record_and_unlinks_the_folded_one(admin, committed) -> None:  # type: ignore[no-untyped-def]
    target = committed(
        registry.create_enterprise, {"name": "金华甲有限公司", "uscc": valid_uscc(99)}, admin
    )
    source = committed(
        registry.create_enterprise, {"name": "金华甲公司", "business_scope": BATTERY_MAKER}, admin
    )
    assert _nodes(target) == set() and _nodes(source) == {"nev.battery"}
    committed(registry.merge_into, source.pk, target.pk, admin)
    assert _nodes(target) == {"nev.battery"}  # the scope filled the target's blank
    assert not NodeLink.objects.filter(enterprise=source).exists()


def _enterprise(**fields: Any) -> Enterprise:
    """An enterprise written without services (as an import's bulk writer would)."""
    return cast(Enterprise, EnterpriseFactory(**fields))


def _generated(count: int) -> list[int]:
    """Enterprises with realistic names and scopes (synthetic), written without services."""
    return [
        _enterprise(name=e.name, business_scope=e.business_scope, main_products=e.main_products).pk
        for e in generate_local(seed=7, count=count)
    ]


def test_classifying_some_enterprises_gives_the_whole_runs_links_for_them() -> None:
    ids = _generated(90)
    chosen = ids[::3]
    # decisions on chosen and unchosen enterprises, on nodes found and not found
    services.decide_link(Enterprise.objects.get(pk=chosen[0]), "nev.battery", "rejected", None)
    services.decide_link(Enterprise.objects.get(pk=chosen[1]), "lm.aluminium", "confirmed", None)
    services.decide_link(Enterprise.objects.get(pk=ids[1]), "nev.motor", "uncertain", None)
    counts = services.classify_enterprises(chosen)
    assert counts["enterprises"] == len(chosen) and counts["links"] > 0
    partial = _links()
    assert {pk for pk, _node in partial} - set(chosen) == {ids[1]}  # only its decision
    assert services.classify_enterprises(reversed(chosen)) == counts  # idempotent
    assert _links() == partial
    services.classify_registry()
    assert _links(chosen) == {k: v for k, v in partial.items() if k[0] in set(chosen)}


def test_ids_deleted_or_gone_lose_their_automatic_links() -> None:
    ids = _generated(6)
    services.classify_registry()
    assert NodeLink.objects.filter(enterprise_id__in=ids[:2]).exists()
    Enterprise.objects.filter(pk=ids[0]).delete()  # hard delete cascades anyway
    Enterprise.all_objects.filter(pk=ids[1]).update(deleted_at="2025-01-01T00:00:00Z")
    before = _links(ids[2:])
    counts = services.classify_enterprises([ids[0], ids[1], ids[1], 10**9])
    assert counts["enterprises"] == 0
    assert not NodeLink.objects.filter(enterprise_id=ids[1]).exists()
    assert _links(ids[2:]) == before  # others untouched
    assert services.classify_enterprises([]) == {
        "enterprises": 0,
        "links": 0,
        "labelled": 0,
        "kept": 0,
    }


def test_classifying_200_enterprises_takes_a_bounded_number_of_queries() -> None:
    ids = _generated(200)
    services.decide_link(Enterprise.objects.get(pk=ids[0]), "nev.battery", "rejected", None)
    with CaptureQueriesContext(connection) as few:
        services.classify_enterprises(ids[:10])
    with CaptureQueriesContext(connection) as many:
        counts = services.classify_enterprises(ids)
    assert counts["enterprises"] == 200 and counts["links"] > 50
    assert len(many) == len(few) <= 20, [q["sql"][:120] for q in many.captured_queries]


def test_many_changed_enterprises_are_classified_in_a_background_task(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started: list[str] = []

    def run_task(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(fn.__name__)
        fn(*args, **kwargs)  # the task runs now, as run_task does with inline tasks

    monkeypatch.setattr(services, "run_task", run_task)
    ids = _generated(3)
    services.classify_changed_enterprises(ids)
    assert started == [] and NodeLink.objects.filter(enterprise_id__in=ids).exists()
    NodeLink.objects.all().delete()
    services.classify_changed_enterprises(ids + list(range(10**6, 10**6 + services.INLINE_AT_MOST)))
    assert started == ["_classify_changed_in_background"]
    assert NodeLink.objects.filter(enterprise_id__in=ids).exists()


def test_a_write_outside_services_is_classified_once_announced(committed) -> None:  # type: ignore[no-untyped-def]
    ent = _enterprise(business_scope=BATTERY_MAKER)
    assert not NodeLink.objects.filter(enterprise=ent).exists()
    committed(registry.announce_enterprises_changed, [ent.pk, ent.pk])
    assert _nodes(ent) == {"nev.battery"}
