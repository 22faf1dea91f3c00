"""Import defects found by a probe, through the real pages and API (test client, real database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from corridor.accounts.models import AuditEvent
from corridor.accounts.services import issue_token
from corridor.imports.models import ImportBatch
from corridor.registry.models import Enterprise
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

U1, U2 = valid_uscc(301), valid_uscc(302)


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


@pytest.fixture
def api(admin) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(admin, 't')}"}


def _dry_run(client: Client, api: dict[str, str], path: Path) -> dict:
    with path.open("rb") as f:
        response = client.post("/api/v1/imports?dry_run=true", {"file": f}, **api)
    assert response.status_code == 201, response.content[:300]
    return response.json()


def test_api_apply_refuses_an_unknown_mode_naming_the_allowed_ones(api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    dry = _dry_run(
        client, api, write_csv(tmp_path / "a.csv", [["甲有限公司", U1, "", 2024, 1, 1, 1]])
    )
    for prefix in ("/api/v1/imports", "/api/v1/registry/imports"):
        response = client.post(f"{prefix}/{dry['id']}/apply?mode=bogus", **api)
        assert response.status_code == 422, response.content[:300]
        body = response.json()
        assert body["details"]["field"] == "mode" and body["details"]["value"] == "bogus"
        assert "valid_rows" in body["message"] and "all_or_nothing" in body["message"]
    batch = ImportBatch.objects.get(pk=dry["id"])
    assert (batch.status, batch.mode) == ("validated", "valid_rows")
    assert Enterprise.objects.count() == 0


def test_the_apply_page_refuses_an_unknown_mode_and_applies_nothing(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin)
    path = write_csv(tmp_path / "a.csv", [["甲有限公司", U1, "", 2024, 1, 1, 1]])
    with path.open("rb") as f:
        client.post("/imports/enterprises/upload/", {"file": f})
    batch = ImportBatch.objects.latest("pk")
    response = client.post(f"/imports/batch/{batch.pk}/apply/", {"mode": "bogus"})
    assert response.status_code == 422
    assert "bogus" in response.content.decode() and "all_or_nothing" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "uploaded" and Enterprise.objects.count() == 0


@pytest.mark.parametrize("name", ["", "   ", "\u3000\t"])
def test_api_refuses_to_create_an_enterprise_without_a_name(api, name) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        "/api/v1/registry/enterprises", {"name": name}, content_type="application/json", **api
    )
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["details"]["field"] == "name" and body["details"]["value"] == name
    assert Enterprise.objects.count() == 0


def test_api_refuses_to_rename_an_enterprise_to_blanks(api) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    created = client.post(
        "/api/v1/registry/enterprises",
        {"name": "甲有限公司"},
        content_type="application/json",
        **api,
    ).json()
    response = client.patch(
        f"/api/v1/registry/enterprises/{created['id']}",
        {"name": "  "},
        content_type="application/json",
        **api,
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "name"
    assert Enterprise.objects.get(pk=created["id"]).name == "甲有限公司"


def test_an_import_row_with_a_blank_name_is_a_row_error_naming_row_and_field(api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    rows = [["甲有限公司", U1, "", 2024, 1, 1, 1], ["   ", U2, "", 2024, 1, 1, 1]]
    with write_csv(tmp_path / "a.csv", rows).open("rb") as f:
        response = client.post("/api/v1/imports", {"file": f}, **api)
    assert response.status_code == 201 and response.json()["created_count"] == 1
    issues = client.get(f"/api/v1/imports/{response.json()['id']}/issues", **api).json()["items"]
    assert [(i["row"], i["severity"]) for i in issues] == [(3, "error")]
    assert issues[0]["column"] and issues[0]["reason"]
    assert not Enterprise.objects.filter(uscc=U2).exists()


def _two_sheets(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for sheet_name, company in (("第一", "甲有限公司"), ("第二", "乙有限公司")):
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, ["企业名称", "统一社会信用代码"])
        sheet.write_row(1, 0, [company, U1 if company == "甲有限公司" else U2])
    book.close()
    return path


def test_a_get_never_changes_the_sheet_and_choosing_one_is_a_post(admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin)
    with _two_sheets(tmp_path / "two.xlsx").open("rb") as f:
        client.post("/imports/enterprises/upload/", {"file": f})
    batch = ImportBatch.objects.latest("pk")
    client.post(
        f"/imports/batch/{batch.pk}/validate/",
        {"col_0": "name", "col_1": "uscc", "money_unit": "1"},
    )
    batch.refresh_from_db()
    before = (batch.sheet, batch.mapping, batch.status)
    for sheet in ("nosuch", "第二"):
        page = client.get(f"/imports/batch/{batch.pk}/?sheet={sheet}")
        assert page.status_code == 200
        batch.refresh_from_db()
        assert (batch.sheet, batch.mapping, batch.status) == before
    page = client.post(f"/imports/batch/{batch.pk}/sheet/", {"sheet": "nosuch"}, follow=True)
    assert page.status_code == 200 and "nosuch" in page.content.decode()
    assert "第一" in page.content.decode() and "第二" in page.content.decode()
    batch.refresh_from_db()
    assert (batch.sheet, batch.mapping, batch.status) == before
    page = client.post(f"/imports/batch/{batch.pk}/sheet/", {"sheet": "第二"}, follow=True)
    assert page.status_code == 200 and "乙有限公司" in page.content.decode()
    batch.refresh_from_db()
    assert (batch.sheet, batch.mapping) == ("第二", {})


def test_actions_through_the_api_are_recorded_as_api_and_pages_as_web(admin, api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    created = client.post(
        "/api/v1/registry/enterprises",
        {"name": "甲有限公司"},
        content_type="application/json",
        **api,
    ).json()
    client.delete(f"/api/v1/registry/enterprises/{created['id']}", **api)
    client.post(f"/api/v1/registry/enterprises/{created['id']}/restore", **api)
    # A file uploaded through the pages, applied and reverted through the API.
    web = Client()
    web.force_login(admin)
    with write_csv(tmp_path / "a.csv", [["乙有限公司", U2, "", 2024, 1, 1, 1]]).open("rb") as f:
        web.post("/imports/enterprises/upload/", {"file": f})
    batch = ImportBatch.objects.latest("pk")
    client.post(f"/api/v1/imports/{batch.pk}/apply", **api)
    client.post(f"/api/v1/imports/{batch.pk}/revert", **api)
    events = AuditEvent.objects.exclude(target_type="auth.user").order_by("pk")
    assert [(e.action, e.source) for e in events] == [
        ("create", "api"),
        ("delete", "api"),
        ("restore", "api"),
        ("import", "api"),
        ("revert", "api"),
    ]
    # The same through the pages is "web".
    with write_csv(tmp_path / "b.csv", [["丙有限公司", valid_uscc(303), "", 2024, 1, 1, 1]]).open(
        "rb"
    ) as f:
        web.post("/imports/enterprises/upload/", {"file": f})
    second = ImportBatch.objects.latest("pk")
    web.post(f"/imports/batch/{second.pk}/apply/", {"mode": "valid_rows"})
    assert AuditEvent.objects.latest("pk").source == "web"


@pytest.fixture
def csv_default_limit():  # type: ignore[no-untyped-def]
    """Python's own cell limit (128 KiB), as in a fresh server process: the limit is process-wide."""
    import csv

    saved = csv.field_size_limit(131072)
    yield
    csv.field_size_limit(saved)


def _long_cell_csv(path: Path, length: int) -> Path:
    header = ["企业名称", "统一社会信用代码", "经营范围"]
    rows = [
        ["甲有限公司", U1, "汽车零部件"],
        ["乙有限公司", U2, "长" * length],
        ["丙有限公司", valid_uscc(303), "电机"],
    ]
    return write_csv(path, rows, header=header)


@pytest.mark.parametrize("mode", ["valid_rows", "all_or_nothing"])
def test_a_csv_cell_over_128_kib_is_a_row_error_and_the_rest_follows_the_mode(
    admin, tmp_path, mode
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin)
    with _long_cell_csv(tmp_path / "long.csv", 200_000).open("rb") as f:
        response = client.post("/imports/enterprises/upload/", {"file": f})
    assert response.status_code == 302, response.content[:300]
    batch = ImportBatch.objects.latest("pk")
    assert client.get(f"/imports/batch/{batch.pk}/").status_code == 200
    client.post(f"/imports/batch/{batch.pk}/apply/", {"mode": mode})
    batch.refresh_from_db()
    issue = batch.issues.get(severity="error")
    assert issue.row == 3 and issue.column
    assert "200000" in issue.reason.replace(",", "") or "200,000" in issue.reason
    names = sorted(Enterprise.objects.values_list("name", flat=True))
    if mode == "valid_rows":
        assert batch.status == "applied" and names == ["丙有限公司", "甲有限公司"]
    else:
        assert batch.status == "failed" and names == []


def test_the_api_reports_a_long_csv_cell_per_row_not_a_500(
    api, tmp_path, csv_default_limit
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    with _long_cell_csv(tmp_path / "long.csv", 300_000).open("rb") as f:
        response = client.post("/api/v1/imports?dry_run=true", {"file": f}, **api)
    assert response.status_code == 201, response.content[:300]
    assert (response.json()["rows_valid"], response.json()["rows_error"]) == (2, 1)


def test_a_failure_recorded_in_one_language_reads_in_each_readers_language(
    admin, api, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The worker fails an import with no reader (default language); the page and the API show
    the reason in the language each reader asked for, not the worker's."""
    from django.utils import translation

    from corridor.errors import ImportRejected
    from corridor.imports import services

    path = write_csv(
        tmp_path / "a.csv",
        [["甲有限公司", U1, "", 2024, 1, 1, 1], ["", U2, "", 2024, 1, 1, 1]],  # row 2: no name
    )
    batch = services.receive_path(path, admin)
    with translation.override("zh-hans"), pytest.raises(ImportRejected):
        services.apply_batch(batch, admin, mode="all_or_nothing")
    batch.refresh_from_db()
    assert batch.status == "failed" and Enterprise.objects.count() == 0
    client = Client()
    client.force_login(admin)
    for language, expected, other in (
        ("en", "All-or-nothing import stopped: 1 row has errors", "全部导入"),
        ("zh-hans", "1", "All-or-nothing"),
    ):
        client.cookies["django_language"] = language
        page = client.get(f"/imports/batch/{batch.pk}/").content.decode()
        message = page.split('id="import-message">', 1)[1].split("</dd>", 1)[0]
        assert expected in message and other not in message, message
        body = (
            Client().get(f"/api/v1/imports/{batch.pk}", HTTP_ACCEPT_LANGUAGE=language, **api).json()
        )
        assert expected in body["message"] and other not in body["message"], body["message"]
