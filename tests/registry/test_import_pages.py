"""The import journey through pages and the API: upload → preview → mapping → validate → apply → revert."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from corridor.imports.models import ImportBatch
from corridor.registry.models import Enterprise
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv, write_xlsx

U1, U2 = valid_uscc(201), valid_uscc(202)


@pytest.fixture
def officer(db):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user_with_role("technology_officer", "officer"))
    return client


def _upload(client: Client, path) -> ImportBatch:  # type: ignore[no-untyped-def]
    with path.open("rb") as f:
        response = client.post("/imports/enterprises/upload/", {"file": f})
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.latest("pk")


def test_upload_preview_validate_apply(officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [
            ["甲有限公司", U1, "浙江省金华市婺城区某路", 2024, 100, 9, 1],
            ["乙有限公司", "BAD", "", 2024, 5, 1, 0],
        ],
        title="企业名单",
    )
    batch = _upload(officer, path)
    page = officer.get(f"/imports/batch/{batch.pk}/").content.decode()
    assert "甲有限公司" in page and 'name="col_0"' in page
    assert re.search(r'<option value="name" selected', page)  # automatic mapping of 企业名称
    mapping = {
        f"col_{i}": f
        for i, f in enumerate(
            ["name", "uscc", "address", "year", "revenue", "employees", "rd_expense"]
        )
    }
    officer.post(f"/imports/batch/{batch.pk}/validate/", {**mapping, "money_unit": "1"})
    batch.refresh_from_db()
    assert (batch.status, batch.rows_valid, batch.rows_error) == ("validated", 1, 1)
    assert Enterprise.objects.count() == 0  # validation changes nothing
    report = officer.get(f"/imports/batch/{batch.pk}/?severity=error").content.decode()
    assert "BAD" in report and "uscc_length" not in report.split("<tbody>")[0]
    officer.post(f"/imports/batch/{batch.pk}/apply/", {"mode": "valid_rows"})
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.created_count == 1
    csv_report = b"".join(
        officer.get(f"/imports/batch/{batch.pk}/report.csv").streaming_content
    ).decode("utf-8-sig")
    assert "BAD" in csv_report.splitlines()[1]


def test_user_can_override_the_mapping(officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        tmp_path / "m.csv",
        [["甲有限公司", U1, "备注文字"]],
        header=["企业名称", "统一社会信用代码", "其他"],
    )
    batch = _upload(officer, path)
    officer.post(
        f"/imports/batch/{batch.pk}/validate/",
        {"col_0": "name", "col_1": "uscc", "col_2": "main_products", "money_unit": "1"},
    )
    officer.post(f"/imports/batch/{batch.pk}/apply/", {"mode": "valid_rows"})
    assert Enterprise.objects.get(uscc=U1).main_products == "备注文字"


def test_rejected_upload_shows_a_specific_message(officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pic.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    with path.open("rb") as f:
        response = officer.post("/imports/enterprises/upload/", {"file": f})
    assert response.status_code == 422
    assert ImportBatch.objects.count() == 0


def test_api_dry_run_then_apply_then_revert(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from corridor.accounts.services import issue_token

    token = issue_token(user_with_role("administrator", "root"), "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    path = write_csv(
        tmp_path / "a.csv",
        [["甲有限公司", U1, "", 2024, 10, 2, 0], ["乙有限公司", U2, "", 2024, "x", 2, 0]],
    )
    with path.open("rb") as f:
        dry = client.post("/api/v1/registry/imports?dry_run=true", {"file": f}, **auth)
    assert (
        dry.status_code == 201
        and dry.json()["status"] == "validated"
        and dry.json()["rows_error"] == 1
    )
    issues = client.get(f"/api/v1/registry/imports/{dry.json()['id']}/issues", **auth).json()[
        "items"
    ]
    assert issues[0]["row"] == 3 and issues[0]["value"] == "x"
    applied = client.post(
        f"/api/v1/registry/imports/{dry.json()['id']}/apply?mode=valid_rows", **auth
    )
    assert applied.json()["created_count"] == 1
    reverted = client.post(f"/api/v1/registry/imports/{dry.json()['id']}/revert", **auth)
    assert reverted.json()["status"] == "reverted" and Enterprise.objects.count() == 0


def test_api_rejects_bad_mode_and_junk_with_specific_errors(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user_with_role("administrator", "root"))
    path = tmp_path / "a.csv"
    path.write_bytes(b"\x00\x01\x02" * 1000)
    with path.open("rb") as f:
        response = client.post("/api/v1/registry/imports?mode=whatever", {"file": f})
    assert response.status_code == 422 and response.json()["details"]["field"] == "mode"
    with path.open("rb") as f:
        response = client.post("/api/v1/registry/imports", {"file": f})
    assert response.status_code == 422 and response.json()["details"]["code"] == "not_a_table"
