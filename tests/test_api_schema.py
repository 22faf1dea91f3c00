"""Schemathesis against our OpenAPI schema: no 5xx, responses match the schema, schema-valid input is
accepted, for every operation.

A request the schema allows may still break a rule no schema can state (a USCC's check character,
a node of the current atlas, a file that must be a spreadsheet); the route then declares that rule
under its 422 response (x-domain-rules, see corridor.core.api_errors.domain_rules), and only a 422
whose details name a declared rule is accepted for schema-valid input.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.checks import positive_data_acceptance as _accepts_valid_data

from corridor.accounts.services import issue_token
from corridor.wsgi import application  # noqa: E402
from tests.factories import EnterpriseFactory, user_with_role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _declared_rule(case, response) -> bool:  # type: ignore[no-untyped-def]
    """Whether a 422 names a domain rule the operation declares (its error, details.field, code)."""
    if response.status_code != 422:
        return False
    operation = schema.raw_schema["paths"][case.operation.path][case.method.lower()]
    rules = operation["responses"].get("422", {}).get("x-domain-rules", [])
    body = response.json() or {}
    found = {"error": body.get("error"), **(body.get("details") or {})}
    return any(
        all(found.get(key) == rule[key] for key in ("error", "field", "code") if key in rule)
        for rule in rules
    )


def accepts_valid_data_or_declared_rule(ctx, response, case):  # type: ignore[no-untyped-def]
    """positive_data_acceptance, except for a 422 that names a rule the route declares."""
    if _declared_rule(case, response):
        return None
    return _accepts_valid_data(ctx, response, case)


@pytest.fixture
def admin_token(db):  # type: ignore[no-untyped-def]
    """A token, with Django's end-of-request connection closing held off (as its test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    EnterpriseFactory.create_batch(3)
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield issue_token(user_with_role("administrator", "schema-admin"), "schemathesis")
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_errors(case, admin_token) -> None:  # type: ignore[no-untyped-def]
    # Each route declares its error responses (400/401/403/404/409/422), so status-code conformance,
    # negative-data rejection, unsupported methods and use-after-free are all checked, and
    # schema-valid input is accepted unless a declared domain rule refuses it.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[accepts_valid_data_or_declared_rule],
    )


def test_a_refusal_of_schema_valid_input_names_a_rule_its_route_declares(admin_token) -> None:  # type: ignore[no-untyped-def]
    """The USCC's check character is a rule no schema states: the route declares it under its 422,
    and the refusal names it; an undeclared refusal would fail the check above."""
    from django.test import Client

    operation = schema.raw_schema["paths"]["/api/v1/registry/enterprises"]["post"]
    declared = operation["responses"]["422"]["x-domain-rules"]
    assert {"field": "uscc"}.items() <= declared[0].items()
    response = Client().post(
        "/api/v1/registry/enterprises",
        {"name": "甲有限公司", "uscc": "91330702MA2XXXXXX0"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {admin_token}",
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "uscc"

    class Answer:
        status_code = 422

        @staticmethod
        def json() -> dict:  # type: ignore[type-arg]
            return response.json()

    class Case:
        method = "POST"

        class operation:  # noqa: N801
            path = "/api/v1/registry/enterprises"

    assert _declared_rule(Case, Answer)
    Case.operation.path = "/api/v1/investment/projects"  # declares no rule on uscc
    assert not _declared_rule(Case, Answer)


@pytest.mark.django_db
def test_the_openapi_document_has_no_duplicate_keys(client) -> None:  # type: ignore[no-untyped-def]
    """Swagger UI reads the document as YAML and refuses a key given twice (a "422" string beside
    django-ninja's 422 made every route with domain rules list two), leaving the docs page blank."""
    import json

    duplicated: list[list[str]] = []

    def no_twice(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            duplicated.append(keys)
        return dict(pairs)

    document = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_twice)
    assert document["paths"] and not duplicated, duplicated[:3]
