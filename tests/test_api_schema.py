"""Schemathesis against our OpenAPI schema: no 5xx, responses match the schema, for every operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

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
    # Each route declares its error responses (400/401/403/404/409/422), so status-code conformance,
    # negative-data rejection, unsupported methods and use-after-free are all checked. Left out:
    # positive_data_acceptance, because domain rules the schema cannot state refuse schema-valid
    # input with a 422 on purpose (a PNG uploaded as a workbook, a USCC whose checksum fails).
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        excluded_checks=[positive_data_acceptance],
    )
