"""The registry's import columns, read from ``data/columns.yaml`` (no Django: the import's child process loads it)."""

from __future__ import annotations

from pathlib import Path

from corridor.engine.sheets.columns import ImportField, load_columns_file

COLUMNS_FILE = Path(__file__).resolve().parent / "data" / "columns.yaml"

ENTERPRISE_FIELDS: tuple[ImportField, ...] = load_columns_file(COLUMNS_FILE)
FIELDS_BY_NAME = {f.name: f for f in ENTERPRISE_FIELDS}
FACT_FIELDS = tuple(f.name for f in ENTERPRISE_FIELDS if f.target == "facts" and f.name != "year")
STATUS_CHOICES = FIELDS_BY_NAME["status"].choices
LOCAL_CHOICES = FIELDS_BY_NAME["is_local"].choices
