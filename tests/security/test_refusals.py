"""Refusals read as refusals: a 403 is one log line on the console (no traceback, issue 9 §2), and a
CSRF failure is our own page in the user's language."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.factories import user_with_role


def _console() -> logging.Handler:
    """The console handler the settings' LOGGING installed on the root logger."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    handlers = [h for h in handlers if type(h) is logging.StreamHandler]
    assert handlers, "LOGGING has a console handler"
    return handlers[0]


def _printed(records: list[logging.LogRecord]) -> list[str]:
    """What the console handler prints for these records (its filters applied, as on a real run)."""
    handler = _console()
    lines: list[str] = []
    for record in records:
        if handler.filter(record):
            lines.extend(handler.format(record).splitlines())
    return lines


@pytest.mark.django_db
def test_a_refused_permission_logs_one_line_without_a_traceback(caplog) -> None:  # type: ignore[no-untyped-def]
    user_with_role("leader", "lead")
    client = Client()
    client.login(username="lead", password="pw-Corridor-1")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/registry/new/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    lines = _printed(records)
    assert len(lines) == 1 and "Forbidden" in lines[0] and "/registry/new/" in lines[0]
    assert not any("Traceback" in line for line in lines)


@pytest.mark.django_db
def test_a_server_error_still_logs_its_traceback(caplog) -> None:  # type: ignore[no-untyped-def]
    """The filter only shortens 4xx: a 500's traceback is what an operator needs."""
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x/", (), None
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert any("Traceback" in line for line in _printed([record]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "表单安全校验未通过"), ("en", "The form's security check failed")],
)
def test_a_csrf_failure_is_our_page_in_the_users_language(language, words) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert words in body
    assert 'class="topbar"' in body  # the site's layout, not Django's bare page
    assert "CSRF verification failed" not in body and "Help" not in body
