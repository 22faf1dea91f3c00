"""Schemathesis against our OpenAPI schema: no 5xx, responses match the schema, for every operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from corridor.accounts.services import issue_token
from corridor.wsgi import application  # noqa: E402
from tests.factories import EnterpriseFactory, user_with_role

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
    # Status-code conformance is left out: domain errors (404, 409, 422) are documented in prose, not per operation.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        excluded_checks=[
            status_code_conformance,
            negative_data_rejection,
            positive_data_acceptance,
            unsupported_method,
            use_after_free,
        ],
    )
