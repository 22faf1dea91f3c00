"""API pagination with bounded limit and offset (unbounded integers overflow the database's LIMIT)."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1


class BoundedPagination(LimitOffsetPagination):
    """limit 1–1000 (default 100), offset 0–2³¹−1; anything else is a 422 naming the field."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
