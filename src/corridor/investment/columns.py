"""The project import's columns, read from ``data/columns.yaml`` (validated by the engine's loader)."""

from __future__ import annotations

from pathlib import Path

from corridor.engine.sheets.columns import ImportField, load_columns_file

COLUMNS_FILE = Path(__file__).resolve().parent / "data" / "columns.yaml"

PROJECT_FIELDS: tuple[ImportField, ...] = load_columns_file(COLUMNS_FILE)
FIELDS_BY_NAME = {f.name: f for f in PROJECT_FIELDS}
TARGET_FIELDS = ("target_uscc", "target_name")
