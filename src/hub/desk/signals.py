"""A received invoice gets its review as soon as the inbox archives it; invoices archived before the desk
existed got theirs from the data migration `desk.0002_open_missing_reviews`."""

from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from hub.core import clock
from hub.desk.models import CompanyDesk, InvoiceReview, ReviewState
from hub.inbox.models import Direction, Invoice

_OPEN_REVIEW_SQL: dict[str, str] = {}  # by database vendor


def _column(model: type[models.Model], name: str, connection: BaseDatabaseWrapper) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(connection.ops.quote_name(field.column))


def _open_review_sql(connection: BaseDatabaseWrapper) -> str:
    """One INSERT ... SELECT that reads the company's default assignee and opens the review (at most once).

    `WHERE 1 = 1` keeps SQLite from taking the `ON` of `ON CONFLICT` for a join's.
    """
    if sql := _OPEN_REVIEW_SQL.get(connection.vendor):
        return sql
    quote = connection.ops.quote_name
    columns = ", ".join(
        _column(InvoiceReview, name, connection)
        for name in ("invoice", "organization", "company", "state", "reason", "created", "assignee")
    )
    desk_assignee = _column(CompanyDesk, "default_assignee", connection)
    desk_company = _column(CompanyDesk, "company", connection)
    desks = quote(CompanyDesk._meta.db_table)
    assignee = f"SELECT {desk_assignee} FROM {desks} WHERE {desk_company} = %s"  # noqa: S608  (model names)
    sql = _OPEN_REVIEW_SQL[connection.vendor] = (
        f"INSERT INTO {quote(InvoiceReview._meta.db_table)} ({columns})"
        f" SELECT %s, %s, %s, %s, '', %s, ({assignee}) WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    return sql


def invoice_saved(
    sender: type[Invoice], instance: Invoice, created: bool, using: str = "default", **kwargs: Any
) -> None:
    if not created or instance.direction != Direction.RECEIVED:
        return
    # One statement, not a desk lookup and a bulk_create (which cost more CPU than the invoice's insert).
    connection = connections[using]
    created_at = InvoiceReview._meta.get_field("created").get_db_prep_value(clock.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _open_review_sql(connection),
            [
                instance.pk,
                instance.organization_id,
                instance.company_id,
                ReviewState.TO_REVIEW,
                created_at,
                instance.company_id,
            ],
        )
