"""investment 0003: a project that reached 达产 before 达产 had its own date keeps satisfying the
stage's requirement (full_output_on from the day it entered 达产); others stay empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("investment", "0002_project_created_by_import")]
AFTER = [("investment", "0003_project_referral_full_output_leader")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


def _latest():  # type: ignore[no-untyped-def]
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_projects_at_full_output_get_the_day_they_entered_it() -> None:
    old = _migrate(BEFORE)
    stage = old.get_model("investment", "Stage").objects
    production, _ = stage.get_or_create(
        key="production",
        defaults={
            "name_zh": "投产",
            "name_en": "In production",
            "order": 7,
            "kind": "won",
            "probability": "0.95",
        },
    )
    full, _ = stage.get_or_create(
        key="full_output",
        defaults={
            "name_zh": "达产",
            "name_en": "Full output",
            "order": 8,
            "kind": "won",
            "probability": "1.00",
        },
    )
    owner = old.get_model("auth", "User").objects.create(username="mig-owner")
    enterprise = old.get_model("registry", "Enterprise").objects
    project = old.get_model("investment", "Project").objects
    reached = project.create(
        name="达产项目",
        target=enterprise.create(name="甲公司"),
        owner=owner,
        stage=full,
        production_on=dt.date(2024, 3, 1),
    )
    producing = project.create(
        name="投产项目",
        target=enterprise.create(name="乙公司"),
        owner=owner,
        stage=production,
        production_on=dt.date(2024, 5, 1),
    )
    change = old.get_model("investment", "StageChange").objects
    entered = dt.datetime(2025, 6, 30, 10, 0, tzinfo=dt.UTC)
    change.create(project=reached, from_stage=production, to_stage=full, at=entered, by=owner)
    change.create(project=producing, to_stage=production, at=entered, by=owner)
    try:
        new = _migrate(AFTER)
        after = new.get_model("investment", "Project").objects
        assert after.get(pk=reached.pk).full_output_on == dt.date(2025, 6, 30)
        assert after.get(pk=producing.pk).full_output_on is None
    finally:
        _migrate(_latest())
