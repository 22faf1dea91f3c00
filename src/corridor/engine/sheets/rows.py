"""Turning the data rows of a table into clean records with precise per-row issues.

The year of the figures (fields with target "facts"), decided once per sheet by plan_years and
shown on the Layout (year_source, year) for the preview:

1. the row's year cell (a mapped 年份 column): source "column";
2. else the year the figure headers name ("2024年营业收入"): source "header";
3. else the one year the title rows above the header name ("婺城区重点企业名录（2024年度）"): "title";
4. else the year the user states (RowReader's default_year): "stated".

A year cell overrides the header when the headers name one year (that year is then only the
sheet's usual year). Headers naming several years ("2023年营业收入" | "2024年营业收入") make each
row carry several years: the columns of the row's year go into CleanRow.values (with "year"),
the others into CleanRow.other_years; CleanRow.facts_by_year gives them all.

With figure columns and no year from any of the four (source "none"), the figure columns are not
read at all: the rows import their other columns without an error each, and Layout.notices holds
one file-level warning (code year_missing, the header's row, no column) naming the columns left
out. A figure that cannot be given a year is never guessed, and one notice says so once instead
of the same error on every row.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from corridor.engine.sheets.cells import (
    DATE_MAX_YEAR,
    DATE_MIN_YEAR,
    DEFAULT_TEXT_LIMIT,
    ERROR,
    EXCEL_ERRORS,
    SKIPPED,
    WARNING,
    CellError,
    DateValue,
    Issue,
    clean_text,
    make_money_parser,
    parse_bool_choice,
    parse_date,
    parse_decimal,
    parse_float,
    parse_int,
    parse_tags,
    parse_year,
    raw_text,
    shown,
)
from corridor.engine.sheets.columns import ImportField
from corridor.engine.sheets.tabular import Layout, label_year
from corridor.engine.uscc import CHARSET, VALUE, check_uscc

INT_MAX = 2_147_483_647  # the database column is a 32-bit integer
_TOTAL_LABEL = re.compile(
    r"(?:.{0,10}(?:合计|总计|小计|共计|总和)|total|sum|grand total|sub-?total)[:：]?", re.IGNORECASE
)
_NOTE_LABEL = re.compile(
    r"(?:注|备注|说明|附注|填报人|填表人|制表人?|审核人?|负责人|联系电话|数据来源)\s*[:：]"
)
SUM_TOLERANCE = Decimal("0.0005")  # totals are often rounded to the sheet's displayed decimals

Parser = Callable[[Any], Any]
Plan = tuple[int, str, Parser, list[int], bool, Any]  # index, field, safe parser, flag, memo?, bulk
BATCH_ROWS = 512  # rows parsed together, column by column
CACHED_KINDS = frozenset({"year", "choice", "bool", "date", "tags"})
CACHED_TEXT_MAX = 120  # short text fields (park, city, source) repeat; names and addresses do not
_TEXT_TYPES = frozenset({str, type(None)})
_STR_ONLY = {str}
_BULK_DECIMALS = re.compile(
    r"(?:(?:\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,12})?|\d{1,15}(?:\.\d{1,12})?)?\x00)*"
)
_BULK_DATES = re.compile(r"(?:(?:1[89]\d\d|20\d\d)-[01]\d-[0-3]\d\x00)*")
_NOT_NUMBER_CHARS = str.maketrans("", "", "0123456789.,\x00")
_NOT_INT_CHARS = str.maketrans("", "", "0123456789\x00")
ONE = Decimal(1)
_NONES = itertools.repeat(None)


def _bulk_decimal(raw: Sequence[str], unit: Decimal) -> tuple[list[Any], Sequence[Any]] | None:
    """Unsigned plain amounts ("1234.5", "1,234.5" or empty) for a whole column (and their key form), or None."""
    joined = "\x00".join(raw)
    if joined.translate(
        _NOT_NUMBER_CHARS
    ):  # deletes digits, '.', ',' and separators: anything left is text
        return None
    if "," in joined:
        if not _BULK_DECIMALS.fullmatch(joined + "\x00"):  # grouping must be in threes
            return None
        digits: Sequence[str] = joined.replace(",", "").split("\x00")
    elif max(map(len, raw)) > 16:  # long digit strings go through the checks of parse_money
        return None
    else:
        digits = raw
    try:  # Decimal() rejects "1.2.3" or "."; then the column is parsed cell by cell
        parsed: list[Any] = (
            list(map(Decimal, digits))
            if "" not in raw
            else [Decimal(v) if v else None for v in digits]
        )
    except InvalidOperation:
        return None
    if unit != ONE:
        parsed = [None if v is None else v * unit for v in parsed]
        return parsed, _float_keys(parsed)
    # float(text) is fast C and equals float(Decimal(text)); it is exact up to 15 significant digits.
    return parsed, list(map(float, digits)) if "" not in raw else [
        float(v) if v else None for v in digits
    ]


def _float_keys(amounts: list[Any]) -> list[float | None]:
    """Amounts as the duplicate check hashes them: Decimal.__hash__ is slow, float is exact to 15 digits."""
    return [None if v is None else float(v) for v in amounts]


def _bulk_int(raw: Sequence[str]) -> tuple[list[Any], list[Any]] | None:
    """Unsigned whole numbers below 10^9 (or empty) for a whole column (and their key form), or None."""
    if "\x00".join(raw).translate(_NOT_INT_CHARS) or max(map(len, raw)) > 9:
        return None
    parsed = list(map(int, raw)) if "" not in raw else [int(v) if v else None for v in raw]
    return parsed, parsed


def _bulk_iso_dates(raw: Sequence[str]) -> tuple[list[Any], list[Any]] | None:
    """A column of ISO dates (no empties), converted in C; impossible dates fall back to the cell path."""
    if not _BULK_DATES.fullmatch("\x00".join(raw) + "\x00"):
        return None
    try:
        parsed = list(map(date.fromisoformat, raw))
    except ValueError:
        return None
    return parsed, parsed


def _bulk_text(raw: Sequence[str], limit: int) -> tuple[list[Any], Sequence[Any]] | None:
    """A column of tidy text kept as it is: printable, no outer or double spaces, no Excel errors, within the limit."""
    joined = "|".join(raw)
    if (
        not joined.isprintable()
        or "  " in joined
        or " |" in joined
        or "| " in joined
        or joined[:1] == " "
        or joined[-1:] == " "
        or max(map(len, raw)) > limit
        or not EXCEL_ERRORS.isdisjoint(raw)
    ):
        return None
    if "" in raw:
        parsed = [v or None for v in raw]
        return parsed, parsed
    return list(raw), raw


class _Failure:
    """A cell's CellError carried through map() (exceptions would abort the whole column)."""

    __slots__ = ("error",)

    def __init__(self, error: CellError) -> None:
        self.error = error


def _safe(parse: Parser, flag: list[int]) -> Parser:
    """parse without raising: empty -> None, CellError -> _Failure (and the column is flagged)."""

    def safe(raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        try:
            return parse(raw)
        except CellError as exc:
            flag.append(1)
            return _Failure(exc)

    return safe


def _safe_dates(parse: Parser, flag: list[int]) -> Parser:
    """_safe for date columns: a month- or year-precision DateValue also flags the column."""

    def safe(raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        try:
            value = parse(raw)
        except CellError as exc:
            flag.append(1)
            return _Failure(exc)
        if type(value) is DateValue:
            flag.append(1)
        return value

    return safe


@dataclass(slots=True)
class CleanRow:
    """One source row: cleaned values (only the cells that were filled), issues, and whether it was skipped."""

    row: int
    values: dict[str, Any]
    issues: list[Issue]
    skipped: bool = False
    date_precision: dict[str, str] = field(
        default_factory=dict
    )  # field -> "month" | "year" when not a full date
    # Yearly figures of years other than values["year"], from headers naming several years:
    # {2023: {"revenue": Decimal("980")}}. Empty for a sheet of one year (all of it is in values).
    other_years: dict[int, dict[str, Any]] = field(default_factory=dict)
    # A USCC failing only its checksum, not confirmed (hold_checksum_warnings without acceptance):
    # the row is valid and keeps the code, with a warning; it is written once the user confirms.
    needs_confirmation: bool = False

    @property
    def valid(self) -> bool:
        """Not skipped and without errors (warnings allowed)."""
        return not self.skipped and not any(i.severity == ERROR for i in self.issues)

    @property
    def importable(self) -> bool:
        """Valid and not waiting for the user to confirm a USCC that fails its checksum."""
        return self.valid and not self.needs_confirmation

    def facts_by_year(self, figures: Iterable[str]) -> dict[int, dict[str, Any]]:
        """Every year's figures of the row: values["year"] with the named fields found in values, then other_years."""
        out: dict[int, dict[str, Any]] = {}
        year = self.values.get("year")
        if year is not None:
            own = {n: self.values[n] for n in figures if n in self.values}
            if own:
                out[year] = own
        for other, given in self.other_years.items():
            out.setdefault(other, {}).update(given)
        return dict(sorted(out.items()))


@dataclass
class ReaderStats:
    """Counts after iteration; errors/warnings count rows, not issues."""

    rows_seen: int = 0
    blank_rows: int = 0
    skipped: int = 0
    errors: int = 0
    warnings: int = 0
    valid: int = 0
    unconfirmed: int = (
        0  # valid rows waiting for a checksum confirmation (among valid and warnings)
    )


@dataclass(frozen=True)
class YearPlan:
    """Where the rows of a sheet take the year of their figures from (see the module docstring)."""

    source: str  # column | header | title | stated | none (tabular.YEAR_SOURCES)
    year: int | None  # the year of a row whose year cell is empty or absent
    column_years: dict[
        int, int
    ]  # columns keeping their header's year (headers naming several years)
    dropped: dict[int, str]  # figure columns not read because nothing gives their year
    notices: list[Issue]  # file-level issues: the one year_missing notice


def plan_years(
    layout: Layout,
    mapping: dict[int, str],
    fields: Iterable[ImportField],
    default_year: int | None = None,
) -> YearPlan:
    """Decide the year of a sheet's figures: year cell > column header > title > stated year."""
    by_name = {f.name: f for f in fields}
    figures = {
        c: n for c, n in sorted(mapping.items()) if by_name[n].target == "facts" and n != "year"
    }
    header: dict[int, int] = {}
    for col, name in figures.items():
        year = layout.column_years.get(col) or (
            label_year(layout.labels[col]) if col < len(layout.labels) else None
        )
        if by_name[name].per_year and year is not None:
            header[col] = year
    header_years = set(header.values())
    year = max(header_years) if header_years else layout.title_year or default_year
    if "year" in mapping.values():
        source = "column"
    elif header_years:
        source = "header"
    elif layout.title_year is not None:
        source = "title"
    elif default_year is not None:
        source = "stated"
    else:
        source = "none"
    if source != "none" or not figures:
        return YearPlan(source, year, header if len(header_years) > 1 else {}, {}, [])
    return YearPlan(source, None, {}, figures, [_year_missing(layout, figures)])


def _year_missing(layout: Layout, figures: dict[int, str]) -> Issue:
    """The file-level notice: figure columns and no year for them anywhere."""
    labels = ", ".join(
        layout.labels[c] if c < len(layout.labels) and layout.labels[c] else f"column {c + 1}"
        for c in figures
    )
    row = layout.header_row_numbers[-1] if layout.header_row_numbers else 0
    return Issue(
        row,
        "",
        "",
        "year_missing",
        f"The file has yearly figures ({labels}) but no year for them: no 年份 column, no year in "
        "their headers or the title, and no year stated. The figures were not imported, the other "
        "columns were; add a 年份 column, a year in the title (2024年度) or state the year.",
        WARNING,
        {"columns": labels},
    )


class RowReader:
    """Iterate over a table's rows after its header, yielding CleanRow records."""

    def __init__(
        self,
        table_rows_iter: Iterable[tuple[int, list[Any]]],
        layout: Layout,
        mapping: dict[int, str],
        fields: Iterable[ImportField],
        *,
        default_money_unit: Decimal = Decimal(1),
        accept_checksum_warnings: bool = False,
        hold_checksum_warnings: bool = False,
        default_year: int | None = None,
    ) -> None:
        self._rows = table_rows_iter
        self.layout = layout
        self.mapping = dict(mapping)
        self.accept_checksum_warnings = accept_checksum_warnings
        # A checksum-only USCC failure is a warning (docs/imports.md); False keeps the older
        # behaviour, an error, for callers that would write a row awaiting confirmation.
        self._checksum_warns = accept_checksum_warnings or hold_checksum_warnings
        self._holding = hold_checksum_warnings and not accept_checksum_warnings
        self.stats = ReaderStats()
        fields = list(fields)
        by_name = {f.name: f for f in fields}
        self.years = plan = plan_years(layout, self.mapping, fields, default_year)
        layout.year_source, layout.year, layout.notices = plan.source, plan.year, plan.notices
        # The columns read: figure columns no year can be given to are left out (plan.dropped).
        active = {c: n for c, n in sorted(self.mapping.items()) if c not in plan.dropped}
        # Internal keys: the field's name, or "revenue@2023" for a column keeping its header's year.
        keys = {
            c: f"{n}@{plan.column_years[c]}" if c in plan.column_years else n
            for c, n in active.items()
        }
        self._yeared = {
            keys[c]: (n, plan.column_years[c]) for c, n in active.items() if c in plan.column_years
        }
        self._fields = {name: by_name[name] for name in active.values()}
        self._labels = {keys[idx]: self._label(idx) for idx in active}
        self._plans = [
            self._plan(idx, by_name[name], keys[idx], default_money_unit)
            for idx, name in active.items()
        ]
        self._names = [keys[c] for c in active]
        self._width = max(active, default=-1) + 1
        money = [c for c, n in active.items() if by_name[n].kind == "money"]
        # Two columns are enough to recognise an unlabelled totals row; summing all would cost every row.
        # (A column keeping another year than the rows' own is not among the row's values to sum.)
        summed = [active[c] for c in money if plan.column_years.get(c, plan.year) == plan.year]
        self._summed_fields = list(dict.fromkeys(summed))[:2]
        self._money_set = frozenset(keys[c] for c in money)
        self._fact_fields = frozenset(
            n for n in active.values() if by_name[n].target == "facts" and n != "year"
        )
        self._enterprise_fields = frozenset(
            {
                n
                for n in active.values()
                if by_name[n].target == "enterprise" and n not in ("name", "uscc")
            }
        )
        self._sums = {n: Decimal(0) for n in self._summed_fields}
        self._seen_rows: dict[
            int, int
        ] = {}  # hash of cleaned values -> first row (hash keeps memory flat)
        self._seen_uscc: dict[tuple[str, Any], int] = {}

    @property
    def blank_rows(self) -> int:
        """Fully blank rows skipped silently."""
        return self.stats.blank_rows

    def _label(self, idx: int) -> str:
        """The column's header label as in the file."""
        labels = self.layout.labels
        return labels[idx] if idx < len(labels) and labels[idx] else f"column {idx + 1}"

    # --- per-column parsers, chosen once -------------------------------------------------------------

    def _plan(self, idx: int, f: ImportField, key: str, default_unit: Decimal) -> Plan:
        """(column index, key in values, safe parser, its attention flag, parse distinct values once?, bulk converter)."""
        flag: list[int] = []
        parse = self._parser(f, idx, default_unit)
        safe = _safe_dates(parse, flag) if f.kind == "date" else _safe(parse, flag)
        unique = f.kind in CACHED_KINDS or (
            f.kind == "text" and f.max_length is not None and f.max_length <= CACHED_TEXT_MAX
        )
        return idx, key, safe, flag, unique, self._bulk(f, idx, default_unit)

    def _bulk(
        self, f: ImportField, idx: int, default_unit: Decimal
    ) -> Callable[[Sequence[str]], Any] | None:
        """A whole-column converter for plain numbers: one regex over the joined batch, then C-level map()."""
        if f.kind == "money":
            unit = self.layout.units[idx] if idx < len(self.layout.units) else None
            return partial(_bulk_decimal, unit=unit if unit is not None else default_unit)
        if f.kind == "int":
            return _bulk_int
        if f.kind == "date":
            return _bulk_iso_dates
        if f.kind == "text":
            return partial(_bulk_text, limit=f.max_length or DEFAULT_TEXT_LIMIT)
        return None

    def _parser(self, f: ImportField, idx: int, default_unit: Decimal) -> Parser:
        """The parse function for one column, with its unit and limits bound in."""
        kind = f.kind
        if kind == "money":
            unit = self.layout.units[idx] if idx < len(self.layout.units) else None
            return make_money_parser(
                unit if unit is not None else default_unit, non_negative=f.non_negative
            )
        if kind == "int":
            return partial(_bounded_int, non_negative=f.non_negative)
        if kind == "text":
            return _text_parser(f.max_length)
        if kind == "date":
            return _date_cell
        if kind == "uscc":
            return _uscc
        simple: dict[str, Parser] = {
            "year": parse_year,
            "decimal": parse_decimal,
            "float": partial(_coordinate, bounds=_float_bounds(f)),
            "bool": partial(_parse_bool, choices=f.choices),
            "choice": partial(parse_bool_choice, choices=f.choices),
            "tags": parse_tags,
        }
        if kind not in simple:
            raise ValueError(f"unknown field kind {kind!r} for {f.name}")
        return partial(_guard_formula, parse=simple[kind])

    # --- iteration ----------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[CleanRow]:
        start = self.layout.data_start_row
        numbers: list[int] = []
        batch: list[list[Any]] = []
        for number, cells in self._rows:
            if number < start:
                continue
            numbers.append(number)
            batch.append(cells)
            if len(batch) >= BATCH_ROWS:
                yield from self._batch(numbers, batch)
                numbers, batch = [], []
        if batch:
            yield from self._batch(numbers, batch)

    def _batch(self, numbers: list[int], rows: list[list[Any]]) -> Iterator[CleanRow]:
        """Parse a batch column by column (map() keeps the per-cell loop in C), then apply row rules."""
        stats = self.stats
        stats.rows_seen += len(rows)
        if rows and min(map(len, rows)) < self._width:
            pad = [None] * self._width
            rows = [r if len(r) >= self._width else [*r, *pad[len(r) :]] for r in rows]
        if not self._width:
            rows = [[None] for _ in rows]
        failures: dict[int, list[tuple[str, Any, CellError]]] = {}
        precisions: dict[int, dict[str, str]] = {}
        columns: list[list[Any]] = []
        keyed: list[Sequence[Any]] = []  # per column, what the duplicate check hashes
        transposed = list(
            zip(*rows, strict=False)
        )  # C-level transpose; rows are at least self._width long
        for plan in self._plans:
            parsed, key_column = self._parse_column(plan, transposed[plan[0]], failures, precisions)
            columns.append(parsed)
            keyed.append(key_column)
        keys = list(map(hash, zip(*keyed, strict=True)))
        names = self._names
        # By identity: `None in column` would compare each Decimal with None (an isinstance check).
        full = not any(any(map(operator.is_, column, _NONES)) for column in columns)
        for pos, cleaned in enumerate(zip(*columns, strict=True)):
            if full:  # no empty cell in the batch: values built in C
                values = dict(zip(names, cleaned, strict=True))
            else:  # empty cells are left out of values
                values = {k: v for k, v in zip(names, cleaned, strict=True) if v is not None}
            issues: list[Issue] = []
            number = numbers[pos]
            if failures and pos in failures:
                for name, raw, exc in failures[pos]:
                    self._cell_issue(number, name, raw, exc, values, issues)
            if not values and not issues:
                stats.blank_rows += 1
                continue
            row = CleanRow(number, values, issues)
            if issues and self._holding:
                row.needs_confirmation = any(i.code == "uscc_checksum" for i in issues)
            if self._yeared:
                row.other_years = self._split_years(values)
            if precisions and pos in precisions:
                row.date_precision = precisions[pos]
            if issues or not self._fast_path(row, rows[pos], keys[pos]):
                row = self._apply_rules(row, rows[pos], keys[pos])
                self._count(row)
            yield row

    def _split_years(self, values: dict[str, Any]) -> dict[int, dict[str, Any]]:
        """Move the values of columns keeping their header's year: the row's own year into values, the others out."""
        row_year = values.get("year", self.years.year)
        other: dict[int, dict[str, Any]] = {}
        for key, (name, year) in self._yeared.items():
            if key in values:
                value = values.pop(key)
                if year != row_year:
                    other.setdefault(year, {})[name] = value
                else:  # a plain column of the same field (the row's year) wins
                    values.setdefault(name, value)
        return dict(sorted(other.items()))

    def _fast_path(self, row: CleanRow, cells: list[Any], key: int) -> bool:
        """The common row (named, not a total, year present if needed, first of its kind) in one step.

        It commits nothing unless every check passes; otherwise _apply_rules handles the row in full.
        """
        values = row.values
        name = values.get("name")
        if name is None or len(values) == 1 or _may_be_total(name):
            return False
        first = cells[0]
        if first is not name and (
            first is None or first == "" or (type(first) is str and _may_be_total(first))
        ):
            return False
        year = values.get("year")
        if (year is None and not self._fact_fields.isdisjoint(values)) or key in self._seen_rows:
            return False
        uscc = values.get("uscc")
        if uscc is not None:
            ukey = (uscc, year)
            if ukey in self._seen_uscc:
                return False
            self._seen_uscc[ukey] = row.row
        self._seen_rows[key] = row.row
        sums = self._sums
        for field_name in self._summed_fields:
            amount = values.get(field_name)
            if amount is not None:
                sums[field_name] += amount
        self.stats.valid += 1
        return True

    def _parse_column(
        self,
        plan: Plan,
        raw: Sequence[Any],
        failures: dict[int, list[tuple[str, Any, CellError]]],
        precisions: dict[int, dict[str, str]],
    ) -> tuple[list[Any], list[Any]]:
        """One column of a batch and its duplicate-check form; repeated text is parsed once per spelling."""
        _, name, safe, flag, unique, bulk = plan
        types = set(map(type, raw))
        if bulk is not None and types == _STR_ONLY:
            done = bulk(raw)
            if done is not None:
                return done
        parsed = self._parse_cells(name, safe, flag, unique, types, raw, failures, precisions)
        return parsed, _float_keys(parsed) if name in self._money_set else parsed

    def _parse_cells(
        self,
        name: str,
        safe: Parser,
        flag: list[int],
        unique: bool,
        types: set[type],
        raw: Sequence[Any],
        failures: dict[int, list[tuple[str, Any, CellError]]],
        precisions: dict[int, dict[str, str]],
    ) -> list[Any]:
        """Cell by cell through the column's safe parser; failures and partial dates noted by position."""
        # Only all-text columns share results: 1, 1.0 and True are equal keys but may clean differently.
        if unique and types <= _TEXT_TYPES:
            memo = {v: safe(v) for v in set(raw)}
            parsed = list(map(memo.__getitem__, raw))
        else:
            parsed = list(map(safe, raw))
        if flag:  # a failure or a partial date somewhere in this column: the rare path
            flag.clear()
            for pos, value in enumerate(parsed):
                if type(value) is _Failure:
                    failures.setdefault(pos, []).append((name, raw[pos], value.error))
                    parsed[pos] = None
                elif type(value) is DateValue:
                    parsed[pos] = value.value
                    if value.precision != "day":
                        precisions.setdefault(pos, {})[name] = value.precision
        return parsed

    def _apply_rules(self, row: CleanRow, cells: list[Any], key: int) -> CleanRow:
        """Totals/notes, identity and year rules, duplicates, running sums."""
        values = row.values
        if _maybe_skipped(cells, values):
            skip = self._skip_issue(row.row, cells, values)
            if skip is not None:
                return CleanRow(
                    row.row, values, [skip], skipped=True, date_precision=row.date_precision
                )
        self._check_row(row)
        if not row.issues or all(i.severity != ERROR for i in row.issues):
            row = self._dedupe(row, key if not row.issues else self._values_key(row))
        if not row.skipped:
            sums = self._sums
            for name in self._summed_fields:
                amount = values.get(name)
                if amount is not None:
                    sums[name] += amount
        return row

    def _count(self, row: CleanRow) -> None:
        """Update stats for a yielded row."""
        stats = self.stats
        if row.skipped:
            stats.skipped += 1
            return
        if not row.issues:
            stats.valid += 1
            return
        severities = {i.severity for i in row.issues}
        if ERROR in severities:
            stats.errors += 1
        else:
            stats.valid += 1
        if WARNING in severities:
            stats.warnings += 1
        if row.needs_confirmation:
            stats.unconfirmed += 1

    def _cell_issue(
        self,
        number: int,
        name: str,
        raw: Any,
        exc: CellError,
        values: dict[str, Any],
        issues: list[Issue],
    ) -> None:
        """Record a cell's problem; an accepted checksum warning keeps the value."""
        severity = ERROR
        params = exc.params
        if exc.code == "uscc_checksum" and self._checksum_warns:
            severity = WARNING
            values[name] = params["normalised"]
            params = {**params, "confirmed": self.accept_checksum_warnings}
        issues.append(
            Issue(
                number,
                self._labels[name],
                raw_text(raw),
                exc.code,
                exc.message,
                severity,
                params,
            )
        )

    # --- row rules ---------------------------------------------------------------------------------------

    def _skip_issue(self, number: int, cells: list[Any], values: dict[str, Any]) -> Issue | None:
        """A totals row or a footnote below the table is skipped, not imported."""
        first = (
            cells[0]
            if cells and cells[0] is not None and cells[0] != ""
            else next((c for c in cells if c), None)
        )
        name = values.get("name")
        for text in (first, name) if first is not name else (name,):
            if type(text) is str and is_totals_label(text):
                return Issue(
                    number,
                    "",
                    raw_text(text),
                    "totals_row",
                    f"Row {number} is a totals row ('{shown(text)}'); skipped.",
                    SKIPPED,
                    {"label": text},
                )
        if name is None and "uscc" not in values and self._equals_running_sums(values):
            return Issue(
                number,
                "",
                "",
                "totals_row",
                f"Row {number} has no name and its amounts equal the sum of the rows above; skipped as a totals row.",
                SKIPPED,
                {},
            )
        if name is not None and len(values) == 1 and _NOTE_LABEL.match(name):
            return Issue(
                number,
                self._labels["name"],
                raw_text(name),
                "note_row",
                f"Row {number} is a note below the table ('{shown(name)}'); skipped.",
                SKIPPED,
                {"label": name},
            )
        return None

    def _equals_running_sums(self, values: dict[str, Any]) -> bool:
        """Every amount on the row equals the total of the same column over the rows above."""
        amounts = [(n, values[n]) for n in self._summed_fields if n in values]
        if not amounts:
            return False
        for name, amount in amounts:
            total = self._sums[name]
            if abs(amount - total) > max(Decimal("0.01"), abs(total) * SUM_TOLERANCE):
                return False
        return True

    def _check_row(self, row: CleanRow) -> None:
        """Identity and year rules that span several cells."""
        values, issues, number = row.values, row.issues, row.row
        has_facts = not self._fact_fields.isdisjoint(values)
        if "name" in values:
            pass
        elif "uscc" not in values and not _failed(issues, ("name", "uscc"), self._labels):
            issues.append(
                self._required(
                    number, "name", "each row needs 企业名称 (name) or 统一社会信用代码 (USCC)"
                )
            )
        elif "uscc" in values and not self._enterprise_fields.isdisjoint(values):
            issues.append(
                self._required(
                    number, "name", "a row that changes enterprise details needs 企业名称 (name)"
                )
            )
        if has_facts and "year" not in values:
            if self.years.year is not None:
                values["year"] = self.years.year
            elif not _failed(issues, ("year",), self._labels):
                issues.append(
                    self._required(number, "year", "a row with yearly figures needs 年份 (year)")
                )

    def _required(self, number: int, name: str, reason: str) -> Issue:
        """The 'required' error for a missing field (column '' when the file has no such column)."""
        label = self._labels.get(name, "")
        where = f"column '{label}'" if label else "the file (no such column)"
        return Issue(
            number,
            label,
            "",
            "required",
            f"Row {number}: {where} is empty; {reason}.",
            ERROR,
            {"field": name, "reason": reason},
        )

    def _values_key(self, row: CleanRow) -> int:
        """The duplicate-check hash from a row's values (rows whose values changed after parsing)."""
        money = self._money_set
        return hash(
            tuple(
                _float_keys([self._value_of(row, n)])[0] if n in money else self._value_of(row, n)
                for n in self._names
            )
        )

    def _value_of(self, row: CleanRow, key: str) -> Any:
        """A column's value by its key, wherever _split_years put it."""
        if key not in self._yeared:
            return row.values.get(key)
        name, year = self._yeared[key]
        if year in row.other_years:
            return row.other_years[year].get(name)
        return row.values.get(name) if row.values.get("year", self.years.year) == year else None

    def _dedupe(self, row: CleanRow, key: int) -> CleanRow:
        """Exact repeats are skipped; the same USCC (and year) with other values is a conflict."""
        values, number = row.values, row.row
        first = self._seen_rows.get(key)
        if first is not None:
            return CleanRow(
                number,
                values,
                [
                    Issue(
                        number,
                        "",
                        "",
                        "duplicate_row",
                        f"Row {number} repeats row {first} exactly; skipped.",
                        SKIPPED,
                        {"first_row": first},
                    )
                ],
                skipped=True,
            )
        self._seen_rows[key] = number
        uscc = values.get("uscc")
        if uscc is not None:
            ukey = (uscc, values.get("year"))
            earlier = self._seen_uscc.get(ukey)
            if earlier is not None:
                row.issues.append(self._conflict(number, uscc, earlier, values.get("year")))
                return row
            self._seen_uscc[ukey] = number
        return row

    def _conflict(self, number: int, uscc: str, earlier: int, year: Any) -> Issue:
        """The duplicate_conflict error naming the earlier row."""
        scope = f" for year {year}" if year is not None else ""
        return Issue(
            number,
            self._labels.get("uscc", ""),
            uscc,
            "duplicate_conflict",
            f"USCC {uscc} already appears in row {earlier}{scope} with different values; "
            "keep one row per enterprise and year.",
            ERROR,
            {"uscc": uscc, "first_row": earlier, "year": year},
        )


# --- parsers bound per column ----------------------------------------------------------------------------


def _bounded_int(raw: Any, non_negative: bool) -> int | None:
    """A whole number that fits the database and, for counts, is not negative."""
    value = parse_int(raw)
    if value is None:
        return None
    if non_negative and value < 0:
        raise CellError(
            "negative",
            f"'{shown(raw)}' is negative; a count cannot be below zero",
            {"value": raw_text(raw)},
        )
    if abs(value) > INT_MAX:
        raise CellError(
            "out_of_range",
            f"'{shown(raw)}' is too large; the maximum is {INT_MAX}",
            {"value": raw_text(raw), "max": INT_MAX},
        )
    return value


def _text_parser(max_length: int | None) -> Parser:
    """Text for one column; tidy text (the common case) is returned as it is."""
    limit = max_length or DEFAULT_TEXT_LIMIT

    def parse(raw: Any) -> str | None:
        # str.strip() returns the same object when there is nothing to strip (CPython); otherwise the slow path.
        tidy = type(raw) is str and raw.isprintable() and raw.strip() is raw and "  " not in raw
        if tidy and len(raw) <= limit and (raw[0] != "#" or raw not in EXCEL_ERRORS):
            return raw
        return _text(raw, max_length)

    return parse


def _date_cell(raw: Any) -> Any:
    """An ISO date string goes straight to date.fromisoformat; anything else through parse_date."""
    if type(raw) is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            return parse_date(raw)  # for the specific message
        if DATE_MIN_YEAR <= value.year <= DATE_MAX_YEAR:
            return value
    return parse_date(raw)


def _maybe_skipped(cells: list[Any], values: dict[str, Any]) -> bool:
    """Cheap pre-test for _skip_issue: no name, a lone value, or a totals-like first cell or name."""
    name = values.get("name")
    if name is None or len(values) == 1 or not cells:
        return True
    first = cells[0]
    if first is None or first == "":
        return True
    return (type(first) is str and _may_be_total(first)) or _may_be_total(name)


def is_totals_label(text: str) -> bool:
    """Whether a cell's text labels a totals row: 合计, 本页合计, 总计, 小计, Total, Sum, Subtotal…"""
    return (
        len(text) <= 24
        and _may_be_total(text)
        and bool(_TOTAL_LABEL.fullmatch("".join(text.split())))
    )


def _may_be_total(text: str) -> bool:
    """Cheap test before the regex: a totals label contains 计 or 和, or starts like Total/Sum."""
    return "计" in text or "和" in text or text[:1] in "TtSs"


def _text(raw: Any, max_length: int | None) -> str | None:
    """Cleaned text; an Excel error value is not a name or an address."""
    if type(raw) is str and raw[:1] == "#" and raw in EXCEL_ERRORS:
        raise _formula_error(raw)
    return clean_text(raw, max_length)


def _parse_bool(raw: Any, choices: dict[str, str]) -> bool | None:
    """A bool field: the choice's stored "true"/"false" as a Python bool (what a BooleanField takes)."""
    stored = parse_bool_choice(raw, choices)
    return None if stored is None else stored == "true"


def _guard_formula(raw: Any, parse: Parser) -> Any:
    """Excel error values are reported as formula errors before the kind's own parse."""
    if type(raw) is str and raw.strip() in EXCEL_ERRORS:
        raise _formula_error(raw)
    return parse(raw)


def _formula_error(raw: str) -> CellError:
    """The formula error: the cell shows an Excel error instead of a value."""
    return CellError(
        "formula",
        f"'{raw.strip()}' is an Excel error value; fix the formula in the source file or enter a value",
        {"value": raw.strip()},
    )


def _float_bounds(f: ImportField) -> tuple[float, float] | None:
    """A float column's declared bounds (both or neither: an open side is unbounded)."""
    if f.minimum is None and f.maximum is None:
        return None
    low = float(f.minimum) if f.minimum is not None else float("-inf")
    return low, float(f.maximum) if f.maximum is not None else float("inf")


def _coordinate(raw: Any, bounds: tuple[float, float] | None) -> float | None:
    """A float within the column's declared bounds (latitude ±90, longitude ±180)."""
    value = parse_float(raw)
    if value is not None and bounds and not bounds[0] <= value <= bounds[1]:
        raise CellError(
            "out_of_range",
            f"'{shown(raw)}' is outside {bounds[0]:g}…{bounds[1]:g}",
            {"value": raw_text(raw), "min": bounds[0], "max": bounds[1]},
        )
    return value


class _Base34Digits(dict[int, str]):
    """USCC character -> base-36 digit of its value; anything else -> '!' so int() rejects it."""

    def __missing__(self, key: int) -> str:
        return "!"


_DIGITS = _Base34Digits({ord(ch): "0123456789abcdefghijklmnopqrstu"[VALUE[ch]] for ch in CHARSET})


def _uscc(raw: Any) -> str | None:
    """A USCC: length and charset are errors; a checksum failure raises uscc_checksum (severity chosen later)."""
    if type(raw) is str and len(raw) == 18:
        # The checksum is sum(value_i * 3**i) mod 31; since 34 = 3 (mod 31) that is the first 17 characters
        # read backwards as one base-34 number, mod 31: one C-level int() instead of a Python loop.
        try:
            total = int(raw[16::-1].translate(_DIGITS), 34)
        except ValueError:
            total = -1
        if total >= 0 and CHARSET[(31 - total % 31) % 31] == raw[17]:
            return raw
    elif type(raw) in (int, float):
        return _uscc_number(raw)
    else:
        if type(raw) is str and raw.strip() in EXCEL_ERRORS:
            raise _formula_error(raw)
        text = clean_text(raw)
        if text is None:
            return None
        raw = text
    return _uscc_slow(raw)


def parse_uscc_cell(raw: Any) -> str | None:
    """The one USCC cell rule, for any importer: the code, or CellError uscc_number / uscc_length /
    uscc_charset (errors) or uscc_checksum (the importer holds the row until the user confirms)."""
    return _uscc(raw)


def _uscc_number(raw: float) -> str:
    """Excel turned an all-digit code into a number; 18 digits do not survive a float."""
    if type(raw) is int and len(str(raw)) == 18:
        return _uscc_slow(str(raw))
    raise CellError(
        "uscc_number",
        f"'{raw}' was stored as a number, so Excel has lost digits of the code; format the column as text "
        "and enter the 18-character code again",
        {"value": raw_text(raw)},
    )


def _uscc_slow(raw: str) -> str:
    """check_uscc with its outcome turned into a specific code."""
    result = check_uscc(raw)
    params = {"value": raw_text(raw), "normalised": result.code}
    if result.error:
        code = "uscc_length" if len(result.code) != 18 else "uscc_charset"
        raise CellError(code, f"USCC '{shown(raw)}' {result.error}", params)
    if result.warning:
        raise CellError(
            "uscc_checksum",
            f"USCC '{shown(raw)}': {result.warning}; confirm the code is correct (a typo is likely) "
            "or accept checksum warnings",
            params,
        )
    return result.code


def _failed(issues: list[Issue], names: tuple[str, ...], labels: dict[str, str]) -> bool:
    """Whether one of these fields already has a cell error (so 'required' would repeat it)."""
    wanted = {labels[n] for n in names if n in labels}
    return any(i.column in wanted for i in issues)
