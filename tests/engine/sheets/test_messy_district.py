"""The held-out messy district workbook (messy_district.py) through the engine alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.engine.sheets.rows import CleanRow, RowReader
from corridor.engine.sheets.tabular import Layout, auto_map, detect_layout, open_table
from corridor.registry.columns import ENTERPRISE_FIELDS
from tests.engine.sheets import messy_district as messy

F = ENTERPRISE_FIELDS


def _read(tmp_path: Path, **options: object) -> tuple[Layout, dict[int, CleanRow], RowReader]:
    table = open_table(messy.build(tmp_path / "婺城区重点企业名录.xlsx"))
    layout = detect_layout(table.head(), F)
    reader = RowReader(table.rows(), layout, auto_map(layout, F), F, **options)  # type: ignore[arg-type]
    return layout, {row.row: row for row in reader}, reader


@pytest.fixture
def read(tmp_path: Path) -> tuple[Layout, dict[int, CleanRow], RowReader]:
    return _read(tmp_path, hold_checksum_warnings=True)


def test_header_title_year_and_units(read) -> None:  # type: ignore[no-untyped-def]
    layout, _, _ = read
    assert layout.header_row_numbers == messy.HEADER_ROWS
    assert layout.data_start_row == messy.DATA_START
    assert layout.labels[4] == "经营情况/营业收入（万元）"
    assert (layout.title_year, layout.year_source, layout.year) == (2024, "title", 2024)
    assert layout.notices == []


def test_every_row_as_expected(read) -> None:  # type: ignore[no-untyped-def]
    _, rows, _ = read
    for number, expected in messy.EXPECTED.items():
        row = rows[number]
        codes = [(i.code, i.severity, i.column) for i in row.issues]
        assert codes == expected["codes"], (number, row.issues)
        if "values" in expected:
            assert row.values == expected["values"], number
        for issue in row.issues:
            assert issue.row == number
            if "value" in expected:
                assert issue.value == expected["value"]
    assert rows[9].issues[0].params["first_row"] == messy.EXPECTED[9]["first_row"]


def test_bad_codes_are_errors_and_a_checksum_failure_is_a_warning(read) -> None:  # type: ignore[no-untyped-def]
    _, rows, reader = read
    assert not rows[6].valid and not rows[7].valid
    assert messy.LEGACY in rows[7].issues[0].message
    held = rows[8]
    assert held.valid and held.needs_confirmation and held.values["uscc"] == messy.U_CHECKSUM
    assert held.values["year"] == 2024 and held.values["total_assets"] == 1000


def test_totals_and_note_rows_are_not_errors(read) -> None:  # type: ignore[no-untyped-def]
    _, rows, reader = read
    assert rows[12].skipped and rows[13].skipped
    note = rows.get(messy.NOTE_ROW)
    assert note is None or note.skipped  # a merged note in 序号 (not imported) reads as blank
    assert max(rows) <= messy.LAST_ROW
    stats = reader.stats
    # 甲 乙 庚(held) 己 valid; 丙 丁 辛 errors; the duplicate and two totals skipped.
    assert (stats.valid, stats.errors, stats.warnings, stats.skipped) == (4, 3, 1, 3)
    assert stats.unconfirmed == 1


def test_without_holding_the_checksum_failure_is_the_older_error(tmp_path: Path) -> None:
    _, rows, _ = _read(tmp_path)
    assert [(i.code, i.severity) for i in rows[8].issues] == [("uscc_checksum", "error")]
