"""Qualification batch speed: 300,000 enterprises × every policy in force, columnar vs per-enterprise.

The enterprises are synthetic but shaped like a district registry: lognormal revenue, R&D and staff
shares spread across the policy thresholds, some figures and most expert assessments missing, a few
titles and R&D platforms. The columnar evaluator (engine/qualify/columnar.py, the batch path) is
timed over all of them (median of --runs); the straightforward per-enterprise evaluation
(engine/qualify/evaluate.py: one enterprise, one policy at a time, with every criterion explained)
is timed on the first --naive-n and scaled linearly. Their verdicts and scores must be identical on
those rows. Building the columns and the records is not timed.
Run: .venv/bin/python bench/bench_qualify.py [--n 300000] [--naive-n 4000] [--runs 3] [--as-of 2026-06-01]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from corridor.engine.qualify import metrics as m  # noqa: E402
from corridor.engine.qualify.columnar import Columns, evaluate_columns, make_columns  # noqa: E402
from corridor.engine.qualify.evaluate import evaluate, policies_in_force, reference_year  # noqa: E402
from corridor.engine.qualify.loader import load_policies  # noqa: E402
from corridor.engine.qualify.model import Assessment, Enterprise, Held, YearFacts  # noqa: E402

TARGET_SECONDS = 20.0
TITLES = {"high_tech": 0.08, "tech_sme": 0.15, "innovative_sme": 0.06, "specialised_sme": 0.03}
SECTOR_CODES = [
    "C3484",
    "C3911",
    "B0610",
    "D4411",
    "E4710",
    "F5212",
    "H6110",
    "K7010",
    "I6510",
    "M7320",
]


def _missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    return np.where(rng.random(values.shape) < share, np.nan, values)


def synthetic(n: int, on: date, seed: int = 2026) -> tuple[Columns, np.ndarray, np.ndarray]:
    """n enterprises as columns, plus their registration days and industry codes (for the records)."""
    rng = np.random.default_rng(seed)
    year = reference_year(on)
    revenue0 = rng.lognormal(np.log(2500), 1.3, n)
    growth = rng.normal(0.06, 0.15, (n, 3)).cumsum(1)
    revenue = np.round(revenue0[:, None] * np.exp(growth), 2)
    facts: dict[str, np.ndarray] = {"revenue": revenue}
    facts["main_business_revenue"] = np.round(revenue * rng.uniform(0.6, 1.0, (n, 1)), 2)
    facts["total_costs"] = np.round(revenue * rng.uniform(0.7, 1.0, (n, 3)), 2)
    facts["rd_expense"] = np.round(
        revenue * rng.gamma(2.0, 0.018, (n, 1)) * rng.uniform(0.9, 1.1, (n, 3)), 2
    )
    facts["rd_expense_domestic"] = np.round(facts["rd_expense"] * rng.uniform(0.5, 1.0, (n, 1)), 2)
    facts["total_assets"] = np.round(revenue * rng.uniform(0.6, 1.8, (n, 1)), 2)
    facts["total_liabilities"] = np.round(facts["total_assets"] * rng.uniform(0.2, 0.95, (n, 1)), 2)
    staff = np.maximum(5, np.round(revenue / rng.uniform(40, 120, (n, 1))))
    facts["employees"] = staff
    facts["rd_staff"] = np.floor(staff * rng.beta(2, 9, (n, 1)))
    facts["high_tech_income"] = np.round(revenue * rng.uniform(0.2, 0.95, (n, 1)), 2)
    facts["new_equity_financing"] = np.where(
        rng.random((n, 3)) < 0.05, np.round(rng.lognormal(7, 1, (n, 3)), 2), 0.0
    )
    facts = {k: _missing(rng, v, 0.03) for k, v in facts.items()}
    days = rng.integers(200, 25 * 365, n)
    established = np.datetime64(on.isoformat()) - days.astype("timedelta64[D]")
    ip_known = rng.random(n) < 0.9
    ip = {
        "ip_invention": np.where(ip_known, rng.poisson(0.8, n), np.nan),
        "ip_utility": np.where(ip_known, rng.poisson(3.0, n), np.nan),
    }
    ip_cols = {
        "ip_class1": ip["ip_invention"],
        "ip_class2": ip["ip_utility"],
        "ip_invention": ip["ip_invention"],
    }
    judged = {}
    for metric in m.ASSESSMENTS.values():
        present = rng.random(n) < 0.35
        if metric.value_type == m.BOOLEAN:
            values = (rng.random(n) < 0.85).astype(float)
        elif metric.unit == m.PERCENT:
            values = np.round(rng.uniform(0, 0.8, n), 3)
        elif metric.unit == m.POINTS:
            values = np.round(rng.uniform(30, 95, n))
        else:
            values = np.round(rng.uniform(0, 20, n))
        judged[metric.id] = np.where(present, values, np.nan)
    titles_known = rng.random(n) < 0.95
    titles = {
        t: np.where(titles_known, (rng.random(n) < share).astype(float), np.nan)
        for t, share in TITLES.items()
    }
    platforms = {p: (rng.random(n) < 0.02).astype(float) for p in m.PLATFORM_LEVELS}
    code_index = rng.integers(0, len(SECTOR_CODES), n)
    codes = np.array(SECTOR_CODES)[code_index]
    cols = make_columns(
        on,
        [f"e{i}" for i in range(n)],
        year=year,
        facts=facts,
        established_on=established,
        industry_codes=list(codes),
        ip=ip_cols,
        assessments=judged,
        titles=titles,
        titles_known=titles_known,
        platforms=platforms,
    )
    return cols, established, codes


def record(cols: Columns, i: int, established: np.ndarray, codes: np.ndarray) -> Enterprise:
    """Row i of the columns as an Enterprise record (the per-enterprise path's input)."""
    y = cols.year
    rows = []
    for j, year in enumerate((y - 2, y - 1, y)):
        values = {k: float(v[i, j]) for k, v in cols.facts.items() if not np.isnan(v[i, j])}
        rows.append(YearFacts(year, values))
    ip = None
    if not np.isnan(cols.ip["ip_class1"][i]):
        ip = {
            "invention_patent": int(cols.ip["ip_class1"][i]),
            "utility_model": int(cols.ip["ip_class2"][i]),
        }
    titles = None
    if cols.titles_known[i]:
        titles = tuple(Held(t) for t, held in cols.titles.items() if held[i] == 1.0)
    platforms = tuple(Held(p) for p, held in cols.platforms.items() if held[i] == 1.0)
    judged = {
        k: Assessment(bool(v[i]) if m.ASSESSMENTS[k].value_type == m.BOOLEAN else float(v[i]))
        for k, v in cols.assessments.items()
        if not np.isnan(v[i])
    }
    est = date.fromisoformat(str(established[i]))
    return Enterprise(
        cols.keys[i],
        established_on=est,
        industry_code=str(codes[i]),
        year_facts=tuple(rows),
        ip_holdings=ip,
        titles=titles,
        rd_platforms=platforms,
        assessments=judged,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300_000)
    parser.add_argument("--naive-n", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2026-06-01")
    args = parser.parse_args()
    on = date.fromisoformat(args.as_of)
    policies = policies_in_force(load_policies().values(), on)
    cols, established, codes = synthetic(args.n, on)
    print(
        f"problem: {args.n:,} enterprises × {len(policies)} policies in force on {on} "
        f"({', '.join(p.key for p in policies)})"
    )

    times, results = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        results = [evaluate_columns(p, cols) for p in policies]
        times.append(time.perf_counter() - start)
    fast = statistics.median(times)

    k = min(args.naive_n, args.n)
    records = [record(cols, i, established, codes) for i in range(k)]
    start = time.perf_counter()
    naive = [[evaluate(p, e, on) for e in records] for p in policies]
    naive_k = time.perf_counter() - start
    naive_all = naive_k * args.n / k

    for policy, batch, explained in zip(policies, results, naive, strict=True):
        names = batch.names()[:k]
        expected = [r.verdict for r in explained]
        if names != expected:
            bad = next(i for i in range(k) if names[i] != expected[i])
            print(
                f"MISMATCH {policy.key} at row {bad}: columnar {names[bad]} vs per-enterprise {expected[bad]}"
            )
            return 1
        scores = batch.score()
        if scores is not None:
            want = np.array([np.nan if r.score is None else r.score for r in explained])
            if not np.array_equal(scores[:k], want, equal_nan=True):
                print(f"MISMATCH {policy.key}: scores differ")
                return 1
        counts = Counter(batch.names())
        print(
            f"  {policy.key:24s} "
            + "  ".join(
                f"{v} {counts.get(v, 0):>7,}"
                for v in ("qualified", "near", "needs_data", "not_qualified")
            )
        )
    pairs = args.n * len(policies)
    print(
        f"columnar (batch path): {fast:.2f} s for {pairs:,} evaluations "
        f"({pairs / fast / 1e6:.2f} M/s; median of {args.runs}; target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if fast < TARGET_SECONDS else 'MISSED'})"
    )
    print(
        f"per-enterprise (explained): {naive_k:.2f} s for {k:,} enterprises → {naive_all:.0f} s "
        f"scaled to {args.n:,}"
    )
    print(
        f"ratio: columnar is {naive_all / fast:.0f}× faster; verdicts and scores identical on {k:,} "
        f"× {len(policies)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
