"""Server time of the main pages on the full demo registry, single user, beside each page's cold first request.

Each page is requested through Django's test client (no network; the time is the view, its queries
and its template) as a signed-in user with the role that uses it: once cold (fresh caches: the
first request a new worker serves after a registry change), then --runs times warm; p50 and p95 of the
warm runs are printed beside the cold time, with the number of SQL queries and the registry size.
Budget: p95 under 150 ms for every page.
Run on a copy of the demo database (never the template):
  mkdir -p var && cp /work/demo/var/corridor.sqlite3 var/
  nice -n 10 .venv/bin/python bench/bench_pages.py [--runs 20] [--db var/corridor.sqlite3] [--only registry]
  --profile NAME prints a cProfile of one page's warm request.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BUDGET_MS = 150.0


def pages() -> list[tuple[str, str, str]]:
    """(name, URL, username) for each measured page."""
    from corridor.atlas import selectors as atlas

    chains = atlas.chains()
    chain = "nev" if any(c.key == "nev" for c in chains) else chains[0].key
    index = atlas.node_index()
    node = next(n for n, v in index.items() if v.chain == chain and v.parent is None)
    return [
        ("home (dashboard)", "/", "leader"),
        ("registry list (default: local)", "/registry/", "officer"),
        ("registry list, national", "/registry/?locality=all", "officer"),
        ("registry search '科技'", "/registry/?locality=all&q=科技", "officer"),
        (
            "registry filters (size+title)",
            "/registry/?locality=all&size=medium&title=high_tech",
            "officer",
        ),
        ("registry county filter", "/registry/?locality=all&county=330702", "officer"),
        ("registry page 3000", "/registry/?locality=all&page=3000", "officer"),
        ("registry page 3000 by name", "/registry/?locality=all&page=3000&sort=name", "officer"),
        ("registry last page", "/registry/?locality=all&page=last", "officer"),
        ("atlas chain", f"/atlas/{chain}/", "analyst"),
        ("atlas node", f"/atlas/node/{node}/", "analyst"),
        ("targets for a node", f"/investment/targets/?node={node}", "analyst"),
        ("targets for a chain", f"/investment/targets/?chain={chain}", "analyst"),
        ("investment map (chain)", f"/investment/map/?chain={chain}", "analyst"),
        ("investment map (node)", f"/investment/map/?node={node}", "analyst"),
        ("funnel (analytics)", "/investment/analytics/", "analyst"),
    ]


def setup(db: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    os.environ["CORRIDOR_DEBUG"] = "0"
    os.environ.pop("CORRIDOR_DATABASE_URL", None)
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = str(Path(db).resolve())
    settings.ALLOWED_HOSTS = ["*"]


def timed(client, url: str) -> tuple[float, int, int]:
    """(milliseconds, status, queries) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        ms = (time.perf_counter() - start) * 1000
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return ms, response.status_code, len(ctx.captured_queries)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "var" / "corridor.sqlite3"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no database at {args.db}: cp /work/demo/var/corridor.sqlite3 var/ first")
        return 0
    setup(args.db)
    from django.core.management import call_command

    # The copy is brought to this checkout's schema (a template built before a migration would
    # make the pages that read a new column fail).
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from corridor.registry.models import Enterprise

    users = {u.username: u for u in get_user_model().objects.all()}
    clients: dict[str, Client] = {}
    total = Enterprise.objects.count()
    local = Enterprise.objects.filter(is_local=True).count()
    print(f"registry: {total:,} enterprises ({local:,} local); {args.runs} warm runs per page")
    cache.clear()  # the first request of each page is cold, as on a fresh deployment
    print(f"{'page':34} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}  budget")
    over = 0
    for name, url, who in pages():
        if args.only and args.only not in name:
            continue
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(users[who])
        client = clients[who]
        cold, status, _ = timed(client, url)
        if status != 200:
            print(f"{name:34} status {status} at {url}")
            over += 1
            continue
        if args.profile and args.profile in name:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        runs = [timed(client, url) for _ in range(args.runs)]
        warm = [ms for ms, _, _ in runs]
        queries = runs[-1][2]
        ok = p95(warm) < BUDGET_MS
        over += not ok
        print(
            f"{name:34} {cold:8.0f} {statistics.median(warm):8.1f} {p95(warm):8.1f} {queries:7d}"
            f"  {'ok' if ok else 'OVER'}",
            flush=True,
        )
    print(f"{over} page(s) over the {BUDGET_MS:.0f} ms p95 budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
