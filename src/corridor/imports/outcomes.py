"""Why an import failed, as a code and parameters rendered in the reader's language.

The job that fails runs in the worker, with no reader and so no language; storing its sentence
would show every reader the worker's language. The batch keeps the code and the parameters, and
each page or API call renders them with the language of its own request.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _rows_invalid(params: dict[str, Any]) -> str:
    n = int(params.get("n", 0))
    return ngettext(
        "All-or-nothing import stopped: %(n)d row has errors. Nothing was changed.",
        "All-or-nothing import stopped: %(n)d rows have errors. Nothing was changed.",
        n,
    ) % {"n": n}


def _failed(params: dict[str, Any]) -> str:
    return _("The import failed and nothing was changed: %(e)s") % {"e": params.get("e", "")}


def _stopped(params: dict[str, Any]) -> str:
    reasons = {
        "lost": _("its worker process stopped"),
        "failed": _("its job failed in the worker"),
        "unknown": _("its job is no longer in the queue"),
    }
    reason = reasons.get(str(params.get("reason", "")), reasons["unknown"])
    return _(
        "The import stopped before finishing (%(reason)s). Nothing was changed; apply it again."
    ) % {"reason": reason}


OUTCOMES = {"rows_invalid": _rows_invalid, "failed": _failed, "stopped": _stopped}


def outcome_text(code: str, params: dict[str, Any], stored: str = "") -> str:
    """The outcome in the active language; the stored sentence for a code this version lacks."""
    render = OUTCOMES.get(code)
    return render(params or {}) if render else stored
