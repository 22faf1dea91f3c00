"""Bulk upsert of enterprises and yearly facts, bypassing per-row ORM saves.

Used by imports (any size) and the demo builder. Rows (`UpsertRow` tuples, described in
registry/parsing.py) are upserted by USCC (or, for rows without one, by exact name among records
without a USCC). Empty values never wipe stored data. Updates keep before/after images in
ImportChange so an import can be reverted; created enterprises and facts rows carry the import's
id instead (created_by_import), which is how a revert finds them.

Which rows are new and which are updates is decided here, in Python (the before-images need the
stored values anyway), so new rows are plain inserts: multi-row INSERTs on SQLite, and on PostgreSQL
one COPY per table and chunk (psycopg's `cursor.copy()`), the enterprises' ids reserved from their
sequence beforehand. COPY streams rows in the table's own text format, with no statement to build,
send and parse per few hundred rows. Both run inside the caller's transaction.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from corridor.accounts.services import json_safe
from corridor.engine.size_band import size_band_sql
from corridor.imports.models import ImportChange
from corridor.registry.models import Enterprise, EnterpriseTag, EnterpriseYearFacts
from corridor.registry.parsing import (
    ENTERPRISE_COLUMNS,
    FACT_COLUMNS,
    LATEST_COLUMNS,
    NAME,
    USCC,
    UpsertRow,
)

# sqlite3 binds int, float, str and bytes directly; for any other parameter it looks for an adapter,
# and a miss (None, bool) costs a failed attribute lookup that formats an error message. Half of a
# bulk row's parameters are None. Registered adapters (C functions, returning what sqlite3 would
# have bound anyway: NULL, 0/1) make that a dictionary hit.
_NO_ADAPTATION: dict[None, None] = {}  # its .get maps None to None (NULL) in C
sqlite3.register_adapter(type(None), _NO_ADAPTATION.get)
sqlite3.register_adapter(bool, int)

ENT_TABLE = Enterprise._meta.db_table
FACTS_TABLE = EnterpriseYearFacts._meta.db_table
TAG_TABLE = EnterpriseTag._meta.db_table
CHANGE_TABLE = ImportChange._meta.db_table
# Rows per multi-row INSERT: one statement per few hundred rows instead of one per row saves
# statement overhead (and SQLite's AUTOINCREMENT bookkeeping, done once per statement).
ROWS_PER_INSERT = 500
_WIDTH = len(ENTERPRISE_COLUMNS)


@dataclass
class BulkResult:
    """What a bulk write did."""

    created: int = 0
    updated: int = 0
    facts_written: int = 0


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _literal(value: Any) -> str:
    """A column default as SQL (constants of this module only, never user data)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


@contextmanager
def _cursor() -> Iterator[_DriverCursor]:
    """A cursor of the database driver itself, for statements that carry hundreds of rows.

    Django's cursor wrapper rewrites each statement's placeholders on every call (on SQLite a regex
    over up to 15,000 of them: a third of the writer's time at a million rows) and, with DEBUG on,
    logs and re-quotes every parameter.
    """
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            yield _DriverCursor(cursor, connection.vendor)
        finally:
            cursor.close()


class _DriverCursor:
    """execute/executemany with '%s' placeholders (translated once per statement text for sqlite3),
    and COPY on PostgreSQL.

    When Django logs queries (DEBUG, or a test capturing them), each statement's text is logged too,
    without its parameters, so what the writer sends stays visible to query counts.
    """

    def __init__(self, cursor: Any, vendor: str) -> None:
        self.cursor = cursor
        self.copies = vendor == "postgresql"
        self._sql = _qmark if vendor == "sqlite" else str
        self._log = connection.queries_log if connection.queries_logged else None

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        start = time.monotonic()
        self.cursor.execute(self._sql(sql), params)
        self._logged(sql, start)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        start = time.monotonic()
        self.cursor.executemany(self._sql(sql), params)
        self._logged(sql, start)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """COPY rows (values in `columns` order, None as NULL) into a table (PostgreSQL only)."""
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        start = time.monotonic()
        with self.cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        self._logged(sql, start)

    def _logged(self, sql: str, start: float) -> None:
        if self._log is not None:
            self._log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.cursor.fetchall()

    @property
    def description(self) -> Any:
        return self.cursor.description


def _among(
    cursor: _DriverCursor, column: str, keys: list[Any], max_params: int
) -> Iterator[tuple[str, list[Any]]]:
    """(condition, parameters) selecting rows whose column is one of the keys: `IN (%s, ...)` in
    as few statements as the parameter limit allows, or on PostgreSQL one `= ANY(%s)` of an array
    (one parameter to send instead of thousands for psycopg to merge into the text)."""
    if cursor.copies:
        if keys:
            yield f"{column} = ANY(%s)", [keys]
        return
    for start in range(0, len(keys), max_params):
        part = keys[start : start + max_params]
        yield f"{column} IN ({_placeholders(len(part))})", part


@functools.lru_cache(maxsize=64)
def _qmark(sql: str) -> str:
    """sqlite3's placeholder (this module's SQL has no other '%')."""
    return sql.replace("%s", "?")


def _max_params() -> int:
    """Bound parameters allowed in one statement."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535


class BulkWriter:
    """Writes UpsertRows in chunks with raw SQL; call write() repeatedly, then finish()."""

    def __init__(self, batch_id: int | None = None, record_changes: bool = True) -> None:
        self.batch_id = batch_id
        self.record_changes = record_changes and batch_id is not None
        self.result = BulkResult()
        self.refused: list[UpsertRow] = []  # of the last chunk: new records without a name
        self._touched: set[int] = set()  # records whose latest facts must be recomputed
        self._new_ids: set[int] = set()  # created in the current chunk: no facts or tags yet
        self._max_params = _max_params()

    def write(self, rows: list[UpsertRow]) -> list[int]:
        """Upsert one chunk of rows (keep chunks to a few thousand); the enterprise id of each row."""
        if not rows:
            return []
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.refused = []
        with _cursor() as cursor:
            ids = self._upsert_enterprises(cursor, rows, now)
            kept, kept_ids = rows, ids
            if self.refused:  # their id is 0: no record, so no facts or tags either
                kept = [r for r, i in zip(rows, ids, strict=True) if i]
                kept_ids = [i for i in ids if i]
            self._upsert_facts(cursor, kept, kept_ids, now)
            self._insert_tags(cursor, kept, kept_ids)
        return ids

    def finish(self) -> BulkResult:
        """Refresh the latest-facts columns of every touched enterprise and return the counts."""
        refresh_latest_facts(sorted(self._touched))
        return self.result

    # -- enterprises ---------------------------------------------------------------------------

    def _upsert_enterprises(self, cursor, rows: list[UpsertRow], now: Any) -> list[int]:
        ids = [0] * len(rows)
        self._new_ids = set()
        fresh: set[int] = set()  # created here with their latest facts, and not updated since
        for positions in _passes(rows):
            self._upsert_pass(cursor, rows, positions, ids, now, fresh)
        self._touched.update(set(ids) - fresh - {0})
        return ids

    def _upsert_pass(
        self,
        cursor,
        rows: list[UpsertRow],
        positions: Sequence[int],
        ids: list[int],
        now: Any,
        fresh: set[int],
    ) -> None:
        """Insert or update the rows at these positions (no enterprise twice among them)."""
        ents = [rows[p].enterprise for p in positions]
        by_code, by_name = self._existing_enterprises(cursor, ents)
        inserts, insert_at, updates = ents, positions, []
        if by_code or by_name or not all(e[NAME] for e in ents):
            inserts, insert_at = [], []
            for pos, ent in zip(positions, ents, strict=True):
                code = ent[USCC]
                old = by_code.get(code) if code else by_name.get(ent[NAME])
                if old is None and not ent[NAME]:
                    self.refused.append(rows[pos])  # a new record needs a name
                elif old is None:
                    inserts.append(ent)
                    insert_at.append(pos)
                else:
                    updates.append((old, ent))
                    ids[pos] = old["id"]
                    fresh.discard(old["id"])
        new_ids = self._insert_enterprises(cursor, inserts, now)
        for pos, new_id in zip(insert_at, new_ids, strict=True):
            ids[pos] = new_id
        self._new_ids.update(new_ids)
        fresh.update(new_ids)
        self._update_enterprises(cursor, updates, now)

    def _existing_enterprises(self, cursor, ents: list[tuple]) -> tuple[dict, dict]:
        codes = sorted({e[USCC] for e in ents if e[USCC]})
        names = sorted({e[NAME] for e in ents if not e[USCC] and e[NAME]})
        cols = "id, " + ", ".join(ENTERPRISE_COLUMNS) + ", deleted_at"
        by_code = {
            v["uscc"]: v
            for v in self._select(cursor, f"SELECT {cols} FROM {ENT_TABLE} WHERE", "uscc", codes)
        }
        found = self._select(
            cursor, f"SELECT {cols} FROM {ENT_TABLE} WHERE uscc IS NULL AND", "name", names
        )
        by_name = {v["name"]: v for v in sorted(found, key=lambda v: v["id"])}  # newest wins
        return by_code, by_name

    def _select(self, cursor, sql: str, column: str, keys: list[Any]) -> list[dict[str, Any]]:
        """Rows as dicts of `sql column IN (keys)`, in as few statements as allowed."""
        out: list[dict[str, Any]] = []
        for where, params in _among(cursor, column, keys, self._max_params):
            cursor.execute(f"{sql} {where}", params)
            cols = [c[0] for c in cursor.description]
            out.extend(dict(zip(cols, row, strict=True)) for row in cursor.fetchall())
        return out

    def _insert_enterprises(self, cursor, ents: list[tuple], now: Any) -> list[int]:
        """Multi-row INSERTs; the new ids in the order of `ents`."""
        if not ents:
            return []
        if cursor.copies:
            return self._copy_enterprises(cursor, ents, now)
        insert = _Insert(ENT_TABLE, _ENT_INSERT, ents, _ENT_TAIL, self._max_params)
        tail = (now, now, self.batch_id)
        ids: list[int] = []
        for count, params in insert.statements(ents, itertools.repeat(tail)):
            cursor.execute(insert.sql(count, returning=True), params)
            # RETURNING's row order is unspecified, but ids grow in VALUES order (AUTOINCREMENT on
            # SQLite, a sequence on PostgreSQL), so sorted ids line up with the rows.
            ids += sorted(r[0] for r in cursor.fetchall())
        self.result.created += len(ents)
        return ids

    def _copy_enterprises(self, cursor, ents: list[tuple], now: Any) -> list[int]:
        """COPY of new enterprises with ids reserved from the table's sequence, in `ents` order."""
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{ENT_TABLE}', 'id')) "
            "FROM generate_series(1, %s)",
            [len(ents)],
        )
        ids = sorted(r[0] for r in cursor.fetchall())
        row, tail = _ENT_COPY_ROW, (now, now, self.batch_id)
        cursor.copy(ENT_TABLE, _ENT_COPY_COLUMNS, map(row, zip(ids), ents, itertools.repeat(tail)))
        self.result.created += len(ents)
        return ids

    def _update_enterprises(self, cursor, updates: list[tuple[dict, tuple]], now: Any) -> None:
        changes = []
        statements: dict[tuple[str, ...], list[tuple]] = {}
        for existing, ent in updates:
            present = [
                (c, _typed(c, v))
                for c, v in zip(ENTERPRISE_COLUMNS, ent[:_WIDTH], strict=True)
                if v is not None and v != ""
            ]
            changed = [(c, v) for c, v in present if _differs(existing[c], v)]
            if not changed and existing.get("deleted_at") is None:
                continue
            statements.setdefault(tuple(c for c, _ in changed), []).append(
                (*[v for _, v in changed], now, existing["id"])
            )
            if self.record_changes:
                before = {c: json_safe(existing[c]) for c, _ in changed}
                before["deleted_at"] = json_safe(existing.get("deleted_at"))
                after = {c: json_safe(v) for c, v in changed} | {"deleted_at": None}
                changes.append(("enterprise", existing["id"], before, after))
            self.result.updated += 1
        for changed_cols, params in statements.items():
            sets = "".join(f"{c} = %s, " for c in changed_cols)
            cursor.executemany(
                f"UPDATE {ENT_TABLE} SET {sets}updated_at = %s, deleted_at = NULL WHERE id = %s",
                params,
            )
        self._record_changes(cursor, changes)

    # -- facts, tags, change log ---------------------------------------------------------------

    def _upsert_facts(self, cursor, rows: list[UpsertRow], ids: list[int], now: Any) -> None:
        wanted: dict[tuple[int, int], tuple] = {}
        for row, ent_id in zip(rows, ids, strict=True):
            for year, values in row.facts:
                key = (ent_id, year)
                earlier = wanted.get(key)
                # The same record and year twice (rows matched by name): later given values win.
                wanted[key] = (
                    values
                    if earlier is None
                    else tuple(e if v is None else v for e, v in zip(earlier, values, strict=True))
                )
        if not wanted:
            return
        existing = self._existing_facts(cursor, sorted({k[0] for k in wanted} - self._new_ids))
        inserts: list[tuple[tuple[int, int], tuple]] = []
        statements: dict[tuple[str, ...], list[tuple]] = {}
        changes = []
        for key, values in wanted.items():
            old = existing.get(key)
            if old is None:
                inserts.append((key, values))
                continue
            given = [
                (c, _typed(c, v))
                for c, v in zip(FACT_COLUMNS, values, strict=True)
                if v is not None and v != ""
            ]
            changed = [(c, v) for c, v in given if _differs(old[c], v)]
            if not changed:
                continue
            statements.setdefault(tuple(c for c, _ in changed), []).append(
                (*[v for _, v in changed], now, old["id"])
            )
            if self.record_changes:
                before = {c: json_safe(old[c]) for c, _ in changed}
                changes.append(("facts", old["id"], before, {c: json_safe(v) for c, v in changed}))
        self._insert_facts(cursor, inserts, now)
        for changed_cols, params in statements.items():
            sets = "".join(f"{c} = %s, " for c in changed_cols)
            cursor.executemany(
                f"UPDATE {FACTS_TABLE} SET {sets}updated_at = %s WHERE id = %s", params
            )
        self.result.facts_written += len(inserts) + sum(len(p) for p in statements.values())
        self._record_changes(cursor, changes)

    def _insert_facts(self, cursor, inserts: list[tuple[tuple[int, int], tuple]], now: Any) -> None:
        """Multi-row INSERTs of new facts rows ((enterprise id, year), values)."""
        if not inserts:
            return
        if cursor.copies:
            row, tail = _FACTS_COPY_ROW, (now, self.batch_id)
            rows = (row(key, values, tail) for key, values in inserts)
            cursor.copy(FACTS_TABLE, _FACTS_COPY_COLUMNS, rows)
            return
        values = [v for _, v in inserts]
        insert = _Insert(FACTS_TABLE, _FACTS_INSERT, values, _FACTS_TAIL, self._max_params)
        tails = ((*key, now, self.batch_id) for key, _ in inserts)
        for count, params in insert.statements(values, tails):
            cursor.execute(insert.sql(count), params)

    def _existing_facts(self, cursor, ent_ids: list[int]) -> dict[tuple[int, int], dict]:
        """Stored facts rows of these enterprises keyed by (enterprise id, year)."""
        cols = "id, enterprise_id, year, " + ", ".join(FACT_COLUMNS)
        found = self._select(
            cursor, f"SELECT {cols} FROM {FACTS_TABLE} WHERE", "enterprise_id", ent_ids
        )
        return {(r["enterprise_id"], r["year"]): r for r in found}

    def _insert_tags(self, cursor, rows: list[UpsertRow], ids: list[int]) -> None:
        pairs = sorted(
            {(ent_id, tag[:40]) for row, ent_id in zip(rows, ids, strict=True) for tag in row.tags}
        )
        if not pairs:
            return
        ent_ids = sorted({p[0] for p in pairs} - self._new_ids)
        have: set[tuple[Any, ...]] = set()
        for where, params in _among(cursor, "enterprise_id", ent_ids, self._max_params):
            cursor.execute(f"SELECT enterprise_id, tag FROM {TAG_TABLE} WHERE {where}", params)
            have.update(cursor.fetchall())
        new = [p for p in pairs if p not in have]
        if new and cursor.copies:
            cursor.copy(TAG_TABLE, ("enterprise_id", "tag"), new)
        elif new:
            cursor.executemany(f"INSERT INTO {TAG_TABLE} (enterprise_id, tag) VALUES (%s, %s)", new)

    def _record_changes(self, cursor, changes: list[tuple[str, int, dict, dict]]) -> None:
        if not changes or not self.record_changes:
            return
        rows = [
            (
                self.batch_id,
                t,
                i,
                json.dumps(b, ensure_ascii=False),
                json.dumps(a, ensure_ascii=False),
            )
            for t, i, b, a in changes
        ]
        columns = ("batch_id", "record_type", "record_id", "before", "after")
        if cursor.copies:
            cursor.copy(CHANGE_TABLE, columns, rows)
        else:
            cursor.executemany(
                f"INSERT INTO {CHANGE_TABLE} ({', '.join(columns)}) VALUES ({_placeholders(5)})",
                rows,
            )


class _Insert:
    """Multi-row INSERTs of the columns that hold a value in some row; the others take their default.

    Most columns of most files are empty, and every bound NULL costs (an adapter lookup per
    parameter in sqlite3): they are left out of the statement, or written as the literal default.
    """

    def __init__(
        self,
        table: str,
        columns: tuple[tuple[str, Any], ...],
        rows: list[tuple],
        tail: tuple[str, ...],
        max_params: int,
    ) -> None:
        # Transposed in C; a column is given if any row has a value in it.
        given = tuple(
            i
            for i, column in enumerate(zip(*rows, strict=True))
            if any(map(operator.is_not, column, _NONES))
        )
        self.key = (table, columns, given, tail)
        self._pick = operator.itemgetter(*given) if len(given) > 1 else _single_picker(given)
        self.per = max(1, min(ROWS_PER_INSERT, max_params // (len(given) + len(tail))))

    def statements(
        self, rows: list[tuple], tails: Iterable[tuple]
    ) -> Iterator[tuple[int, list[Any]]]:
        """(row count, parameters) of each statement: a row's given values, then its tail values."""
        pick, tails = self._pick, iter(tails)
        for start in range(0, len(rows), self.per):
            part = rows[start : start + self.per]
            params: list[Any] = []
            for row, tail in zip(part, tails):  # noqa: B905 - tails may be endless
                params += pick(row)
                params += tail
            yield len(part), params

    def sql(self, count: int, returning: bool = False) -> str:
        return _insert_sql(*self.key, count, returning)


_NONES = itertools.repeat(None)


def _single_picker(given: tuple[int, ...]) -> Callable[[tuple], tuple]:
    """itemgetter for zero or one position, still returning a tuple."""
    if not given:
        return lambda row: ()
    position = given[0]
    return lambda row: (row[position],)


@functools.lru_cache(maxsize=64)
def _insert_sql(
    table: str,
    columns: tuple[tuple[str, Any], ...],
    given: tuple[int, ...],
    tail: tuple[str, ...],
    count: int,
    returning: bool,
) -> str:
    """INSERT of `count` rows: given columns as parameters (COALESCE to their default), the other
    NOT NULL ones as their literal default, the nullable ones left out (NULL), then the tail."""
    names, cells = [], []
    for i, (name, default) in enumerate(columns):
        if i in given:
            names.append(name)
            cells.append("%s" if default is None else f"COALESCE(%s, {_literal(default)})")
        elif default is not None:
            names.append(name)
            cells.append(_literal(default))
    names += tail
    cells += ["%s"] * len(tail)
    row = "(" + ", ".join(cells) + ")"
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES " + ", ".join([row] * count)
    return sql + " RETURNING id" if returning else sql


def _passes(rows: list[UpsertRow]) -> Sequence[Sequence[int]]:
    """Row positions grouped so that no group names the same enterprise twice.

    First occurrences, then second ones…: a later row for a record created or updated by an earlier
    row of the same chunk then updates it, exactly as if it came in a later chunk.
    """
    codes = [row.enterprise[USCC] for row in rows]
    if None not in codes and len(set(codes)) == len(codes):  # the common case, checked in C
        return [range(len(rows))]
    seen: dict[Any, int] = {}
    passes: list[list[int]] = []
    for pos, row in enumerate(rows):
        ent = row.enterprise
        key = ent[USCC] or ("name", ent[NAME])
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n == len(passes):
            passes.append([])
        passes[n].append(pos)
    return passes


_NOT_NULL_DEFAULTS = {
    "uscc_checksum_confirmed": False,
    "is_local": False,
    "status": "operating",
    "is_synthetic": False,
}
_NULLABLE = frozenset(f.attname for f in Enterprise._meta.concrete_fields if f.null)
# What a new row stores for a column left empty: NULL where allowed, else the field's blank value
# (text columns are NOT NULL by Django convention, so empty string).
INSERT_DEFAULTS = tuple(
    _NOT_NULL_DEFAULTS.get(c, None if c in _NULLABLE else "") for c in ENTERPRISE_COLUMNS
)
# (column, default) of the values an UpsertRow carries, and the columns every insert adds after them.
_ENT_INSERT = (
    *zip(ENTERPRISE_COLUMNS, INSERT_DEFAULTS, strict=True),
    *zip(LATEST_COLUMNS, (None, None, None, "unknown"), strict=True),
)
_ENT_TAIL = ("created_at", "updated_at", "created_by_import_id")
_FACTS_INSERT = tuple((c, "" if c == "source" else None) for c in FACT_COLUMNS)
_FACTS_TAIL = ("enterprise_id", "year", "updated_at", "created_by_import_id")


def _copy_row(defaults: tuple[Any, ...]) -> Callable[[Any, tuple, tuple], tuple]:
    """(head, values, tail) -> a row for COPY: head, each value or (if None) its column's default,
    then the tail values. COPY has no COALESCE, so the defaults are filled in here; the function is
    compiled once as a single tuple display (text made of indexes only), several times faster per
    row than a loop over the columns, which showed in profiles of a 200,000-row import."""
    cells = "".join(
        f"v[{i}], " if default is None else f"d[{i}] if v[{i}] is None else v[{i}], "
        for i, default in enumerate(defaults)
    )
    return eval(f"lambda h, v, t: (*h, {cells}*t)", {"d": defaults})  # noqa: S307


# The same for COPY: the id first, every column of a new row with the defaults filled in, the tail.
_ENT_COPY_COLUMNS = ("id", *(c for c, _ in _ENT_INSERT), *_ENT_TAIL)
_ENT_COPY_ROW = _copy_row(tuple(default for _, default in _ENT_INSERT))
# Facts: (enterprise id, year), the values, then the tail.
_FACTS_COPY_COLUMNS = ("enterprise_id", "year", *FACT_COLUMNS, "updated_at", "created_by_import_id")
_FACTS_COPY_ROW = _copy_row(tuple(default for _, default in _FACTS_INSERT))


_DECIMAL_COLUMNS = frozenset(
    f.attname
    for model in (Enterprise, EnterpriseYearFacts)
    for f in model._meta.concrete_fields
    if isinstance(f, models.DecimalField)
)
_DATE_COLUMNS = frozenset(
    f.attname
    for model in (Enterprise, EnterpriseYearFacts)
    for f in model._meta.concrete_fields
    if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
)


def _typed(column: str, value: Any) -> Any:
    """An amount or a date that travelled as text (see registry/parsing.py), as a value again."""
    if type(value) is str:
        if column in _DECIMAL_COLUMNS:
            return Decimal(value)
        if column in _DATE_COLUMNS:
            return date.fromisoformat(value)
    return value


def _differs(old: Any, new: Any) -> bool:
    """Whether a stored value differs from an incoming one (numbers by exact value, dates as ISO text)."""
    if old is None:
        return new is not None
    if isinstance(new, bool):  # SQLite hands booleans back as 0/1
        return bool(old) != new
    if isinstance(new, (int, float, Decimal)):
        try:
            return Decimal(str(old)) != Decimal(str(new))
        except ArithmeticError:
            return True
    return str(old) != str(new)


def refresh_latest_facts(enterprise_ids: Iterable[int], chunk: int = 5000) -> None:
    """Copy each enterprise's latest yearly facts onto it and recompute its size band."""
    ids = list(enterprise_ids)
    latest = (
        f"(SELECT {{col}} FROM {FACTS_TABLE} f WHERE f.enterprise_id = {ENT_TABLE}.id "
        f"AND f.{{col}} IS NOT NULL ORDER BY f.year DESC LIMIT 1)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            cursor.execute(
                f"UPDATE {ENT_TABLE} SET latest_year = (SELECT MAX(year) FROM {FACTS_TABLE} f "
                f"WHERE f.enterprise_id = {ENT_TABLE}.id), latest_revenue = {latest.format(col='revenue')}, "
                f"latest_employees = {latest.format(col='employees')} WHERE id IN ({_placeholders(len(part))})",
                part,
            )
            cursor.execute(
                f"UPDATE {ENT_TABLE} SET size_band = {SIZE_BAND_SQL} WHERE id IN ({_placeholders(len(part))})",
                part,
            )


SIZE_BAND_SQL = size_band_sql("latest_employees", "latest_revenue")
