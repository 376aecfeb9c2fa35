"""Inbox tasks: each takes ids, calls one service. The beat task enqueues the companies that are due."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready

from hub.inbox.services.alarms import retention_guard
from hub.inbox.services.announce import digests_send
from hub.inbox.services.integrity import archive_verify
from hub.inbox.services.recovery import interrupted_syncs_reap
from hub.inbox.services.scheduling import companies_planned, companies_swept
from hub.inbox.services.sync import SWEEP, inbox_sync_company


@shared_task
def inbox_sync_due_task() -> int:
    """Beat (every minute): enqueue the due companies that fit in this minute's share of ANAF's budget."""
    due = companies_planned()
    for company_id in due:
        inbox_sync_company_task.delay(company_id)
    return len(due)


@shared_task(bind=True, expires=25 * 60, max_retries=12)
def inbox_sync_company_task(self: Task[Any, Any], company_id: int, trigger: str = "schedule") -> str:
    outcome = inbox_sync_company(company_id=company_id, trigger=trigger).outcome
    if outcome == "busy" and trigger == SWEEP:  # the day's sweep waits for the run in progress
        raise self.retry(countdown=300)
    return outcome


@shared_task
def inbox_sweep_task() -> int:
    """Daily: compare each company's whole 60 days at ANAF with the archive, fetch what is missing."""
    companies = companies_swept()
    for company_id in companies:
        inbox_sync_company_task.delay(company_id, SWEEP)
    return len(companies)


@shared_task
def inbox_retention_guard_task() -> int:
    return retention_guard()


@shared_task
def inbox_digest_task() -> int:
    return digests_send()


@shared_task
def inbox_resume_interrupted_task() -> int:
    """At worker start and every minute: sync again each company whose sync a dead worker left."""
    companies = interrupted_syncs_reap()
    for company_id in companies:
        inbox_sync_company_task.delay(company_id, "resume")
    return len(companies)


@shared_task
def inbox_archive_verify_task() -> int:
    """On a schedule: re-hash every original and re-check its signature; returns the differences found."""
    return len(archive_verify().differences)


# The child process has its own time limit (EFACTURA_PDF_TIME_LIMIT); these only catch a stuck parent.
@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60)
def invoice_pdf_render_task(invoice_id: int, lang: str = "ro") -> str:
    from hub.inbox.services.rendering import invoice_pdf_render  # noqa: PLC0415 (rendering enqueues this task)

    return invoice_pdf_render(invoice_id=invoice_id, lang=lang)


@worker_ready.connect
def _resume_interrupted(**kwargs: Any) -> None:
    """A worker that starts resumes what a dead one left (the SQLite broker never redelivers it)."""
    inbox_resume_interrupted_task.delay()
