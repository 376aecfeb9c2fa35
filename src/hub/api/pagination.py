"""Cursor pagination over the id, stable while new rows arrive: `{"items": [...], "next_cursor": id}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

MAX_LIMIT = 500
Row = TypeVar("Row", bound=Model)


def cursor_page(
    rows: QuerySet[Row], *, cursor: int | None, limit: int, shape: Callable[[Row], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `rows` in id order after `cursor`; pass `next_cursor` back as `cursor` for the next."""
    rows = rows.order_by("pk")
    if cursor:
        rows = rows.filter(pk__gt=cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    chosen = list(rows[: limit + 1])
    return {
        "items": [shape(row) for row in chosen[:limit]],
        "next_cursor": chosen[limit - 1].pk if len(chosen) > limit else None,
    }
