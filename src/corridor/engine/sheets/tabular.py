"""Reading spreadsheets (xlsx, xls, CSV/TSV in any Chinese encoding) and finding their header."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import python_calamine

from corridor.engine.sheets.cells import (
    YEAR_MAX,
    YEAR_MIN,
    Issue,
    normalise_header,
    to_halfwidth,
    unit_from_header,
)
from corridor.engine.sheets.columns import ImportField
from corridor.engine.sheets.guard import Limits, check_zip

SNIFF_BYTES = 1024 * 1024  # encoding and delimiter are decided from the first MiB
# Python's csv refuses a cell over 128 KiB by default (a process-wide setting): every CSV reader here
# raises it first, past any cell an accepted file can hold, so a long cell is judged per row by its
# column's length limit (a row error naming row and column) instead of failing the whole file.
CSV_FIELD_LIMIT = 1 << 30
HEAD_ROWS = 30
Cells = list[Any]

_MAGIC_NOT_TABLE: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"BM", "a bitmap image"),
    (b"RIFF", "a media file"),
    (b"ID3", "an audio file"),
)
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TableError(Exception):
    """The file cannot be read as a table; code says why, message says it to the user."""

    def __init__(self, code: str, message: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params or {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in an import's child process and raised again in the parent: pickle what __init__ takes.
        return type(self), (self.code, self.message, self.params), self.__dict__


@dataclass
class Table:
    """One readable sheet of a file; rows() yields (1-based row number, cells).

    A table opened in another process (corridor.core.reading) carries its first rows in read_ahead;
    `rest` then yields the rows after them (read elsewhere again) unless read_ahead is complete.
    """

    path: str
    format: str  # xlsx | xls | csv
    sheet_names: list[str]
    sheet: str
    encoding: str | None = None
    delimiter: str | None = None
    _sheet_obj: Any = None
    _error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    read_ahead: list[tuple[int, Cells]] | None = None
    complete: bool = True
    rest: Callable[[int], Iterator[tuple[int, Cells]]] | None = None  # rows after row n

    def rows(self) -> Iterator[tuple[int, Cells]]:
        """Every row, blank ones included, numbered as Excel shows them; empty cells are '' or None."""
        if self.read_ahead is not None:
            return self._rows_read_ahead()
        if self.format == "csv":
            return _csv_rows(self.path, self.encoding or "utf-8", self.delimiter or ",")
        return _sheet_rows(self._sheet_obj, self._error_cells)

    def _rows_read_ahead(self) -> Iterator[tuple[int, Cells]]:
        """The rows read ahead, then the rest from wherever `rest` reads them."""
        yield from self.read_ahead or ()
        if self.complete:
            return
        if self.rest is None:
            raise RuntimeError(
                "only the first rows of this table were read, and no reader of the rest"
            )
        yield from self.rest(self.read_ahead[-1][0] if self.read_ahead else 0)

    def head(self, count: int = HEAD_ROWS) -> list[tuple[int, Cells]]:
        """The first rows, for detect_layout."""
        out = []
        for item in self.rows():
            out.append(item)
            if len(out) >= count:
                break
        return out


# --- opening -------------------------------------------------------------------------------------


def open_table(
    path: str | os.PathLike[str],
    *,
    filename: str = "",
    sheet: str | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> Table:
    """Open a spreadsheet by its content (not its extension) and pick the sheet to import.

    A zip workbook (xlsx, ods) passes the guard (corridor.engine.sheets.guard) before calamine
    touches it: a hostile one is refused with a TableError instead of exhausting the process.
    """
    path = os.fspath(path)
    name = filename or os.path.basename(path)
    kind, head, size = sniff(path, name, max_bytes)
    if kind == "zip":
        check_zip(path, name, limits or Limits(), TableError)
        return _open_workbook(path, name, "xlsx", sheet)
    if kind == "ole2":
        return _open_workbook(path, name, "xls", sheet)
    return _open_text(path, name, head, size <= SNIFF_BYTES)


def sniff(path: str, name: str, max_bytes: int | None) -> tuple[str, bytes, int]:
    """(kind, first MiB, size): 'zip' (xlsx, ods), 'ole2' (xls) or 'text'; empty, oversized and other binaries refused."""
    size = os.stat(path).st_size  # size first: a huge upload is refused without reading it
    if size == 0:
        raise TableError("empty_file", f"The file '{name}' is empty (0 bytes).", {"filename": name})
    if max_bytes is not None and size > max_bytes:
        raise TableError(
            "too_large",
            f"The file '{name}' is {size:,} bytes; the limit is {max_bytes:,} bytes.",
            {"filename": name, "size": size, "max_bytes": max_bytes},
        )
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return "zip", head, size
    if head.startswith(OLE2_MAGIC):
        return "ole2", head, size
    for magic, kind in _MAGIC_NOT_TABLE:
        if head.startswith(magic):
            raise _not_a_table(name, f"it is {kind}")
    return "text", head, size


def out_of_memory(name: str, limit_mb: int) -> TableError:
    """The memory_limit error: the reading process ran out of the memory it is allowed."""
    return TableError(
        "memory_limit",
        f"The file '{name}' needs more memory to read than the {limit_mb:,} MiB allowed. "
        "Save the table as CSV (read row by row) or split it into smaller files.",
        {"filename": name, "limit_mb": limit_mb},
    )


def _not_a_table(name: str, reason: str) -> TableError:
    """The not_a_table error naming the file and what it looks like."""
    return TableError(
        "not_a_table",
        f"The file '{name}' is not a spreadsheet: {reason}. Upload an .xlsx, .xls or .csv file.",
        {"filename": name, "reason": reason},
    )


def _open_workbook(path: str, name: str, fmt: str, sheet: str | None) -> Table:
    """An xlsx/xls workbook through calamine; corrupt and encrypted files are told apart."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        names = list(book.sheet_names)
    except python_calamine.PasswordError as exc:
        raise TableError(
            "encrypted_workbook",
            f"The workbook '{name}' is password-protected; remove the password and upload it again.",
            {"filename": name},
        ) from exc
    except Exception as exc:  # calamine raises several types (zip, xml, io) for a damaged file
        if fmt == "xls" and _is_encrypted_ooxml(path):
            raise TableError(
                "encrypted_workbook",
                f"The workbook '{name}' is password-protected; remove the password and upload it again.",
                {"filename": name},
            ) from exc
        raise TableError(
            "corrupt_workbook",
            f"The workbook '{name}' is damaged and cannot be read ({type(exc).__name__}: {str(exc)[:200]}).",
            {"filename": name, "detail": str(exc)[:200]},
        ) from exc
    chosen, sheet_obj = _choose_sheet(book, names, name, sheet)
    errors = _xlsx_error_cells(path, chosen, sheet_obj) if fmt == "xlsx" else {}
    return Table(path, fmt, names, chosen, _sheet_obj=sheet_obj, _error_cells=errors)


def _is_encrypted_ooxml(path: str) -> bool:
    """An encrypted xlsx is stored inside an OLE2 container holding an 'EncryptedPackage' stream."""
    with open(path, "rb") as handle:
        return "EncryptedPackage".encode("utf-16-le") in handle.read(SNIFF_BYTES)


def _choose_sheet(
    book: Any, names: list[str], filename: str, wanted: str | None
) -> tuple[str, Any]:
    """The named sheet (exact, then ignoring case and spaces), or the first non-empty one."""
    if wanted is not None:
        match = next((n for n in names if n == wanted), None)
        match = match or next(
            (n for n in names if n.strip().lower() == wanted.strip().lower()), None
        )
        if match is None:
            raise TableError(
                "sheet_not_found",
                f"The workbook '{filename}' has no sheet named '{wanted}'; its sheets are: {', '.join(names)}.",
                {"filename": filename, "sheet": wanted, "available": names},
            )
        return match, _load_sheet(book, match, filename)
    for candidate in names:
        obj = _load_sheet(book, candidate, filename)
        if obj.height > 0 and any(any(c != "" for c in row) for row in obj.iter_rows()):
            return candidate, obj
    raise TableError(
        "empty_sheet",
        f"Every sheet in '{filename}' is empty ({', '.join(names) or 'no sheets'}).",
        {"filename": filename, "available": names},
    )


def _load_sheet(book: Any, sheet: str, filename: str) -> Any:
    """One sheet; a damaged sheet part is a corrupt workbook."""
    try:
        return book.get_sheet_by_name(sheet)
    except Exception as exc:
        raise TableError(
            "corrupt_workbook",
            f"The sheet '{sheet}' in '{filename}' is damaged and cannot be read ({str(exc)[:200]}).",
            {"filename": filename, "sheet": sheet, "detail": str(exc)[:200]},
        ) from exc


def _sheet_rows(
    sheet_obj: Any, error_cells: dict[tuple[int, int], str]
) -> Iterator[tuple[int, Cells]]:
    """Rows of a calamine sheet; error values (#DIV/0!) put back where calamine dropped them."""
    if sheet_obj is None or sheet_obj.start is None:
        return
    # calamine yields rows from row 1 but drops the empty columns left of the used range.
    first_col = sheet_obj.start[1]
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row0, col0), text in error_cells.items():
        by_row.setdefault(row0 + 1, []).append((col0 - first_col, text))
    for number, cells in enumerate(sheet_obj.iter_rows(), 1):
        for col, text in by_row.get(number, ()):
            if 0 <= col < len(cells):
                cells[col] = text
        yield number, cells


# --- formula errors in xlsx ----------------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _xlsx_error_cells(path: str, sheet: str, sheet_obj: Any) -> dict[tuple[int, int], str]:
    """Cells holding an Excel error (t="e"); calamine reads them as empty, which would hide them."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None or not _part_has_errors(archive, part):
                return {}
            return _scan_error_cells(archive, part)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}  # calamine read the sheet; losing error markers is better than refusing it


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet, via workbook.xml and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next(
        (s.get(f"{_NS_REL}id") for s in book.iter(f"{_NS_MAIN}sheet") if s.get("name") == sheet),
        None,
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (r.get("Target") for r in rels.iter(f"{_NS_PKG_REL}Relationship") if r.get("Id") == rel_id),
        None,
    )
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _part_has_errors(archive: zipfile.ZipFile, part: str) -> bool:
    """A streaming byte search, so sheets without error cells cost one decompression pass."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if b't="e"' in tail + chunk[:16] or b't="e"' in chunk:
                return True
            tail = chunk[-16:]
    return False


def _scan_error_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """(row, column) 0-based -> the error text, for cells of type 'e'."""
    found: dict[tuple[int, int], str] = {}
    with archive.open(part) as stream:
        for _, elem in ElementTree.iterparse(stream, events=("end",)):
            if elem.tag == f"{_NS_MAIN}c" and elem.get("t") == "e":
                match = _CELL_REF.fullmatch(elem.get("r") or "")
                value = elem.find(f"{_NS_MAIN}v")
                if match and value is not None and value.text:
                    found[(int(match.group(2)) - 1, _column_index(match.group(1)))] = value.text
            elif elem.tag == f"{_NS_MAIN}row":
                elem.clear()  # keep memory flat on big sheets
    return found


def _column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


# --- text files ------------------------------------------------------------------------------------


def _open_text(path: str, name: str, head: bytes, whole: bool) -> Table:
    """A CSV/TSV file: encoding from BOM or trial decoding of the first MiB, then the delimiter."""
    encoding, text = _detect_encoding(head, whole, name)
    _reject_binary(text, name)
    delimiter = _sniff_delimiter(text)
    return Table(path, "csv", ["csv"], "csv", encoding=encoding, delimiter=delimiter)


def _detect_encoding(head: bytes, whole: bool, name: str) -> tuple[str, str]:
    """BOMs first; then UTF-8; then GB18030 (a superset of GBK and GB2312); then charset-normalizer."""
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32", _decode(head, "utf-32", whole) or ""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            text = _decode(head, encoding, whole)
            if text is None:
                raise _not_a_table(
                    name, f"it starts with a {encoding} byte-order mark but is not {encoding} text"
                )
            return encoding, text
    if b"\x00" in head:
        raise _not_a_table(name, "it contains NUL bytes (binary data)")
    for encoding in ("utf-8", "gb18030"):
        text = _decode(head, encoding, whole)
        if text is not None:
            return encoding, text
    return _detect_other(head, whole, name)


def _decode(head: bytes, encoding: str, whole: bool) -> str | None:
    """Strict decoding; an incremental decoder so a character cut at the 1 MiB mark is not an error."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(head, final=whole)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect_other(head: bytes, whole: bool, name: str) -> tuple[str, str]:
    """Big5, Shift-JIS and friends: ask charset-normalizer, then decode strictly to confirm."""
    from charset_normalizer import from_bytes

    best = from_bytes(head[:65536]).best()
    if best is not None and best.encoding:
        text = _decode(head, best.encoding, whole)
        if text is not None:
            return codecs.lookup(best.encoding).name, text
    raise _not_a_table(name, "its text encoding is not recognised (expected UTF-8, GBK or GB18030)")


def _reject_binary(text: str, name: str) -> None:
    """Decoded junk has control characters; HTML saved as .xls is a common look-alike."""
    sample = text[:65536]
    if not sample.strip():
        raise TableError(
            "empty_file", f"The file '{name}' contains only whitespace.", {"filename": name}
        )
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if controls > max(2, len(sample) // 1000):
        raise _not_a_table(
            name, f"it contains {controls} control characters in its first {len(sample)} characters"
        )
    lowered = sample[:2048].lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml", "<table")) or "<html" in lowered:
        raise _not_a_table(
            name,
            "it is a web page (HTML/XML) with a spreadsheet name; open it in Excel and save as .xlsx",
        )


def _sniff_delimiter(text: str) -> str:
    """Comma, tab, semicolon or bar: the one splitting the first lines into the most consistent columns."""
    lines = text.splitlines()[:50]
    if len(lines) > 1 and len(text) >= SNIFF_BYTES - 4:
        lines = lines[:-1]  # the last line may be cut at the 1 MiB mark
    best, best_score = ",", -1.0
    for delimiter in (",", "\t", ";", "|"):
        counts = [len(row) for row in _csv_reader(io.StringIO("\n".join(lines)), delimiter) if row]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (mode > 1) + (mode > 1) * mode / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_reader(lines: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """csv.reader with the cell size limit raised (see CSV_FIELD_LIMIT)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    return csv.reader(lines, delimiter=delimiter)


def _csv_rows(path: str, encoding: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    """Stream records; a record (even spanning lines inside quotes) is one Excel row."""
    with open(path, encoding=encoding, newline="", errors="strict") as handle:
        reader = _csv_reader(handle, delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, 1):  # noqa: B007 - number is reported on failure
                yield number, cells
        except UnicodeDecodeError as exc:
            # Decoding runs ahead in chunks, so the failing row is found by a second, tolerant pass.
            bad = _first_undecodable_row(path, encoding, delimiter) or number + 1
            raise TableError(
                "decode_error",
                f"Row {bad} is not valid {encoding} text; the file mixes encodings. "
                "Save it again as UTF-8 CSV or .xlsx.",
                {"row": bad, "encoding": encoding},
            ) from exc
        except csv.Error as exc:
            raise TableError(
                "malformed_csv",
                f"Row {number + 1} cannot be read as CSV: {exc}.",
                {"row": number + 1, "detail": str(exc)},
            ) from exc


_UNDECODED = re.compile("[\udc80-\udcff]")


def _first_undecodable_row(path: str, encoding: str, delimiter: str) -> int | None:
    """The first record holding bytes the encoding rejects (read with surrogateescape)."""
    with open(path, encoding=encoding, newline="", errors="surrogateescape") as handle:
        for number, cells in enumerate(_csv_reader(handle, delimiter), 1):
            if any(_UNDECODED.search(c) for c in cells):
                return number
    return None


# --- header detection --------------------------------------------------------------------------------


# Where the year of a sheet's figures came from (Layout.year_source, set by RowReader).
YEAR_SOURCES = ("column", "header", "title", "stated", "none")


@dataclass
class Layout:
    """Where the header is and what each column is called and measured in.

    column_years: the year each column's header names ("2024年营业收入"), by column index.
    title_year: the one year the rows above the header name ("婺城区重点企业名录（2024年度）").
    year_source, year, notices: decided by RowReader once the mapping and the stated year are
    known (see corridor.engine.sheets.rows): where rows without a year cell take their year from
    (one of YEAR_SOURCES), that year, and the file-level notices (a sheet of figures without any year).
    """

    header_row_numbers: list[int]
    data_start_row: int
    labels: list[str]
    units: list[Decimal | None]
    leaf_labels: list[str] = field(default_factory=list)
    table_unit: Decimal | None = None
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (index, label, field)
    column_years: dict[int, int] = field(default_factory=dict)
    title_year: int | None = None
    year_source: str = ""
    year: int | None = None
    notices: list[Issue] = field(default_factory=list)


def alias_index(fields: Iterable[ImportField]) -> dict[str, str]:
    """Normalised alias -> field name (names, English and Chinese labels included)."""
    index: dict[str, str] = {}
    for f in fields:
        for alias in (*f.aliases, f.label_zh, f.label_en, f.name):
            key = normalise_header(alias)
            if key:
                index.setdefault(key, f.name)
    return index


def _cell_label(value: Any) -> str:
    """A header cell as display text: one line, single spaces."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return " ".join(text.split())


def _row_score(labels: Sequence[str], index: dict[str, str]) -> int:
    """How many distinct fields the row's cells name exactly."""
    return len({index[k] for k in (normalise_header(lab) for lab in labels if lab) if k in index})


def detect_layout(head_rows: list[tuple[int, Cells]], fields: Iterable[ImportField]) -> Layout:
    """Find the header row (or two merged rows) among the first rows by matching field aliases."""
    index = alias_index(fields)
    rows = [(n, [_cell_label(c) for c in cells]) for n, cells in head_rows]
    width = max((sum(1 for c in cells if c) for _, cells in rows), default=0)
    best: tuple[float, int, list[int]] | None = None
    for pos, (number, labels) in enumerate(rows):
        candidates = [(float(_row_score(labels, index)), [pos])]
        if pos + 1 < len(rows) and rows[pos + 1][0] == number + 1:
            merged = _combine(labels, rows[pos + 1][1])[0]
            candidates.append(
                (_row_score(merged, index) - 0.5, [pos, pos + 1])
            )  # a pair must beat a row
        for score, chosen in candidates:
            if best is None or score > best[0]:
                best = (score, number, chosen)
    needed = 1 if width <= 2 else 2
    if best is None or best[0] < needed:
        raise TableError(
            "no_header",
            f"No header row found in the first {len(rows)} rows: a header needs at least {needed} column names "
            "such as 企业名称, 统一社会信用代码, 营业收入.",
            {"rows_checked": len(rows), "needed": needed},
        )
    chosen = best[2]
    if len(chosen) == 1 and chosen[0] > 0 and _is_parent_row(rows, chosen[0], index):
        chosen = [chosen[0] - 1, chosen[0]]
    return _build_layout(rows, chosen)


def _is_parent_row(rows: list[tuple[int, list[str]]], pos: int, index: dict[str, str]) -> bool:
    """A group row above the header ("基本信息" | "财务数据（万元）"): several cells, no field names."""
    number, above = rows[pos - 1]
    if number != rows[pos][0] - 1:
        return False
    filled = sum(1 for c in above if c)
    if any(_TABLE_UNIT.search(to_halfwidth(c)) for c in above if c):
        return False  # "填报单位：… 单位：万元" is a note row, not a group header
    return 2 <= filled <= sum(1 for c in rows[pos][1] if c) and _row_score(above, index) == 0


def _combine(upper: list[str], lower: list[str]) -> tuple[list[str], list[str]]:
    """Labels for a two-row header: group name carried right over merged cells, then "group/label"."""
    width = max(len(upper), len(lower))
    labels, leaves, group = [], [], ""
    for i in range(width):
        top = upper[i] if i < len(upper) else ""
        low = lower[i] if i < len(lower) else ""
        group = top or group  # a merged cell's value sits in its first column only
        if low:
            labels.append(f"{group}/{low}" if group else low)
            leaves.append(low)
        else:
            labels.append(top)
            leaves.append(top)
    return leaves, labels


def _build_layout(rows: list[tuple[int, list[str]]], chosen: list[int]) -> Layout:
    """Labels, leaf labels and units per column for the chosen header rows."""
    header = [rows[p][1] for p in chosen]
    if len(header) == 2:
        leaves, labels = _combine(header[0], header[1])
        groups = _combine(header[0], [lab or "x" for lab in header[1]])[1]
    else:
        leaves, labels, groups = header[0], list(header[0]), ["" for _ in header[0]]
    table_unit = _table_unit(rows[: chosen[0]])
    units = []
    for leaf, group in zip(leaves, groups, strict=True):
        unit = unit_from_header(leaf)[1] if leaf else None
        if unit is None and "/" in group:
            unit = unit_from_header(group.rsplit("/", 1)[0])[1]
        units.append(unit if unit is not None else table_unit)
    last = rows[chosen[-1]][0]
    years = {col: year for col, label in enumerate(labels) if (year := label_year(label))}
    return Layout(
        header_row_numbers=[rows[p][0] for p in chosen],
        data_start_row=last + 1,
        labels=labels,
        units=units,
        leaf_labels=leaves,
        table_unit=table_unit,
        column_years=years,
        title_year=title_year(rows[: chosen[0]]),
    )


_TABLE_UNIT = re.compile(r"(?:单位|金额单位|unit)\s*[:：]\s*(.+)", re.IGNORECASE)


def _table_unit(rows_above: list[tuple[int, list[str]]]) -> Decimal | None:
    """A "单位：万元" note above the header applies to money columns without their own unit."""
    for _, labels in rows_above:
        for label in labels:
            match = _TABLE_UNIT.search(to_halfwidth(label))
            if match:
                unit = unit_from_header(match.group(1).strip())[1]
                if unit is not None:
                    return unit
    return None


_YEAR_IN_LABEL = re.compile(r"((?:19|20)\d{2})\s*年")
# A title's year: 2024年度, 2024年 (not 2024年3月, a date), (2024), 2024 annual, FY2024.
_TITLE_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*(?:年度|年报|年(?!\s*\d{1,2}\s*月|\s*\d{1,2}\s*[-—~～至到]))"
    r"|[(\[【〔]\s*((?:19|20)\d{2})\s*[)\]】〕]"
    r"|((?:19|20)\d{2})\s*(?:annual|fiscal year)"
    r"|\bFY\s*((?:19|20)\d{2})",
    re.IGNORECASE,
)


_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*((?:19|20)\d{2})")
_DATE_WORDS = re.compile(r"日期|时间|date", re.IGNORECASE)


def label_year(label: str) -> int | None:
    """The year a header label names ("2024年营业收入" -> 2024), or None."""
    match = _YEAR_IN_LABEL.search(to_halfwidth(label)) if label else None
    year = int(match.group(1)) if match else None
    return year if year is not None and YEAR_MIN <= year <= YEAR_MAX else None


def title_year(rows_above: list[tuple[int, list[str]]]) -> int | None:
    """The one year the title rows above the header name; None when they name none or several."""
    found: set[int] = set()
    for _, labels in rows_above:
        for label in labels:
            if label and not _DATE_WORDS.search(label):  # 填报日期：2025年 is not the data's year
                text = to_halfwidth(label)
                for match in _TITLE_YEAR.finditer(text):
                    found.add(int(next(g for g in match.groups() if g)))
                for match in _YEAR_RANGE.finditer(text):  # 2023—2024年度: two years, not one
                    found.update(map(int, match.groups()))
    years = {y for y in found if YEAR_MIN <= y <= YEAR_MAX}
    return years.pop() if len(years) == 1 else None


# --- mapping columns to fields ------------------------------------------------------------------------------


def auto_map(layout: Layout, fields: Iterable[ImportField]) -> dict[int, str]:
    """Column index -> field name: exact alias first, then containment; one column per field.

    A yearly figure (per_year) may take one column per year its headers name: "2023年营业收入"
    and "2024年营业收入" both map to revenue, and each row then carries both years.
    """
    fields = list(fields)
    index = alias_index(fields)
    per_year = {f.name for f in fields if f.per_year}
    facts = {f.name for f in fields if f.target == "facts"}
    candidates: list[tuple[float, int, str]] = []
    top: dict[int, str] = {}  # each column's best field, to explain the columns left out
    years = {col: label_year(label) for col, label in enumerate(layout.labels)}
    for col, leaf in enumerate(layout.leaf_labels or layout.labels):
        matches = _match_label(normalise_header(leaf), index) if leaf else {}
        year = years.get(col)
        # With "2023年营业收入" and "2024年营业收入" side by side the latest year is chosen first.
        bonus = year / 1e6 if year else 0.0
        best = max(matches.values(), default=0.0)
        for name, score in matches.items():
            if score > best - 0.5:  # an exact name is never traded for a looser containment match
                candidates.append((score + bonus, col, name))
        if matches:
            top[col] = max(matches, key=lambda n: matches[n])
    mapping: dict[int, str] = {}
    taken: dict[str, list[int]] = {}
    for _, col, name in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if col in mapping or not _may_take(name, col, taken.get(name, []), years, per_year):
            continue
        mapping[col] = name
        taken.setdefault(name, []).append(col)
        col_year = years.get(col)
        if col_year and name in facts:
            layout.column_years[col] = col_year
    for col, name in sorted(top.items()):
        if col not in mapping:
            label = layout.labels[col]
            layout.ignored_columns.append((col, label, name))
            layout.notes.append(
                f"Column '{label}' also looks like {name}; ignored, using column '{layout.labels[taken[name][0]]}'."
            )
    return dict(sorted(mapping.items()))


def _may_take(
    name: str, col: int, cols: list[int], years: dict[int, int | None], per_year: set[str]
) -> bool:
    """A field takes its first column; a yearly figure also one more column per other header year."""
    if not cols:
        return True
    year = years.get(col)
    if name not in per_year or year is None:
        return False
    return all(years.get(c) is not None and years.get(c) != year for c in cols)


def _match_label(key: str, index: dict[str, str]) -> dict[str, float]:
    """Field -> score: 3 for an exact alias, 2 + length/100 for an alias the label contains."""
    found: dict[str, float] = {}
    if key in index:
        found[index[key]] = 3.0
    for alias, name in index.items():
        # One-character aliases (区, 市) would match inside almost any Chinese label.
        if len(alias) >= 2 and alias in key and alias != key:
            found[name] = max(found.get(name, 0.0), 2 + len(alias) / 100)
    return found
