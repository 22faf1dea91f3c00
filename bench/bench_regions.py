"""Region matching throughput: RegionMatcher on 200,000 addresses beside cnloc.getlocation on 5,000."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from corridor.engine.regions import Region, RegionMatcher  # noqa: E402

OURS_N, CNLOC_N = 200_000, 5_000
STREETS = [
    "人民路",
    "中山路",
    "解放大道",
    "建设路",
    "宾虹西路",
    "科技园",
    "工业园区创业路",
    "滨江大道",
]


def _address(rng: random.Random, county: Region) -> str:
    """A typical 20–40 character registered address; the house number makes most of them unique."""
    street = f"{rng.choice(STREETS)}{rng.randint(1, 9999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2999)}室"
    form = rng.random()
    city = "" if county.city == county.province else county.city
    if form < 0.6:
        return f"{county.province}{city}{county.county}{street}"
    if form < 0.85:
        return f"{city or county.province}{county.county}{street}"
    return f"{county.province}{city}{street}"


def addresses(matcher: RegionMatcher, n: int, seed: int = 2260) -> list[str]:
    """n synthetic addresses over every current county."""
    counties = [c for city in matcher.cities() for c in matcher.counties_of(city.city_code)]
    rng = random.Random(seed)
    return [_address(rng, rng.choice(counties)) for _ in range(n)]


def main() -> int:
    """Print both rates and their ratio."""
    started = time.perf_counter()
    matcher = RegionMatcher.default()
    print(f"load: {time.perf_counter() - started:.2f} s ({matcher.data_version})")
    data = addresses(matcher, OURS_N)
    started = time.perf_counter()
    found = sum(1 for a in data if matcher.match(a).county_code)
    ours = OURS_N / (time.perf_counter() - started)
    print(
        f"RegionMatcher.match: {ours:,.0f} addresses/s on {OURS_N:,} ({found / OURS_N:.1%} with a county)"
    )

    import cnloc  # imported late: loading pandas and every year is not part of our figure

    sample = data[:CNLOC_N]
    cnloc.getlocation(sample[:10])  # builds cnloc's automaton for the year outside the timing
    started = time.perf_counter()
    cnloc.getlocation(sample)
    theirs = CNLOC_N / (time.perf_counter() - started)
    print(f"cnloc.getlocation:   {theirs:,.0f} addresses/s on {CNLOC_N:,}")
    print(f"ratio: {ours / theirs:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
