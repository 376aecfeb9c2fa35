"""API v1, the desk: reviews of received invoices, filtered by review state (registered on `v1.api`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema
from ninja.errors import HttpError

from hub.api.models import Scope
from hub.api.pagination import cursor_page
from hub.api.v1 import InvoiceOut, _key, api
from hub.desk.models import InvoiceReview, ReviewState
from hub.desk.selectors import UNASSIGNED, ReviewFilters, reviews_for
from hub.inbox.shapes import invoice_summary


class ReviewOut(Schema):
    id: int
    invoice: InvoiceOut
    state: str
    reason: str
    assignee: str | None
    changed_by: str | None
    changed_at: str | None


class ReviewPage(Schema):
    items: list[ReviewOut]
    next_cursor: int | None


class ReviewQuery(Schema):
    company: int | None = None
    state: str = ""
    assignee: str = ""  # a username, or "none"
    supplier: str = ""
    date_from: date | None = None
    date_to: date | None = None
    cursor: int | None = None
    limit: int = 100


def _review_out(row: InvoiceReview) -> dict[str, Any]:
    return {
        "id": row.pk,
        "invoice": invoice_summary(row.invoice),
        "state": row.state,
        "reason": row.reason,
        "assignee": row.assignee.username if row.assignee else None,
        "changed_by": row.changed_by.username if row.changed_by else None,
        "changed_at": row.changed_at.isoformat() if row.changed_at else None,
    }


@api.get("/reviews", response=ReviewPage, tags=["desk"])
def list_reviews(request: HttpRequest, query: Query[ReviewQuery]) -> dict[str, Any]:
    """Reviews of received invoices in id order; `state`: to_review, approved, refused or booked."""
    key = _key(request, Scope.READ)
    if query.state and query.state not in ReviewState.values:
        raise HttpError(422, f"unknown state {query.state!r}; one of {', '.join(ReviewState.values)}")
    assignee = ""
    if query.assignee == UNASSIGNED:
        assignee = UNASSIGNED
    elif query.assignee:
        found = key.organization.memberships.filter(user__username=query.assignee).values_list(
            "user_id", flat=True
        )
        if not found:
            raise HttpError(404, f"no member {query.assignee!r} in this organization")
        assignee = str(found[0])
    filters = ReviewFilters(
        company=query.company,
        state=query.state,
        assignee=assignee,
        supplier=query.supplier,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    rows = reviews_for(key.organization, filters).select_related("invoice__message")
    return cursor_page(rows, cursor=query.cursor, limit=query.limit, shape=_review_out)
