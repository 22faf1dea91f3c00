"""One way to read whole numbers from a query string or a form: ASCII digits only, in range.

str.isdigit() accepts '²' and other Unicode digits that int() then refuses, and an unbounded
number overflows the database's 64-bit integers; both used to end in a 500.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from corridor.errors import ValidationFailed

MAX_ID = 2**63 - 1  # the largest value a bigint column holds


def _ascii_int(text: str) -> int | None:
    text = text.strip()
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def id_param(params: Any, name: str) -> int | None:
    """A record id from params[name]: None when absent or empty, ValidationFailed (422) naming the
    parameter when it is not a positive whole number a record id can have."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return None
    value = _ascii_int(raw)
    if value is None or not 1 <= value <= MAX_ID:
        raise ValidationFailed(
            _("%(name)s must be a record number, not %(value)s")
            % {"name": name, "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    return value


def int_param(params: Any, name: str, default: int, low: int, high: int) -> int:
    """A whole number from params[name], clamped to [low, high]; the default when absent or empty;
    ValidationFailed (422) naming the parameter when it is not a whole number."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return default
    value = _ascii_int(raw)
    if value is None:
        raise ValidationFailed(
            _("%(name)s must be a whole number, not %(value)s") % {"name": name, "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    return min(high, max(low, value))
