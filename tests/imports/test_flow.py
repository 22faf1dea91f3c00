"""The intake wing's own rules, through the registry's importer: revert safety, re-uploads, links, size."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.errors import Conflict, ValidationFailed
from corridor.imports import selectors, services
from corridor.imports.models import ImportBatch
from corridor.registry import services as registry_services
from corridor.registry.models import Enterprise, EnterpriseYearFacts
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

U1, U2 = valid_uscc(301), valid_uscc(302)
ROWS = [
    ["金华甲科技有限公司", U1, "浙江省金华市婺城区宾虹西路1号", 2024, "1200", 35, "60"],
    ["金华乙材料有限公司", U2, "浙江省金华市婺城区八一南街2号", 2024, "800", 20, "30"],
]


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


def _applied(path: Path, actor) -> ImportBatch:  # type: ignore[no-untyped-def]
    return services.run_import_file(path, actor)


def test_revert_refuses_to_undo_a_persons_later_edit_until_confirmed(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = _applied(write_csv(tmp_path / "a.csv", ROWS), admin)
    importer = services.importer_of("enterprises")
    assert importer.edited_after_count(batch) == 0
    edited = Enterprise.objects.get(uscc=U1)
    registry_services.update_enterprise(edited, {"main_products": "电动工具"}, admin)
    assert importer.edited_after_count(batch) == 1
    listed = importer.edited_after(batch)
    assert [(e.label, e.who) for e in listed] == [("金华甲科技有限公司", "root")]
    assert listed[0].url.endswith(f"/registry/{edited.pk}/")
    with pytest.raises(Conflict) as refused:
        services.revert_batch(batch, admin)
    assert refused.value.details["code"] == "edited_after_import"
    assert Enterprise.objects.filter(uscc__in=[U1, U2]).count() == 2  # nothing was reverted
    services.revert_batch(batch, admin, confirm_edited=True)
    assert Enterprise.objects.filter(uscc__in=[U1, U2]).count() == 0


def test_revert_page_lists_the_edited_records_and_needs_the_box_ticked(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = _applied(write_csv(tmp_path / "a.csv", ROWS), admin)
    registry_services.update_enterprise(
        Enterprise.objects.get(uscc=U2), {"main_products": "铝合金型材"}, admin
    )
    client = Client()
    client.force_login(admin)
    page = client.get(f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    text = page.decode()
    assert 'id="edited-records"' in text and "金华乙材料有限公司" in text
    assert "此后被人工修改过" in text
    refused = client.post(f"/imports/batch/{batch.pk}/revert/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 409
    assert ImportBatch.objects.get(pk=batch.pk).status == "applied"
    done = client.post(f"/imports/batch/{batch.pk}/revert/", {"confirm_edited": "on"})
    assert done.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == "reverted"


def test_a_reupload_of_the_same_file_links_the_earlier_import(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "a.csv", ROWS)
    first = _applied(path, admin)
    second = services.receive_path(path, admin)
    assert list(selectors.earlier_imports(second)) == [first]
    assert list(selectors.earlier_imports(first)) == []
    client = Client()
    client.force_login(admin)
    page = client.get(f"/imports/batch/{second.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="earlier-imports"' in page and f'href="/imports/batch/{first.pk}/"' in page


def test_after_apply_the_records_are_one_click_away(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    Enterprise.objects.create(name="金华乙材料有限公司", uscc=U2)
    batch = _applied(write_csv(tmp_path / "a.csv", ROWS), admin)
    links = services.importer_of("enterprises").record_links(batch)
    assert sorted((link.label, link.created) for link in links) == [
        ("金华乙材料有限公司", False),
        ("金华甲科技有限公司", True),
    ]
    client = Client()
    client.force_login(admin)
    page = client.get(f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="import-records"' in page and f"/registry/?import={batch.pk}" in page
    listed = client.get(f"/registry/?import={batch.pk}", HTTP_ACCEPT_LANGUAGE="en").content
    assert "金华甲科技有限公司" in listed.decode() and "金华乙材料有限公司" in listed.decode()
    Enterprise.objects.create(name="不相干企业")
    assert "不相干企业" not in client.get(f"/registry/?import={batch.pk}").content.decode()


def test_revert_names_records_by_the_import_not_by_lists_of_ids(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [[f"测试企业{i:05d}有限公司", "", "", 2024, str(i), 3, ""] for i in range(6000)]
    batch = _applied(write_csv(tmp_path / "many.csv", rows), admin)
    assert batch.created_count == 6000
    every_id = ", ".join(
        map(str, Enterprise.objects.filter(created_by_import=batch).values_list("pk", flat=True))
    )
    with CaptureQueriesContext(connection) as queries:
        services.revert_batch(batch, admin)
    longest = max(len(q["sql"]) for q in queries.captured_queries)
    # No statement lists every created id (SQLite refuses one near 250,000 of them): chunks do.
    assert longest < len(every_id), (longest, len(every_id))
    assert Enterprise.all_objects.filter(created_by_import=batch).count() == 6000  # soft-deleted
    assert not Enterprise.objects.filter(created_by_import=batch).exists()
    assert not EnterpriseYearFacts.objects.filter(created_by_import=batch).exists()


def test_the_stated_year_is_checked_and_the_kind_must_exist(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "a.csv", ROWS)
    with pytest.raises(ValidationFailed) as bad_year:
        services.receive_path(path, admin, options={"year": "二〇二四"})
    assert bad_year.value.details["field"] == "year"
    with pytest.raises(ValidationFailed) as bad_kind:
        services.receive_path(path, admin, kind="spaceships")
    assert bad_kind.value.details["field"] == "kind"
    batch = services.receive_path(path, admin, options={"year": " 2023 "})
    assert batch.options["year"] == 2023


def test_import_pages_need_the_kinds_permission(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    leader = user_with_role("leader", "boss")
    client = Client()
    client.force_login(leader)
    assert client.get("/imports/enterprises/").status_code == 403
    assert client.get("/imports/spaceships/").status_code == 422
    assert client.get("/registry/imports/").status_code == 301  # the old address leads here


def test_an_imported_enterprise_is_on_the_atlas_at_once_and_leaves_it_on_revert(
    admin, tmp_path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.models import NodeLink
    from corridor.atlas.services import ensure_packaged_chains

    ensure_packaged_chains()
    code = valid_uscc(401)
    header = ["企业名称", "统一社会信用代码", "经营范围"]
    rows = [["金华某某电池有限公司", code, "锂离子电池制造；动力电池研发；电池零配件生产"]]
    path = write_csv(tmp_path / "battery.csv", rows, header=header)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.run_import_file(path, admin)
    ent = Enterprise.objects.get(uscc=code)
    assert "nev.battery" in set(
        NodeLink.objects.filter(enterprise=ent).values_list("node", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.revert_batch(batch, admin)
    assert not NodeLink.objects.filter(enterprise=ent, status="auto").exists()
