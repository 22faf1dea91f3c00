"""Investment targeting speed: rank() of the top 200 among 300,000 national candidates, beside rank_naive.

The candidates are synthetic but shaped like the registry: lognormal revenue, a quarter holding a
title, coordinates at county centres across China (from the demo coordinate table). rank() is timed
as the median of several runs, rank_naive (one dict row at a time, plain Python) once on the same
rows, or on a subset and scaled linearly when --naive-n is smaller; building the arrays and the dict
rows is not timed. The two must return the same top-200 ids in the same order.
Run: .venv/bin/python bench/bench_targeting.py [--n 300000] [--top 200] [--runs 7] [--naive-n N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from corridor.demo.coords import coordinates  # noqa: E402
from corridor.engine.targeting import (  # noqa: E402
    PRESETS,
    Candidates,
    rank,
    rank_naive,
)

TARGET_SECONDS = 0.5


def counties() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(longitude, latitude, province code) of every county centre in the demo table."""
    table = coordinates()
    lon = np.array([xy[0] for xy in table.values()])
    lat = np.array([xy[1] for xy in table.values()])
    province = np.array([int(code[:2]) for code in table])
    return lon, lat, province


def titles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Title bitmasks: 25 % hold at least one title; listings are rare and mostly among them."""
    titled = rng.random(n) < 0.25
    mask = np.zeros(n, dtype=np.int64)
    for bit, share in ((1, 0.65), (2, 0.25), (8, 0.45)):
        mask |= np.where(titled & (rng.random(n) < share), bit, 0)
    giant = titled & (rng.random(n) < 0.05)
    mask |= np.where(giant, 4 | 2, 0)  # a little giant is also 专精特新
    mask |= np.where(titled & (mask == 0), 1, 0)
    listed = rng.random(n) < np.where(titled, 0.04, 0.005)
    return mask | np.where(listed, 16, 0)


def candidates(n: int, seed: int = 2024) -> Candidates:
    """n synthetic national candidates for one chain node."""
    rng = np.random.default_rng(seed)
    lon, lat, province = counties()
    where = rng.integers(0, lon.size, n)
    no_coords = rng.random(n) < 0.02
    revenue = np.where(rng.random(n) < 0.05, 0.0, rng.lognormal(np.log(3_000), 1.8, n))
    raised = rng.random(n) < 0.03
    return Candidates(
        ids=rng.permutation(np.arange(9_000_000, 9_000_000 + n, dtype=np.int64)),
        fit=rng.beta(4, 2, n),
        evidence=rng.poisson(2.0, n),
        revenue=revenue,
        growth=np.where(rng.random(n) < 0.3, np.nan, rng.normal(0.08, 0.2, n).clip(-0.9)),
        titles=titles(rng, n),
        rd_intensity=np.where(rng.random(n) < 0.4, np.nan, rng.gamma(1.5, 0.02, n)),
        supplies_leaders=rng.beta(0.6, 2.0, n),
        buys_local=rng.beta(0.6, 2.0, n),
        colocated=rng.beta(1.0, 3.0, n),
        equity=np.where(raised, rng.lognormal(np.log(2_000), 1.2, n), 0.0),
        branches=rng.poisson(0.3, n),
        capacity_growth=np.where(rng.random(n) < 0.4, np.nan, rng.normal(0.05, 0.2, n).clip(-0.9)),
        lat=np.where(no_coords, np.nan, lat[where] + rng.uniform(-0.05, 0.05, n)),
        lon=np.where(no_coords, np.nan, lon[where] + rng.uniform(-0.05, 0.05, n)),
        province_code=np.char.zfill(province[where].astype(str), 2),
    )


def median_seconds(run, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300_000)
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--naive-n", type=int, default=None, help="rows for the baseline")
    args = parser.parse_args()
    naive_n = min(args.naive_n or args.n, args.n)

    start = time.perf_counter()
    table = candidates(args.n)
    built = time.perf_counter() - start
    print(f"{args.n:,} candidates built and validated in {built:.2f} s (not timed below)")

    for strategy in PRESETS.values():
        ours = median_seconds(lambda s=strategy: rank(table, s, top=args.top), args.runs)
        print(
            f"   rank(top={args.top}), strategy {strategy.name:<10}: {ours * 1000:7.1f} ms "
            f"(median of {args.runs}; target < {TARGET_SECONDS * 1000:.0f} ms)"
        )

    ranking = rank(table, top=args.top)
    ours = median_seconds(lambda: rank(table, top=args.top), args.runs)
    rows = table.to_rows()[:naive_n]
    start = time.perf_counter()
    naive = rank_naive(rows, top=args.top)
    base = (time.perf_counter() - start) * args.n / naive_n
    scaled = "" if naive_n == args.n else f" (timed on {naive_n:,} rows, scaled to {args.n:,})"
    print(f"   rank_naive, per-row Python, once: {base:.2f} s{scaled}")
    print(f"   ratio: {base / ours:,.0f}× faster than the baseline")

    # The check compares like with like: a subset is ranked by both scorers.
    check = ranking if naive_n == args.n else rank(Candidates.from_rows(rows), top=args.top)
    same = [i for i, _ in naive] == check.ids.tolist()
    gap = max((abs(s - t) for (_, s), t in zip(naive, check.scores, strict=True)), default=0.0)
    print(
        f"   top-{args.top} of {naive_n:,} agree: {'yes' if same else 'NO'} "
        f"(same ids in the same order; largest score gap {gap:.1e} points)"
    )
    best = ranking.targets()[0] if len(ranking) else None
    if best is not None:
        print(f"   best: id {best.id}, score {best.score:.1f}; reasons {best.reasons[:3]}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
