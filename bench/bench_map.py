"""Server time of the investment map (招商地图) on the full demo, against the old path in the same run.

The map page ranks the chain's targets, totals every candidate by province/city/county and
places the district's enterprises. Before issue 9 it ranked on every request (the candidate pool
of a chain is ~24,000 enterprises), built a nested option per province, and read the local
points with ``node__regex`` (on SQLite a Python function per row) — 2.1–3.5 s a page. Now the
ranking and region totals are cached under the atlas stamp (changed by every link, chain or
registry edit and import), the local points likewise, and the drill-down URLs and spread points
are memoised per process.

Printed: the page through Django's test client (N requests, p50/p95, warm), the first request
after a data change (cold: ranking and totals rebuilt), and the old path's data work (ranking,
option, regex read of the local points; no template) as baseline, with the problem size.

    python bench/bench_map.py [--db var/corridor.sqlite3] [--chain nev] [--repeat 20]

Needs a copy of the demo database (``cp /work/demo/corridor.sqlite3 var/``): it writes cache rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _old_local_points(node: str = "") -> list[dict[str, Any]]:
    """The district points as read before issue 9: a regex per row, rows then objects."""
    from corridor.atlas import selectors as atlas

    nodes = atlas.node_index()
    qs = (
        atlas._effective(local=True)
        .filter(enterprise__latitude__isnull=False)
        .select_related("enterprise")
    )
    qs = qs.filter(node=node) if node else qs.filter(node__regex=r"^[a-z]+\.[a-z_0-9]+$")
    out = []
    for link in qs[:5000]:
        e = link.enterprise
        n = nodes.get(link.node)
        out.append(
            {
                "id": e.pk,
                "name": e.name,
                "lat": e.latitude,
                "lon": e.longitude,
                "revenue": float(e.latest_revenue or 0),
                "node_name": n.name_zh if n else link.node,
            }
        )
    return out


def _old_level(code: str, codes: list[str], scores: list[float], depth: int) -> dict[str, Any]:
    """The old nested option: one option per province with targets, children built each time."""
    from django.templatetags.static import static

    from corridor.engine import geo

    data = geo.map_series_data(geo.aggregate_for_map(codes, scores, code))
    children: dict[str, dict[str, Any]] = {}
    if depth == 0:
        for child in {p for c in codes if (p := geo.province_of(c))}:
            children[child] = _old_level(child, codes, scores, depth + 1)
    return {"__children": geo.drill_children(code, static, children), "data": data}


def _old_path(nodes: list[str]) -> int:
    """Ranking + old option + old local points, as the old view did per request; JSON bytes."""
    from corridor.engine import geo
    from corridor.investment import targets

    result = targets.ranked(nodes, targets.strategy_from({}), 50)
    rows = result["rows"]
    codes = [r["enterprise"]["city_code"] or r["enterprise"]["province_code"] for r in rows]
    option = _old_level(geo.COUNTRY, codes, [r["score"] for r in rows], 0)
    points = _old_local_points()
    return len(json.dumps([option, points], ensure_ascii=False, default=str))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(HERE.parent / "var" / "corridor.sqlite3"))
    parser.add_argument("--chain", default="nev")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    args = parser.parse_args()
    db = Path(args.db).resolve()
    if not db.exists():
        print(f"no database at {db}: cp /work/demo/corridor.sqlite3 var/", file=sys.stderr)
        return 2
    os.environ["CORRIDOR_VAR_DIR"] = str(db.parent)
    os.environ.pop("CORRIDOR_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from corridor.investment import charts, targets
    from corridor.registry.models import Enterprise

    user = get_user_model().objects.get(username="analyst")  # a demo login allowed to rank
    client = Client()
    client.force_login(user)
    url = f"/investment/map/?chain={args.chain}"
    nodes = targets.selected_nodes(_Params(chain=args.chain))

    start = time.perf_counter()
    payload = charts._build_payload(nodes, targets.strategy_from({}), 50)
    cold = time.perf_counter() - start
    client.get(url)  # the first request of the process fills the per-process memos
    times = []
    size = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        size = len(response.content)
        assert response.status_code == 200, response.status_code
    old_times = []
    old_bytes = 0
    for _ in range(args.baseline_repeat):
        start = time.perf_counter()
        old_bytes = _old_path(nodes)
        old_times.append(time.perf_counter() - start)
    figures = {
        "benchmark": "investment map server time",
        "enterprises": Enterprise.objects.count(),
        "chain": args.chain,
        "nodes": len(nodes),
        "candidates": payload["considered"],
        "regions": len(payload["regions"]),
        "page_ms_p50": round(1000 * statistics.median(times), 1),
        "page_ms_p95": round(1000 * _p95(times), 1),
        "requests": args.repeat,
        "page_bytes": size,
        "cold_payload_ms": round(1000 * cold, 1),
        "old_path_ms_median": round(1000 * statistics.median(old_times), 1),
        "old_path_runs": args.baseline_repeat,
        "old_option_and_points_bytes": old_bytes,
    }
    print(json.dumps(figures, ensure_ascii=False))
    print(
        f"map page p95 {figures['page_ms_p95']} ms (p50 {figures['page_ms_p50']} ms, "
        f"{args.repeat} requests) vs old path {figures['old_path_ms_median']} ms "
        f"(data work only); first request after a data change {figures['cold_payload_ms']} ms"
    )
    return 0


class _Params(dict):  # type: ignore[type-arg]
    """A GET-like mapping for selected_nodes (getlist of nothing)."""

    def __init__(self, **kw: str) -> None:
        super().__init__(**kw)

    def getlist(self, key: str) -> list[str]:
        return []


if __name__ == "__main__":
    sys.exit(main())
