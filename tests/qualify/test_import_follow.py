"""An applied import and its revert re-evaluate the enterprises they wrote (through the registry's
signal; the registry imports nothing from qualify)."""

from __future__ import annotations

import pytest

from corridor.imports import services
from corridor.qualify.models import Evaluation
from corridor.registry.models import Enterprise
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

pytestmark = pytest.mark.django_db(transaction=True)  # the signal goes after the commit

U1 = valid_uscc(401)


def test_import_apply_and_revert_reevaluate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = user_with_role("administrator", "root")
    rows = [["金华丙科技有限公司", U1, "浙江省金华市婺城区宾虹西路3号", 2024, "1200", 35, "60"]]
    batch = services.run_import_file(write_csv(tmp_path / "a.csv", rows), admin)
    ent = Enterprise.objects.get(uscc=U1)
    first = Evaluation.objects.filter(enterprise=ent, policy_id="above_scale")
    assert first.count() == 1  # evaluated after the apply
    rows[0][4] = "2600"  # revenue of 2024 changes: its inputs move
    second = services.run_import_file(write_csv(tmp_path / "b.csv", rows), admin)
    assert first.count() == 2 and first.filter(is_current=True).count() == 1
    services.revert_batch(second, admin)  # revenue back to 1,200: evaluated again
    assert first.count() == 3
    assert first.get(is_current=True).inputs_hash == first.order_by("pk")[0].inputs_hash
    assert batch.pk != second.pk
