"""Inbox tasks: each takes ids, calls one service. The beat task enqueues the companies that are due."""

from __future__ import annotations

from celery import shared_task

from hub.inbox.services.alarms import retention_guard
from hub.inbox.services.announce import digests_send
from hub.inbox.services.sync import companies_due, inbox_sync_company


@shared_task
def inbox_sync_due_task() -> int:
    """Beat (every minute): enqueue a sync for each company whose own interval has elapsed."""
    due = companies_due()
    for company_id in due:
        inbox_sync_company_task.delay(company_id)
    return len(due)


@shared_task(expires=25 * 60)
def inbox_sync_company_task(company_id: int, trigger: str = "schedule") -> str:
    return inbox_sync_company(company_id=company_id, trigger=trigger).outcome


@shared_task
def inbox_retention_guard_task() -> int:
    return retention_guard()


@shared_task
def inbox_digest_task() -> int:
    return digests_send()
