"""The corridor CLI verbs: import (with report), export, createuser."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from corridor.registry.models import Enterprise
from tests.factories import valid_uscc
from tests.registry.files import write_csv


@pytest.mark.django_db
def test_import_dry_run_then_apply_then_export(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["甲有限公司", valid_uscc(1), "", 2024, 10, 3, 1],
            ["乙有限公司", "XYZ", "", 2024, 1, 1, 1],
        ],
    )
    out = io.StringIO()
    call_command("import_data", str(path), "--dry-run", verbosity=0, stdout=out)
    assert (
        "validated" in out.getvalue()
        and "row 3" in out.getvalue()
        and Enterprise.objects.count() == 0
    )
    out = io.StringIO()
    call_command("import_data", str(path), verbosity=0, stdout=out)
    assert "1 created" in out.getvalue()
    before = list(Enterprise.objects.values_list("name", "updated_at"))
    with pytest.raises(CommandError):
        call_command(
            "import_data", str(path), "--mode", "all_or_nothing", verbosity=0, stdout=io.StringIO()
        )
    assert list(Enterprise.objects.values_list("name", "updated_at")) == before
    target = tmp_path / "out.xlsx"
    call_command("export_data", str(target), "--q", "甲", stdout=io.StringIO())
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == ["甲有限公司"]


@pytest.mark.django_db
def test_createuser_rejects_unknown_role() -> None:
    with pytest.raises(CommandError):
        call_command("createuser", "x", "--role", "emperor", "--password", "p")
    call_command(
        "createuser", "x", "--role", "leader", "--password", "long-pass-123", stdout=io.StringIO()
    )
