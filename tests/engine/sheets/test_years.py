"""The year of a sheet's figures: year cell > year in the column header > title year > stated year."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from corridor.engine.sheets.rows import CleanRow, RowReader
from corridor.engine.sheets.tabular import auto_map, detect_layout, open_table, title_year
from corridor.registry.columns import ENTERPRISE_FIELDS, FACT_FIELDS
from tests.engine.corpus import USCC_A, USCC_B, USCC_BAD_CHECK, write_csv

F = ENTERPRISE_FIELDS
D = Decimal


def read(path: Path, **options: Any) -> tuple[dict[int, CleanRow], RowReader]:
    table = open_table(path)
    layout = detect_layout(table.head(), F)
    reader = RowReader(table.rows(), layout, auto_map(layout, F), F, **options)
    return {row.row: row for row in reader}, reader


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("婺城区重点企业名录（2024年度）", 2024),
        ("2024年度", 2024),
        ("2024年", 2024),
        ("重点企业 (2024)", 2024),
        ("Key enterprises, 2024 annual", 2024),
        ("FY2023 key enterprises", 2023),
        ("2024年婺城区规上企业名单", 2024),
        ("填报日期：2025年3月1日", None),  # a date, not the year of the figures
        ("2024年1-6月主要指标", None),  # half a year is not a year's figures
        ("2023—2024年度对比", None),  # two years: none chosen
        ("重点企业名录", None),
    ],
)
def test_title_year(title: str, year: int | None) -> None:
    assert title_year([(1, [title])]) == year


def _titled(tmp_path: Path, title: str, header: list[str], *rows: list[Any]) -> Path:
    return write_csv(tmp_path / "t.csv", [[title], [], header, *rows])


def test_the_title_gives_the_year_when_nothing_else_does(tmp_path: Path) -> None:
    path = _titled(
        tmp_path,
        "婺城区重点企业名录（2024年度）",
        ["企业名称", "统一社会信用代码", "营业收入（万元）"],
        ["甲公司", USCC_A, "100"],
    )
    rows, reader = read(path, default_year=2020)
    assert rows[4].valid and rows[4].values["year"] == 2024 and rows[4].values["revenue"] == D(100)
    assert (reader.layout.year_source, reader.layout.year, reader.layout.notices) == (
        "title",
        2024,
        [],
    )


def test_precedence_year_cell_then_header_then_title_then_stated(tmp_path: Path) -> None:
    header = ["企业名称", "统一社会信用代码", "年份", "2023年营业收入"]
    path = _titled(
        tmp_path, "名录（2022年度）", header, ["甲", USCC_A, "2025", "1"], ["乙", USCC_B, "", "2"]
    )
    rows, reader = read(path, default_year=2020)
    assert reader.layout.year_source == "column"
    assert rows[4].values["year"] == 2025  # the row's year cell
    assert rows[5].values["year"] == 2023  # an empty cell: the header's year
    path = _titled(tmp_path, "名录（2022年度）", header[:2] + header[3:], ["甲", USCC_A, "1"])
    assert read(path, default_year=2020)[0][4].values["year"] == 2023
    path = write_csv(tmp_path / "s.csv", [["企业名称", "营业收入"], ["甲", "1"]])
    rows, reader = read(path, default_year=2020)
    assert rows[2].values == {"name": "甲", "revenue": D(1), "year": 2020}
    assert (reader.layout.year_source, reader.layout.year) == ("stated", 2020)


def test_headers_naming_several_years_give_several_yearly_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "y.csv",
        [
            [
                "企业名称",
                "统一社会信用代码",
                "2023年营业收入（万元）",
                "2024年营业收入（亿元）",
                "从业人员",
            ],
            ["甲公司", USCC_A, "980", "1.2", "50"],
            ["乙公司", USCC_B, "", "0.5", ""],
            ["丙公司", "", "700", "", ""],
            ["丁公司", "", "700", "", ""],  # another enterprise with the same 2023 figure
        ],
    )
    rows, reader = read(path)
    assert reader.layout.year_source == "header" and reader.layout.year == 2024
    first = rows[2]
    assert first.valid and first.values["year"] == 2024
    assert first.values["revenue"] == D(12000) and first.values["employees"] == 50
    assert first.other_years == {2023: {"revenue": D(980)}}
    assert first.facts_by_year(FACT_FIELDS) == {
        2023: {"revenue": D(980)},
        2024: {"revenue": D(12000), "employees": 50},
    }
    assert rows[3].other_years == {} and rows[3].facts_by_year(FACT_FIELDS) == {
        2024: {"revenue": D(5000)}
    }
    assert rows[4].valid and "year" not in rows[4].values
    assert rows[4].facts_by_year(FACT_FIELDS) == {2023: {"revenue": D(700)}}
    assert rows[5].valid and not rows[5].skipped


def test_a_year_cell_puts_the_plain_figures_in_its_year_and_keeps_the_header_years(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "y.csv",
        [
            ["企业名称", "年份", "2023年营业收入", "2024年营业收入", "从业人员"],
            ["甲公司", "2023", "980", "1200", "50"],
        ],
    )
    row = read(path)[0][2]
    assert row.facts_by_year(FACT_FIELDS) == {
        2023: {"revenue": D(980), "employees": 50},
        2024: {"revenue": D(1200)},
    }


def test_repeated_rows_differing_in_another_year_are_not_duplicates(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "y.csv",
        [
            ["企业名称", "统一社会信用代码", "2023年营业收入", "2024年营业收入"],
            ["甲公司", USCC_BAD_CHECK, "1", "5"],
            ["甲公司", USCC_BAD_CHECK, "2", "5"],
            ["甲公司", USCC_BAD_CHECK, "2", "5"],
        ],
    )
    # A checksum warning changes the row's values after parsing: its duplicate check is redone.
    rows, _ = read(path, accept_checksum_warnings=True)
    assert not rows[3].skipped and rows[4].skipped
    assert [i.code for i in rows[4].issues] == ["duplicate_row"]


def test_no_year_anywhere_is_one_file_notice_and_the_rest_imports(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "n.csv",
        [
            ["企业名称", "统一社会信用代码", "注册资本", "营业收入", "从业人员"],
            ["甲公司", USCC_A, "500", "100", "abc"],
            ["乙公司", USCC_B, "300", "200", "5"],
        ],
    )
    rows, reader = read(path)
    assert reader.layout.year_source == "none" and reader.layout.year is None
    [notice] = reader.layout.notices
    assert (notice.row, notice.column, notice.code, notice.severity) == (
        1,
        "",
        "year_missing",
        "warning",
    )
    assert (
        notice.params == {"columns": "营业收入, 从业人员"}
        and "营业收入, 从业人员" in notice.message
    )
    # No error on any row: the rows import their other columns; the figures are not read at all.
    assert rows[2].valid and rows[2].issues == []
    assert rows[2].values == {"name": "甲公司", "uscc": USCC_A, "registered_capital": D(500)}
    assert rows[3].valid and reader.stats.errors == 0 and reader.stats.valid == 2
    # Reading the same layout again replaces the notice instead of adding a second one.
    table = open_table(path)
    RowReader(table.rows(), reader.layout, reader.mapping, F)
    assert len(reader.layout.notices) == 1


def test_without_figures_no_year_is_needed_and_no_notice(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [["企业名称", "注册资本"], ["甲公司", "1"]])
    rows, reader = read(path)
    assert rows[2].valid and reader.layout.notices == []
    assert reader.layout.year_source == "none"
