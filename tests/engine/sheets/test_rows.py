"""RowReader over real-looking files: exact row numbers, column labels, codes and messages naming values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from corridor.engine.sheets.cells import Issue
from corridor.engine.sheets.rows import BATCH_ROWS, CleanRow, RowReader
from corridor.engine.sheets.tabular import auto_map, detect_layout, open_table
from corridor.engine.uscc import make_uscc
from corridor.registry.columns import ENTERPRISE_FIELDS
from tests.engine.corpus import (
    HEADER,
    HOSTILE,
    USCC_A,
    USCC_B,
    USCC_BAD_CHECK,
    USCC_C,
    simple_xlsx,
    titled_merged_xlsx,
    write_csv,
)

F = ENTERPRISE_FIELDS
D = Decimal


def read(path: Path, **options: Any) -> tuple[dict[int, CleanRow], RowReader]:
    """The whole pipeline: open, detect the header, map, read; rows by number."""
    table = open_table(path)
    layout = detect_layout(table.head(), F)
    reader = RowReader(table.rows(), layout, auto_map(layout, F), F, **options)
    return {row.row: row for row in reader}, reader


def only_issue(row: CleanRow) -> Issue:
    assert len(row.issues) == 1, row.issues
    return row.issues[0]


def csv_rows(
    tmp_path: Path, rows: list[list[Any]], **kw: Any
) -> tuple[dict[int, CleanRow], RowReader]:
    return read(write_csv(tmp_path / "data.csv", [HEADER, *rows], **kw))


# --- the titled, merged-header workbook ---------------------------------------------------------------------


def test_merged_header_workbook_end_to_end(tmp_path: Path) -> None:
    rows, reader = read(titled_merged_xlsx(tmp_path / "t.xlsx"))
    first = rows[5]
    assert first.valid and first.issues == []
    assert first.values == {
        "name": "甲公司",
        "uscc": USCC_A,
        "established_on": date(2019, 3, 1),
        "year": 2024,
        "revenue": D("1200.5"),
        "total_assets": D("12000"),
        "employees": 100,
    }
    assert first.date_precision == {"established_on": "month"}
    assert rows[6].values["revenue"] == D("1300") and rows[6].values["established_on"] == date(
        2018, 7, 1
    )
    assert 7 not in rows and reader.blank_rows == 1
    assert rows[8].values["revenue"] == D("2500.5")  # cached formula value

    formula = only_issue(rows[9])
    assert (formula.row, formula.column, formula.code, formula.value) == (
        9,
        "财务数据（万元）/营业收入",
        "formula",
        "#DIV/0!",
    )
    assert "#DIV/0!" in formula.message and not rows[9].valid

    totals = only_issue(rows[10])
    assert rows[10].skipped and (totals.code, totals.severity, totals.value) == (
        "totals_row",
        "skipped",
        "合计",
    )
    assert "合计" in totals.message and "Row 10" in totals.message
    assert reader.stats.rows_seen == 6 and reader.stats.skipped == 1 and reader.stats.errors == 1
    assert reader.stats.valid == 3


# --- row rules -------------------------------------------------------------------------------------------------------


def test_blank_rows_and_numbered_empty_template_rows_are_skipped_silently(tmp_path: Path) -> None:
    rows, reader = read(
        write_csv(
            tmp_path / "d.csv",
            [
                ["序号", *HEADER],
                ["1", "甲公司", USCC_A, "", "2024", "1", "1"],
                [],
                ["", "", "", "", "", "", ""],
                ["3"],
                ["4", "乙公司", USCC_B, "", "2024", "2", "2"],
            ],
        )
    )
    assert sorted(rows) == [2, 6]
    assert reader.blank_rows == 3 and reader.stats.rows_seen == 5


def test_exact_duplicate_row_is_skipped_naming_the_first(tmp_path: Path) -> None:
    row = ["甲公司", USCC_A, "2019-03-05", "2024", "100", "5"]
    rows, reader = csv_rows(tmp_path, [row, ["乙公司", USCC_B, "", "2024", "1", "1"], row])
    issue = only_issue(rows[4])
    assert rows[4].skipped and (issue.row, issue.code, issue.severity) == (
        4,
        "duplicate_row",
        "skipped",
    )
    assert "row 2" in issue.message and issue.params == {"first_row": 2}
    assert reader.stats.skipped == 1


def test_duplicate_after_cleaning_is_still_a_duplicate(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path,
        [
            ["甲公司", USCC_A, "", "2024", "1,000", "5"],
            [" 甲公司 ", USCC_A.lower(), "", "2024年", "1000", "5"],
        ],
    )
    assert only_issue(rows[3]).code == "duplicate_row"


def test_same_uscc_and_year_with_different_values_is_a_conflict(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path,
        [
            ["甲公司", USCC_A, "", "2024", "100", "5"],
            ["甲公司", USCC_A, "", "2023", "90", "5"],
            ["甲公司（新）", USCC_A, "", "2024", "120", "5"],
        ],
    )
    assert rows[3].valid  # another year of the same enterprise is fine
    issue = only_issue(rows[4])
    assert (issue.row, issue.column, issue.code, issue.value) == (
        4,
        "统一社会信用代码",
        "duplicate_conflict",
        USCC_A,
    )
    assert "row 2" in issue.message and USCC_A in issue.message and issue.params["first_row"] == 2


def test_checksum_failure_is_an_error_unless_accepted(tmp_path: Path) -> None:
    data = [["甲公司", USCC_BAD_CHECK, "", "2024", "1", "1"]]
    rows, _ = csv_rows(tmp_path, data)
    issue = only_issue(rows[2])
    assert (issue.row, issue.column, issue.code, issue.severity) == (
        2,
        "统一社会信用代码",
        "uscc_checksum",
        "error",
    )
    assert USCC_BAD_CHECK in issue.message and "confirm" in issue.message
    assert "uscc" not in rows[2].values

    rows, reader = read(tmp_path / "data.csv", accept_checksum_warnings=True)
    issue = only_issue(rows[2])
    assert (
        issue.severity == "warning" and rows[2].valid and rows[2].values["uscc"] == USCC_BAD_CHECK
    )
    assert reader.stats.warnings == 1 and reader.stats.valid == 1
    assert not rows[2].needs_confirmation and rows[2].importable
    assert issue.params["confirmed"] is True and reader.stats.unconfirmed == 0


def test_checksum_failure_is_a_warning_to_confirm_as_the_docs_say(tmp_path: Path) -> None:
    # docs/imports.md: "A failed checksum: a warning you must confirm with 'accept USCCs …'".
    data = [
        ["甲公司", USCC_BAD_CHECK, "", "2024", "1", "1"],
        ["乙公司", USCC_A, "", "2024", "2", "1"],
    ]
    write_csv(tmp_path / "data.csv", [HEADER, *data])
    rows, reader = read(tmp_path / "data.csv", hold_checksum_warnings=True)
    issue = only_issue(rows[2])
    assert (issue.row, issue.column, issue.value, issue.code, issue.severity) == (
        2,
        "统一社会信用代码",
        USCC_BAD_CHECK,
        "uscc_checksum",
        "warning",
    )
    assert issue.params["confirmed"] is False and "confirm" in issue.message
    held = rows[2]
    assert held.valid and held.values["uscc"] == USCC_BAD_CHECK  # the value is kept
    assert held.needs_confirmation and not held.importable
    assert rows[3].importable and not rows[3].needs_confirmation
    stats = reader.stats
    assert (stats.errors, stats.warnings, stats.valid, stats.unconfirmed) == (0, 1, 2, 1)
    # Confirmed: the same warning, and the row is written.
    rows, reader = read(
        tmp_path / "data.csv", hold_checksum_warnings=True, accept_checksum_warnings=True
    )
    assert rows[2].importable and only_issue(rows[2]).severity == "warning"
    assert reader.stats.unconfirmed == 0


def test_length_and_charset_stay_errors_when_holding_checksums(tmp_path: Path) -> None:
    write_csv(tmp_path / "data.csv", [HEADER, ["甲公司", "91330702MA2D1234", "", "", "", ""]])
    rows, _ = read(tmp_path / "data.csv", hold_checksum_warnings=True)
    assert only_issue(rows[2]).severity == "error" and not rows[2].valid
    assert not rows[2].needs_confirmation


@pytest.mark.parametrize(
    ("code_text", "code", "fragment"),
    [
        ("91330702MA2D1234", "uscc_length", "found 16"),
        ("91330702MA2D1234IO", "uscc_charset", "I O"),
    ],
)
def test_uscc_length_and_charset_errors(
    tmp_path: Path, code_text: str, code: str, fragment: str
) -> None:
    rows, _ = csv_rows(tmp_path, [["甲公司", code_text, "", "", "", ""]])
    issue = only_issue(rows[2])
    assert (issue.row, issue.column, issue.code, issue.value) == (
        2,
        "统一社会信用代码",
        code,
        code_text,
    )
    assert code_text in issue.message and fragment in issue.message


def test_full_width_and_spaced_uscc_is_normalised(tmp_path: Path) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in USCC_A)
    rows, _ = csv_rows(
        tmp_path,
        [
            ["甲公司", wide, "", "", "", ""],
            ["乙公司", f"{USCC_B[:8]} {USCC_B[8:]}", "", "", "", ""],
        ],
    )
    assert rows[2].values["uscc"] == USCC_A and rows[3].values["uscc"] == USCC_B


def test_uscc_stored_as_a_number_in_excel(tmp_path: Path) -> None:
    rows, _ = read(
        simple_xlsx(tmp_path / "n.xlsx", [HEADER, ["甲公司", 913307020000000192, "", 2024, 1, 1]])
    )
    issue = only_issue(rows[2])
    assert (issue.row, issue.code) == (2, "uscc_number") and "9.13307" in issue.message


def test_name_or_uscc_is_required(tmp_path: Path) -> None:
    rows, _ = csv_rows(tmp_path, [["", "", "2019-03-05", "2024", "", ""]])
    issue = only_issue(rows[2])
    assert (issue.row, issue.column, issue.code) == (2, "企业名称", "required")
    assert "企业名称" in issue.message


def test_facts_for_a_uscc_need_no_name_but_need_a_year(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path, [["", USCC_A, "", "2024", "100", ""], ["", USCC_B, "", "", "100", ""]]
    )
    assert rows[2].valid and rows[2].values == {"uscc": USCC_A, "year": 2024, "revenue": D("100")}
    issue = only_issue(rows[3])
    assert (issue.row, issue.column, issue.code) == (
        3,
        "年份",
        "required",
    ) and "年份" in issue.message


def test_enterprise_details_without_a_name_need_the_name(tmp_path: Path) -> None:
    rows, _ = csv_rows(tmp_path, [["", USCC_A, "2019-03-05", "", "", ""]])
    assert (only_issue(rows[2]).code, only_issue(rows[2]).column) == ("required", "企业名称")


def test_year_from_the_header_when_there_is_no_year_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "y.csv",
        [["企业名称", "统一社会信用代码", "2024年营业收入（亿元）"], ["甲公司", USCC_A, "1.5"]],
    )
    rows, _ = read(path)
    assert rows[2].values == {"name": "甲公司", "uscc": USCC_A, "revenue": D("15000"), "year": 2024}


def test_units_header_and_cell(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "u.csv",
        [
            ["企业名称", "年份", "营业收入/元", "资产总额(亿元)"],
            ["甲公司", "2024", "5000", "1.5"],
            ["乙公司", "2024", "300万", "2000万元"],
        ],
    )
    rows, _ = read(path)
    assert rows[2].values["revenue"] == D("0.5") and rows[2].values["total_assets"] == D("15000")
    assert rows[3].values["revenue"] == D("300") and rows[3].values["total_assets"] == D("2000")


def test_default_money_unit_applies_without_a_header_unit(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "d.csv", [["企业名称", "年份", "营业收入"], ["甲公司", "2024", "5000"]]
    )
    table = open_table(path)
    layout = detect_layout(table.head(), F)
    reader = RowReader(table.rows(), layout, auto_map(layout, F), F, default_money_unit=D("0.0001"))
    assert next(iter(reader)).values["revenue"] == D("0.5")


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        (4, "-5", "negative"),
        (4, "(1,234)", "negative"),
        (5, "-3", "negative"),
        (4, "12%", "money_invalid"),
        (4, "#N/A", "formula"),
        (5, "12.5", "int_invalid"),
        (3, "二〇二四", "year_invalid"),
        (2, "2019-02-30", "date_invalid"),
    ],
)
def test_cell_errors_name_row_column_and_value(
    tmp_path: Path, column: int, raw: str, code: str
) -> None:
    row = ["甲公司", USCC_A, "2019-03-05", "2024", "100", "5"]
    row[column] = raw
    rows, reader = csv_rows(tmp_path, [["乙公司", USCC_B, "", "2024", "1", "1"], row])
    issue = only_issue(rows[3])
    assert (issue.row, issue.column, issue.code, issue.value, issue.severity) == (
        3,
        HEADER[column],
        code,
        raw,
        "error",
    )
    assert raw in issue.message
    assert reader.stats.errors == 1 and reader.stats.valid == 1


def test_negative_tax_is_allowed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [["企业名称", "年份", "实缴税金", "负债总额"], ["甲公司", "2024", "-12.5", "-1"]],
    )
    rows, _ = read(path)
    assert rows[2].values.get("tax_paid") == D("-12.5")
    assert (only_issue(rows[2]).column, only_issue(rows[2]).code) == ("负债总额", "negative")


def test_unlabelled_totals_row_equal_to_the_sum_is_skipped(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path,
        [
            ["甲公司", USCC_A, "", "2024", "100.5", "5"],
            ["乙公司", USCC_B, "", "2024", "1,000", "7"],
            ["", "", "", "", "1100.5", "12"],
            ["", "", "", "", "7", ""],
        ],
    )
    assert rows[4].skipped and only_issue(rows[4]).code == "totals_row"
    # Amounts that are not the sum: a row missing its name (and, with figures, its year).
    assert [(i.code, i.column) for i in rows[5].issues] == [
        ("required", "企业名称"),
        ("required", "年份"),
    ]


@pytest.mark.parametrize("label", ["合计", "总 计", "全区合计", "本页合计", "Total", "小计："])
def test_labelled_totals_rows(tmp_path: Path, label: str) -> None:
    rows, _ = csv_rows(
        tmp_path, [["甲公司", USCC_A, "", "2024", "1", "1"], [label, "", "", "", "999", "9"]]
    )
    issue = only_issue(rows[3])
    assert (
        rows[3].skipped
        and (issue.code, issue.value) == ("totals_row", label)
        and label in issue.message
    )


def test_is_totals_label_is_the_rule_both_importers_use() -> None:
    from corridor.engine.sheets.rows import is_totals_label

    assert all(is_totals_label(t) for t in ("本页合计", "合 计", "Subtotal", "总计："))
    assert not any(
        is_totals_label(t) for t in ("合计公司有限公司二号分公司在某地的工厂", "甲公司", "Sumo")
    )


def test_note_below_the_table_is_skipped(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path,
        [["甲公司", USCC_A, "", "2024", "1", "1"], ["注：数据来源于区统计局", "", "", "", "", ""]],
    )
    issue = only_issue(rows[3])
    assert (
        rows[3].skipped and issue.code == "note_row" and "注：数据来源于区统计局" in issue.message
    )


def test_hostile_strings_are_cleaned_or_rejected(tmp_path: Path) -> None:
    data = [[text, "", "", "", "", ""] for text in HOSTILE.values()]
    rows, reader = csv_rows(tmp_path, data)
    by_kind = dict(zip(HOSTILE, sorted(rows), strict=True))
    assert rows[by_kind["sql"]].values["name"] == HOSTILE["sql"]
    assert rows[by_kind["html"]].values["name"] == HOSTILE["html"]
    assert rows[by_kind["rtl"]].values["name"] == "gnp.exe有限公司"
    assert rows[by_kind["zero_width"]].values["name"] == "金华科技有限公司"
    assert rows[by_kind["emoji"]].values["name"] == "🚀火箭科技有限公司"
    assert rows[by_kind["control"]].values["name"] == "婺城科技有限公司"
    assert (
        rows[by_kind["formula"]].values["name"] == HOSTILE["formula"]
    )  # kept as text; export neutralises
    issue = only_issue(rows[by_kind["long"]])
    assert (issue.code, issue.column, len(issue.value)) == ("too_long", "企业名称", 300)
    assert "5000" in issue.message and "长长长" in issue.message
    assert reader.stats.errors == 1 and reader.stats.valid == 7


def test_gbk_csv_with_full_width_digits_end_to_end(tmp_path: Path) -> None:
    rows, _ = csv_rows(
        tmp_path,
        [["婺城甲公司", USCC_A, "２０１９年３月５日", "２０２４", "１，２３４．５", "１２０人"]],
        encoding="gbk",
    )
    assert rows[2].values == {
        "name": "婺城甲公司",
        "uscc": USCC_A,
        "established_on": date(2019, 3, 5),
        "year": 2024,
        "revenue": D("1234.5"),
        "employees": 120,
    }


def test_status_and_local_choices(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["企业名称", "经营状态", "本地/外地"], ["甲", "存续", "本地"], ["乙", "休眠", "外地"]],
    )
    rows, _ = read(path)
    assert rows[2].values == {"name": "甲", "status": "operating", "is_local": True}
    assert rows[3].values["is_local"] is False
    issue = only_issue(rows[3])
    assert (issue.row, issue.column, issue.code, issue.value) == (
        3,
        "经营状态",
        "choice_invalid",
        "休眠",
    )


def test_xlsx_typed_cells(tmp_path: Path) -> None:
    rows, _ = read(
        simple_xlsx(tmp_path / "x.xlsx", [HEADER, ["甲公司", USCC_A, 43529, 2024.0, 1234.5, 120.0]])
    )
    assert rows[2].values == {
        "name": "甲公司",
        "uscc": USCC_A,
        "established_on": date(2019, 3, 5),
        "year": 2024,
        "revenue": D("1234.5"),
        "employees": 120,
    }


def test_many_rows_across_batches_keep_exact_numbers(tmp_path: Path) -> None:
    data = [
        [
            f"企业{i}",
            make_uscc("9", "1", "330702", f"{i:08d}"),
            "2019-03-05",
            "2024",
            f"{i}.5",
            str(i),
        ]
        for i in range(3 * BATCH_ROWS)
    ]
    data[700][4] = "abc"  # file row 702
    data[1300] = list(data[5])  # file row 1302 repeats file row 7
    data[900] = []  # file row 902 blank
    rows, reader = csv_rows(tmp_path, data)
    assert only_issue(rows[702]).code == "money_invalid" and only_issue(rows[702]).value == "abc"
    dup = only_issue(rows[1302])
    assert dup.code == "duplicate_row" and dup.params == {"first_row": 7}
    assert 902 not in rows and reader.blank_rows == 1
    assert reader.stats.rows_seen == 3 * BATCH_ROWS
    assert reader.stats.valid == 3 * BATCH_ROWS - 3
    assert rows[1000].values["revenue"] == D("998.5")


def test_uscc_c_is_valid() -> None:
    from corridor.engine.uscc import check_uscc

    assert check_uscc(USCC_C).ok


_CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "-",
            "1,234.5",
            "1.2亿",
            "(5)",
            "#DIV/0!",
            "2019年3月",
            "合计",
            USCC_A,
            USCC_BAD_CHECK,
            "２０２４",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.booleans(),
)


@settings_(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=8), max_size=40))
def test_row_reader_never_crashes_and_numbers_rows(data: list[list[Any]]) -> None:
    layout = detect_layout([(1, HEADER)], F)
    reader = RowReader([(n, row) for n, row in enumerate(data, 2)], layout, auto_map(layout, F), F)
    out = list(reader)
    assert [r.row for r in out] == sorted({r.row for r in out})
    assert reader.stats.rows_seen == len(data) == len(out) + reader.blank_rows
    for row in out:
        assert all(i.row == row.row and i.code and i.message for i in row.issues)
        if row.skipped:  # a skipped row says why, once
            assert len(row.issues) == 1 and not row.valid
    # every yielded row is counted once, as skipped, valid or in error
    stats = reader.stats
    assert stats.skipped == sum(r.skipped for r in out)
    assert stats.valid == sum(r.valid for r in out)
    assert stats.errors == sum(not r.skipped and not r.valid for r in out)
    assert stats.skipped + stats.valid + stats.errors == len(out)
