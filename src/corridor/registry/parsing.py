"""Reading an import file into compact rows for the bulk writer, without Django.

Imports nothing from Django (a test enforces it) so that a large file can be read, cleaned,
validated and mapped in a child process (`corridor.core.pipeline.in_child_process`) while the
parent process writes to the database. The reader finds the header and checks the mapping itself;
the parent looks up what needs the database (the parks) beforehand and does all the writing.

A valid row travels as an `UpsertRow`, a NamedTuple (a tuple: the cheapest thing to pickle):

    (enterprise, facts, tags)
    enterprise  values in ENTERPRISE_COLUMNS + LATEST_COLUMNS order; None = not given. The
                latest-facts columns are what a new record stores (from this row's own facts).
    facts       ((year, values in FACT_COLUMNS order), ...); None = not given
    tags        (tag, ...)

Amounts (Decimal) and dates travel as their text, `str(value)`: the very text the database
adapters would send for them, and pickling a Decimal or a date costs more than all the rest of a
row. The writer turns them back into numbers and dates where it compares them with stored values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from corridor.engine.regions import Region, RegionMatcher
from corridor.engine.sheets.cells import ERROR, Issue
from corridor.engine.sheets.rows import CleanRow, RowReader
from corridor.engine.sheets.tabular import (
    Layout,
    Table,
    TableError,
    auto_map,
    detect_layout,
    open_table,
)
from corridor.engine.size_band import size_band
from corridor.imports.seam import CHUNK_ROWS, HEAD_ROWS, Chunk, ReadJob, ReadOptions
from corridor.registry.columns import ENTERPRISE_FIELDS, FIELDS_BY_NAME

ENTERPRISE_COLUMNS = (
    "name",
    "uscc",
    "uscc_checksum_confirmed",
    "legal_form",
    "established_on",
    "registered_capital",
    "address",
    "province",
    "city",
    "county",
    "province_code",
    "city_code",
    "county_code",
    "latitude",
    "longitude",
    "industry_code",
    "business_scope",
    "main_products",
    "is_local",
    "park_id",
    "status",
    "is_synthetic",
)
LATEST_COLUMNS = ("latest_year", "latest_revenue", "latest_employees", "size_band")
# The yearly figures an import can carry, in the order of the import fields (and of the SQL below).
FACT_COLUMNS = tuple(f.name for f in ENTERPRISE_FIELDS if f.target == "facts" and f.name != "year")
ENT_INDEX = {name: i for i, name in enumerate(ENTERPRISE_COLUMNS)}
NAME, USCC = ENT_INDEX["name"], ENT_INDEX["uscc"]
_CHECKSUM, _PARK, _LOCAL = (
    ENT_INDEX[k] for k in ("uscc_checksum_confirmed", "park_id", "is_local")
)
_COUNTY, _ADDRESS = ENT_INDEX["county_code"], ENT_INDEX["address"]
_REGION_KEYS = ("province", "city", "county", "province_code", "city_code", "county_code")
_REGION_SLOTS = tuple(ENT_INDEX[k] for k in _REGION_KEYS)
_NO_LATEST = (None, None, None, "unknown")


class UpsertRow(NamedTuple):
    """One valid row for the bulk writer (a tuple, so it pickles cheaply; fields by name)."""

    enterprise: tuple[Any, ...]  # values in ENTERPRISE_COLUMNS + LATEST_COLUMNS order (ENT_INDEX)
    facts: tuple[tuple[int, tuple[Any, ...]], ...]  # (year, values in FACT_COLUMNS order), ...
    tags: tuple[str, ...]
    row: int = 0  # where it came from in the file, for a refusal at write time (0: not a file)


# Field kinds whose values travel as text (see above).
AS_TEXT_KINDS = frozenset({"money", "decimal", "date"})
_AS_TEXT = frozenset(f.name for f in ENTERPRISE_FIELDS if f.kind in AS_TEXT_KINDS)
_FACT_KEYS = frozenset(FACT_COLUMNS)


def make_upsert_row(
    enterprise: dict[str, Any],
    facts: dict[int, dict[str, Any]] | None = None,
    tags: Iterable[str] = (),
) -> UpsertRow:
    """An UpsertRow from dicts (the demo builder, tests); empty strings count as not given."""
    values = tuple(map(_as_sent, map(enterprise.get, ENTERPRISE_COLUMNS)))
    by_year = tuple(
        (int(year), tuple(map(_as_sent, map(given.get, FACT_COLUMNS))))
        for year, given in sorted((facts or {}).items())
    )
    return UpsertRow((*values, *_latest_of(facts or {})), by_year, tuple(tags))


def _as_sent(value: Any) -> Any:
    """A value in the form an UpsertRow carries it."""
    if value == "" or value is None:
        return None
    return str(value) if isinstance(value, (Decimal, date)) else value


def _latest_of(facts: dict[int, dict[str, Any]]) -> tuple[Any, Any, Any, str]:
    """(latest year, revenue, employees, size band) a new record stores from its own facts."""
    if not facts:
        return _NO_LATEST
    newest_first = sorted(facts, reverse=True)
    revenue = next(
        (facts[y]["revenue"] for y in newest_first if facts[y].get("revenue") is not None), None
    )
    staff = next(
        (facts[y]["employees"] for y in newest_first if facts[y].get("employees") is not None), None
    )
    return newest_first[0], _as_sent(revenue), staff, size_band(staff, revenue)


class RowMapper:
    """Turns a clean row into an UpsertRow: parks by name, regions from the address, local flag."""

    def __init__(self, parks: dict[str, int], district: str) -> None:
        self.parks = parks
        self.regions = RegionMatcher.default()
        self.district = district
        self._region_slots: dict[int, tuple[Region, tuple[tuple[int, str], ...]]] = {}

    def __call__(self, row: CleanRow) -> tuple[UpsertRow | None, list[Issue]]:
        values = sent = row.values
        if not _AS_TEXT.isdisjoint(values):
            sent = values.copy()
            for key in _AS_TEXT.intersection(values):
                sent[key] = str(sent[key])
        ent = list(map(sent.get, ENTERPRISE_COLUMNS))  # park_id and the derived columns: None
        if row.issues and any(i.code == "uscc_checksum" for i in row.issues):
            ent[_CHECKSUM] = True
        park = values.get("park")
        if park:
            if park not in self.parks:
                return None, [self._unknown_park(row.row, park)]
            ent[_PARK] = self.parks[park]
        self._fill_region(ent)
        if ent[_LOCAL] is None and ent[_COUNTY]:
            ent[_LOCAL] = ent[_COUNTY] == self.district
        year = values.get("year")
        facts: tuple[tuple[int, tuple[Any, ...]], ...] = ()
        if row.other_years:  # headers naming several years: one yearly row per year
            years = row.facts_by_year(FACT_COLUMNS)
            ent += _latest_of(years)
            facts = tuple(
                (y, tuple(_as_sent(given.get(k)) for k in FACT_COLUMNS))
                for y, given in sorted(years.items())
            )
        elif year is not None and not _FACT_KEYS.isdisjoint(values):
            staff, revenue = values.get("employees"), values.get("revenue")
            ent += (year, sent.get("revenue"), staff, size_band(staff, revenue))
            facts = ((year, tuple(map(sent.get, FACT_COLUMNS))),)
        else:
            ent += _NO_LATEST
        tags = values.get("tags")
        return UpsertRow(tuple(ent), facts, tuple(tags) if tags else (), row.row), []

    def _fill_region(self, ent: list[Any]) -> None:
        """Derive province/city/county and GB/T 2260 codes from a county code or the address."""
        code = ent[_COUNTY]
        region = self.regions.by_code(code) if code else None
        if region is None and ent[_ADDRESS]:
            region = self.regions.match(str(ent[_ADDRESS]))
        if region is None:
            return
        for slot, value in self._slots(region):
            if not ent[slot]:
                ent[slot] = value

    def _slots(self, region: Region) -> tuple[tuple[int, str], ...]:
        """(column slot, value) of a region's known levels, worked out once per region."""
        cached = self._region_slots.get(id(region))
        if cached is None or cached[0] is not region:  # the region is kept, so its id stays unique
            known = tuple(
                (slot, getattr(region, key))
                for slot, key in zip(_REGION_SLOTS, _REGION_KEYS, strict=True)
                if getattr(region, key)
            )
            cached = self._region_slots[id(region)] = (region, known)
        return cached[1]

    def _unknown_park(self, number: int, park: str) -> Issue:
        return Issue(
            number,
            FIELDS_BY_NAME["park"].label_zh,
            str(park),
            "park_unknown",
            f"park '{park}' is not in the registry's park list",
            ERROR,
            {"park": park, "known": ", ".join(sorted(self.parks))},
        )


# -- reading a whole file ---------------------------------------------------------------------


def read_layout(table: Table, mapping: dict[int, str] | None) -> tuple[Layout, dict[int, str]]:
    """The header found among the first rows, and the column mapping (the user's, else automatic)."""
    layout = detect_layout(table.head(HEAD_ROWS), ENTERPRISE_FIELDS)
    return layout, mapping if mapping is not None else auto_map(layout, ENTERPRISE_FIELDS)


def check_mapping(mapping: dict[int, str]) -> None:
    """A mapping an import can use: some column mapped, and one of them a key (name or USCC)."""
    if not mapping:
        raise TableError("no_mapping", "No column is mapped to a registry field.")
    if not {"name", "uscc"} & set(mapping.values()):
        raise TableError("no_key_column", "Map a column to the enterprise name or the USCC.")


def open_reader(
    table: Table, layout: Layout, mapping: dict[int, str], options: ReadOptions
) -> RowReader:
    """A RowReader over the table's data rows (it skips the rows above layout.data_start_row)."""
    return RowReader(
        table.rows(),
        layout,
        mapping,
        ENTERPRISE_FIELDS,
        default_money_unit=options.money_unit,
        accept_checksum_warnings=options.accept_warnings,
        hold_checksum_warnings=True,  # a code failing only its checksum waits for confirmation
        default_year=options.year,
    )


def parse_chunks(job: ReadJob, size: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Find the header, then read, clean, validate and map every row, `size` rows to a chunk.

    Always at least one chunk, so the header's place is known even for a file without rows.
    """
    table = open_table(
        job.path, filename=job.filename, sheet=job.sheet, max_bytes=job.max_bytes, limits=job.limits
    )
    layout, mapping = read_layout(table, job.mapping)
    check_mapping(mapping)
    reader = open_reader(table, layout, mapping, job.options)
    mapper = RowMapper(job.lookups["parks"], job.lookups["district"])
    header = layout.header_row_numbers
    notices = list(layout.notices)  # file-level (a sheet of figures naming no year), sent once
    read, reports, upserts = 0, [], []
    sent = False
    for row in reader:
        read += 1
        issues = row.issues
        if (
            row.skipped
            or row.needs_confirmation
            or (issues and any(i.severity == ERROR for i in issues))
        ):
            reports.append((row.skipped, issues))  # a held row: a warning, not written
        else:
            upsert, extra = mapper(row)  # mapped even to validate only: it reports unknown parks
            if upsert is not None and job.keep_rows:
                upserts.append(upsert)
            if issues or extra:
                reports.append((False, [*issues, *extra]))
        if read >= size:
            yield Chunk(read, reports, upserts, header, notices)
            read, reports, upserts, sent, notices = 0, [], [], True, []
    if read or not sent:
        yield Chunk(read, reports, upserts, header, notices)
