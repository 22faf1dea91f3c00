"""Import columns as data: the loader's validation, and the registry's file as the reader uses it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from corridor.engine.sheets.columns import ColumnsError, load_columns, load_columns_file
from corridor.engine.sheets.rows import RowReader
from corridor.engine.sheets.tabular import Layout
from corridor.registry.columns import COLUMNS_FILE, ENTERPRISE_FIELDS, FIELDS_BY_NAME

REVENUE = {
    "name": "revenue",
    "kind": "money",
    "label": {"zh": "营业收入", "en": "Revenue"},
    "aliases": ["收入"],
    "minimum": 0,
}


def _load(*columns: dict, **extra) -> tuple:  # type: ignore[type-arg]
    return load_columns({"columns": list(columns), **extra}, source="test.yaml")


def test_a_valid_column_loads_with_its_bounds_and_labels() -> None:
    (revenue,) = _load(REVENUE)
    assert (revenue.name, revenue.kind, revenue.minimum, revenue.non_negative) == (
        "revenue",
        "money",
        Decimal(0),
        True,
    )
    assert revenue.label("zh-hans") == "营业收入" and revenue.label("en") == "Revenue"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "monye"}, "column #1 (revenue): unknown kind 'monye'"),
        ({"colour": "red"}, "column #1 (revenue): unknown key 'colour'"),
        ({"label": {"zh": "营业收入"}}, "'label' needs non-empty 'zh' and 'en'"),
        ({"name": "2024 revenue"}, "'name' must be an identifier"),
        ({"minimum": 10, "maximum": 5}, "minimum 10 is above maximum 5"),
        ({"minimum": "lots"}, "'minimum' must be a number, found 'lots'"),
        ({"minimum": "NaN"}, "'minimum' must be finite"),
        ({"max_length": 20}, "'max_length' applies to text columns only"),
        ({"choices": "status"}, "'choices' applies to bool and choice columns only"),
        ({"aliases": "收入"}, "'aliases' must be a list"),
        ({"aliases": ["（万元）"]}, "alias '（万元）' is empty once normalised"),
        ({"per_year": "yes"}, "'per_year' must be true or false, found 'yes'"),
        ({"lookup": "pipeline stage"}, "'lookup' must be an identifier, found 'pipeline stage'"),
        ({"lookup": 3}, "'lookup' must be an identifier, found 3"),
    ],
)
def test_a_wrong_column_is_refused_with_where_and_why(change: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ColumnsError) as caught:
        _load({**REVENUE, **change})
    assert message in str(caught.value)
    assert str(caught.value).startswith("test.yaml: ")


def test_a_lookup_names_the_vocabulary_the_domain_resolves() -> None:
    stage = {"name": "stage", "kind": "text", "label": {"zh": "项目阶段", "en": "Stage"}}
    (with_lookup, plain) = _load({**stage, "lookup": "stage"}, {**REVENUE})
    assert (with_lookup.lookup, with_lookup.kind) == ("stage", "text") and plain.lookup == ""


def test_two_columns_may_not_share_a_name_or_a_header() -> None:
    with pytest.raises(ColumnsError, match="'revenue' is declared twice"):
        _load(REVENUE, REVENUE)
    other = {**REVENUE, "name": "income", "label": {"zh": "收益", "en": "Income"}}
    with pytest.raises(
        ColumnsError, match="header '收入' is an alias of both 'revenue' and 'income'"
    ):
        _load(REVENUE, {**other, "aliases": ["收入"]})


def test_choices_come_from_a_named_set_or_inline() -> None:
    status = {"name": "status", "kind": "choice", "label": {"zh": "状态", "en": "Status"}}
    (named,) = _load({**status, "choices": "st"}, choice_sets={"st": {"存续": "operating"}})
    (inline,) = _load({**status, "choices": {"注销": "cancelled"}})
    assert named.choices == {"存续": "operating"} and inline.choices == {"注销": "cancelled"}
    with pytest.raises(ColumnsError, match="unknown choice set 'nope'; defined: st"):
        _load({**status, "choices": "nope"}, choice_sets={"st": {"存续": "operating"}})


def test_a_file_that_is_not_yaml_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "columns.yaml"
    broken.write_text("columns: [\n  - name: x", encoding="utf-8")
    with pytest.raises(ColumnsError, match="columns.yaml: cannot be read as YAML"):
        load_columns_file(broken)
    broken.write_text("- just a list", encoding="utf-8")
    with pytest.raises(ColumnsError, match="expected a mapping with a 'columns' list"):
        load_columns_file(broken)


def test_the_registry_file_declares_what_the_reader_enforces() -> None:
    assert load_columns_file(COLUMNS_FILE) == ENTERPRISE_FIELDS
    non_negative = {f.name for f in ENTERPRISE_FIELDS if f.non_negative}
    assert {"revenue", "employees", "rd_expense", "registered_capital"} <= non_negative
    assert "tax_paid" not in non_negative  # refunds make it negative
    assert all(f.unit == "万元" for f in ENTERPRISE_FIELDS if f.kind == "money")
    assert (FIELDS_BY_NAME["latitude"].minimum, FIELDS_BY_NAME["latitude"].maximum) == (-90, 90)


def _read(fields: tuple, rows: list[list[object]]) -> list:  # type: ignore[type-arg]
    names = [f.name for f in fields]
    layout = Layout([1], 2, labels=names, units=[None] * len(names))
    return list(RowReader(enumerate(rows, 2), layout, dict(enumerate(names)), fields))


def test_bounds_in_the_file_are_what_the_reader_checks() -> None:
    name = FIELDS_BY_NAME["name"]
    bounded = _load({**REVENUE, "name": "share", "kind": "float", "minimum": 0, "maximum": 1})
    rows = _read((name, *bounded), [["甲公司", "0.5"], ["乙公司", "1.5"]])
    assert rows[0].values["share"] == 0.5 and not rows[0].issues
    assert [i.code for i in rows[1].issues] == ["out_of_range"]
