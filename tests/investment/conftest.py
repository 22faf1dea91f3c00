"""Fixtures the investment tests share."""

from __future__ import annotations

import pytest

from tests.factories import user_with_role


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    """An investment analyst (a module that needs a signed-in client defines its own)."""
    return user_with_role("investment_analyst", "ana")
