"""Build import files for tests (CSV in any encoding, XLSX with title and merged header rows)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "注册地址",
    "年份",
    "营业收入（万元）",
    "从业人员",
    "研发费用（万元）",
]


def write_csv(
    path: Path, rows: list[list[object]], header: list[str] = HEADER, encoding: str = "utf-8-sig"
) -> Path:
    """A CSV file with a header row in the given encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: list[list[object]], header: list[str] = HEADER, title: str | None = None
) -> Path:
    """An XLSX file, optionally with a merged title row above the header."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("企业")
    start = 0
    if title:
        sheet.merge_range(0, 0, 0, len(header) - 1, title)
        start = 1
    sheet.write_row(start, 0, header)
    for i, row in enumerate(rows, start=start + 1):
        sheet.write_row(i, 0, row)
    book.close()
    return path
