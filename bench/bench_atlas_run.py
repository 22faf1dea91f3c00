"""Classifying the national demo registry: `corridor atlas classify` on a freshly built demo database.

Builds the demo (3,000 local + 300,000 national synthetic enterprises) in a temporary directory,
then times a full classification run with 2 worker processes beside the same run with 1 (the
baseline), both including the database writes of the links.
Run: .venv/bin/python bench/bench_atlas_run.py [--national 300000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CORRIDOR_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
    }
    for key in ("CORRIDOR_DATABASE_URL", "CORRIDOR_TEST_DATABASE_URL"):
        env.pop(key, None)
    return env


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "corridor", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-bench-atlas-") as tmp:
        env = _env(Path(tmp))
        seconds, out = run(env, "demo", "--national", str(args.national), "--verbosity", "0")
        print(f"demo built in {seconds:.1f} s: {out.splitlines()[0] if out else ''}")
        two, out2 = run(env, "atlas", "classify", "--workers", "2")
        one, _ = run(env, "atlas", "classify", "--workers", "1")
        found = re.search(r"(\d{3,})", out2)  # the first count in the (translated) summary line
        total = int(found.group(1)) if found else 0
        print(
            f"registry of {total:,} enterprises classified (links written) with 2 workers: {two:.1f} s "
            f"(target < 30 s); with 1 worker (baseline): {one:.1f} s; ratio {one / two:.2f}×"
        )
        print(f"   {out2.strip()}")


if __name__ == "__main__":
    main()
