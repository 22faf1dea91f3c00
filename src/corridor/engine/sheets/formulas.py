"""Neutralise spreadsheet formula injection in exported text cells (OWASP CSV injection)."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is run as a formula by Excel/WPS/LibreOffice.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass through."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value
