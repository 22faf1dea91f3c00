"""make bench: run every benchmark and print each figure beside its same-run baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("import (bulk vs per-row ORM)", ["bench_import.py", *sys.argv[1:]]),
    ("import on PostgreSQL (vs a bare COPY of the same rows)", ["bench_import_pg.py"]),
    ("revert of a 302,000-row import (vs the import)", ["bench_revert.py"]),
    ("row cleaning (engine)", ["bench_rows.py"]),
    ("region matching (vs cnloc)", ["bench_regions.py"]),
    ("synthetic generator", ["bench_synthetic.py"]),
    ("classifier quality and speed (vs jieba + TF-IDF)", ["bench_classify.py"]),
    ("classifying the national demo registry", ["bench_atlas_run.py"]),
    ("investment targeting (vs per-row Python)", ["bench_targeting.py"]),
    ("investment map server time (vs the old path)", ["bench_map.py"]),
    ("qualification batch, 300,000 × policies in force (vs per-enterprise)", ["bench_qualify.py"]),
    ("page server times on the full demo (warm p95 vs cold first request)", ["bench_pages.py"]),
    ("50 users under load (production server vs runserver)", ["bench_load.py"]),
]


def main() -> int:
    """Run each benchmark script in turn; a failing one is reported, the rest still run."""
    failed = 0
    for title, (script, *args) in BENCHES:
        if not (HERE / script).exists():
            continue
        print(f"== {title} ==", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *args])
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
