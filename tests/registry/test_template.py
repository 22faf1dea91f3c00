"""The import template is generated from data/columns.yaml, and a filled-in template imports."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from corridor.core.xlsx import header_of
from corridor.imports import services as importing
from corridor.registry import exporting
from corridor.registry.columns import ENTERPRISE_FIELDS
from corridor.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def _template() -> openpyxl.Workbook:
    with translation.override("zh-hans"):
        return openpyxl.load_workbook(io.BytesIO(exporting.template_file().read()))


def test_the_template_lists_every_column_with_its_rules_and_allowed_values() -> None:
    book = _template()
    assert book.sheetnames == ["enterprises", "填写说明", "可选值"]
    headers = [c.value for c in book["enterprises"][1]]
    assert headers == [header_of(f) for f in ENTERPRISE_FIELDS]
    assert "营业收入（万元）" in headers and "企业名称" in headers
    rules = {row[0].value: row for row in book["填写说明"].iter_rows(min_row=2) if row[0].value}
    assert "以万元计" in rules["营业收入（万元）"][3].value  # help text from the YAML
    assert rules["营业收入（万元）"][2].value == "金额；单位：万元；不小于 0"
    allowed = {c.value for c in book["可选值"]["B"] if c.value}
    assert {"存续", "注销"} <= allowed


def test_a_filled_template_imports(tmp_path: Path, admin_user) -> None:  # type: ignore[no-untyped-def]
    book = _template()
    sheet = book["enterprises"]
    row = {
        "企业名称": "金华样例科技有限公司",
        "年份": 2024,
        "营业收入（万元）": 1234.5,
        "从业人员": 88,
    }
    headers = [c.value for c in sheet[1]]
    for name, value in row.items():
        sheet.cell(row=2, column=headers.index(name) + 1, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    batch = importing.run_import_file(path, admin_user)
    assert (batch.rows_error, batch.created_count) == (0, 1)
    enterprise = Enterprise.objects.get(name="金华样例科技有限公司")
    assert (
        enterprise.latest_year,
        str(enterprise.latest_revenue),
        enterprise.latest_employees,
    ) == (
        2024,
        "1234.5000",
        88,
    )
