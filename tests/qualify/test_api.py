"""The qualification API: stored enterprise, posted body (row-precise 422), what-if, lists."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corridor.qualify.models import Evaluation
from tests.factories import user_with_role
from tests.qualify.conftest import assess_all, near_high_tech

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    officer = user_with_role("technology_officer", "tech")
    client = Client()
    client.force_login(officer)
    return client, officer


def _post(client: Client, url: str, body: object):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_stored_enterprise_evaluation(api) -> None:  # type: ignore[no-untyped-def]
    client, officer = api
    ent = near_high_tech()
    assess_all(ent, officer)
    data = client.get(f"/api/v1/qualify/enterprises/{ent.pk}/evaluation?as_of=2026-06-01").json()
    high = next(r for r in data["results"] if r["policy"] == "high_tech")
    assert high["verdict"] == "near" and high["version"] == "2016"
    row = next(c for c in high["criteria"] if c["shortfall"])
    assert row["shortfall"] == 30 and row["shortfall_unit"] == "万元"
    assert client.get("/api/v1/qualify/enterprises/999999/evaluation").status_code == 404
    bad_day = client.get(f"/api/v1/qualify/enterprises/{ent.pk}/evaluation?as_of=2026-13-01")
    assert bad_day.status_code == 422 and "as_of" in bad_day.json()["message"]


def test_posted_body_is_evaluated_and_bad_rows_named(api) -> None:  # type: ignore[no-untyped-def]
    client, _officer = api
    body = {
        "as_of": "2026-06-01",
        "enterprises": [
            {
                "key": "A1",
                "established_on": "2015-01-01",
                "year_facts": [{"year": 2025, "revenue": 4000, "rd_expense": 100}],
            }
        ],
    }
    data = _post(client, "/api/v1/qualify/evaluate", body).json()
    assert data["as_of"] == "2026-06-01" and {r["key"] for r in data["results"]} == {"A1"}
    assert all(r["verdict"] in ("needs_data", "not_qualified", "near") for r in data["results"])
    body["enterprises"].append({"key": "B2", "year_facts": [{"year": 2025, "revenue": "lots"}]})
    bad = _post(client, "/api/v1/qualify/evaluate", body)
    assert bad.status_code == 422 and bad.json()["error"] == "bad_input"
    problem = bad.json()["details"]["problems"][0]
    assert "enterprises[1]" in problem and "year_facts[0].revenue" in problem and "B2" in problem
    assert _post(client, "/api/v1/qualify/evaluate", [1, 2]).status_code in (400, 422)


def test_what_if_writes_nothing(api) -> None:  # type: ignore[no-untyped-def]
    client, officer = api
    ent = near_high_tech()
    assess_all(ent, officer)
    before = Evaluation.objects.count()
    url = f"/api/v1/qualify/enterprises/{ent.pk}/what-if?as_of=2026-06-01"
    data = _post(client, url, {"facts": {"2025": {"rd_expense": 220}}}).json()
    high = next(r for r in data["results"] if r["policy"] == "high_tech")
    assert high["verdict"] == "qualified"
    assert Evaluation.objects.count() == before
    bad = _post(client, url, {"facts": {"2025": {"rd_expense": "x"}}})
    assert bad.status_code == 422 and "rd_expense" in bad.json()["message"]
    assert _post(client, url, {"facts": {"2025": {"nonsense": 1}}}).status_code == 422
    assert _post(client, url, {"colour": 1}).status_code == 422


def test_cultivation_list_api(api) -> None:  # type: ignore[no-untyped-def]
    client, officer = api
    ent = near_high_tech()
    assess_all(ent, officer)
    data = client.get("/api/v1/qualify/lists/high_tech/near?as_of=2026-06-01").json()
    assert data["count"] == 1 and data["rows"][0]["enterprise"] == ent.pk
    assert data["version"] == "2016" and data["rows"][0]["path"]
    assert client.get("/api/v1/qualify/lists/high_tech/else").status_code == 404
    assert client.get("/api/v1/qualify/lists/nothing/near").status_code == 404
    assert client.get("/api/v1/qualify/lists/high_tech/near?size_band=x").status_code == 422
    assert client.get("/api/v1/qualify/lists/high_tech/near?park=-1").status_code == 422
