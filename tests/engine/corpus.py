"""Builders for the malformed-file corpus, created in tmp_path at test time (no binary fixtures)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from corridor.engine.uscc import make_uscc

# Valid codes, and one with a wrong check character.
USCC_A = make_uscc("9", "1", "330702", "MA2D1234")
USCC_B = make_uscc("9", "1", "330702", "MA2D5678")
USCC_C = make_uscc("9", "1", "330703", "12345678")
USCC_BAD_CHECK = USCC_A[:17] + ("0" if USCC_A[17] != "0" else "1")

HEADER = ["企业名称", "统一社会信用代码", "成立日期", "年份", "营业收入（万元）", "从业人员"]

HOSTILE = {
    "sql": "Robert'); DROP TABLE enterprise;--",
    "html": "<script>alert('x')</script>有限公司",
    "rtl": "\u202egnp.exe有限公司",
    "zero_width": "金华\u200b\u200d科技有限公司",
    "emoji": "🚀火箭科技有限公司",
    "control": "婺城\x07\x1b科技\x7f有限公司",
    "formula": '=HYPERLINK("http://evil","点击")',
    "long": "长" * 5000,
}


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    """A CSV file in the given encoding ('utf-8-sig' writes a BOM, 'utf-16' writes one too)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, build: Callable[[Workbook], None]) -> Path:
    """An xlsx file written by xlsxwriter through a build callback."""
    book = xlsxwriter.Workbook(str(path))
    build(book)
    book.close()
    return path


def simple_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Sheet1") -> Path:
    """An xlsx with one sheet holding rows from A1."""

    def build(book: Workbook) -> None:
        sheet_obj = book.add_worksheet(sheet)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet_obj.write(r, c, value)

    return write_xlsx(path, build)


def titled_merged_xlsx(path: Path) -> Path:
    """Title row 1, blank row 2, group header row 3 (merged), labels row 4, data from row 5 with a blank row 7, a
    formula with a cached value, an error formula, and a totals row at the bottom."""

    def build(book: Workbook) -> None:
        ws = book.add_worksheet("规上企业")
        ws.merge_range(0, 0, 0, 6, "2024年婺城区规上企业名单")
        ws.merge_range(2, 0, 2, 2, "基本信息")
        ws.merge_range(2, 3, 2, 6, "财务数据（万元）")
        for c, label in enumerate(
            ["企业名称", "统一社会信用代码", "成立日期", "年份", "营业收入", "资产总额", "从业人员"]
        ):
            ws.write(3, c, label)
        ws.write_row(4, 0, ["甲公司", USCC_A, "2019年3月", 2024, 1200.5, "1.2亿", 100])
        ws.write_row(5, 0, ["乙公司", USCC_B, "2018-07-01", 2024, "1,300", 50, 20])
        ws.write_row(7, 0, ["丙公司", USCC_C, "2020.05", 2024, None, 10, 5])
        ws.write_formula(7, 4, "=E5+E6", None, 2500.5)
        ws.write_row(8, 0, ["丁公司", make_uscc("9", "1", "330702", "87654321"), "2021/1/5", 2024])
        ws.write_formula(8, 4, "=1/0", None, "#DIV/0!")
        ws.write_row(9, 0, ["合计", None, None, None, 5001, 12060, 125])

    return write_xlsx(path, build)


def random_bytes(path: Path, size: int = 64 * 1024, seed: int = 1) -> Path:
    """Seeded random binary junk."""
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def png_file(path: Path) -> Path:
    """A PNG signature followed by junk, named like a spreadsheet."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200))
    return path


def sparse_file(path: Path, size: int = 100 * 1024 * 1024) -> Path:
    """A sparse file of NUL bytes: large on paper, instant to create."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def truncated_xlsx(path: Path) -> Path:
    """A valid xlsx cut in half: the zip directory at its end is gone."""
    simple_xlsx(path, [HEADER, ["甲公司", USCC_A, "2019-03-05", 2024, 100, 10]] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
