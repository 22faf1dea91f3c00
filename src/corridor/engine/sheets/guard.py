"""Checks a workbook before anything parses it: hostile files are refused while they are still cheap.

calamine (the xlsx/xls/ods parser) trusts what a file says: it allocates a sheet's whole used
rectangle (32 bytes a cell) before reading a value, reserves room for as many shared strings as
sharedStrings.xml declares, and keeps every string whole. A 2 KB file with cells at A1 and
XFD1048576 made it ask for 512 GiB, and Rust aborts the whole process (every session of a web
server) when an allocation fails; no exception is raised. So before calamine opens an OOXML or
OpenDocument zip, this module reads the zip directory (part count, each part's size, the total,
the compression ratio) and then inflates every part itself, counting the real bytes (a directory
that lies is caught), scanning each worksheet for its declared <dimension> and the farthest cell
that holds something, sharedStrings.xml for its declared count and its strings, and every XML part
for a DTD (XXE and billion-laughs files: spreadsheets never need entities).

All reading here is streamed in bounded chunks: checking costs about one pass of decompression and
a regular-expression scan, and no more memory than a few chunks, whatever the file claims. The
limits are the constants below; callers may pass other values (Django settings) through Limits.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import methodcaller
from typing import Any, BinaryIO
from xml.etree import ElementTree

MiB = 1 << 20
# Excel writes about ten parts plus two or three per sheet, chart or image: 10,000 parts allow
# thousands of sheets, and refuse archives built to make the reader walk a huge directory.
MAX_PARTS = 10_000
# One part unpacked: a million rows of ten columns is about 400 MB of sheet XML.
MAX_PART_BYTES = 512 * MiB
# All parts unpacked together.
MAX_UNPACKED_BYTES = 1024 * MiB
# Unpacked / packed size of one part. Apache POI refuses the same ratio (MIN_INFLATE_RATIO = 0.01):
# real sheet XML packs 5-30 times, a crafted deflate stream up to 1,032 times.
MAX_RATIO = 100
# Parts smaller than this are not ratio-checked: small repetitive XML packs very well and is harmless.
RATIO_GRACE_BYTES = 1 * MiB
# Rows x columns of a sheet's rectangle (declared, or spanned by its cells). calamine allocates the
# rectangle before reading values, 32 bytes a cell: 10 million cells are 320 MB, within the reading
# child's memory ceiling (768 MiB). Excel's grid is 17 billion cells; a million-row export of ten
# columns fits. Larger tables are read row by row from CSV, which has no such ceiling.
MAX_CELLS = 10_000_000
# Declared shared strings (calamine reserves 24 bytes for each before reading one). A sheet cannot
# use more distinct strings than it has cells.
MAX_STRINGS = MAX_CELLS
# One run of text between two tags (a cell's text, a shared string): Excel holds at most 32,767
# characters in a cell, under 128 KiB of UTF-8; 1 MiB leaves room for any other writer.
MAX_TEXT_BYTES = 1 * MiB
DENSE_CELL_BYTES = 32  # calamine's cell: measured, A1..XFD1048576 asked for 512 GiB = 17.2e9 x 32
STRING_SLOT_BYTES = 24  # a reserved Rust String: 4e9 declared strings asked for 96 GB
CHUNK = 1 * MiB
PREFIX_BYTES = 64 * 1024  # where a part's root element and its declared sizes are looked for


@dataclass(frozen=True)
class Limits:
    """The ceilings a workbook must stay under; the defaults are the constants above."""

    max_parts: int = MAX_PARTS
    max_part_bytes: int = MAX_PART_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_ratio: float = MAX_RATIO
    max_cells: int = MAX_CELLS
    max_strings: int = MAX_STRINGS
    max_text_bytes: int = MAX_TEXT_BYTES


@dataclass(frozen=True)
class Footprint:
    """What reading a workbook will cost, as measured here (declared sizes for the directory alone)."""

    unpacked_bytes: int
    cells: int = 0  # the largest sheet rectangle, rows x columns
    strings: int = 0  # shared strings declared or present, whichever is more
    scanned: bool = False  # False: only the zip directory was read

    def read_bytes(self) -> int:
        """A generous estimate of calamine's memory: the rectangle, string slots, 3x the XML."""
        return (
            DENSE_CELL_BYTES * self.cells
            + STRING_SLOT_BYTES * self.strings
            + 3 * self.unpacked_bytes
        )


class _Refusal(Exception):
    """Raised by the scanners; check_zip turns it into the caller's TableError."""

    def __init__(self, code: str, message: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.code, self.message, self.params = code, message, params


ErrorFactory = Callable[[str, str, dict[str, Any]], Exception]


# --- the zip directory ---------------------------------------------------------------------------


def check_directory(path: str, name: str, limits: Limits, error: ErrorFactory) -> Footprint:
    """Part count, declared part sizes, their total and each part's ratio; nothing is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt(name, f"not a complete zip archive: {exc}", error) from exc
    try:
        return Footprint(_check_infos(infos, name, limits))
    except _Refusal as refusal:
        raise error(refusal.code, refusal.message, refusal.params) from None


def _check_infos(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> int:
    """The declared unpacked total, once every part passed."""
    if len(infos) > limits.max_parts:
        raise _Refusal(
            "too_many_parts",
            f"The workbook '{name}' is a zip of {len(infos):,} parts; the limit is {limits.max_parts:,}.",
            {"filename": name, "parts": len(infos), "limit": limits.max_parts},
        )
    total = 0
    for info in infos:
        _check_part_size(info.filename, info.file_size, name, limits)
        _check_ratio(info.filename, info.file_size, info.compress_size, name, limits)
        total += info.file_size
    _check_total(total, name, limits)
    return total


def _check_part_size(part: str, size: int, name: str, limits: Limits) -> None:
    """One part unpacked over the part limit."""
    if size > limits.max_part_bytes:
        raise _Refusal(
            "part_too_large",
            f"The part '{part}' of '{name}' unpacks to {size:,} bytes; the limit is "
            f"{limits.max_part_bytes:,} bytes. Save the table as CSV instead.",
            {"filename": name, "part": part, "size": size, "limit": limits.max_part_bytes},
        )


def _check_total(total: int, name: str, limits: Limits) -> None:
    """All parts unpacked over the total limit."""
    if total > limits.max_unpacked_bytes:
        raise _Refusal(
            "unpacked_too_large",
            f"The workbook '{name}' unpacks to {total:,} bytes; the limit is "
            f"{limits.max_unpacked_bytes:,} bytes. Save the table as CSV instead.",
            {"filename": name, "size": total, "limit": limits.max_unpacked_bytes},
        )


def _check_ratio(part: str, size: int, packed: int, name: str, limits: Limits) -> None:
    """A part that unpacks far more than real spreadsheet XML does (a zip bomb)."""
    if size <= RATIO_GRACE_BYTES:
        return
    ratio = size / max(packed, 1)
    if ratio > limits.max_ratio:
        raise _Refusal(
            "compression_ratio",
            f"The part '{part}' of '{name}' unpacks {ratio:,.0f} times its packed size; "
            f"real workbooks stay under {limits.max_ratio:,.0f} times. The file is refused as a zip bomb.",
            {"filename": name, "part": part, "ratio": round(ratio), "limit": limits.max_ratio},
        )


def _corrupt(name: str, detail: str, error: ErrorFactory) -> Exception:
    """The corrupt_workbook error, as the reader words it."""
    return error(
        "corrupt_workbook",
        f"The workbook '{name}' is damaged and cannot be read ({detail[:200]}).",
        {"filename": name, "detail": detail[:200]},
    )


# --- every part, inflated here -------------------------------------------------------------------


_CHECKED: dict[tuple[str, int, int, Limits], Footprint] = {}
CHECKED_KEPT = (
    64  # footprints remembered per process: a file is opened at upload, preview, validation
)


def check_zip(path: str, name: str, limits: Limits, error: ErrorFactory) -> Footprint:
    """The directory checks, then every part inflated and scanned; the footprint once all passed."""
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns, limits)
    if key not in _CHECKED:
        footprint = _check_zip(path, name, limits, error)
        if len(_CHECKED) >= CHECKED_KEPT:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[key] = footprint
    return _CHECKED[key]


def _check_zip(path: str, name: str, limits: Limits, error: ErrorFactory) -> Footprint:
    """check_zip without the memory of files already checked."""
    check_directory(path, name, limits, error)
    try:
        with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
            return _scan_parts(archive, handle, name, limits)
    except _Refusal as refusal:
        raise error(refusal.code, refusal.message, refusal.params) from None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, struct.error) as exc:
        raise _corrupt(name, str(exc), error) from exc


def _scan_parts(archive: zipfile.ZipFile, handle: BinaryIO, name: str, limits: Limits) -> Footprint:
    """Inflate and scan each part, keeping the largest sheet and the shared-string count."""
    total, cells, strings = 0, 0, 0
    for info in archive.infolist():
        scanner = _scanner_for(info.filename, name, limits)
        real = 0
        for chunk in _inflate(handle, info, name, limits):
            real += len(chunk)
            scanner.feed(chunk)
        scanner.close()
        total += real
        _check_total(total, name, limits)
        cells = max(cells, scanner.cells)
        strings = max(strings, scanner.strings)
    return Footprint(total, cells, strings, scanned=True)


def _inflate(handle: BinaryIO, info: zipfile.ZipInfo, name: str, limits: Limits) -> Iterator[bytes]:
    """A part's real bytes, inflated from its local entry: the directory's sizes are not trusted."""
    if info.flag_bits & 0x1:
        raise _Refusal(
            "encrypted_workbook",
            f"The workbook '{name}' is password-protected; remove the password and upload it again.",
            {"filename": name},
        )
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"part '{info.filename}' has no local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    packed = _packed_chunks(handle, info.compress_size)
    if info.compress_type == zipfile.ZIP_STORED:
        chunks = packed
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _deflated(packed, info.filename)
    else:
        raise zipfile.BadZipFile(
            f"part '{info.filename}' uses compression method {info.compress_type}, which spreadsheets do not use"
        )
    real = 0
    for chunk in chunks:
        real += len(chunk)
        if real > info.file_size:
            raise zipfile.BadZipFile(
                f"part '{info.filename}' holds more than the {info.file_size:,} bytes its directory declares"
            )
        _check_part_size(info.filename, real, name, limits)
        _check_ratio(info.filename, real, info.compress_size, name, limits)
        yield chunk


def _packed_chunks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """`size` bytes from the handle's position, in chunks."""
    left = size
    while left > 0:
        data = handle.read(min(CHUNK, left))
        if not data:
            raise zipfile.BadZipFile("the archive ends inside a part")
        left -= len(data)
        yield data


def _deflated(packed: Iterator[bytes], part: str) -> Iterator[bytes]:
    """Raw deflate, inflated at most CHUNK bytes at a time (a bomb never lands in memory whole)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for data in packed:
        pending = data
        while pending and not inflater.eof:
            out = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if out:
                yield out
    if not inflater.eof:
        raise zipfile.BadZipFile(f"part '{part}' is cut short")


# --- what each part is scanned for ---------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_LONG_TEXT: dict[int, re.Pattern[bytes]] = {}  # length -> a pattern of a run that long without '<'
_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s+ref="\$?([A-Z]{1,4})\$?([0-9]{1,9})(?::\$?([A-Z]{1,4})\$?([0-9]{1,9}))?"'
)
# A cell holding something: <c r="B7" ...> with content (not <c r="B7" s="3"/>, which calamine skips).
# The literal ' r="' lets the regex engine jump between cells; the reference is split afterwards by
# C-level strip calls (a Python loop over every cell would cost three times the scan).
_CELL = re.compile(rb' r="([A-Z]{1,4}[0-9]{1,9})"[^>/]*>')
_STRIP_DIGITS = methodcaller("rstrip", b"0123456789")
_STRIP_LETTERS = methodcaller("lstrip", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_COUNTS = re.compile(rb'\b(?:count|uniqueCount)="([0-9]{1,20})"')
_STRING_ITEM = re.compile(rb"<(?:[\w.-]+:)?si[\s>]")


def _long_text(limit: int) -> re.Pattern[bytes]:
    """A pattern finding `limit` bytes without a '<' (one text node or tag that long)."""
    if limit not in _LONG_TEXT:
        _LONG_TEXT[limit] = re.compile(rb"[^<]{%d}" % limit)
    return _LONG_TEXT[limit]


class _PartScanner:
    """Any part: XML must declare no DTD, and no text run may exceed the text limit.

    Chunks are cut at their last '<' so that no tag is split between two scans; a run without '<'
    longer than the text limit is refused before it could pile up.
    """

    def __init__(self, part: str, name: str, limits: Limits) -> None:
        self.part, self.name, self.limits = part, name, limits
        self.xml = part.endswith((".xml", ".rels", ".vml")) or part == "[Content_Types].xml"
        self.carry = b""
        self.seen = 0
        self.cells = 0
        self.strings = 0

    def feed(self, chunk: bytes) -> None:
        if not self.xml:
            return  # images and other binary parts: only their size counts
        buffer = self.carry + chunk
        cut = max(buffer.rfind(b"<"), 0)  # no '<' at all: the whole buffer is one run, carried
        ready, self.carry = buffer[:cut], buffer[cut:]
        if len(self.carry) > self.limits.max_text_bytes:
            self._too_long()
        if ready:
            self.scan(ready, self.seen == 0)
            self.seen += len(ready)

    def close(self) -> None:
        if self.carry:
            self.scan(self.carry, self.seen == 0)
        self.finish()

    def scan(self, data: bytes, first: bool) -> None:
        if not self.xml:
            return
        if _DOCTYPE.search(data):
            raise _Refusal(
                "unsafe_xml",
                f"The part '{self.part}' of '{self.name}' declares XML entities (a DTD), which "
                "spreadsheets never need; the file is refused as unsafe (XXE or billion laughs).",
                {"filename": self.name, "part": self.part},
            )
        limit = self.limits.max_text_bytes
        if len(data) > limit and _long_text(limit + 1).search(data):
            self._too_long()

    def finish(self) -> None:
        """Checks over the whole part, once it is read."""

    def _too_long(self) -> None:
        raise _Refusal(
            "string_too_long",
            f"The part '{self.part}' of '{self.name}' holds a text longer than "
            f"{self.limits.max_text_bytes:,} bytes; a cell holds at most 32,767 characters.",
            {"filename": self.name, "part": self.part, "limit": self.limits.max_text_bytes},
        )


class _SheetScanner(_PartScanner):
    """A worksheet: its declared dimension, and the farthest row and column holding a cell."""

    def __init__(self, part: str, name: str, limits: Limits) -> None:
        super().__init__(part, name, limits)
        self.rows = self.columns = 0
        self.present = 0

    def scan(self, data: bytes, first: bool) -> None:
        super().scan(data, first)
        if first:
            self._check_dimension(data[:PREFIX_BYTES])
        refs = _CELL.findall(data)
        if not refs:
            return
        self.present += len(refs)
        self.columns = max(self.columns, *map(_column, set(map(_STRIP_DIGITS, refs))))
        self.rows = max(self.rows, *map(int, set(map(_STRIP_LETTERS, refs))))
        if self.rows * self.columns > self.limits.max_cells:
            self._too_large(self._last_cell(), declared=False)

    def finish(self) -> None:
        self.cells = max(self.rows * self.columns, self.present)

    def _check_dimension(self, prefix: bytes) -> None:
        match = _DIMENSION.search(prefix)
        if not match:
            return
        first_col, first_row, last_col, last_row = match.groups()
        if last_col is None:
            return
        rows = int(last_row) - int(first_row) + 1
        columns = _column(last_col) - _column(first_col) + 1
        if rows * columns > self.limits.max_cells:
            ref = b"%s%s:%s%s" % (first_col, first_row, last_col, last_row)
            self._too_large(ref.decode(), declared=True)

    def _last_cell(self) -> str:
        return f"{_letters(self.columns)}{self.rows}"

    def _too_large(self, where: str, declared: bool) -> None:
        how = "declares the range" if declared else "has cells as far as"
        raise _Refusal(
            "sheet_too_large",
            f"A sheet of '{self.name}' {how} {where}, more than {self.limits.max_cells:,} cells "
            "(rows x columns) to read. Delete the far cells, or save the table as CSV.",
            {
                "filename": self.name,
                "part": self.part,
                "range": where,
                "limit": self.limits.max_cells,
                "declared": declared,
            },
        )


class _SharedStringsScanner(_PartScanner):
    """sharedStrings.xml: its declared counts and the strings it really holds, against the limit."""

    def __init__(self, part: str, name: str, limits: Limits) -> None:
        super().__init__(part, name, limits)
        self.declared = self.items = 0

    def scan(self, data: bytes, first: bool) -> None:
        super().scan(data, first)
        if first:
            root = data[:PREFIX_BYTES]
            end = root.find(b"<si")
            counts = _COUNTS.findall(root if end < 0 else root[:end])
            self.declared = max((int(n) for n in counts), default=0)
        self.items += len(_STRING_ITEM.findall(data))
        self.strings = max(self.declared, self.items)
        if self.strings > self.limits.max_strings:
            raise _Refusal(
                "too_many_strings",
                f"The workbook '{self.name}' declares {self.strings:,} shared strings; the limit is "
                f"{self.limits.max_strings:,}.",
                {"filename": self.name, "strings": self.strings, "limit": self.limits.max_strings},
            )


class _OdsContentScanner(_PartScanner):
    """content.xml of an OpenDocument sheet: repeated rows and cells spell out a rectangle."""

    _NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    _NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

    def __init__(self, part: str, name: str, limits: Limits) -> None:
        super().__init__(part, name, limits)
        self.parser: Any = ElementTree.XMLPullParser(events=("start", "end"))
        self.stack: list[ElementTree.Element] = []
        self.row = self.column = self.row_end = 0
        self.rows = self.columns = 0

    def scan(self, data: bytes, first: bool) -> None:
        super().scan(data, first)  # no DTD reaches the parser
        self.parser.feed(data)
        for event, elem in self.parser.read_events():
            self._event(event, elem)

    def _event(self, event: str, elem: ElementTree.Element) -> None:
        t = self._NS_TABLE
        if event == "start":
            self.stack.append(elem)
            if elem.tag == f"{t}table":
                self.row = 0
            elif elem.tag == f"{t}table-row":
                self.column, self.row_end = 0, 0
            return
        self.stack.pop()
        if elem.tag in (f"{t}table-cell", f"{t}covered-table-cell"):
            repeat = int(elem.get(f"{t}number-columns-repeated") or 1)
            if elem.get(f"{self._NS_OFFICE}value-type") or len(elem):
                self.row_end = self.column + repeat
            self.column += repeat
        elif elem.tag == f"{t}table-row":
            repeat = int(elem.get(f"{t}number-rows-repeated") or 1)
            if self.row_end:
                self.rows, self.columns = (
                    max(self.rows, self.row + repeat),
                    max(self.columns, self.row_end),
                )
                if self.rows * self.columns > self.limits.max_cells:
                    self._refuse()
            self.row += repeat
            if self.stack:
                self.stack[-1].remove(elem)  # keep memory flat: rows read are dropped

    def finish(self) -> None:
        self.parser.close()
        self.cells = self.rows * self.columns

    def _refuse(self) -> None:
        where = f"{_letters(self.columns)}{self.rows}"
        raise _Refusal(
            "sheet_too_large",
            f"A sheet of '{self.name}' has cells as far as {where}, more than "
            f"{self.limits.max_cells:,} cells (rows x columns) to read. Delete the far cells, or save the table as CSV.",
            {
                "filename": self.name,
                "part": self.part,
                "range": where,
                "limit": self.limits.max_cells,
            },
        )


def _scanner_for(part: str, name: str, limits: Limits) -> _PartScanner:
    """The scanner a part needs, by its name in the package."""
    lowered = part.lower()
    if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        return _SheetScanner(part, name, limits)
    if lowered.endswith("sharedstrings.xml"):
        return _SharedStringsScanner(part, name, limits)
    if lowered == "content.xml":
        return _OdsContentScanner(part, name, limits)
    return _PartScanner(part, name, limits)


def _column(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384 (1-based)."""
    text = letters.decode() if isinstance(letters, bytes) else letters
    index = 0
    for ch in text:
        index = index * 26 + ord(ch) - 64
    return index


def _letters(column: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    out = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out or "A"
