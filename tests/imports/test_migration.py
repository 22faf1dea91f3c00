"""Moving the import models to the imports app moved no data: rows, links and permissions survive."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("registry", "0001_initial"), ("imports", None)]
AFTER = [("imports", "0002_importbatch_kind"), ("registry", "0002_import_models_move_to_imports")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_imports_made_before_the_move_are_still_there_after_it() -> None:
    old = _migrate(BEFORE)
    batch = old.get_model("registry", "ImportBatch").objects.create(
        filename="名录.xlsx", file_sha256="a" * 64, file_size=10, stored_path="/x", rows_total=2
    )
    old.get_model("registry", "ImportIssue").objects.create(
        batch=batch, row=3, code="money_invalid", reason="bad", severity="error"
    )
    old.get_model("registry", "Enterprise").objects.create(name="甲公司", created_by_import=batch)
    content_type = old.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="registry", model="importbatch")
    try:
        new = _migrate(AFTER)
        moved = new.get_model("imports", "ImportBatch").objects.get(pk=batch.pk)
        assert (moved.filename, moved.rows_total, moved.kind) == ("名录.xlsx", 2, "enterprises")
        assert [i.code for i in moved.issues.all()] == ["money_invalid"]
        enterprise = new.get_model("registry", "Enterprise").objects.get(name="甲公司")
        assert enterprise.created_by_import_id == batch.pk
        types = new.get_model("contenttypes", "ContentType").objects
        assert types.filter(app_label="imports", model="importbatch").exists()
        assert not types.filter(app_label="registry", model="importbatch").exists()
    finally:
        _migrate(_latest())


def _latest():  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
