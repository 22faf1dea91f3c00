"""Reading files by content, encodings, delimiters, rejections, header detection and column mapping."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from corridor.engine.sheets.tabular import Layout, TableError, auto_map, detect_layout, open_table
from corridor.registry.columns import ENTERPRISE_FIELDS
from tests.engine.corpus import (
    HEADER,
    USCC_A,
    USCC_B,
    png_file,
    random_bytes,
    simple_xlsx,
    sparse_file,
    titled_merged_xlsx,
    truncated_xlsx,
    write_csv,
    write_xlsx,
)

F = ENTERPRISE_FIELDS
ROWS = [
    HEADER,
    ["金华甲科技有限公司", USCC_A, "2019-03-05", "2024", "1,234.5", "120"],
    ["婺城乙制造有限公司", USCC_B, "2018年7月", "2024", "300", "35"],
]


def as_text(table_rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[str]]]:
    """Rows with every cell as text, for comparisons."""
    return [(n, [str(c) for c in cells]) for n, cells in table_rows]


# --- encodings and delimiters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encodings_decode_chinese_exactly(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(
        tmp_path / "企业.xlsx", ROWS, encoding=encoding
    )  # the extension lies; content decides
    table = open_table(path)
    assert (table.format, table.encoding, table.delimiter) == ("csv", detected, ",")
    assert list(table.rows()) == [(1, HEADER), (2, ROWS[1]), (3, ROWS[2])]


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    rows = [HEADER, ["㐀䶵𠀀科技有限公司", USCC_A, "2019-03-05", "2024", "1", "1"]]  # outside GBK
    table = open_table(write_csv(tmp_path / "a.csv", rows, encoding="gb18030"))
    assert list(table.rows())[1][1][0] == "㐀䶵𠀀科技有限公司"


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "bar")])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str, name: str) -> None:
    rows = [
        *ROWS,
        ["丙公司, 分公司", USCC_A, "2019-03-05", "2024", "1,000", "3"],
    ]  # commas inside cells
    table = open_table(write_csv(tmp_path / f"{name}.csv", rows, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert list(table.rows())[3] == (4, rows[3])


def test_csv_streams_with_quoted_newlines_counted_as_one_row(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["甲\n公司", USCC_A, "2019-03-05", "2024", "1", "1"],
        ["乙公司", USCC_B, "", "2024", "2", "2"],
    ]
    table = open_table(write_csv(tmp_path / "nl.csv", rows))
    assert [n for n, _ in table.rows()] == [1, 2, 3]


def test_utf8_cut_at_the_sniff_boundary_is_still_utf8(tmp_path: Path) -> None:
    # 3-byte characters make the 1 MiB mark fall inside a character.
    rows = [HEADER] + [["婺城区企业" * 20, USCC_A, "2019-03-05", "2024", "1", "1"]] * 4000
    path = write_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > 1024 * 1024
    table = open_table(path)
    assert table.encoding == "utf-8"
    assert sum(1 for _ in table.rows()) == 4001


def test_mixed_encoding_after_the_sniffed_head_names_the_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mixed.csv", [HEADER] + [["甲公司", USCC_A, "", "2024", "1", "1"]] * 80000
    )
    with path.open("ab") as handle:
        handle.write("乙公司,,,2024,1,1\r\n".encode("gbk"))
    table = open_table(path)
    with pytest.raises(TableError) as info:
        list(table.rows())
    assert info.value.code == "decode_error"
    assert info.value.params["row"] == 80002


# --- rejections -----------------------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(TableError) as info:
        open_table(tmp_path / "empty.csv", filename="上报.csv")
    assert info.value.code == "empty_file" and "上报.csv" in info.value.message


def test_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    size = path.stat().st_size
    with pytest.raises(TableError) as info:
        open_table(path, max_bytes=size - 1)
    assert info.value.code == "too_large"
    assert info.value.params == {"filename": "a.csv", "size": size, "max_bytes": size - 1}
    assert f"{size:,}" in info.value.message


def test_sparse_100mb_file_is_rejected_quickly_without_reading_it(tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "huge.csv")
    start = time.perf_counter()
    with pytest.raises(TableError) as info:
        open_table(path)
    assert info.value.code == "not_a_table" and "NUL" in info.value.message
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda p: random_bytes(p), "not a spreadsheet"),
        (lambda p: png_file(p), "PNG image"),
        (lambda p: p.write_bytes(b"\x00" * 4096) and p, "NUL bytes"),
        (lambda p: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256))) and p, "PDF document"),
        (
            lambda p: (
                p.write_text("<html><body><table><tr><td>企业名称</td></tr></table></body></html>")
                and p
            ),
            "web page",
        ),
    ],
)
def test_binary_junk_is_not_a_table(tmp_path: Path, build: object, fragment: str) -> None:
    path = tmp_path / "upload.xls"
    build(path)  # type: ignore[operator]
    with pytest.raises(TableError) as info:
        open_table(path)
    assert info.value.code == "not_a_table"
    assert fragment in info.value.message and "upload.xls" in info.value.message


def test_truncated_xlsx_is_a_corrupt_workbook(tmp_path: Path) -> None:
    with pytest.raises(TableError) as info:
        open_table(truncated_xlsx(tmp_path / "cut.xlsx"))
    assert info.value.code == "corrupt_workbook" and "cut.xlsx" in info.value.message


def test_workbook_with_only_empty_sheets(tmp_path: Path) -> None:
    def build(book):  # type: ignore[no-untyped-def]
        book.add_worksheet("Sheet1")
        book.add_worksheet("Sheet2").write_blank(3, 3, None, book.add_format({"bold": True}))

    with pytest.raises(TableError) as info:
        open_table(write_xlsx(tmp_path / "blank.xlsx", build))
    assert info.value.code == "empty_sheet"
    assert info.value.params["available"] == ["Sheet1", "Sheet2"]
    assert "Sheet1, Sheet2" in info.value.message


def test_wrong_sheet_name_lists_the_available_sheets(tmp_path: Path) -> None:
    path = simple_xlsx(tmp_path / "a.xlsx", ROWS, sheet="2024年")
    with pytest.raises(TableError) as info:
        open_table(path, sheet="2023年")
    assert info.value.code == "sheet_not_found"
    assert "'2023年'" in info.value.message and "2024年" in info.value.message
    assert open_table(path, sheet=" 2024年 ").sheet == "2024年"


def test_first_non_empty_sheet_is_chosen(tmp_path: Path) -> None:
    def build(book):  # type: ignore[no-untyped-def]
        book.add_worksheet("说明")
        data = book.add_worksheet("数据")
        for r, row in enumerate(ROWS):
            data.write_row(r, 0, row)

    table = open_table(write_xlsx(tmp_path / "two.xlsx", build))
    assert (table.sheet, table.sheet_names, table.format) == ("数据", ["说明", "数据"], "xlsx")


# --- xlsx rows ----------------------------------------------------------------------------------------------------


def test_xlsx_row_numbers_match_excel_with_leading_blank_rows_and_columns(tmp_path: Path) -> None:
    def build(book):  # type: ignore[no-untyped-def]
        ws = book.add_worksheet()
        ws.write_row(3, 2, HEADER)  # C4
        ws.write_row(5, 2, ROWS[1])  # C6, row 5 blank

    table = open_table(write_xlsx(tmp_path / "offset.xlsx", build))
    rows = dict(table.rows())
    assert rows[4][: len(HEADER)] == HEADER
    assert rows[6][0] == ROWS[1][0]
    assert all(c == "" for c in rows[5])


def test_xlsx_formula_values_and_error_values(tmp_path: Path) -> None:
    table = open_table(titled_merged_xlsx(tmp_path / "t.xlsx"))
    rows = dict(table.rows())
    assert rows[8][4] == 2500.5  # cached value of =E5+E6
    assert (
        rows[9][4] == "#DIV/0!"
    )  # calamine reads error cells as empty; the engine puts the error back


# --- header detection -------------------------------------------------------------------------------------------


def test_title_rows_and_two_row_merged_header(tmp_path: Path) -> None:
    table = open_table(titled_merged_xlsx(tmp_path / "t.xlsx"))
    layout = detect_layout(table.head(), F)
    assert layout.header_row_numbers == [3, 4]
    assert layout.data_start_row == 5
    assert layout.labels[:2] == ["基本信息/企业名称", "基本信息/统一社会信用代码"]
    assert layout.labels[4] == "财务数据（万元）/营业收入"
    assert layout.units[:3] == [None, None, None]
    assert layout.units[4:7] == [Decimal(1)] * 3  # the parent's unit applies to its children


def test_vertically_merged_labels_with_a_sub_header_row() -> None:
    head = [
        (1, ["序号", "企业名称", "统一社会信用代码", "主要经济指标（亿元）", "", ""]),
        (2, ["", "", "", "营业收入", "资产总额", "实缴税金"]),
        (3, ["1", "甲公司", USCC_A, "1.5", "2", "0.1"]),
    ]
    layout = detect_layout(head, F)
    assert layout.header_row_numbers == [1, 2] and layout.data_start_row == 3
    assert layout.labels == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "主要经济指标（亿元）/营业收入",
        "主要经济指标（亿元）/资产总额",
        "主要经济指标（亿元）/实缴税金",
    ]
    assert layout.units[3:] == [Decimal(10000)] * 3
    assert auto_map(layout, F) == {
        1: "name",
        2: "uscc",
        3: "revenue",
        4: "total_assets",
        5: "tax_paid",
    }


def test_header_on_row_one_with_english_names() -> None:
    head = [
        (1, ["Company Name", "USCC", "Year", "Revenue (10k yuan)", "Employees", "Notes"]),
        (2, ["A Ltd", USCC_A, "2024", "5", "3", ""]),
    ]
    layout = detect_layout(head, F)
    assert layout.header_row_numbers == [1] and layout.data_start_row == 2
    assert auto_map(layout, F) == {0: "name", 1: "uscc", 2: "year", 3: "revenue", 4: "employees"}
    assert layout.units[3] == Decimal(1)


def test_table_unit_note_above_the_header_applies_to_columns_without_their_own() -> None:
    head = [
        (1, ["规上企业主要指标", "", "单位：亿元"]),
        (2, ["企业名称", "营业收入", "资产总额（万元）"]),
    ]
    layout = detect_layout(head, F)
    assert layout.units == [Decimal(10000), Decimal(10000), Decimal(1)]


def test_no_header_found() -> None:
    head = [(1, ["甲公司", "123", "456"]), (2, ["乙公司", "789", "1"])]
    with pytest.raises(TableError) as info:
        detect_layout(head, F)
    assert info.value.code == "no_header"
    assert "企业名称" in info.value.message and info.value.params == {
        "rows_checked": 2,
        "needed": 2,
    }


def test_single_column_table_needs_one_alias() -> None:
    layout = detect_layout([(1, ["统一社会信用代码"]), (2, [USCC_A])], F)
    assert layout.header_row_numbers == [1]


# --- mapping -------------------------------------------------------------------------------------------------------


def _layout(labels: list[str]) -> Layout:
    return Layout(
        header_row_numbers=[1],
        data_start_row=2,
        labels=labels,
        units=[None] * len(labels),
        leaf_labels=labels,
    )


def test_auto_map_containment_and_one_column_per_field_and_year() -> None:
    layout = _layout(
        [
            "序号",
            "企业名称",
            "2023年营业收入",
            "2024年营业收入",
            "园区名称",
            "名称",
            "主营业务收入",
            "备注",
        ]
    )
    mapping = auto_map(layout, F)
    # A yearly figure takes one column per year its headers name; other fields one column.
    assert mapping == {
        1: "name",
        2: "revenue",
        3: "revenue",
        4: "park",
        6: "main_business_revenue",
    }
    assert layout.column_years == {2: 2023, 3: 2024}
    assert [(label, name) for _, label, name in layout.ignored_columns] == [("名称", "name")]
    assert any("'名称'" in note and "'企业名称'" in note for note in layout.notes)


def test_auto_map_one_column_per_year_of_a_yearly_figure() -> None:
    # Two columns naming the same year, or a plain column beside a yeared one: one of them only.
    layout = _layout(
        ["企业名称", "2024年营业收入", "2024年营业收入（调整后）", "从业人员", "2024年从业人员"]
    )
    mapping = auto_map(layout, F)
    assert sorted(mapping.values()) == ["employees", "name", "revenue"]
    assert mapping[1] == "revenue" and {c for c, _, _ in layout.ignored_columns} == {2, 4}


def test_auto_map_prefers_exact_alias_over_containment() -> None:
    layout = _layout(["营业收入合计", "营业收入", "企业名称"])
    assert auto_map(layout, F) == {1: "revenue", 2: "name"}
    assert layout.ignored_columns == [(0, "营业收入合计", "revenue")]
