"""A district office's real kind of file through the whole flow, and the year of the figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from corridor.imports import services
from corridor.registry.models import Enterprise, EnterpriseYearFacts
from tests.engine.sheets import messy_district
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


def test_the_held_out_district_workbook_imports_as_a_user_expects(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = messy_district.build(tmp_path / "婺城区重点企业名录.xlsx")
    batch = services.receive_path(path, admin)
    inspection = services.inspect_batch(batch)
    assert inspection.layout.header_row_numbers == messy_district.HEADER_ROWS
    assert (inspection.layout.year_source, inspection.layout.year) == ("title", 2024)
    batch = services.apply_batch(batch, admin)
    # rows 4, 5, 10 written; 6, 7, 11 errors; 8 held for confirmation; 9, 12, 13 skipped
    assert (batch.created_count, batch.rows_error, batch.rows_warning, batch.rows_skipped) == (
        3,
        3,
        1,
        3,
    )
    issues = {(i.row, i.code, i.severity) for i in batch.issues.all()}
    for row, expected in messy_district.EXPECTED.items():
        for code, severity, _column in expected.get("codes", []):
            assert (row, code, severity) in issues, (row, code)
    for row in (4, 5, 10):
        values = messy_district.EXPECTED[row]["values"]
        facts = EnterpriseYearFacts.objects.get(enterprise__uscc=values["uscc"], year=2024)
        assert (facts.revenue, facts.total_assets, facts.employees) == (
            values["revenue"],
            values["total_assets"],
            values["employees"],
        )
    assert not Enterprise.all_objects.filter(uscc=messy_district.U_CHECKSUM).exists()
    client = Client()
    client.force_login(admin)
    page = client.get(f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "甲科技有限公司" in page.decode() and ": 合计" not in page.decode()


def test_several_years_in_the_headers_become_several_yearly_rows(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = valid_uscc(501)
    path = write_csv(
        tmp_path / "years.csv",
        [["甲有限公司", code, "1000", "1200", 30]],
        header=[
            "企业名称",
            "统一社会信用代码",
            "2023年营业收入（万元）",
            "2024年营业收入（万元）",
            "2024年从业人员",
        ],
    )
    batch = services.run_import_file(path, admin)
    assert batch.rows_error == 0, list(batch.issues.values_list("reason", flat=True))
    ent = Enterprise.objects.get(uscc=code)
    by_year = {f.year: f.revenue for f in ent.year_facts.all()}
    assert by_year == {2023: Decimal("1000"), 2024: Decimal("1200")}
    assert (ent.latest_year, ent.latest_revenue) == (2024, Decimal("1200"))


def test_without_a_year_the_file_gets_one_notice_and_a_stated_year_fills_it(
    admin, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    rows = [[f"企业{i}有限公司", valid_uscc(600 + i), "100", 5] for i in range(4)]
    header = ["企业名称", "统一社会信用代码", "营业收入（万元）", "从业人员"]
    path = write_csv(tmp_path / "no-year.csv", rows, header=header)
    silent = services.run_import_file(path, admin)
    notices = list(silent.issues.filter(code="year_missing"))
    assert len(notices) == 1 and silent.rows_error == 0 and silent.created_count == 4
    assert not EnterpriseYearFacts.objects.exists()  # figures without a year are not guessed
    services.revert_batch(silent, admin)
    stated = services.run_import_file(path, admin, options={"year": 2023})
    assert not stated.issues.filter(code="year_missing").exists()
    assert set(EnterpriseYearFacts.objects.values_list("year", flat=True)) == {2023}
