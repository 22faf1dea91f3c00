"""The bulk writer on PostgreSQL stores new rows with COPY; hostile text round-trips exactly.

The round-trip tests run on both backends (SQLite takes the multi-row INSERT path), so they also
show the two paths store the same thing; the COPY test runs on PostgreSQL only.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corridor.imports import services as importing
from corridor.imports.models import ImportBatch, ImportChange
from corridor.registry.bulk import BulkWriter
from corridor.registry.models import Enterprise, EnterpriseTag, EnterpriseYearFacts
from corridor.registry.parsing import make_upsert_row
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's bulk path"
)

# Text that breaks a hand-made COPY (its delimiter, row end, escape and NULL marker) or quoting.
HOSTILE = [
    "制表符\t之后",
    "换行\n之后\r\n再一行\r",
    "反斜杠\\ \\t \\n \\\\ 末尾\\",
    "\\N",
    "\\.",
    "引号 ' \" ` ‘’ “”",
    "; DROP TABLE registry_enterprise; --",
    "emoji 🏭 and combining é",
]
LONG = "很长的经营范围；" * 40_000  # 320,000 characters


def _batch() -> ImportBatch:
    return ImportBatch.objects.create(filename="x", file_sha256="0", file_size=1, stored_path="x")


@pytest.mark.django_db
def test_hostile_text_round_trips_exactly_through_the_bulk_writer() -> None:
    batch = _batch()
    rows = [
        make_upsert_row(
            {
                "name": f"{text}有限公司",
                "uscc": valid_uscc(500 + i),
                "legal_form": text[:60],
                "address": text,
                "business_scope": text + LONG,
                "main_products": text,
            },
            {2024: {"revenue": Decimal("1.5"), "source": text}},
            tags=[text[:40]],
        )
        for i, text in enumerate(HOSTILE)
    ]
    writer = BulkWriter(batch.pk)
    ids = writer.write(rows)
    writer.finish()
    for ent_id, text in zip(ids, HOSTILE, strict=True):
        ent = Enterprise.objects.get(pk=ent_id)
        assert ent.name == f"{text}有限公司"
        assert (ent.legal_form, ent.address, ent.main_products) == (text[:60], text, text)
        assert ent.business_scope == text + LONG
        assert ent.created_by_import_id == batch.pk and ent.latest_revenue == Decimal("1.5")
        facts = EnterpriseYearFacts.objects.get(enterprise=ent)
        assert facts.source == text and facts.created_by_import_id == batch.pk
        assert list(EnterpriseTag.objects.filter(enterprise=ent).values_list("tag", flat=True)) == [
            text[:40]
        ]


@pytest.mark.django_db
def test_hostile_before_images_round_trip_so_a_revert_restores_them() -> None:
    first, second = _batch(), _batch()
    code = valid_uscc(601)
    writer = BulkWriter(first.pk)
    writer.write([make_upsert_row({"name": "原名有限公司", "uscc": code, "address": HOSTILE[1]})])
    writer.finish()
    writer = BulkWriter(second.pk)
    writer.write([make_upsert_row({"name": "新名有限公司", "uscc": code, "address": HOSTILE[2]})])
    writer.finish()
    change = ImportChange.objects.get(batch=second)
    assert change.before["address"] == HOSTILE[1] and change.after["address"] == HOSTILE[2]


@pytest.mark.django_db
def test_a_nul_byte_in_a_cell_is_removed_by_the_import_not_sent_to_the_database(
    tmp_path: Path,
) -> None:
    """PostgreSQL text cannot hold NUL at all; the reader drops it (past the file's first MiB,
    where a NUL is not taken for a binary file), so both backends store the same name."""
    admin = user_with_role("administrator", "root")
    address = "浙江省杭州市西湖区文三路" * 10  # 120 characters, 360 bytes
    filler = [
        [f"填充{i:04d}有限公司", valid_uscc(10_000 + i), address, 2024, 1, 1, 1]
        for i in range(3500)
    ]
    code = valid_uscc(700)
    rows = [*filler, ["带\x00空字节有限公司", code, "反斜杠\\N 地址", 2024, 5, 2, 1]]
    path = write_csv(tmp_path / "nul.csv", rows)
    assert path.stat().st_size > 1 << 20
    batch = importing.run_import_file(path, admin)
    assert batch.status == "applied" and batch.created_count == 3501
    ent = Enterprise.objects.get(uscc=code)
    assert (ent.name, ent.address) == ("带空字节有限公司", "反斜杠\\N 地址")


@on_postgresql
@pytest.mark.django_db
def test_an_import_on_postgresql_writes_new_rows_with_copy_not_multi_row_inserts(
    tmp_path: Path,
) -> None:
    admin = user_with_role("administrator", "root")
    rows = [
        [f"复制{i}有限公司", valid_uscc(800 + i), "金华", 2024, 10 + i, 3, 1] for i in range(50)
    ]
    path = write_csv(tmp_path / "copy.csv", rows)
    with CaptureQueriesContext(connection) as captured:
        batch = importing.run_import_file(path, admin)
    assert batch.status == "applied" and batch.created_count == 50
    statements = [q["sql"] for q in captured.captured_queries]
    copies = [s for s in statements if s.startswith("COPY ")]
    assert any(s.startswith("COPY registry_enterprise (") for s in copies)
    assert any(s.startswith("COPY registry_enterpriseyearfacts (") for s in copies)
    inserts = [s for s in statements if "INSERT INTO" in s and "registry_enterprise" in s]
    assert inserts == []  # neither enterprises nor yearly facts by INSERT … VALUES
    assert EnterpriseYearFacts.objects.filter(created_by_import=batch).count() == 50
    # Ids reserved from the sequence: the next record made by the ORM does not collide.
    later = Enterprise.objects.create(name="之后新建有限公司")
    assert later.pk > max(
        Enterprise.objects.filter(created_by_import=batch).values_list("pk", flat=True)
    )
