"""After a data change the worker builds the target pools again, so no request pays for it.

Registry, imports and atlas announce a change (corridor.core.signals.data_changed); the investment
app queues one pool-warming job (one for a burst of changes) and the worker runs it. The next
targets page then reads the pool from the cache: it reads no enterprise's yearly facts (the pool's
costliest read). Until the job has run, a request builds the pool itself, as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from corridor.atlas import selectors as atlas
from corridor.atlas import services as atlas_services
from corridor.engine.targeting import DEFAULT_STRATEGY
from corridor.investment import candidates, charts, targets
from corridor.investment.tasks import warm_pools
from corridor.registry import services as registry_services
from corridor.registry.models import EnterpriseYearFacts
from tests.factories import EnterpriseFactory, user_with_role
from tests.investment.conftest import BATTERY, battery_makers_client

pytestmark = pytest.mark.django_db

URL = "/investment/targets/?chain=nev"
FACTS = EnterpriseYearFacts._meta.db_table


@pytest.fixture
def analyst() -> Client:
    return battery_makers_client("warm-analyst")


def _nev_nodes() -> list[str]:
    index = atlas.node_index()
    return sorted(n for n, node in index.items() if node.chain == "nev" and node.parent is None)


def _warm_jobs() -> list[DBTaskResult]:  # type: ignore[type-arg]
    target = f"{warm_pools.__module__}.{warm_pools.__qualname__}"
    return list(DBTaskResult.objects.filter(args_kwargs__args__0=target))


def _run_queued() -> int:
    """Run every queued job as `corridor worker` does (its Worker.run_task), in this process."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (job := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    return ran


def _reads_facts(client: Client) -> bool:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    # the pool's read of every candidate's yearly facts (the change stamp only takes a MAX(id))
    return any(q["sql"].startswith(f'SELECT "{FACTS}".') for q in ctx.captured_queries)


def _edit(name: str, values: dict[str, Any], committed: Any) -> None:
    ent = EnterpriseFactory._meta.model.objects.get(name=name)
    with committed(execute=True):  # the change commits: its announcements go out
        registry_services.update_enterprise(ent, values, None)


def test_a_change_queues_one_warm_up_and_after_it_runs_the_page_reads_a_warm_pool(
    analyst: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CORRIDOR_TASKS_INLINE = False  # a worker runs queued jobs, as in production
    assert _reads_facts(analyst)  # the first request builds the pool (now stale after the edit)
    _edit(
        "外地电池0有限公司", {"name": "外地动力电池0有限公司"}, django_capture_on_commit_callbacks
    )
    for i in range(1, 4):  # a burst of edits
        _edit(
            f"外地电池{i}有限公司",
            {"name": f"外地动力电池{i}有限公司"},
            django_capture_on_commit_callbacks,
        )
    jobs = _warm_jobs()
    assert len(jobs) == 1 and jobs[0].status == "READY"  # one warm-up for the whole burst
    assert not candidates.pool_is_warm(_nev_nodes())
    assert _run_queued() >= 1
    assert DBTaskResult.objects.get(pk=jobs[0].pk).status == "SUCCESSFUL"
    assert candidates.pool_is_warm(_nev_nodes())  # built under the stamp of the latest edit
    assert not _reads_facts(analyst)  # the page read the warm pool, it did not build one
    # and the chain's map as it first opens (default strategy and number of targets) is ready
    assert cache.has_key(charts.map_key(_nev_nodes(), DEFAULT_STRATEGY, targets.DEFAULT_TOP))
    # a change after the job ran queues a new one (the finished job does not count)
    _edit(
        "外地电池4有限公司", {"name": "外地动力电池4有限公司"}, django_capture_on_commit_callbacks
    )
    assert len([j for j in _warm_jobs() if j.status == "READY"]) == 1


def test_without_the_warm_up_the_page_builds_the_pool_itself(
    analyst: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CORRIDOR_TASKS_INLINE = False
    _edit(
        "外地电池0有限公司", {"name": "外地动力电池0有限公司"}, django_capture_on_commit_callbacks
    )
    assert len(_warm_jobs()) == 1  # queued, but no worker has run it
    assert _reads_facts(analyst)  # the request built the pool, as before
    assert not _reads_facts(analyst)  # and keeps it for the next one


def test_a_link_decision_and_a_classification_run_queue_the_warm_up_too(
    analyst: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CORRIDOR_TASKS_INLINE = False
    ent = EnterpriseFactory._meta.model.objects.get(name="外地电池5有限公司")
    node = next(link.node for link in atlas.links_of(ent))
    with django_capture_on_commit_callbacks(execute=True):
        atlas_services.decide_link(ent, node, "rejected", None)
    assert len(_warm_jobs()) == 1
    _run_queued()
    with django_capture_on_commit_callbacks(execute=True):
        atlas_services.classify_registry()
    assert len([j for j in _warm_jobs() if j.status == "READY"]) == 1
    _run_queued()
    assert not _reads_facts(analyst)


def test_with_inline_tasks_nothing_is_queued(
    analyst: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _edit(
        "外地电池0有限公司", {"name": "外地动力电池0有限公司"}, django_capture_on_commit_callbacks
    )
    assert _warm_jobs() == []  # no worker in this set-up: requests build their pools
    assert _reads_facts(analyst)


def test_an_import_applied_and_reverted_queues_the_warm_up(
    analyst: Client, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from corridor.imports import services as imports_services
    from tests.factories import valid_uscc
    from tests.registry.files import write_csv

    settings.CORRIDOR_TASKS_INLINE = False
    admin = user_with_role("administrator", "warm-root")
    header = ["企业名称", "统一社会信用代码", "经营范围"]
    path = write_csv(
        tmp_path / "battery.csv",
        [["苏州某某电池有限公司", valid_uscc(411), BATTERY]],
        header=header,
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = imports_services.run_import_file(path, admin)  # applied now (the CLI waits)
    assert [j.status for j in _warm_jobs()] == ["READY"]
    _run_queued()
    assert candidates.pool_is_warm(_nev_nodes())
    with django_capture_on_commit_callbacks(execute=True):
        imports_services.revert_batch(batch, admin)
    assert not candidates.pool_is_warm(_nev_nodes())  # the revert moved the stamp
    assert sorted(j.status for j in _warm_jobs()) == ["READY", "SUCCESSFUL"]
    _run_queued()
    assert not _reads_facts(analyst)


def test_a_selection_a_request_built_is_warmed_again_after_the_next_change(
    analyst: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CORRIDOR_TASKS_INLINE = False
    node = _nev_nodes()[0]
    assert analyst.get(f"/investment/targets/?node={node}").status_code == 200  # built, remembered
    _edit(
        "外地电池0有限公司", {"name": "外地动力电池0有限公司"}, django_capture_on_commit_callbacks
    )
    assert not candidates.pool_is_warm([node])
    _run_queued()
    assert candidates.pool_is_warm([node])
