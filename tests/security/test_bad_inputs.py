"""Inputs that used to give a 500 each get a 4xx with a reason (issue 9, §5)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corridor.accounts.services import issue_token
from tests.factories import EnterpriseFactory, user_with_role

BAD_NUMBERS = ["²", "99999999999999999999", "-3", "1e3", "abc"]


@pytest.fixture
def admin(db) -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "en"}, raise_request_exception=False)
    client.force_login(user_with_role("administrator", "root"))
    return client


@pytest.fixture
def token(db) -> str:  # type: ignore[no-untyped-def]
    return issue_token(user_with_role("administrator", "api-root"), "t")


def _reason(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("url", ["/registry/", "/registry/export/"])
def test_registry_pages_refuse_a_malformed_park(admin, url, value) -> None:  # type: ignore[no-untyped-def]
    response = admin.get(url, {"park": value})
    assert response.status_code == 422
    assert "park" in _reason(response)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_registry_api_refuses_a_malformed_park(token, value) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get(
        "/api/v1/registry/enterprises", {"park": value}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "park"


def test_a_well_formed_park_still_filters(admin) -> None:  # type: ignore[no-untyped-def]
    assert admin.get("/registry/", {"park": "7"}).status_code == 200
    assert admin.get("/registry/", {"park": ""}).status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "x"])
def test_targets_refuse_a_malformed_top(admin, value) -> None:  # type: ignore[no-untyped-def]
    response = admin.get("/investment/targets/", {"top": value})
    assert response.status_code == 422
    assert "top" in _reason(response)


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_new_project_refuses_a_malformed_target(admin, value) -> None:  # type: ignore[no-untyped-def]
    response = admin.get("/investment/projects/new/", {"target": value})
    assert response.status_code == 422
    assert "target" in _reason(response)


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_merge_refuses_a_malformed_target(admin, value) -> None:  # type: ignore[no-untyped-def]
    source = EnterpriseFactory(uscc=None)
    response = admin.post(f"/registry/{source.pk}/merge/", {"target": value})
    assert response.status_code == 422
    assert "target" in _reason(response)


@pytest.mark.parametrize("field", ["name", "is_local"])
def test_patch_with_null_required_field_is_422(token, field) -> None:  # type: ignore[no-untyped-def]
    ent = EnterpriseFactory()
    response = Client(raise_request_exception=False).patch(
        f"/api/v1/registry/enterprises/{ent.pk}",
        data=json.dumps({field: None}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert field in response.content.decode()


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/api/v1/registry/enterprises", "/api/v1/imports", "/accounts/signup/"],
)
def test_multipart_without_boundary_is_400_with_a_reason(db, url, content_type, caplog) -> None:  # type: ignore[no-untyped-def]
    token = issue_token(user_with_role("administrator", "mp"), "t")
    response = Client(raise_request_exception=False, headers={"accept-language": "en"}).generic(
        "POST", url, b"name=x", content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"] == "bad_request"
    assert "boundary" in response.content.decode()
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [(b"[null, null]", 422, "validation_failed"), (b"\x00W", 400, "bad_request")],
)
def test_api_bodies_that_are_not_objects_get_the_one_error_shape(body, status, code) -> None:  # type: ignore[no-untyped-def]
    """Found by schemathesis with its checks on: a JSON array was accepted as a classify body, and
    an unparseable body answered in django-ninja's shape ({"detail": …}), not the API's."""
    token = issue_token(user_with_role("administrator", "shape"), "t")
    response = Client().post(
        "/api/v1/atlas/classify",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["message"]


@pytest.mark.parametrize("value", ["²²²²", "١٢٣٤", "99999"])
@pytest.mark.parametrize("url", ["/registry/", "/registry/export/"])
def test_registry_refuses_a_malformed_facts_year(admin, url, value) -> None:  # type: ignore[no-untyped-def]
    """'²²²²'.isdigit() is true and int() refuses it: a 500 before the one reader."""
    response = admin.get(url, {"facts_year": value})
    assert response.status_code == 422
    assert "facts_year" in _reason(response)


def test_registry_api_refuses_a_malformed_facts_year(token) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get(
        "/api/v1/registry/enterprises", {"facts_year": "²²²²"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "facts_year"


@pytest.mark.parametrize("value", ["²", "x"])
def test_the_map_refuses_a_malformed_top(admin, value) -> None:  # type: ignore[no-untyped-def]
    response = admin.get("/investment/map/", {"node": "nev.battery", "top": value})
    assert response.status_code == 422 and "top" in _reason(response)


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "²", "x"])
@pytest.mark.parametrize("url", ["/investment/targets/", "/investment/map/"])
def test_targets_and_map_refuse_a_weight_that_is_not_a_finite_number(admin, url, value) -> None:  # type: ignore[no-untyped-def]
    response = admin.get(url, {"node": "nev.battery", "w_fit": value})
    assert response.status_code == 422 and "w_fit" in _reason(response)


def test_targets_api_refuses_a_weight_that_is_not_a_finite_number(token) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get(
        "/api/v1/investment/targets",
        {"node": "nev.battery", "w_fit": "nan"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "w_fit"


def test_an_enterprise_key_of_unicode_digits_is_not_a_record_number(db) -> None:  # type: ignore[no-untyped-def]
    from corridor.registry import selectors

    ent = EnterpriseFactory()
    assert selectors.find_enterprise(str(ent.pk)) == ent
    assert selectors.find_enterprise("²") is None
