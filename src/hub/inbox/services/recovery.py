"""Resume what a dead worker left: lapsed sync claims, runs left "running", companies to sync again.

A worker killed mid-sync (SIGKILL, OOM, a power cut) leaves its claim on the company (`CompanySync`) until
the lease lapses, and its `SyncRun` in "running" forever. Brokers that redeliver an unacknowledged task
(Redis, RabbitMQ) run the sync again by themselves; the SQLite broker cannot (kombu's SQLAlchemy transport
hides a message once fetched, and only a clean shutdown puts it back). So the worker reaps at start and beat
every minute: a lapsed claim is released, the run it belonged to closed as interrupted, and the company is
synced again at once. The ledger makes the new run skip everything already archived.
"""

from __future__ import annotations

import logging

from hub.core import clock
from hub.core.problems import SyncProblem
from hub.inbox.models import CompanySync, SyncOutcome, SyncRun

log = logging.getLogger(__name__)


def runs_interrupted_close(*, company_id: int | None = None) -> set[int]:
    """Close the runs left "running" whose company no live claim holds; returns their companies.

    With `company_id`, the caller has just claimed that company: every run of it still "running" is dead.
    """
    now = clock.now()
    runs = SyncRun.objects.filter(outcome=SyncOutcome.RUNNING)
    if company_id is not None:
        runs = runs.filter(company_id=company_id)
    else:
        runs = runs.exclude(
            company_id__in=CompanySync.objects.filter(running_until__gte=now).values("company_id")
        )
    stale = dict(runs.values_list("pk", "company_id"))
    SyncRun.objects.filter(pk__in=list(stale), outcome=SyncOutcome.RUNNING).update(
        outcome=SyncOutcome.FAILED,
        error=SyncProblem.INTERRUPTED,
        finished=now,
        detail="the worker running this sync stopped before it finished; the next run resumed it",
    )
    return set(stale.values())


def interrupted_syncs_reap() -> list[int]:
    """Release lapsed claims, close the runs they held, and return the companies to sync again now."""
    now = clock.now()
    companies: set[int] = set()
    lapsed = CompanySync.objects.filter(running_until__lt=now).exclude(claimed_by="")
    for state_id, company_id, token in lapsed.values_list("pk", "company_id", "claimed_by"):
        released = CompanySync.objects.filter(pk=state_id, claimed_by=token, running_until__lt=now).update(
            running_until=None, claimed_by="", next_sync_at=now
        )
        if released:
            companies.add(company_id)
    companies |= runs_interrupted_close()
    if companies:
        log.warning("resuming the interrupted syncs of companies %s", sorted(companies))
    return sorted(companies)
