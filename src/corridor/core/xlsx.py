"""Small helpers for writing Excel exports: a safe workbook and typed, formula-safe rows."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.engine.sheets.columns import ImportField
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


_KIND_TEXT = {
    "text": _("Text"),
    "uscc": _("18-character unified social credit code"),
    "date": _("Date, e.g. 2025-03-05, 2025/3/5 or 2025年3月5日"),
    "money": _("Amount of money"),
    "int": _("Whole number"),
    "decimal": _("Number"),
    "float": _("Number"),
    "bool": _("Yes or no"),
    "choice": _("One of the allowed values"),
    "year": _("Year, e.g. 2024"),
    "tags": _("Words separated by 、 or commas"),
}


def header_of(column: ImportField) -> str:
    """A template header: the Chinese label with its unit, as offices write it."""
    return column.label_zh + (f"（{column.unit}）" if column.unit else "")


def column_rules(column: ImportField) -> str:
    """What a column accepts, in the active language: kind, unit, bounds, length, requiredness."""
    parts: list[str | Promise] = [str(_KIND_TEXT[column.kind])]
    if column.unit:
        parts.append(_("in %(unit)s") % {"unit": column.unit})
    if column.minimum is not None and column.maximum is not None:
        parts.append(_("from %(min)s to %(max)s") % {"min": column.minimum, "max": column.maximum})
    elif column.minimum is not None:
        parts.append(_("at least %(min)s") % {"min": column.minimum})
    elif column.maximum is not None:
        parts.append(_("at most %(max)s") % {"max": column.maximum})
    if column.max_length:
        parts.append(_("at most %(n)d characters") % {"n": column.max_length})
    if column.required:
        parts.append(_("required"))
    return "；".join(str(p) for p in parts)


def import_template(
    columns: Sequence[ImportField],
    data_sheet: str,
    notes: Sequence[str] = (),
    help_overrides: dict[str, str] | None = None,
) -> tuple[tempfile.SpooledTemporaryFile, Any, Any]:
    """A blank import workbook generated from a domain's columns (the caller may add sheets, then finish()).

    Sheets: the data sheet (headers with units, text and date formats, drop-down lists for columns with
    allowed values), 填写说明 (each column: header, English name, what it accepts, help) and 可选值 (the
    allowed values of every choice column).
    """
    out, book, bold = workbook(max_memory=1 << 20)
    sheet = book.add_worksheet(data_sheet)
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    values_sheet = "可选值"
    choice_columns = [c for c in columns if c.choices]
    for col, column in enumerate(columns):
        header = header_of(column)
        sheet.write_string(0, col, header, bold)
        fmt = formats["text"] if column.kind in ("text", "uscc") else formats.get(column.kind)
        sheet.set_column(col, col, max(12, len(header) * 2 + 2), fmt)
        if column.choices:
            spot = choice_columns.index(column)
            count = len(_shown_choices(column))
            sheet.data_validation(
                1,
                col,
                100_000,
                col,
                {
                    "validate": "list",
                    "source": f"='{values_sheet}'!${_letters(spot)}$2:${_letters(spot)}${count + 1}",
                    "error_type": "warning",
                },
            )
    sheet.freeze_panes(1, 0)
    _instructions_sheet(book, bold, columns, notes, help_overrides or {})
    _values_sheet(book, bold, values_sheet, choice_columns)
    return out, book, bold


def _instructions_sheet(
    book: Any,
    bold: Any,
    columns: Sequence[ImportField],
    notes: Sequence[str],
    overrides: dict[str, str],
) -> None:
    language = get_language()
    sheet = book.add_worksheet("填写说明")
    for col, width in enumerate((26, 26, 48, 80)):
        sheet.set_column(col, col, width)
    write_row(sheet, 0, [_("Column"), _("Field"), _("Accepts"), _("What to write")], bold)
    for row, column in enumerate(columns, 1):
        help_text = overrides.get(column.name) or column.help(language)
        write_row(sheet, row, [header_of(column), column.label_en, column_rules(column), help_text])
    for offset, note in enumerate(notes, len(columns) + 2):
        write_row(sheet, offset, [note])


def _shown_choices(column: ImportField) -> list[str]:
    """The spellings of a choice column worth listing: one per stored value, Chinese first."""
    chosen: dict[str, str] = {}
    for spelling, stored in column.choices.items():
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in spelling)
        if stored not in chosen or (
            has_cjk and not any("\u4e00" <= ch <= "\u9fff" for ch in chosen[stored])
        ):
            chosen[stored] = spelling
    return list(chosen.values())


def _values_sheet(book: Any, bold: Any, name: str, columns: Sequence[ImportField]) -> None:
    sheet = book.add_worksheet(name)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, 20)
        sheet.write_string(0, col, header_of(column), bold)
        for row, spelling in enumerate(_shown_choices(column), 1):
            sheet.write_string(row, col, neutralise(spelling))


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
