"""Hostile workbooks, built small in tmp_path at test time: each one crashed or exhausted the server.

A valid xlsx is written with xlsxwriter, then single parts are replaced (or the zip directory is
patched) to make the attack. Large contents are written through a streaming zip member, so building
a file never needs the memory that reading it naively would.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import xlsxwriter

from tests.engine.corpus import HEADER, USCC_A, simple_xlsx

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
ROW = ["甲公司", USCC_A, "2019-03-05", 2024, 100, 10]


def base_xlsx(path: Path) -> Path:
    """A small valid workbook: the header and one row (its text in sharedStrings.xml)."""
    return simple_xlsx(path, [HEADER, ROW])


def replace_parts(path: Path, parts: dict[str, bytes | Callable[[], Iterable[bytes]]]) -> Path:
    """Rewrite the zip with some members replaced: bytes, or a callable yielding chunks (streamed)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename not in parts:
                out.writestr(info.filename, src.read(info.filename))
        for name, content in parts.items():
            if isinstance(content, bytes):
                out.writestr(name, content)
            else:
                with out.open(name, "w", force_zip64=True) as member:
                    for chunk in content():
                        member.write(chunk)
    tmp.replace(path)
    return path


def part_text(path: Path, name: str) -> str:
    """One member of a zip, as text."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def far_cell_xlsx(path: Path) -> Path:
    """The quoted 2 KB file: a header at A1 and one cell at XFD1048576 (calamine asked for 512 GiB)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write(1048575, 16383, "x")
    book.close()
    return path


def huge_dimension_xlsx(path: Path) -> Path:
    """A two-row sheet whose <dimension ref> declares the whole grid (17 billion cells)."""
    base_xlsx(path)
    sheet = re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', part_text(path, SHEET)
    )
    return replace_parts(path, {SHEET: sheet.encode()})


def huge_string_count_xlsx(path: Path) -> Path:
    """sharedStrings.xml declares 4 billion strings: calamine reserved 96 GB for them up front."""
    base_xlsx(path)
    text = re.sub(r'(count|uniqueCount)="\d+"', r'\1="4000000000"', part_text(path, STRINGS))
    return replace_parts(path, {STRINGS: text.encode()})


def huge_shared_string_xlsx(path: Path, chars: int = 100_000_000) -> Path:
    """One shared string of `chars` characters (300 MB of UTF-8 in a ~300 KB file; 1.2 GB to read)."""
    base_xlsx(path)
    before, after = part_text(path, STRINGS).split("甲公司", 1)

    def content() -> Iterable[bytes]:
        yield before.encode()
        block = ("甲" * (1 << 20)).encode()
        for _ in range(chars >> 20):
            yield block
        yield after.encode()

    return replace_parts(path, {STRINGS: content})


def zip_bomb_xlsx(path: Path, megabytes: int = 64) -> Path:
    """A sheet part padded with `megabytes` MiB of blanks inside <sheetData>: a ~1000:1 ratio."""
    base_xlsx(path)
    before, after = part_text(path, SHEET).split("<sheetData>", 1)

    def content() -> Iterable[bytes]:
        yield (before + "<sheetData>").encode()
        block = b" " * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield after.encode()

    return replace_parts(path, {SHEET: content})


def lying_size_xlsx(path: Path, declared: int = 100) -> Path:
    """The sheet part's uncompressed size in the zip directory says `declared` bytes; it holds more."""
    base_xlsx(path)
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        name_at = 46 if signature == b"PK\x01\x02" else 30
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, declared)
            start += 4
    path.write_bytes(bytes(data))
    return path


def declared_huge_part_xlsx(path: Path) -> Path:
    """The zip directory declares a 3.75 GiB sheet part (the header alone is refused)."""
    return lying_size_xlsx(path, declared=0xF000_0000)


def many_sheets_xlsx(path: Path, sheets: int = 200) -> Path:
    """Many empty sheets before the one with data: each is loaded in turn looking for it."""
    book = xlsxwriter.Workbook(str(path))
    for i in range(sheets):
        book.add_worksheet(f"S{i}")
    book.add_worksheet("企业").write_row(0, 0, HEADER)
    book.close()
    return path


def many_parts_xlsx(path: Path, parts: int = 10_001) -> Path:
    """A valid workbook padded with thousands of tiny parts (a directory built to be walked)."""
    base_xlsx(path)
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(parts):
            archive.writestr(f"xl/media/pad{i}.bin", b"")
    return path


def empty_rows_xlsx(path: Path, rows: int = 1_000_000) -> Path:
    """The data, then a million formatted rows holding no cell (as a sheet formatted to its end)."""
    base_xlsx(path)
    before, after = part_text(path, SHEET).split("</sheetData>", 1)

    def content() -> Iterable[bytes]:
        yield before.encode()
        for start in range(3, rows + 1, 10_000):
            stop = min(start + 10_000, rows + 1)
            yield "".join(
                f'<row r="{r}" spans="1:6" s="1" customFormat="1"/>' for r in range(start, stop)
            ).encode()
        yield ("</sheetData>" + after).encode()

    return replace_parts(path, {SHEET: content})


def styled_grid_xlsx(path: Path) -> Path:
    """Formatted empty cells down to AN400000: 16 million cells declared, none holding a value."""
    base_xlsx(path)
    sheet = re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:AN400000"/>', part_text(path, SHEET)
    )
    return replace_parts(path, {SHEET: sheet.encode()})


def long_string_xlsx(path: Path, chars: int = 700_000) -> Path:
    """A shared string of varied characters (packs like real text) longer than any cell can be."""
    base_xlsx(path)
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(chars))
    return replace_parts(path, {STRINGS: part_text(path, STRINGS).replace("甲公司", text).encode()})


def _with_doctype(path: Path, doctype: str, entity: str) -> Path:
    """sharedStrings.xml with a DTD, one shared string replaced by an entity reference."""
    base_xlsx(path)
    head, rest = part_text(path, STRINGS).split("?>", 1)
    text = f"{head}?>{doctype}{rest.replace('甲公司', entity)}"
    return replace_parts(path, {STRINGS: text.encode()})


def xxe_xlsx(path: Path) -> Path:
    """An external entity reading /etc/passwd into a cell (XXE)."""
    return _with_doctype(path, '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;")


def billion_laughs_xlsx(path: Path) -> Path:
    """Nested entities expanding to 10^9 'a's (billion laughs)."""
    names = "abcdefghij"
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {names[i + 1]} "{f"&{names[i]};" * 10}">' for i in range(9)
    )
    return _with_doctype(path, f"<!DOCTYPE sst [{entities}]>", "&j;")


def wrong_extension_csv(path: Path) -> Path:
    """A valid workbook named .csv: read by its content, not its name."""
    return base_xlsx(path)


def ods_file(path: Path, rows: int = 1, columns: int = 1, value: str = "x") -> Path:
    """An OpenDocument sheet: a header row, then one row holding `value` repeated as asked."""
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{label}</text:p></table:table-cell>'
        for label in HEADER
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"<table:table-row>{header}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
        f"<text:p>{value}</text:p></table:table-cell></table:table-row>"
        # as LibreOffice ends every sheet: the rest of the grid, empty
        '<table:table-row table:number-rows-repeated="1048500"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def far_cell_ods(path: Path) -> Path:
    """An OpenDocument sheet whose one row repeats a cell 16384 times, 1048576 times over."""
    return ods_file(path, rows=1_048_576, columns=16_384)
