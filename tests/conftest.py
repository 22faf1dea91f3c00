"""Shared fixtures: a throwaway var/ dir, inline tasks, the cache table, users by role, Chromium."""

from __future__ import annotations

import contextlib
import os
import tempfile

os.environ.setdefault("CORRIDOR_VAR_DIR", tempfile.mkdtemp(prefix="corridor-test-var-"))

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402

BROWSER_TESTS_RUN = {"count": 0}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database also needs the cache table (login throttling counts failures there)."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _inline_tasks(request):  # type: ignore[no-untyped-def]
    """Run long work inline in tests (skipped when pytest-django is off, e.g. pure engine runs)."""
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.CORRIDOR_TASKS_INLINE = True


@pytest.fixture(autouse=True)
def _clear_cache(request):  # type: ignore[no-untyped-def]
    yield
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    ):
        from django.core.cache import cache

        with contextlib.suppress(
            Exception
        ):  # the table may be gone at teardown of transactional tests
            cache.clear()


def pytest_runtest_logreport(report):  # type: ignore[no-untyped-def]
    if report.when == "call" and "browser" in report.keywords and report.passed:
        BROWSER_TESTS_RUN["count"] += 1


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    """With CORRIDOR_REQUIRE_BROWSER=1 (CI), a run in which no browser test passed is a failure."""
    if (
        os.environ.get("CORRIDOR_REQUIRE_BROWSER") == "1"
        and BROWSER_TESTS_RUN["count"] == 0
        and exitstatus == 0
    ):
        session.exitstatus = 1
        print("\nFAILED: CORRIDOR_REQUIRE_BROWSER=1 but no browser test ran and passed.")
