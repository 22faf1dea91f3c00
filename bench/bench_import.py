"""Bulk import benchmark: N enterprises from CSV into a fresh SQLite file, against per-row ORM saves.

Prints rows/s of the bulk path, rows/s of a baseline that saves each row through the ORM (measured in
the same run on a smaller sample), their ratio, the problem size and the peak memory of the import:
the largest sum of the resident memory of the import process and its child (the parser), sampled
every 50 ms. With --repeat N each is measured N times (a fresh database each time) and the median
is reported beside every run's figure, since a shared machine is noisy.
Run: .venv/bin/python bench/bench_import.py [--rows 1000000] [--baseline-rows 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corridor.engine.uscc import make_uscc  # noqa: E402

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "企业类型",
    "成立日期",
    "注册资本（万元）",
    "注册地址",
    "行业代码",
    "经营范围",
    "经营状态",
    "年份",
    "营业收入（万元）",
    "从业人员",
    "研发费用（万元）",
    "资产总额（万元）",
    "实缴税金（万元）",
]
ADDRESSES = [
    "浙江省金华市婺城区宾虹西路{}号",
    "浙江省金华市永康市经济开发区{}号",
    "江苏省常州市武进区常武路{}号",
    "福建省宁德市蕉城区漳湾镇{}号",
    "广东省佛山市南海区桂城街道{}号",
    "上海市浦东新区张江路{}号",
]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A registry-style CSV of `rows` enterprises (≈200 bytes of text each)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(
                [
                    f"基准测试{i:07d}科技有限公司",
                    make_uscc("9", "1", "330702", f"{i:08d}"),
                    "有限责任公司(自然人投资或控股)",
                    f"20{rng.randint(0, 23):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    f"{rng.randint(10, 5000)}",
                    rng.choice(ADDRESSES).format(rng.randint(1, 999)),
                    "C3670",
                    "一般项目：汽车零部件及配件制造；电机制造；技术服务、技术开发、技术咨询；货物进出口（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
                    "存续",
                    2024,
                    f"{rng.randint(100, 900000):,}.{rng.randint(0, 99):02d}",
                    rng.randint(1, 3000),
                    f"{rng.randint(0, 5000)}",
                    f"{rng.randint(100, 900000)}",
                    f"{rng.randint(0, 9000)}",
                ]
            )


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CORRIDOR_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
    }
    for key in ("CORRIDOR_DATABASE_URL", "CORRIDOR_TEST_DATABASE_URL"):
        env.pop(key, None)
    return env


def bulk_import(csv_path: Path, var_dir: Path) -> dict[str, float]:
    """Time `corridor import` in a child process; return seconds and the peak RSS of its process tree."""
    env = _env(var_dir)
    subprocess.run(
        [sys.executable, "-m", "corridor", "migrate", "--verbosity", "0"], env=env, check=True
    )
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "corridor",
            "import",
            str(csv_path),
            "--verbosity",
            "0",
            "--show-issues",
            "0",
            "--no-follow-up",  # the import alone; classifying a million records is the atlas's bench
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest one process reached
    return {"seconds": seconds, "peak_rss_mb": max(peak, single) / 1024}


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 once it is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue  # exited meanwhile (or a kernel thread without VmRSS)
    return total


BASELINE = r"""
import csv, sys, time, django
django.setup()
from decimal import Decimal
from corridor.registry.models import Enterprise, EnterpriseYearFacts
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[1:]
start = time.perf_counter()
for r in rows:  # the naive way: one ORM save per enterprise and per facts row, inside one transaction
    from django.db import transaction
    with transaction.atomic():
        e, _ = Enterprise.objects.update_or_create(uscc=r[1], defaults=dict(name=r[0], legal_form=r[2],
            established_on=r[3], registered_capital=Decimal(r[4]), address=r[5], industry_code=r[6],
            business_scope=r[7], status="operating"))
        EnterpriseYearFacts.objects.update_or_create(enterprise=e, year=int(r[9]), defaults=dict(
            revenue=Decimal(r[10].replace(",", "")), employees=int(r[11]), rd_expense=Decimal(r[12]),
            total_assets=Decimal(r[13]), tax_paid=Decimal(r[14])))
print(time.perf_counter() - start)
"""


def baseline(csv_path: Path, var_dir: Path) -> float:
    """Seconds for per-row ORM saves of the sample file."""
    env = _env(var_dir)
    subprocess.run(
        [sys.executable, "-m", "corridor", "migrate", "--verbosity", "0"], env=env, check=True
    )
    out = subprocess.run(
        [sys.executable, "-c", BASELINE, str(csv_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run both and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        tmp_path = Path(tmp)
        big, small = tmp_path / "big.csv", tmp_path / "small.csv"
        write_csv(big, args.rows)
        write_csv(small, args.baseline_rows, seed=8)
        base_runs, bulk_runs = [], []
        for run in range(args.repeat):  # interleaved, so both see the same machine
            base_runs.append(baseline(small, tmp_path / f"baseline{run}"))
            bulk_runs.append(bulk_import(big, tmp_path / f"bulk{run}"))
            shutil.rmtree(tmp_path / f"bulk{run}")  # a million-row database: keep the disk free
        bulk_seconds = statistics.median(r["seconds"] for r in bulk_runs)
        bulk_rate = args.rows / bulk_seconds
        base_rate = args.baseline_rows / statistics.median(base_runs)
        result = {
            "benchmark": "import",
            "rows": args.rows,
            "file_mb": round(big.stat().st_size / 2**20, 1),
            "bulk_rows_per_s": round(bulk_rate),
            "bulk_seconds": round(bulk_seconds, 1),
            "bulk_rows_per_s_each_run": [round(args.rows / r["seconds"]) for r in bulk_runs],
            "baseline_rows": args.baseline_rows,
            "baseline_rows_per_s": round(base_rate),
            "baseline_rows_per_s_each_run": [round(args.baseline_rows / s) for s in base_runs],
            "ratio": round(bulk_rate / base_rate, 1),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in bulk_runs)),
            "target": "≥ 20,000 rows/s, < 1,024 MB",
        }
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
