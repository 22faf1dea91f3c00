"""Bulk upsert of enterprises and yearly facts, bypassing per-row ORM saves.

Used by imports (any size) and the demo builder. Rows are upserted by USCC (or, for rows
without one, by exact name among records without a USCC). Empty values never wipe stored
data. Updates keep before/after images in ImportChange so an import can be reverted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from corridor.accounts.services import json_safe
from corridor.engine.size_band import size_band, size_band_sql
from corridor.registry.models import (
    Enterprise,
    EnterpriseTag,
    EnterpriseYearFacts,
    ImportChange,
)

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
FACT_COLUMNS = (
    "revenue",
    "main_business_revenue",
    "total_costs",
    "rd_expense",
    "rd_expense_domestic",
    "total_assets",
    "total_liabilities",
    "employees",
    "rd_staff",
    "high_tech_income",
    "exports",
    "tax_paid",
    "new_equity_financing",
    "source",
    "as_of",
)
ENT_TABLE = Enterprise._meta.db_table
FACTS_TABLE = EnterpriseYearFacts._meta.db_table
TAG_TABLE = EnterpriseTag._meta.db_table
CHANGE_TABLE = ImportChange._meta.db_table


@dataclass
class UpsertRow:
    """One enterprise and any years of its facts ({year: {field: value}}) to write."""

    enterprise: dict[str, Any]
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


@dataclass
class BulkResult:
    """What a bulk write did."""

    created: int = 0
    updated: int = 0
    facts_written: int = 0
    enterprise_ids: list[int] = field(default_factory=list)


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _select_map(cursor, sql: str, params: Sequence[Any]) -> dict:
    cursor.execute(sql, params)
    cols = [c[0] for c in cursor.description]
    return {row[0]: dict(zip(cols, row, strict=True)) for row in cursor.fetchall()}


class BulkWriter:
    """Writes UpsertRows in chunks with raw SQL; call write() repeatedly, then finish()."""

    def __init__(self, batch_id: int | None = None, record_changes: bool = True) -> None:
        self.batch_id = batch_id
        self.record_changes = record_changes and batch_id is not None
        self.result = BulkResult()
        self._touched: set[int] = set()
        # Created in the current chunk: they cannot have facts or tags yet, and got their latest facts at insert.
        self._new_ids: set[int] = set()
        self._all_ids: set[int] = set()

    def write(self, rows: list[UpsertRow]) -> list[int]:
        """Upsert one chunk of rows (keep chunks to a few thousand); the enterprise id of each row."""
        if not rows:
            return []
        now = connection.ops.adapt_datetimefield_value(
            timezone.now()
        )  # once, not per row in an adapter
        with connection.cursor() as cursor:
            ids = self._upsert_enterprises(cursor, rows, now)
            self._upsert_facts(cursor, rows, ids, now)
            self._insert_tags(cursor, rows, ids)
        self._touched.update(i for i in ids if i not in self._new_ids)
        self._all_ids.update(ids)
        return ids

    def finish(self) -> BulkResult:
        """Refresh the latest-facts columns of every touched enterprise and return the counts."""
        refresh_latest_facts(sorted(self._touched))
        self.result.enterprise_ids = sorted(self._all_ids)
        return self.result

    # -- enterprises ---------------------------------------------------------------------------

    def _existing_enterprises(self, cursor, rows: list[UpsertRow]) -> tuple[dict, dict]:
        codes = sorted({r.enterprise["uscc"] for r in rows if r.enterprise.get("uscc")})
        names = sorted(
            {
                r.enterprise["name"]
                for r in rows
                if not r.enterprise.get("uscc") and r.enterprise.get("name")
            }
        )
        cols = "id, " + ", ".join(ENTERPRISE_COLUMNS) + ", deleted_at"
        by_code = {}
        if codes:
            by_code = {
                v["uscc"]: v
                for v in _select_map(
                    cursor,
                    f"SELECT {cols} FROM {ENT_TABLE} WHERE uscc IN ({_placeholders(len(codes))})",
                    codes,
                ).values()
            }
        by_name = {}
        if names:
            found = _select_map(
                cursor,
                f"SELECT {cols} FROM {ENT_TABLE} WHERE uscc IS NULL AND name IN ({_placeholders(len(names))})",
                names,
            )
            by_name = {v["name"]: v for v in sorted(found.values(), key=lambda v: v["id"])}
        return by_code, by_name

    def _upsert_enterprises(self, cursor, rows: list[UpsertRow], now) -> list[int]:
        by_code, by_name = self._existing_enterprises(cursor, rows)
        ids: list[int | None] = []
        inserts: list[UpsertRow] = []
        updates: list[tuple[dict, dict]] = []
        seen_new: dict[str, UpsertRow] = {}
        for row in rows:
            data = row.enterprise
            key = data.get("uscc") or ("name:" + str(data.get("name")))
            existing = (
                by_code.get(data["uscc"]) if data.get("uscc") else by_name.get(data.get("name"))
            )
            if existing is not None:
                updates.append((existing, data))
                ids.append(existing["id"])
            elif key in seen_new:
                ids.append(None)  # same new enterprise twice in a chunk: resolved after insert
            else:
                seen_new[key] = row
                inserts.append(row)
                ids.append(None)
        new_ids = self._insert_enterprises(cursor, inserts, now)
        self._new_ids = set(new_ids.values())
        resolved = []
        for row, ent_id in zip(rows, ids, strict=True):
            if ent_id is None:
                data = row.enterprise
                ent_id = new_ids[data.get("uscc") or ("name:" + str(data.get("name")))]
            resolved.append(ent_id)
        self._update_enterprises(cursor, updates, now)
        return resolved

    def _insert_enterprises(self, cursor, inserts: list[UpsertRow], now) -> dict[str, int]:
        if not inserts:
            return {}
        cols = (
            *ENTERPRISE_COLUMNS,
            "created_at",
            "updated_at",
            "created_by_import_id",
            "latest_year",
            "latest_revenue",
            "latest_employees",
            "size_band",
        )
        pairs = tuple(zip(ENTERPRISE_COLUMNS, INSERT_DEFAULTS, strict=True))
        params = []
        for row in inserts:
            data = row.enterprise
            values = [data.get(c, d) for c, d in pairs]
            if None in values:  # a key present with None also gets the column's default
                values = [
                    d if v is None else v for v, d in zip(values, INSERT_DEFAULTS, strict=True)
                ]
            params.append((*values, now, now, self.batch_id, *_latest_of(row.facts)))
        cursor.executemany(
            f"INSERT INTO {ENT_TABLE} ({', '.join(cols)}) VALUES ({_placeholders(len(cols))})",
            params,
        )
        self.result.created += len(inserts)
        return self._ids_of_inserted(cursor, inserts)

    def _ids_of_inserted(self, cursor, inserts: list[UpsertRow]) -> dict[str, int]:
        codes = [r.enterprise["uscc"] for r in inserts if r.enterprise.get("uscc")]
        names = [r.enterprise["name"] for r in inserts if not r.enterprise.get("uscc")]
        out: dict[str, int] = {}
        if codes:
            cursor.execute(
                f"SELECT uscc, id FROM {ENT_TABLE} WHERE uscc IN ({_placeholders(len(codes))})",
                codes,
            )
            out.update(cursor.fetchall())
        if names:
            cursor.execute(
                f"SELECT name, MAX(id) FROM {ENT_TABLE} WHERE uscc IS NULL AND name IN ({_placeholders(len(names))}) GROUP BY name",
                names,
            )
            out.update({"name:" + n: i for n, i in cursor.fetchall()})
        return out

    def _update_enterprises(self, cursor, updates: list[tuple[dict, dict]], now) -> None:
        changes = []
        statements: dict[tuple[str, ...], list[tuple]] = {}
        for existing, data in updates:
            present = tuple(
                c for c in ENTERPRISE_COLUMNS if c in data and data[c] not in (None, "")
            )
            changed = [c for c in present if _differs(existing[c], data[c])]
            if not changed and existing.get("deleted_at") is None:
                continue
            statements.setdefault(tuple(changed), []).append(
                (*[data[c] for c in changed], now, existing["id"])
            )
            if self.record_changes:
                before = {c: json_safe(existing[c]) for c in changed}
                before["deleted_at"] = json_safe(existing.get("deleted_at"))
                after = {c: json_safe(data[c]) for c in changed} | {"deleted_at": None}
                changes.append(("enterprise", existing["id"], before, after))
            self.result.updated += 1
        for changed, params in statements.items():
            sets = "".join(f"{c} = %s, " for c in changed)
            cursor.executemany(
                f"UPDATE {ENT_TABLE} SET {sets}updated_at = %s, deleted_at = NULL WHERE id = %s",
                params,
            )
        self._record_changes(cursor, changes)

    # -- facts, tags, change log ---------------------------------------------------------------

    def _upsert_facts(self, cursor, rows: list[UpsertRow], ids: list[int], now) -> None:
        wanted: dict[tuple[int, int], dict] = {}
        for row, ent_id in zip(rows, ids, strict=True):
            for year, facts in row.facts.items():
                merged = wanted.setdefault((ent_id, year), {})
                merged.update({k: v for k, v in facts.items() if v not in (None, "")})
        if not wanted:
            return
        existing = self._existing_facts(cursor, sorted({k[0] for k in wanted} - self._new_ids))
        inserts, statements, changes = [], {}, []
        for key, facts in wanted.items():
            old = existing.get(key)
            if old is None:
                inserts.append(
                    (
                        *key,
                        *[facts.get(c, "" if c == "source" else None) for c in FACT_COLUMNS],
                        now,
                        self.batch_id,
                    )
                )
                continue
            changed = tuple(c for c in FACT_COLUMNS if c in facts and _differs(old[c], facts[c]))
            if not changed:
                continue
            statements.setdefault(changed, []).append(
                (*[facts[c] for c in changed], now, old["id"])
            )
            if self.record_changes:
                changes.append(
                    (
                        "facts",
                        old["id"],
                        {c: json_safe(old[c]) for c in changed},
                        {c: json_safe(facts[c]) for c in changed},
                    )
                )
        if inserts:
            icols = ("enterprise_id", "year", *FACT_COLUMNS, "updated_at", "created_by_import_id")
            cursor.executemany(
                f"INSERT INTO {FACTS_TABLE} ({', '.join(icols)}) VALUES ({_placeholders(len(icols))})",
                inserts,
            )
        for changed, params in statements.items():
            sets = "".join(f"{c} = %s, " for c in changed)
            cursor.executemany(
                f"UPDATE {FACTS_TABLE} SET {sets}updated_at = %s WHERE id = %s", params
            )
        self.result.facts_written += len(inserts) + sum(len(p) for p in statements.values())
        self._record_changes(cursor, changes)

    def _existing_facts(self, cursor, ent_ids: list[int]) -> dict[tuple[int, int], dict]:
        """Stored facts rows of these enterprises keyed by (enterprise id, year)."""
        if not ent_ids:
            return {}
        cols = "id, enterprise_id, year, " + ", ".join(FACT_COLUMNS)
        cursor.execute(
            f"SELECT {cols} FROM {FACTS_TABLE} WHERE enterprise_id IN ({_placeholders(len(ent_ids))})",
            ent_ids,
        )
        names = [c[0] for c in cursor.description]
        return {(r[1], r[2]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}

    def _insert_tags(self, cursor, rows: list[UpsertRow], ids: list[int]) -> None:
        pairs = sorted(
            {
                (ent_id, tag[:40])
                for row, ent_id in zip(rows, ids, strict=True)
                for tag in row.tags
                if ent_id
            }
        )
        if not pairs:
            return
        ent_ids = sorted({p[0] for p in pairs} - self._new_ids)
        have = set()
        if ent_ids:
            cursor.execute(
                f"SELECT enterprise_id, tag FROM {TAG_TABLE} WHERE enterprise_id IN ({_placeholders(len(ent_ids))})",
                ent_ids,
            )
            have = set(cursor.fetchall())
        new = [p for p in pairs if p not in have]
        if new:
            cursor.executemany(f"INSERT INTO {TAG_TABLE} (enterprise_id, tag) VALUES (%s, %s)", new)

    def _record_changes(self, cursor, changes: list[tuple[str, int, dict, dict]]) -> None:
        if not changes or not self.record_changes:
            return
        cursor.executemany(
            f"INSERT INTO {CHANGE_TABLE} (batch_id, record_type, record_id, before, after) VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    self.batch_id,
                    t,
                    i,
                    json.dumps(b, ensure_ascii=False),
                    json.dumps(a, ensure_ascii=False),
                )
                for t, i, b, a in changes
            ],
        )


def _latest_of(facts: dict[int, dict[str, Any]]) -> tuple[Any, Any, Any, str]:
    """(latest year, latest revenue, latest employees, size band) of a new enterprise's own facts."""
    if not facts:
        return None, None, None, "unknown"
    newest_first = sorted(facts, reverse=True)
    revenue = next(
        (facts[y]["revenue"] for y in newest_first if facts[y].get("revenue") is not None), None
    )
    staff = next(
        (facts[y]["employees"] for y in newest_first if facts[y].get("employees") is not None), None
    )
    return newest_first[0], revenue, staff, size_band(staff, revenue)


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
