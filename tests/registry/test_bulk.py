"""The bulk writer's change detection: exact for money, booleans as stored by SQLite, never spurious."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corridor.imports.models import ImportBatch, ImportChange
from corridor.registry.bulk import BulkWriter, _differs
from corridor.registry.parsing import make_upsert_row
from tests.factories import valid_uscc


def test_differs_is_exact_for_money_and_tolerant_of_storage_forms() -> None:
    assert _differs(
        "12345678901234567.0001", Decimal("12345678901234567.0002")
    )  # floats would say equal
    assert not _differs(1200.5, Decimal("1200.50"))
    assert not _differs(1, True) and _differs(0, True)
    assert not _differs("2019-03-01", __import__("datetime").date(2019, 3, 1))
    assert _differs(None, "x") and not _differs("x", "x")


@pytest.mark.django_db
def test_rewriting_identical_rows_records_no_change() -> None:
    batch = ImportBatch.objects.create(filename="x", file_sha256="0", file_size=1, stored_path="x")
    row = make_upsert_row(
        {"name": "甲有限公司", "uscc": valid_uscc(9), "is_local": True},
        {2024: {"revenue": Decimal("100.5"), "employees": 3}},
    )
    BulkWriter(batch.pk).write([row])
    writer = BulkWriter(batch.pk)
    writer.write([row])
    assert writer.finish().updated == 0 and writer.result.facts_written == 0
    assert not ImportChange.objects.exists()
