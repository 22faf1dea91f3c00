"""Typed domain errors: each carries an HTTP status and a message fit for a user."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """An expected business failure; rendered as JSON, a toast or an error page, never a 500."""

    status = 400
    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        """The error as the API returns it."""
        return {"error": self.code, "message": self.message, "details": self.details}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ImportRejected(ValidationFailed):
    code = "import_rejected"


def printable_text(value: str, field: str, keep: str = "\n\t") -> str:
    """The text unchanged, or ValidationFailed naming the field when it holds control characters
    (PostgreSQL refuses NUL; nothing a user types needs the others)."""
    if any(not ch.isprintable() and ch not in keep for ch in value):
        raise ValidationFailed(
            _("%(field)s contains control characters") % {"field": field},
            field=field,
            code="control_characters",
        )
    return value
