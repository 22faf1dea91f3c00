"""One way to read whole numbers from a query string or a form: ASCII digits only, in range.

str.isdigit() accepts '²' and other Unicode digits that int() then refuses, and an unbounded
number overflows the database's 64-bit integers; both used to end in a 500.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from corridor.errors import ValidationFailed

MAX_ID = 2**63 - 1  # the largest value a bigint column holds


def ascii_int(text: str) -> int | None:
    """The whole number ASCII digits spell (at most 19 of them), else None: '²', '١٢' and '-3' are
    not record numbers, though str.isdigit() says yes to the first two."""
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
    value = ascii_int(raw)
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
    value = ascii_int(raw)
    if value is None:
        raise ValidationFailed(
            _("%(name)s must be a whole number, not %(value)s") % {"name": name, "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    return min(high, max(low, value))


def year_param(params: Any, name: str) -> int | None:
    """A calendar year (1900-2100) from params[name]: None when absent or empty, ValidationFailed
    (422) naming the parameter otherwise."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return None
    value = ascii_int(raw)
    if value is None or not 1900 <= value <= 2100:
        raise ValidationFailed(
            _("%(name)s must be a year, not %(value)s") % {"name": name, "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    return value


def number_param(
    params: Any, name: str, low: float | None = None, high: float | None = None
) -> float | None:
    """A finite decimal number from params[name] (ASCII: '1.5', '2', '1e-2'): None when absent or
    empty, ValidationFailed (422) naming the parameter when it is not one ('nan', 'inf', '1e400')
    or lies outside [low, high] (when given)."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return None
    try:
        value = float(raw) if raw.isascii() else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValidationFailed(
            _("%(name)s must be a number, not %(value)s") % {"name": name, "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValidationFailed(
            _("%(name)s must be between %(low)s and %(high)s, not %(value)s")
            % {"name": name, "low": _plain(low), "high": _plain(high), "value": raw[:40]},
            field=name,
            value=raw[:40],
        )
    return value


def _plain(bound: float | None) -> str:
    """A bound as people write it: 10, not 10.0; no bound as '…'."""
    if bound is None:
        return "…"
    return str(int(bound)) if float(bound).is_integer() else str(bound)
