"""The API's error responses, declared per route in the OpenAPI schema (schemathesis checks that a
route answers only with statuses it declares): one shape for every error, see corridor.errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    WithJsonSchema,
    model_validator,
)


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


# Some rules refuse input the schema allows, because no JSON Schema can state them: a USCC's check
# character, a node that must exist in the current atlas, a file that must be a spreadsheet, text
# without control characters (Unicode categories no portable pattern names). A route that applies
# such rules lists them with `domain_rules`: they appear under its 422 response as
# `x-domain-rules`, each naming the `details.field` and/or `details.code` of the 422 it gives, so a
# client (and the schemathesis test) can tell a documented refusal from a schema that says too little.
CONTROL_CHARACTERS = "control_characters"


def domain_rules(*rules: tuple[str, ...]) -> dict[str, Any]:
    """openapi_extra declaring the route's domain rules: (field, code, rule in words[, error]) each,
    naming the 422's details.field, details.code and error; an empty one matches any."""
    keys = ("field", "code", "rule", "error")
    listed = [{k: v for k, v in zip(keys, rule, strict=False) if v} for rule in rules]
    # The status as an int, as `responses` gives it: django-ninja merges openapi_extra into the
    # operation, and a "422" string key beside its 422 made two "422" keys in the JSON, which
    # Swagger UI refuses (duplicated mapping key) and so the API docs page showed nothing.
    return {
        "responses": {
            422: {
                "description": "The input does not validate, or breaks a rule the schema cannot "
                "state (x-domain-rules: the error, details.field and details.code of each)",
                "x-domain-rules": listed,
            }
        }
    }


TEXT_RULE = ("", CONTROL_CHARACTERS, "text holds no control or other non-printable characters")


# Input types whose schema says what the services accept.
# A sum of money (10k yuan): a JSON number, never negative, within what the columns hold. Pydantic
# also reads a numeric string, but the schema promised strings of any form before ("" included).
MONEY_MAX = 10**12
Money = Annotated[
    Decimal,
    Field(ge=0, le=MONEY_MAX),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MONEY_MAX}),
]
# A record number in a query string (core.params.id_param): ASCII digits, no leading zero (at most
# 18 digits: always below the bigint limit); empty means "not given".
ID_TEXT = r"^([1-9][0-9]{0,17})?$"
# A calendar year 1900-2100 in a query string (core.params.year_param); empty means "not given".
YEAR_TEXT = r"^((19[0-9]{2})|(20[0-9]{2})|2100)?$"
# Text that is more than blanks (a name).
NOT_BLANK = r"\S"


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def given_not_null(**constraints: Any) -> Any:
    """A PATCH field that may be left out but, when given, is not null: the schema says its type
    (no null, no null default); pydantic leaves it None when absent (exclude_unset drops it)."""
    return Field(None, json_schema_extra=_drop_default, **constraints)


def _written_date(value: Any) -> Any:
    """A date is written as text (YYYY-MM-DD), as the schema says; pydantic alone also took a
    number as seconds since 1970 (`0` became 1970-01-01)."""
    if value is None or isinstance(value, (str, dt.date)):
        return value
    raise ValueError("a date is written as text, YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_written_date)]
