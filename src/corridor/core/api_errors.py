"""The API's error responses, declared per route in the OpenAPI schema (schemathesis checks that a
route answers only with statuses it declares): one shape for every error, see corridor.errors."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ModelWrapValidatorHandler, model_validator


class ErrorOut(Schema):
    """Every API error: a stable code, a message fit for a user, and what it concerns."""

    error: str
    message: str
    details: dict[str, Any] = {}


# Every route can answer these: no or a bad token (401), a role or a read-only token without the
# right (403), a parameter or body that does not validate (422).
ALWAYS = (401, 403, 422)


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """A route's responses: its success bodies, ALWAYS and the other error statuses it can give
    (400 a malformed body, 404 a record not found, 409 a conflict with the record's state)."""
    return {**ok, **{status: ErrorOut for status in sorted({*ALWAYS, *errors})}}


class BodyIn(Schema):
    """A JSON request body: an object. django-ninja's Schema reads fields as attributes of whatever
    it is given, so a body whose fields all have defaults accepted `[null, null]`; this refuses it
    (422) before the fields are read."""

    @model_validator(mode="wrap")  # a wrap validator, to run outside django-ninja's own
    @classmethod
    def _an_object(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if isinstance(data, (list, str, int, float, bool)) or data is None:
            raise ValueError("the request body must be a JSON object")
        return handler(data)
