"""Import issues, upload rejections and USCC checks in the active language, from their code and params.

The engine (corridor.engine) is Django-free and writes English messages; it also records a machine
code and the values the message uses (params). Here every code has an English template marked for
translation, filled from the same params. Where params cannot rebuild the message (an unknown free-text
reason, a missing param) the engine's English message is returned instead: issue_text never raises.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.engine.sheets.cells import EXCEL_ERRORS, shown
from corridor.engine.uscc import CHARSET, UsccCheck, check_character

# Column labels by field name, registered by each domain's intake at start-up (core imports no domain).
_COLUMNS: dict[str, Any] = {}


def register_columns(fields: Iterable[Any]) -> None:
    """Make a domain's import columns known, so messages can name a column in the user's language."""
    for f in fields:
        _COLUMNS.setdefault(f.name, f)


STORED_PARAM_CHARS = 200  # IssueSink keeps str(param)[:200]; longer values cannot be trusted here

# One template per code: the usual wording. Codes with several wordings pick one in _RESOLVERS.
ISSUE_TEXT: dict[str, Promise] = {
    # cells: values that cannot become what their column expects
    "money_invalid": _(
        "'%(value)s' is not an amount of money (%(reason)s); expected a number such as "
        "1234.5, 1,234.5, ¥300万 or 1.2亿"
    ),
    "decimal_invalid": _(
        "'%(value)s' is not a number (%(reason)s); expected a number such as "
        "1234.5, 1,234.5, ¥300万 or 1.2亿"
    ),
    "negative": _("'%(value)s' is negative; this value cannot be below zero"),
    "formula": _(
        "'%(value)s' is an Excel error value; fix the formula in the source file or enter a value"
    ),
    "int_invalid": _("'%(value)s' %(reason)s; expected a whole number such as 120"),
    "float_invalid": _("'%(value)s' is not a valid number; expected a decimal such as 119.65"),
    "year_invalid": _("'%(value)s' is not a year; expected a year such as 2023 or 2023年"),
    "date_invalid": _(
        "'%(value)s' %(reason)s; expected a date such as 2019-03-05, 2019/3/5, 2019年3月5日 or 2019.03"
    ),
    "too_long": _("'%(value)s' is %(length)s characters long; the limit is %(max_length)s"),
    "choice_invalid": _("'%(value)s' is not one of the accepted values: %(accepted)s"),
    "out_of_range": _("'%(value)s' is too large; the maximum is %(max)s"),
    "uscc_number": _(
        "'%(value)s' was stored as a number, so Excel has lost digits of the code; format the "
        "column as text and enter the 18-character code again"
    ),
    "uscc_length": _("USCC '%(value)s' must be 18 characters, found %(length)s"),
    "uscc_charset": _("USCC '%(value)s' contains characters not allowed in a USCC: %(chars)s"),
    "uscc_checksum": _(
        "USCC '%(value)s': check character is %(found)s, expected %(expected)s; confirm the code "
        "is correct (a typo is likely) or accept checksum warnings"
    ),
    # rows: rules over a whole row
    "totals_row": _("Totals row ('%(label)s'); skipped."),
    "note_row": _("Note below the table ('%(label)s'); skipped."),
    "required": _("%(field)s is empty."),
    "duplicate_row": _("Repeats row %(first_row)s exactly; skipped."),
    "year_missing": _(
        "The file has yearly figures (%(columns)s) but no year for them: no 年份 column, no year "
        "in their headers or the title, and no year stated. The figures were not imported, the "
        "other columns were; add a 年份 column, a year in the title (2024年度) or state the year."
    ),
    "duplicate_conflict": _(
        "USCC %(uscc)s already appears in row %(first_row)s with different values; "
        "keep one row per enterprise and year."
    ),
    # tabular: the file as a whole
    "no_file": _("No such file: %(name)s."),
    "empty_file": _("The file '%(filename)s' contains no data."),
    "too_large": _("The file '%(filename)s' is %(size)s bytes; the limit is %(max_bytes)s bytes."),
    "not_a_table": _(
        "The file '%(filename)s' is not a spreadsheet: %(reason)s. Upload an .xlsx, .xls or .csv file."
    ),
    "encrypted_workbook": _(
        "The workbook '%(filename)s' is password-protected; remove the password and upload it again."
    ),
    "corrupt_workbook": _(
        "The workbook '%(filename)s' is damaged and cannot be read (%(detail)s)."
    ),
    "sheet_not_found": _(
        "The workbook '%(filename)s' has no sheet named '%(sheet)s'; its sheets are: %(available)s."
    ),
    "empty_sheet": _("Every sheet in '%(filename)s' is empty (%(available)s)."),
    "decode_error": _(
        "Row %(row)s is not valid %(encoding)s text; the file mixes encodings. "
        "Save it again as UTF-8 CSV or .xlsx."
    ),
    "malformed_csv": _("Row %(row)s cannot be read as CSV: %(detail)s."),
    "no_header": _(
        "No header row found in the first %(rows_checked)s rows: a header needs at least "
        "%(needed)s column names such as 企业名称, 统一社会信用代码, 营业收入."
    ),
    # the workbook guard (corridor.engine.sheets.guard) and the reading child's memory ceiling
    "too_many_parts": _(
        "The workbook '%(filename)s' is a zip of %(parts)s parts; the limit is %(limit)s."
    ),
    "part_too_large": _(
        "The part '%(part)s' of '%(filename)s' unpacks to %(size)s bytes; the limit is "
        "%(limit)s bytes. Save the table as CSV instead."
    ),
    "unpacked_too_large": _(
        "The workbook '%(filename)s' unpacks to %(size)s bytes; the limit is %(limit)s bytes. "
        "Save the table as CSV instead."
    ),
    "compression_ratio": _(
        "The part '%(part)s' of '%(filename)s' unpacks %(ratio)s times its packed size; real "
        "workbooks stay under %(limit)s times. The file is refused as a zip bomb."
    ),
    "sheet_too_large": _(
        "A sheet of '%(filename)s' has cells as far as %(range)s, more than %(limit)s cells "
        "(rows x columns) to read. Delete the far cells, or save the table as CSV."
    ),
    "too_many_strings": _(
        "The workbook '%(filename)s' declares %(strings)s shared strings; the limit is %(limit)s."
    ),
    "string_too_long": _(
        "The part '%(part)s' of '%(filename)s' holds a text longer than %(limit)s bytes; a cell "
        "holds at most 32,767 characters."
    ),
    "unsafe_xml": _(
        "The part '%(part)s' of '%(filename)s' declares XML entities (a DTD), which spreadsheets "
        "never need; the file is refused as unsafe (XXE or billion laughs)."
    ),
    "memory_limit": _(
        "The file '%(filename)s' needs more memory to read than the %(limit_mb)s MiB allowed. "
        "Save the table as CSV (read row by row) or split it into smaller files."
    ),
    # the import service (corridor.registry.importing)
    "park_unknown": _("Park '%(park)s' is not in the registry's park list."),
    "name_required": _(
        "No enterprise has USCC %(uscc)s yet, and a new one needs a name: fill in the name."
    ),
    "no_mapping": _("No column is mapped to a registry field."),
    "no_key_column": _("Map a column to the enterprise name or the USCC."),
    "rows_invalid": _(
        "All-or-nothing import stopped: %(n)d rows have errors. Nothing was changed."
    ),
}

# Second wordings, chosen by which params the engine passed.
_MONEY_NOT_NUMBER = _("'%(value)s' is not a number")
_MONEY_WRONG_TYPE = _("'%(value)s' is a %(found)s, expected an amount of money")
_DECIMAL_WRONG_TYPE = _("'%(value)s' is a %(found)s, expected a number")
_DECIMAL_HAS_UNIT = _("'%(value)s' has a unit, expected a plain number")
_YEAR_OUT_OF_RANGE = _("'%(value)s' is outside the years %(min)s–%(max)s")
_COORDINATE_OUT_OF_RANGE = _("'%(value)s' is outside %(min)s…%(max)s")
_TAG_TOO_LONG = _("A tag in '%(value)s' is %(length)s characters long; the limit is %(max_length)s")
_TOTALS_BY_SUM = _(
    "No name, and its amounts equal the sum of the rows above; skipped as a totals row."
)
_CONFLICT_IN_YEAR = _(
    "USCC %(uscc)s already appears in row %(first_row)s for year %(year)s with different values; "
    "keep one row per enterprise and year."
)
_SHEET_DAMAGED = _(
    "The sheet '%(sheet)s' in '%(filename)s' is damaged and cannot be read (%(detail)s)."
)
_SHEET_DECLARES = _(
    "A sheet of '%(filename)s' declares the range %(range)s, more than %(limit)s cells "
    "(rows x columns) to read. Delete the far cells, or save the table as CSV."
)
_NO_SHEETS = _("no sheets")
_FILE_EMPTY = _("The file is empty.")

# The engine's free-text reasons, each with its translation: exact text, or a pattern whose groups are params.
Reasons = tuple[tuple[str | re.Pattern[str], Promise], ...]
_MONEY_REASONS: Reasons = (
    ("foreign currency; amounts must be in CNY", _("foreign currency; amounts must be in CNY")),
    ("two minus signs", _("two minus signs")),
    ("no digits", _("no digits")),
    (
        "thousand separators must group 3 digits, e.g. 1,234,567.8",
        _("thousand separators must group 3 digits, e.g. 1,234,567.8"),
    ),
    ("a percentage", _("a percentage")),
    ("unexpected characters", _("unexpected characters")),
    ("unreadable number", _("unreadable number")),
    (re.compile(r"more than (?P<digits>\d+) digits"), _("more than %(digits)s digits")),
)
_INT_REASONS: Reasons = (
    ("has a fractional part", _("has a fractional part")),
    ("is not a number", _("is not a number")),
    (re.compile(r"is a (?P<type>\w+)"), _("is a %(type)s")),
)
_DATE_REASONS: Reasons = (
    ("is not a date", _("is not a date")),
    ("is not a number", _("is not a number")),
    ("is not a date or an Excel date number", _("is not a date or an Excel date number")),
    (
        "is ambiguous (2019.1 could be January or October); enter it as text 2019-10",
        _("is ambiguous (2019.1 could be January or October); enter it as text 2019-10"),
    ),
    (re.compile(r"is a (?P<type>\w+)"), _("is a %(type)s")),
    (
        re.compile(r"has month (?P<month>-?\d+); months run 1–12"),
        _("has month %(month)s; months run 1–12"),
    ),
    (
        re.compile(r"is not a real date: (?P<month>-?\d+-\d+) has (?P<days>\d+) days"),
        _("is not a real date: %(month)s has %(days)s days"),
    ),
    (
        re.compile(r"gives year (?P<year>-?\d+), outside (?P<min>\d+)–(?P<max>\d+)"),
        _("gives year %(year)s, outside %(min)s–%(max)s"),
    ),
)
_NOT_A_TABLE_REASONS: Reasons = (
    ("it is a PNG image", _("it is a PNG image")),
    ("it is a PDF document", _("it is a PDF document")),
    ("it is a GIF image", _("it is a GIF image")),
    ("it is a JPEG image", _("it is a JPEG image")),
    ("it is a RAR archive", _("it is a RAR archive")),
    ("it is a 7-Zip archive", _("it is a 7-Zip archive")),
    ("it is a gzip archive", _("it is a gzip archive")),
    ("it is a Windows program", _("it is a Windows program")),
    ("it is a program", _("it is a program")),
    ("it is a bitmap image", _("it is a bitmap image")),
    ("it is a media file", _("it is a media file")),
    ("it is an audio file", _("it is an audio file")),
    ("it contains NUL bytes (binary data)", _("it contains NUL bytes (binary data)")),
    (
        "its text encoding is not recognised (expected UTF-8, GBK or GB18030)",
        _("its text encoding is not recognised (expected UTF-8, GBK or GB18030)"),
    ),
    (
        "it is a web page (HTML/XML) with a spreadsheet name; open it in Excel and save as .xlsx",
        _(
            "it is a web page (HTML/XML) with a spreadsheet name; open it in Excel and save as .xlsx"
        ),
    ),
    (
        re.compile(
            r"it starts with a (?P<encoding>[\w-]+) byte-order mark but is not (?P=encoding) text"
        ),
        _("it starts with a %(encoding)s byte-order mark but is not %(encoding)s text"),
    ),
    (
        re.compile(
            r"it contains (?P<count>\d+) control characters in its first (?P<chars>\d+) characters"
        ),
        _("it contains %(count)s control characters in its first %(chars)s characters"),
    ),
)
_REQUIRED_REASONS: Reasons = (
    (
        "each row needs 企业名称 (name) or 统一社会信用代码 (USCC)",
        _(
            "Neither 企业名称 (name) nor 统一社会信用代码 (USCC) is filled in; each row needs one of them."
        ),
    ),
    (
        "a row that changes enterprise details needs 企业名称 (name)",
        _("企业名称 (name) is empty; a row that changes enterprise details needs it."),
    ),
    (
        "a row with yearly figures needs 年份 (year)",
        _("年份 (year) is empty; a row with yearly figures needs it."),
    ),
)

# USCC check outcomes, as check_uscc words them (used alone in forms and after "USCC <code>").
_USCC_LENGTH = _("must be 18 characters, found %(length)s")
_USCC_CHARSET = _("contains characters not allowed in a USCC: %(chars)s")
_USCC_CHECKSUM = _("check character is %(found)s, expected %(expected)s")
_USCC_OUTCOMES = {
    "uscc_length": _USCC_LENGTH,
    "uscc_charset": _USCC_CHARSET,
    "uscc_checksum": _USCC_CHECKSUM,
}

Chosen = tuple[Promise | str, dict[str, Any]] | None
_LIST_PARAMS = ("accepted", "available")
_QUOTED_PARAMS = ("value", "label", "park", "uscc", "sheet", "filename", "part")


def issue_text(code: str, params: Mapping[str, Any] | None, fallback: str) -> str:
    """The message for an issue code in the active language; fallback when it cannot be built."""
    try:
        template = ISSUE_TEXT.get(code)
        if template is None:
            return fallback
        values = dict(params or {})
        resolver = _RESOLVERS.get(code)
        chosen: Chosen = resolver(values) if resolver else (template, values)
        if chosen is None:
            return fallback
        return str(chosen[0]) % _display(chosen[1])
    except Exception:  # a stored issue with odd params must still show its English reason
        return fallback


def issue_line(column: str | None, reason: str) -> str:
    """An issue as one line, "column: reason"; only the reason when the issue names no column.

    Totals rows, duplicate rows and file-level notices have no column: joining blindly would
    start the line with a stray ": ". Every place that shows column and reason together uses this.
    """
    column = (column or "").strip()
    return f"{column}: {reason}" if column else reason


def uscc_text(result: UsccCheck) -> str:
    """check_uscc's error or warning in the active language ('' for a valid code)."""
    if result.ok:
        return ""
    try:
        outcome = _uscc_outcome(result.code)
    except Exception:  # check_uscc said something this module cannot re-derive
        outcome = None
    if outcome is None:
        return result.error or result.warning or ""
    return str(_USCC_OUTCOMES[outcome[0]]) % outcome[1]


def _uscc_outcome(code: str) -> tuple[str, dict[str, Any]] | None:
    """Which USCC problem a normalised code has (as an issue code), with its params; None if valid."""
    if len(code) != 18:
        return "uscc_length", {"length": len(code)}
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        return "uscc_charset", {"chars": " ".join(bad)}
    expected = check_character(code[:17])
    if expected != code[17]:
        return "uscc_checksum", {"found": code[17], "expected": expected}
    return None


# --- params as the messages show them -----------------------------------------------------------


def _display(values: dict[str, Any]) -> dict[str, Any]:
    """Quoted text shortened to one line, lists joined (also when stored as their repr)."""
    out = dict(values)
    for key in _QUOTED_PARAMS:
        if key in out and out[key] is not None:
            out[key] = shown(str(out[key]))
    for key in _LIST_PARAMS:
        if key in out:
            out[key] = ", ".join(str(v) for v in _as_list(out[key]))
    return out


def _as_list(value: Any) -> list[Any]:
    """A list param: a list, or the repr IssueSink stored (str(list)), or one value."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
        return list(parsed) if isinstance(parsed, list) else [value]
    return [value]


def _reason(text: Any, table: Reasons) -> str | None:
    """The translation of one of the engine's free-text reasons, or None when it is not known."""
    if not isinstance(text, str):
        return None
    for key, template in table:
        if isinstance(key, str):
            if key == text:
                return str(template)
        else:
            match = key.fullmatch(text)
            if match:
                return str(template) % match.groupdict()
    return None


def _present(value: Any) -> bool:
    """A param that carries a value (IssueSink stores None as 'None')."""
    return value not in (None, "", "None")


def _number(value: Any) -> str:
    """A bound as the engine prints it with :g (-90.0 -> -90)."""
    return f"{float(value):g}"


def _is_nonfinite(value: Any) -> bool:
    """Whether a value reads as NaN or infinity (a float cell the engine refused)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isnan(number) or math.isinf(number)


# --- one resolver per code with several wordings --------------------------------------------------


def _translated_reason(code: str, table: Reasons) -> Callable[[dict[str, Any]], Chosen]:
    """A resolver for a code whose 'reason' param is engine free text: known reasons only."""

    def resolve(values: dict[str, Any]) -> Chosen:
        reason = _reason(values.get("reason"), table)
        return None if reason is None else (ISSUE_TEXT[code], {**values, "reason": reason})

    return resolve


def _money(code: str, wrong_type: Promise) -> Callable[[dict[str, Any]], Chosen]:
    """money_invalid and decimal_invalid: a reason, a wrong cell type, or a non-finite float."""
    with_reason = _translated_reason(code, _MONEY_REASONS)

    def resolve(values: dict[str, Any]) -> Chosen:
        if "reason" in values:
            return with_reason(values)
        if "found" in values:
            return wrong_type, values
        value = values["value"]
        if _is_nonfinite(value):
            return _MONEY_NOT_NUMBER, values
        if code == "decimal_invalid":
            return (
                ISSUE_TEXT["formula"] if str(value).strip() in EXCEL_ERRORS else _DECIMAL_HAS_UNIT
            ), values
        return None

    return resolve


def _year(values: dict[str, Any]) -> Chosen:
    """Not a year at all, or a year outside the range."""
    return (_YEAR_OUT_OF_RANGE if "min" in values else ISSUE_TEXT["year_invalid"]), values


def _out_of_range(values: dict[str, Any]) -> Chosen:
    """A count above the database maximum, or a coordinate outside its bounds."""
    if "min" in values:
        return _COORDINATE_OUT_OF_RANGE, {
            **values,
            "min": _number(values["min"]),
            "max": _number(values["max"]),
        }
    return ISSUE_TEXT["out_of_range"], values


def _too_long(values: dict[str, Any]) -> Chosen:
    """Text over its limit, or one tag over 50 (then length is the tag's, shorter than the cell)."""
    tag = int(values["length"]) < len(str(values["value"]))
    return (_TAG_TOO_LONG if tag else ISSUE_TEXT["too_long"]), values


def _totals(values: dict[str, Any]) -> Chosen:
    """A totals label, or a nameless row equal to the running sums."""
    return (ISSUE_TEXT["totals_row"] if "label" in values else _TOTALS_BY_SUM), values


def _required(values: dict[str, Any]) -> Chosen:
    """The engine's reason when known; else the field's label in the active language."""
    reason = _reason(values.get("reason"), _REQUIRED_REASONS)
    if reason is not None:
        return reason.replace("%", "%%"), {}
    f = _COLUMNS.get(str(values["field"]))
    if f is None:
        return None
    label = f.label_zh if (get_language() or "").lower().startswith("zh") else f.label_en
    return ISSUE_TEXT["required"], {**values, "field": label}


def _conflict(values: dict[str, Any]) -> Chosen:
    """With the year when the row has one."""
    return (
        _CONFLICT_IN_YEAR if _present(values.get("year")) else ISSUE_TEXT["duplicate_conflict"]
    ), values


def _uscc_code(code: str) -> Callable[[dict[str, Any]], Chosen]:
    """uscc_length/charset/checksum: found length, bad characters or check characters from 'normalised'."""

    def resolve(values: dict[str, Any]) -> Chosen:
        normalised = str(values["normalised"])
        if len(normalised) >= STORED_PARAM_CHARS:
            return None  # cut when stored: the length would be wrong
        outcome = _uscc_outcome(normalised)
        if outcome is None or outcome[0] != code:
            return None
        return ISSUE_TEXT[code], {**values, **outcome[1]}

    return resolve


def _too_large(values: dict[str, Any]) -> Chosen:
    """Sizes with thousands separators, as the engine writes them."""
    sizes = {k: f"{int(values[k]):,}" for k in ("size", "max_bytes")}
    return ISSUE_TEXT["too_large"], {**values, **sizes}


def _empty_file(values: dict[str, Any]) -> Chosen:
    """The engine names the file; the upload service's own check does not."""
    return (ISSUE_TEXT["empty_file"], values) if "filename" in values else (_FILE_EMPTY, values)


def _corrupt(values: dict[str, Any]) -> Chosen:
    """The whole workbook, or one sheet of it."""
    return (_SHEET_DAMAGED if "sheet" in values else ISSUE_TEXT["corrupt_workbook"]), values


def _empty_sheet(values: dict[str, Any]) -> Chosen:
    """The sheet names, or 'no sheets'."""
    if _as_list(values.get("available", [])) in ([], [""]):
        return ISSUE_TEXT["empty_sheet"], {**values, "available": [str(_NO_SHEETS)]}
    return ISSUE_TEXT["empty_sheet"], values


def _rows_invalid(values: dict[str, Any]) -> Chosen:
    """The service passes rows_error; the message counts it as n."""
    return ISSUE_TEXT["rows_invalid"], {**values, "n": int(values["rows_error"])}


def _thousands(code: str, keys: tuple[str, ...]) -> Callable[[dict[str, Any]], Chosen]:
    """Numbers with thousands separators, as the engine writes them."""

    def resolve(values: dict[str, Any]) -> Chosen:
        numbers = {k: f"{int(float(values[k])):,}" for k in keys if k in values}
        return ISSUE_TEXT[code], {**values, **numbers}

    return resolve


def _sheet_too_large(values: dict[str, Any]) -> Chosen:
    """A declared range, or the farthest cell present (IssueSink stores the flag as 'True')."""
    declared = str(values.get("declared")) == "True"
    chosen = _SHEET_DECLARES if declared else ISSUE_TEXT["sheet_too_large"]
    return chosen, {**values, "limit": f"{int(values['limit']):,}"}


_RESOLVERS: dict[str, Callable[[dict[str, Any]], Chosen]] = {
    "money_invalid": _money("money_invalid", _MONEY_WRONG_TYPE),
    "decimal_invalid": _money("decimal_invalid", _DECIMAL_WRONG_TYPE),
    "int_invalid": _translated_reason("int_invalid", _INT_REASONS),
    "date_invalid": _translated_reason("date_invalid", _DATE_REASONS),
    "not_a_table": _translated_reason("not_a_table", _NOT_A_TABLE_REASONS),
    "year_invalid": _year,
    "out_of_range": _out_of_range,
    "too_long": _too_long,
    "totals_row": _totals,
    "required": _required,
    "duplicate_conflict": _conflict,
    "uscc_length": _uscc_code("uscc_length"),
    "uscc_charset": _uscc_code("uscc_charset"),
    "uscc_checksum": _uscc_code("uscc_checksum"),
    "too_large": _too_large,
    "empty_file": _empty_file,
    "corrupt_workbook": _corrupt,
    "empty_sheet": _empty_sheet,
    "rows_invalid": _rows_invalid,
    "too_many_parts": _thousands("too_many_parts", ("parts", "limit")),
    "part_too_large": _thousands("part_too_large", ("size", "limit")),
    "unpacked_too_large": _thousands("unpacked_too_large", ("size", "limit")),
    "compression_ratio": _thousands("compression_ratio", ("ratio", "limit")),
    "sheet_too_large": _sheet_too_large,
    "too_many_strings": _thousands("too_many_strings", ("strings", "limit")),
    "string_too_long": _thousands("string_too_long", ("limit",)),
    "memory_limit": _thousands("memory_limit", ("limit_mb",)),
}
