"""A received invoice gets its review as soon as the inbox archives it; invoices archived before the desk
existed got theirs from the data migration `desk.0002_open_missing_reviews`."""

from __future__ import annotations

from typing import Any

from hub.core import clock
from hub.desk.models import CompanyDesk, InvoiceReview
from hub.inbox.models import Direction, Invoice


def invoice_saved(sender: type[Invoice], instance: Invoice, created: bool, **kwargs: Any) -> None:
    if not created or instance.direction != Direction.RECEIVED:
        return
    # One desk per company at most: `[:1]` spares `first()`'s ORDER BY, dearer to compile than the query.
    desks = CompanyDesk.objects.filter(company_id=instance.company_id)
    assignee_id = next(iter(desks.values_list("default_assignee_id", flat=True)[:1]), None)
    InvoiceReview.objects.bulk_create(
        [
            InvoiceReview(
                invoice=instance,
                organization_id=instance.organization_id,
                company_id=instance.company_id,
                assignee_id=assignee_id,
                created=clock.now(),
            )
        ],
        ignore_conflicts=True,
    )
