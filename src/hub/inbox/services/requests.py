"""Ask for a sync now ("Sincronizează acum", `POST /api/v1/sync`): a task per company, enqueued on commit."""

from __future__ import annotations

from django.db import transaction

from hub.accounts.models import Company, Organization
from hub.inbox.tasks import inbox_sync_company_task


def inbox_sync_request(
    *, organization: Organization, company_id: int | None = None, trigger: str
) -> list[int]:
    """Enqueue a sync of the organization's company `company_id` (or of every company); returns their ids.

    A company of another organization matches nothing. The worker runs the sync; a company already being
    synced answers "busy" there, so asking twice costs nothing.
    """
    companies = Company.objects.filter(organization=organization)
    if company_id is not None:
        companies = companies.filter(pk=company_id)
    queued = list(companies.order_by("pk").values_list("pk", flat=True))
    for queued_id in queued:
        transaction.on_commit(lambda pk=queued_id: inbox_sync_company_task.delay(pk, trigger))  # type: ignore[misc]
    return queued
