"""Cell normalisation for imported spreadsheets: money with 万元/亿元 units, dates, years, text."""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

ERROR = "error"
WARNING = "warning"
SKIPPED = "skipped"

MAX_VALUE_CHARS = 300  # Issue.value is stored and shown, never the whole hostile string
SHOWN_CHARS = 60  # how much of a value a message quotes
DEFAULT_TEXT_LIMIT = 10_000  # text fields without a max_length still get a ceiling

# Cells that mean "nothing here" in government sheets.
NULL_TOKENS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "/",
        "\\",
        "无",
        "暂无",
        "空",
        "n/a",
        "na",
        "null",
        "none",
        "nil",
    }
)
# Error values Excel shows instead of a result; CSV exports carry them as text.
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#N/A",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
    }
)


@dataclass(frozen=True)
class Issue:
    """One problem found in one row (and column) of the source file."""

    row: int
    column: str
    value: str
    code: str
    message: str
    severity: str = ERROR
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


class CellError(Exception):
    """A cell could not be turned into the value its column expects."""

    def __init__(self, code: str, message: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params or {}


class DateValue(NamedTuple):
    """A parsed date and how precise the source was: day, month or year."""

    value: date
    precision: str


# --- half-width --------------------------------------------------------------------------

_HALFWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_HALFWIDTH.update({"\u3000": " ", "\uffe5": "¥", "\uffe0": "¢", "\u2212": "-", "\u3002": "."})
_HALFWIDTH_TABLE = str.maketrans(_HALFWIDTH)
del _HALFWIDTH[("\u3002")]  # 。 is only a decimal point inside numbers, not in text
_TEXT_HALFWIDTH_TABLE = str.maketrans(_HALFWIDTH)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters, punctuation and ideographic space to ASCII, stripped."""
    return text.translate(_TEXT_HALFWIDTH_TABLE).strip()


def shown(value: Any) -> str:
    """The value as a message quotes it: short, one line."""
    text = value if isinstance(value, str) else _scalar_text(value)
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def raw_text(value: Any) -> str:
    """The raw value for Issue.value, truncated to MAX_VALUE_CHARS."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else _scalar_text(value)
    return text[:MAX_VALUE_CHARS]


def _scalar_text(value: Any) -> str:
    """Text of a reader value: integral floats lose the '.0' Excel adds."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- money -----------------------------------------------------------------------------------

ONE = Decimal(1)
UNIT_MULTIPLIERS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": ONE,
    "十万元": Decimal(10),
    "百万元": Decimal(100),
    "千万元": Decimal(1000),
    "亿元": Decimal(10000),
}
# A unit written inside the cell, "元" optional after a magnitude word.
_CELL_UNIT = re.compile(r"(千万元?|百万元?|十万元?|万元?|千元?|亿元?|元)$")
# Fast path: what Decimal() may take as-is; bounded so huge numbers reach the checks below.
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,12})?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPED_FAST = re.compile(r"-?\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,12})?")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?")
MAX_DIGITS = 18  # integer digits: more is a typo or an ID pasted into an amount column
_CURRENCY = re.compile(r"^(?:rmb|cny|人民币|¥)\s*|\s*(?:rmb|cny|人民币)$", re.IGNORECASE)
_FOREIGN = re.compile(r"[$€£]|usd|eur|hkd|美元|欧元|港币|港元", re.IGNORECASE)


def _float_decimal(value: float) -> Decimal:
    """Float to Decimal via its shortest repr, so 0.1 stays 0.1 (no binary artefacts)."""
    if math.isnan(value) or math.isinf(value):
        raise CellError("money_invalid", f"'{value}' is not a number", {"value": str(value)})
    return Decimal(repr(value))


def parse_money(value: Any, unit_multiplier_to_wan: Decimal = ONE) -> Decimal | None:
    """An amount in 万元; a unit written in the cell overrides the column's unit."""
    if value is None:
        return None
    cls = type(value)
    if cls is str:
        text: str = value
        if _PLAIN_NUMBER.fullmatch(text):
            amount = Decimal(text)
            return amount if unit_multiplier_to_wan == ONE else amount * unit_multiplier_to_wan
        if "," in text and _GROUPED_FAST.fullmatch(text):
            amount = Decimal(text.replace(",", ""))
            return amount if unit_multiplier_to_wan == ONE else amount * unit_multiplier_to_wan
        return _parse_money_text(text, unit_multiplier_to_wan)
    if cls is int:
        return Decimal(value) * unit_multiplier_to_wan
    if cls is float:
        return _float_decimal(value) * unit_multiplier_to_wan
    if cls is Decimal:
        return value * unit_multiplier_to_wan
    raise CellError(
        "money_invalid",
        f"'{shown(value)}' is a {cls.__name__}, expected an amount of money",
        {"value": raw_text(value), "found": cls.__name__},
    )


def make_money_parser(
    unit_multiplier_to_wan: Decimal = ONE, *, non_negative: bool = False
) -> Callable[[object], Decimal | None]:
    """parse_money for one column: unsigned plain numbers skip the regex (the import's hot path)."""
    unit = unit_multiplier_to_wan
    scale = unit != ONE

    def parse(value: Any) -> Decimal | None:
        # isascii() first: isdigit() also accepts superscripts and other scripts' digits.
        if (
            type(value) is str
            and len(value) <= 16
            and value.isascii()
            and value.replace(".", "", 1).isdigit()
        ):
            return Decimal(value) * unit if scale else Decimal(value)
        amount = parse_money(value, unit)
        if non_negative and amount is not None and amount < 0:
            raise CellError(
                "negative",
                f"'{shown(value)}' is negative; this amount cannot be below zero",
                {"value": raw_text(value)},
            )
        return amount

    return parse


def _money_error(raw: str, reason: str) -> CellError:
    """The money_invalid error with the value quoted and what was expected."""
    return CellError(
        "money_invalid",
        f"'{shown(raw)}' is not an amount of money ({reason}); expected a number such as "
        "1234.5, 1,234.5, ¥300万 or 1.2亿",
        {"value": raw_text(raw), "reason": reason},
    )


def _parse_money_text(raw: str, multiplier: Decimal) -> Decimal | None:
    """The slow path: separators, currency signs, units, parentheses for negatives."""
    text = raw.translate(_HALFWIDTH_TABLE).strip()
    if text.lower() in NULL_TOKENS:
        return None
    if text in EXCEL_ERRORS:
        raise CellError(
            "formula",
            f"'{text}' is an Excel error value, expected an amount; fix the formula or enter a value",
            {"value": text},
        )
    if _FOREIGN.search(text):
        raise _money_error(raw, "foreign currency; amounts must be in CNY")
    negative, text = _strip_sign(text)
    text = _CURRENCY.sub("", text).strip()
    unit = _CELL_UNIT.search(text)
    if unit:
        multiplier = UNIT_MULTIPLIERS[
            unit.group(1) if unit.group(1).endswith("元") else unit.group(1) + "元"
        ]
        text = text[: unit.start()].strip()
    if text.startswith(("-", "(")):  # "¥-5" or "人民币(5)": sign after the currency
        if negative:
            raise _money_error(raw, "two minus signs")
        negative, text = _strip_sign(text)
    amount = _number(text, raw)
    amount *= multiplier
    return -amount if negative else amount


def _strip_sign(text: str) -> tuple[bool, str]:
    """Leading minus or accounting parentheses mean negative."""
    if text.startswith("-"):
        return True, text[1:].strip()
    if text.startswith("(") and text.endswith(")"):
        return True, text[1:-1].strip()
    return False, text


def _number(text: str, raw: str) -> Decimal:
    """A non-negative number with optional 3-digit thousand groups or exponent."""
    if not text:
        raise _money_error(raw, "no digits")
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise _money_error(raw, "thousand separators must group 3 digits, e.g. 1,234,567.8")
        text = text.replace(",", "")
    elif " " in text and re.fullmatch(r"\d{1,3}(?: \d{3})+(?:\.\d+)?", text):
        text = text.replace(" ", "")
    if not _NUMBER.fullmatch(text):
        if "%" in text:
            raise _money_error(raw, "a percentage")
        raise _money_error(raw, "unexpected characters")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise _money_error(raw, "unreadable number") from exc
    if amount.adjusted() >= MAX_DIGITS:
        raise _money_error(raw, f"more than {MAX_DIGITS} digits")
    if amount.as_tuple().exponent > 0:  # type: ignore[operator]  # 1.2E+8 -> 120000000 (finite here)
        amount = amount.quantize(ONE)
    return amount


def parse_decimal(value: Any) -> Decimal | None:
    """A plain decimal number (no unit conversion)."""
    if type(value) is str and _CELL_UNIT.search(value.strip()):
        raise CellError(
            "decimal_invalid",
            f"'{shown(value)}' has a unit, expected a plain number",
            {"value": raw_text(value)},
        )
    try:
        return parse_money(value, ONE)
    except CellError as exc:
        raise CellError(
            "decimal_invalid", exc.message.replace("an amount of money", "a number"), exc.params
        ) from None


# --- int / float / year ------------------------------------------------------------------------

_INT_SUFFIX = re.compile(r"(?:人|名|个|位|家|项)$")


def parse_int(value: Any) -> int | None:
    """A whole number: 120, "1,200", "１２０", "120人", 120.0."""
    if value is None:
        return None
    cls = type(value)
    if cls is int:
        return value
    if cls is str and len(value) < 16 and value.isascii() and value.isdigit():
        return int(value)
    if cls is float and not (math.isnan(value) or math.isinf(value)):
        if value.is_integer():
            return int(value)
        raise _int_error(value, "has a fractional part")
    if cls is bool or cls is not str:
        raise _int_error(value, f"is a {cls.__name__}")
    text = value.translate(_HALFWIDTH_TABLE).strip()
    if text.lower() in NULL_TOKENS:
        return None
    if text in EXCEL_ERRORS:
        raise CellError(
            "formula", f"'{text}' is an Excel error value, expected a whole number", {"value": text}
        )
    text = _INT_SUFFIX.sub("", text).strip()
    negative, body = _strip_sign(text)
    try:
        amount = _number(body, text)
    except CellError:
        raise _int_error(value, "is not a number") from None
    if amount != amount.to_integral_value():
        raise _int_error(value, "has a fractional part")
    return -int(amount) if negative else int(amount)


def _int_error(value: Any, reason: str) -> CellError:
    """The int_invalid error naming the value."""
    return CellError(
        "int_invalid",
        f"'{shown(value)}' {reason}; expected a whole number such as 120",
        {"value": raw_text(value), "reason": reason},
    )


def parse_float(value: Any) -> float | None:
    """A floating point number (coordinates): accepts full-width digits and a trailing °."""
    if value is None:
        return None
    cls = type(value)
    if cls is float or cls is int:
        number = float(value)
    elif cls is str:
        text = value.translate(_HALFWIDTH_TABLE).strip().rstrip("°").strip()
        if text.lower() in NULL_TOKENS:
            return None
        try:
            number = float(text)
        except ValueError:
            raise CellError(
                "float_invalid",
                f"'{shown(value)}' is not a number; expected a decimal such as 119.65",
                {"value": raw_text(value)},
            ) from None
    else:
        raise CellError(
            "float_invalid",
            f"'{shown(value)}' is a {cls.__name__}, expected a number",
            {"value": raw_text(value)},
        )
    if math.isnan(number) or math.isinf(number):
        raise CellError(
            "float_invalid", f"'{shown(value)}' is not a finite number", {"value": raw_text(value)}
        )
    return number


YEAR_MIN, YEAR_MAX = 1949, 2100
_YEAR_TEXT = re.compile(r"(\d{4})(?:\.0+)?\s*(?:年度|年)?")


def parse_year(value: Any) -> int | None:
    """A statistical year 1949..2100: 2023, "2023年", "2023年度", 2023.0."""
    if value is None:
        return None
    cls = type(value)
    year: int | None = None
    if cls is int:
        year = value
    elif cls is float and value.is_integer():
        year = int(value)
    elif cls is str:
        text = value.translate(_HALFWIDTH_TABLE).strip()
        if text.lower() in NULL_TOKENS:
            return None
        match = _YEAR_TEXT.fullmatch(text)
        year = int(match.group(1)) if match else None
    elif isinstance(value, date):
        year = value.year
    if year is None:
        raise CellError(
            "year_invalid",
            f"'{shown(value)}' is not a year; expected a year such as 2023 or 2023年",
            {"value": raw_text(value)},
        )
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(
            "year_invalid",
            f"year {year} is outside {YEAR_MIN}–{YEAR_MAX}",
            {"value": raw_text(value), "min": YEAR_MIN, "max": YEAR_MAX},
        )
    return year


# --- dates ---------------------------------------------------------------------------------------

EXCEL_EPOCH = date(
    1899, 12, 30
)  # 1900 date system, correct for serials >= 61 (after Excel's fake 1900-02-29)
EXCEL_SERIAL_MAX = 2958465  # 9999-12-31
DATE_MIN_YEAR, DATE_MAX_YEAR = 1800, 2100
_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME_SUFFIX), "day"),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), "day"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "day"),
    (re.compile(r"(\d{4})年(\d{1,2})月?"), "month"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "month"),
    (re.compile(r"(\d{4})\s*(?:年度|年)?"), "year"),
)


def parse_date(value: Any) -> DateValue | None:
    """A date and its precision from text, an Excel serial number or a date object."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return DateValue(value.date(), "day")
    if isinstance(value, date):
        return DateValue(value, "day")
    cls = type(value)
    if cls is int or cls is float:
        return _date_from_number(value)
    if cls is not str:
        raise _date_error(value, f"is a {cls.__name__}")
    text = value.translate(_HALFWIDTH_TABLE).strip()
    if text.lower() in NULL_TOKENS:
        return None
    if text in EXCEL_ERRORS:
        raise CellError(
            "formula", f"'{text}' is an Excel error value, expected a date", {"value": text}
        )
    if text.isdigit() and len(text) == 5:  # an unformatted Excel date exported to CSV
        return _date_from_number(int(text))
    for pattern, precision in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _build_date(value, [int(g) for g in match.groups()], precision)
    raise _date_error(value, "is not a date")


def _date_from_number(number: float) -> DateValue:
    """A number from a spreadsheet: a year, a yyyymmdd integer or an Excel serial."""
    if math.isnan(number) or math.isinf(number):
        raise _date_error(number, "is not a number")
    if DATE_MIN_YEAR <= number <= DATE_MAX_YEAR:
        if not float(number).is_integer():
            # 2019.1 may have been typed as 2019.10 (October) before Excel dropped the zero.
            raise _date_error(
                number,
                "is ambiguous (2019.1 could be January or October); enter it as text 2019-10",
            )
        return _build_date(number, [int(number)], "year")
    if float(number).is_integer() and 18000101 <= number <= 21001231:
        n = int(number)
        return _build_date(number, [n // 10000, n // 100 % 100, n % 100], "day")
    if 1 <= number <= EXCEL_SERIAL_MAX:
        return _check_range(number, EXCEL_EPOCH + timedelta(days=int(number)), "day")
    raise _date_error(number, "is not a date or an Excel date number")


def _build_date(raw: object, parts: list[int], precision: str) -> DateValue:
    """A date from year/month/day parts; impossible dates name the month's length."""
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 1
    day = parts[2] if len(parts) > 2 else 1
    if not 1 <= month <= 12:
        raise _date_error(raw, f"has month {month}; months run 1–12")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _date_error(raw, f"is not a real date: {year}-{month:02d} has {last} days")
    return _check_range(raw, date(year, month, day), precision)


def _check_range(raw: object, value: date, precision: str) -> DateValue:
    """Dates outside 1800–2100 are typing errors, not history."""
    if not DATE_MIN_YEAR <= value.year <= DATE_MAX_YEAR:
        raise _date_error(raw, f"gives year {value.year}, outside {DATE_MIN_YEAR}–{DATE_MAX_YEAR}")
    return DateValue(value, precision)


def _date_error(value: Any, reason: str) -> CellError:
    """The date_invalid error naming the value."""
    return CellError(
        "date_invalid",
        f"'{shown(value)}' {reason}; expected a date such as 2019-03-05, 2019/3/5, 2019年3月5日 or 2019.03",
        {"value": raw_text(value), "reason": reason},
    )


# --- text and choices -----------------------------------------------------------------------------

# Control, format (bidi marks, zero-width) and lone surrogate characters: invisible, spoof text or break storage.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_WHITESPACE = re.compile(r"\s+")


def clean_text(value: Any, max_length: int | None = None) -> str | None:
    """Stripped text, whitespace runs collapsed, control/bidi characters removed; None when empty."""
    if value is None:
        return None
    text = value if type(value) is str else _scalar_text(value)
    if not (text.isprintable() and text[:1] != " " and text[-1:] != " " and "  " not in text):
        text = _INVISIBLE.sub("", text)
        if not text.isprintable():  # other format characters (soft hyphen, tags) go too
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        # Collapsed last, so a space that stood before a removed character cannot survive.
        text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        return None
    limit = max_length or DEFAULT_TEXT_LIMIT
    if len(text) > limit:
        raise CellError(
            "too_long",
            f"'{shown(text)}' is {len(text)} characters long; the limit is {limit}",
            {"value": raw_text(text), "length": len(text), "max_length": limit},
        )
    return text


def _choice_key(text: str) -> str:
    """How a choice spelling is compared: half-width, lower-case, single spaces."""
    return _WHITESPACE.sub(" ", text.translate(_TEXT_HALFWIDTH_TABLE)).strip().lower()


_CHOICE_CACHE: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def _choice_index(choices: dict[str, str]) -> dict[str, str]:
    """Normalised spelling -> stored value, cached per choices dict."""
    cached = _CHOICE_CACHE.get(id(choices))
    if cached is None or cached[0] is not choices:
        cached = (choices, {_choice_key(k): v for k, v in choices.items()})
        _CHOICE_CACHE[id(choices)] = cached
    return cached[1]


def parse_bool_choice(value: Any, choices: dict[str, str]) -> str | None:
    """The stored value for an accepted spelling (是/否, 存续, True, 1 ...); choice_invalid otherwise."""
    if value is None:
        return None
    if type(value) is bool:
        key = "true" if value else "false"
    else:
        key = _choice_key(_scalar_text(value))
    if key in NULL_TOKENS and key not in _choice_index(choices):
        return None
    stored = _choice_index(choices).get(key)
    if stored is None:
        accepted = list(dict.fromkeys(choices))[:12]
        raise CellError(
            "choice_invalid",
            f"'{shown(value)}' is not one of the accepted values: {', '.join(accepted)}",
            {"value": raw_text(value), "accepted": accepted},
        )
    return stored


_TAG_SPLIT = re.compile(r"[,;|、/\s]+")


def parse_tags(value: Any) -> tuple[str, ...] | None:
    """Tags separated by commas, 、, semicolons, bars or spaces; duplicates dropped, order kept."""
    text = clean_text(value)
    if text is None:
        return None
    tags = [t for t in _TAG_SPLIT.split(text.translate(_TEXT_HALFWIDTH_TABLE)) if t]
    for tag in tags:
        if len(tag) > 50:
            raise CellError(
                "too_long",
                f"tag '{shown(tag)}' is {len(tag)} characters long; the limit is 50",
                {"value": raw_text(value), "length": len(tag), "max_length": 50},
            )
    return tuple(dict.fromkeys(tags)) or None


# --- headers -------------------------------------------------------------------------------------

_UNIT_WORDS: tuple[tuple[str, Decimal], ...] = (
    ("百万元", Decimal(100)),
    ("千万元", Decimal(1000)),
    ("十万元", Decimal(10)),
    ("万元", ONE),
    ("亿元", Decimal(10000)),
    ("千元", Decimal("0.1")),
    ("元", Decimal("0.0001")),
    ("100 million yuan", Decimal(10000)),
    ("100m yuan", Decimal(10000)),
    ("hundred million yuan", Decimal(10000)),
    ("10,000 yuan", ONE),
    ("10 000 yuan", ONE),
    ("10k yuan", ONE),
    ("ten thousand yuan", ONE),
    ("10k cny", ONE),
    ("10k rmb", ONE),
    ("cny 10k", ONE),
    ("rmb 10k", ONE),
    ("wan yuan", ONE),
    ("million yuan", Decimal(100)),
    ("cny mn", Decimal(100)),
    ("cny million", Decimal(100)),
    ("rmb million", Decimal(100)),
    ("mn yuan", Decimal(100)),
    ("thousand yuan", Decimal("0.1")),
    ("cny '000", Decimal("0.1")),
    ("cny thousand", Decimal("0.1")),
    ("k yuan", Decimal("0.1")),
    ("yuan", Decimal("0.0001")),
    ("cny", Decimal("0.0001")),
    ("rmb", Decimal("0.0001")),
)
_UNIT_BY_WORD = dict(_UNIT_WORDS)
_UNIT_ALT = "|".join(re.escape(w) for w, _ in sorted(_UNIT_WORDS, key=lambda u: -len(u[0])))
_UNIT_RE = rf"(?:人民币)?\s*(?P<unit>{_UNIT_ALT})(?:\s*人民币)?"
_BRACKET_UNIT = re.compile(
    rf"[(\[【〔]\s*(?:单位|unit)?\s*[:：]?\s*{_UNIT_RE}\s*[)\]】〕]", re.IGNORECASE
)
_SLASH_UNIT = re.compile(rf"\s*[/／]\s*{_UNIT_RE}\s*$", re.IGNORECASE)
_LEADING_UNIT = re.compile(rf"^\s*(?:单位|unit)\s*[:：]\s*{_UNIT_RE}\s*$", re.IGNORECASE)
# A bare suffix like "营业收入万元": only multi-character units, "元" alone ends too many words.
_SUFFIX_UNIT = re.compile(r"(?P<unit>百万元|千万元|十万元|万元|亿元|千元)\s*$")
_BRACKETS = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_HEADER_JUNK = re.compile(r"[\s*※:：#.、_\-]+")


def unit_from_header(label: str) -> tuple[str, Decimal | None]:
    """The label without its money unit, and the unit as a multiplier to 万元 (None if absent)."""
    text = to_halfwidth(label)
    if text.lower() in _UNIT_BY_WORD:
        return "", _UNIT_BY_WORD[text.lower()]
    for pattern in (_BRACKET_UNIT, _SLASH_UNIT, _LEADING_UNIT, _SUFFIX_UNIT):
        match = pattern.search(text)
        if match:
            clean = (text[: match.start()] + text[match.end() :]).strip()
            return clean, _UNIT_BY_WORD[match.group("unit").lower()]
    return text, None


def normalise_header(label: str) -> str:
    """Header text for alias matching: half-width, lower-case, no spaces, units, brackets or '*'."""
    clean, _ = unit_from_header(_WHITESPACE.sub(" ", label))
    clean = _BRACKETS.sub("", clean.lower())
    return _HEADER_JUNK.sub("", clean)
