"""The first targets and map requests after a data change: built by the request, or warmed by the worker.

On a copy of the full demo (it writes: one enterprise is renamed and renamed back per round):
  1. an edit through the registry's service; the first request of each page builds the pool (cold);
  2. another edit; the pool-warming job it queued runs as `corridor worker` runs it (its time is
     printed); the first request of each page then reads the warm pool.
Run on a copy of the demo database (never the template):
  mkdir -p var && cp /work/demo/var/corridor.sqlite3 var/
  nice -n 10 .venv/bin/python bench/bench_pool_warming.py [--db var/corridor.sqlite3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import setup, timed  # noqa: E402


def run_queued() -> tuple[int, float]:
    """Run every queued job as the worker does; (jobs, seconds)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-worker",
        excluded_queue_names=[],
    )
    ran, start = 0, time.perf_counter()
    while (job := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    return ran, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "var" / "corridor.sqlite3"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no database at {args.db}: cp /work/demo/var/corridor.sqlite3 var/ first")
        return 0
    setup(args.db)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from corridor.registry import services
    from corridor.registry.models import Enterprise

    settings.CORRIDOR_TASKS_INLINE = False  # changes queue the warm-up, as in production
    run_queued()  # whatever an earlier run left in the queue
    client = Client()
    client.force_login(get_user_model().objects.get(username="analyst"))
    pages = {
        "targets for a chain": "/investment/targets/?chain=nev",
        "investment map (chain)": "/investment/map/?chain=nev",
    }
    edited = Enterprise.objects.filter(is_local=False).order_by("pk").first()
    assert edited is not None
    name = edited.name

    def change(i: int) -> None:  # rename and rename back: two changes, the data as they were
        services.update_enterprise(edited, {"name": f"{name}（测{i}）"}, None)
        services.update_enterprise(edited, {"name": name}, None)

    print(f"{'page':26} {'round':>5} {'cold ms':>8} {'queries':>7} {'warmed ms':>9} {'queries':>7}")
    for i in range(args.rounds):
        change(2 * i)
        cold = {page: timed(client, url) for page, url in pages.items()}
        change(2 * i + 1)
        jobs, seconds = run_queued()
        warm = {page: timed(client, url) for page, url in pages.items()}
        for page in pages:
            print(
                f"{page:26} {i + 1:5d} {cold[page][0]:8.0f} {cold[page][2]:7d} "
                f"{warm[page][0]:9.0f} {warm[page][2]:7d}"
            )
        print(f"  queued job(s) run by the worker: {jobs}, in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
