"""Small helpers for writing Excel exports: a safe workbook and typed, formula-safe rows."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from corridor.engine.sheets.formulas import neutralise


def workbook(max_memory: int = 16 << 20) -> tuple[tempfile.SpooledTemporaryFile, Any, Any]:
    """(file, workbook, bold format): strings stay strings (never formulas or links)."""
    out = tempfile.SpooledTemporaryFile(max_size=max_memory)
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    return out, book, book.add_format({"bold": True})


def write_row(sheet: Any, row: int, values: Sequence[Any], fmt: Any = None) -> None:
    """One row: numbers (Decimal too) as numbers, blanks as blanks, text neutralised."""
    for col, value in enumerate(values):
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
        elif hasattr(value, "as_tuple"):
            sheet.write_number(row, col, float(value), fmt)
        else:
            sheet.write_string(row, col, neutralise(str(value)), fmt)


def finish(out: tempfile.SpooledTemporaryFile, book: Any) -> tempfile.SpooledTemporaryFile:
    """Close the workbook and rewind the file for the response."""
    book.close()
    out.seek(0)
    return out
