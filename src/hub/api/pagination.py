"""Cursor pagination over the id, stable while new rows arrive: `{"items": [...], "next_cursor": id}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet

MAX_LIMIT = 500
Row = TypeVar("Row")


def _pk(row: Any) -> int:
    return int(row.pk)


def cursor_page(
    rows: QuerySet[Any, Row],
    *,
    cursor: int | None,
    limit: int,
    shape: Callable[[Row], dict[str, Any]],
    id_of: Callable[[Row], int] = _pk,
) -> dict[str, Any]:
    """One page of `rows` in id order after `cursor`; pass `next_cursor` back as `cursor` for the next.
    `rows` may be instances or `values_list` rows (`id_of` reads a row's id)."""
    rows = rows.order_by("pk")
    if cursor:
        rows = rows.filter(pk__gt=cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    chosen = list(rows[: limit + 1])
    return {
        "items": [shape(row) for row in chosen[:limit]],
        "next_cursor": id_of(chosen[limit - 1]) if len(chosen) > limit else None,
    }
