"""Opening an import file: cheap workbooks here, costly ones in a memory-limited child, rows on demand."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.core import reading
from corridor.engine.sheets.tabular import TableError, open_table
from tests.engine import hostile
from tests.engine.corpus import HEADER, USCC_A, simple_xlsx, write_csv, write_xlsx

ROWS = [HEADER] + [[f"公司{i}", USCC_A, "2019-03-05", 2024, i, 10] for i in range(450)]


def test_a_small_workbook_and_a_csv_are_read_here(tmp_path: Path) -> None:
    for path in (simple_xlsx(tmp_path / "a.xlsx", ROWS), write_csv(tmp_path / "a.csv", ROWS)):
        table = reading.open_import_table(path)
        assert table.read_ahead is None  # no child: calamine's sheet (or the CSV file) read here
        assert len(list(table.rows())) == len(ROWS)


def test_a_costly_workbook_is_read_in_a_child_and_streams_past_the_rows_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "IN_PROCESS_READ_BYTES", 0)  # as if the guard found it costly
    path = simple_xlsx(tmp_path / "a.xlsx", ROWS)
    table = reading.open_import_table(path)
    assert table.read_ahead is not None and len(table.read_ahead) == reading.AHEAD_ROWS
    assert not table.complete and table.head(3) == list(open_table(path).rows())[:3]
    assert list(table.rows()) == list(open_table(path).rows())  # the rest came from a second child


def test_a_child_out_of_memory_is_a_clear_refusal(tmp_path: Path) -> None:
    # Cells at A1 and J300000: calamine allocates 3 million cells (96 MB) up front.
    def build(book):  # type: ignore[no-untyped-def]
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        sheet.write(299_999, 9, "x")

    path = write_xlsx(tmp_path / "a.xlsx", build)
    assert reading.reads_in_child(reading.Opening(str(path), "a.xlsx"))  # the guard's estimate
    with pytest.raises(TableError) as info:
        reading.open_import_table(path, filename="上报.xlsx", memory_limit_mb=64)
    assert info.value.code == "memory_limit"
    assert info.value.params == {"filename": "上报.xlsx", "limit_mb": 64}
    assert len(list(reading.open_import_table(path).rows())) == 300_000  # under the default ceiling


def test_hostile_files_are_refused_before_any_child_starts(tmp_path: Path) -> None:
    opening = reading.Opening(str(hostile.far_cell_xlsx(tmp_path / "far.xlsx")), "far.xlsx")
    with pytest.raises(TableError) as info:
        reading.reads_in_child(opening)
    assert info.value.code == "sheet_too_large"


def test_refusals_read_in_chinese_and_english(tmp_path: Path) -> None:
    from django.utils import translation

    from corridor.core.issue_text import issue_text

    with pytest.raises(TableError) as info:
        open_table(hostile.far_cell_xlsx(tmp_path / "far.xlsx"), filename="上报.xlsx")
    exc = info.value
    with translation.override("en"):
        assert issue_text(exc.code, exc.params, "fb") == exc.message
    with translation.override("zh-hans"):
        text = issue_text(exc.code, exc.params, "fb")
    assert (
        text.startswith("“上报.xlsx”中的一个工作表声明的范围为 A1:XFD1048576")
        and "10,000,000" in text
    )
    with translation.override("zh-hans"):
        memory = issue_text("memory_limit", {"filename": "a.xlsx", "limit_mb": 768}, "fb")
    assert memory.startswith("读取文件“a.xlsx”所需的内存超过允许的 768 MiB")
