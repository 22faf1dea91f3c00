"""Revert at the size that used to fail: import N enterprises (302,000 by default), then revert them.

Before issue 8 a revert of a 302,000-row import stopped with SQLite's "too many SQL variables" (one
statement listed every created id, the limit is hit near 250,000). The revert now finds records by
the import's id and works in chunks. Printed: the import's and the revert's seconds on a fresh SQLite
file, their ratio (the import, measured in the same run, is the baseline), and what is left live.

    python bench/bench_revert.py [--rows 302000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


def run(rows: int, tmp: Path) -> dict[str, object]:
    """Import then revert in this process; the figures."""
    os.environ["CORRIDOR_VAR_DIR"] = str(tmp / "var")
    os.environ.pop("CORRIDOR_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    import bench_import

    csv = tmp / "rows.csv"
    bench_import.write_csv(csv, rows)
    django.setup()
    from django.core.management import call_command

    from corridor.accounts.services import create_user
    from corridor.imports import services
    from corridor.registry.selectors import written_by_import

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    admin = create_user("bench", "pw-Corridor-1", "administrator")
    start = time.perf_counter()
    batch = services.run_import_file(csv, admin, follow_up=False)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    reverted = services.revert_batch(batch, admin)
    revert_seconds = time.perf_counter() - start
    live = written_by_import(batch.pk).filter(deleted_at__isnull=True).count()
    return {
        "benchmark": "revert",
        "rows": rows,
        "created": batch.created_count,
        "import_seconds": round(imported, 1),
        "revert_seconds": round(revert_seconds, 1),
        "ratio_revert_to_import": round(revert_seconds / imported, 2),
        "status": reverted.status,
        "live_records_left": live,
        "target": "the revert succeeds at any size and leaves no created record live",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=302_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-bench-revert-") as tmp:
        print(json.dumps(run(args.rows, Path(tmp)), ensure_ascii=False))


if __name__ == "__main__":
    main()
