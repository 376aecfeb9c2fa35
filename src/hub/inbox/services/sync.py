"""`inbox_sync_company`: list every message of a company since its watermark, then archive each unseen one.

The pipeline (design.md "Sync the inbox"), each step idempotent and skipping what is done:
1. claim the company with a short lease (a conditional update: one worker per company at a time), which the
   run renews as it makes progress (each page, each download), again by a conditional update that only the
   current holder can make: a crashed run's claim lapses within minutes, a long healthy one never does;
2. list with `listaMesajePaginatieFactura` (via `EFacturaClient.iter_messages`, all pages, all kinds) from
   the watermark minus an overlap and a clock-skew margin; every id goes into the ledger at once;
3. the watermark moves only after the whole listing succeeded;
4. for each ledger row not archived: download (unless its ZIP is already stored), store the bytes first,
   then read and upsert (`services.reading`), several downloads in flight at once (`services.downloads`).
   A stored ZIP is never downloaded again. A message ANAF refuses is recorded on its row (attempts, last
   error) and skipped; rows that failed before go to the back of the queue, so one refused message never
   holds up the others. A ZIP that arrives damaged (cut short, HTTP 200 all the same) is kept as received
   and the message downloaded again later, until a readable one arrives (`zip_damaged`,
   `damaged_retry_delay`). Only failures that concern every message (ANAF down, a global quota, the token)
   stop the run;
5. once a day, a sweep (`trigger="sweep"`) lists ANAF's whole 60 days instead of the watermark's window,
   archives whatever is listed there and missing here, and records "listed at ANAF / archived here";
6. announce every archived document not announced yet (`services.announce`), each exactly once, also those
   a crashed earlier run archived but did not announce.
A failure stops this company only; it is recorded as a `SyncRun` and, for causes that need a person, raised
as an event (in-app + e-mail). What a sync learns about the authorization is handed to `ro_efactura`: a CIF
whose rights are gone, a token ANAF refuses (and, on success, that it works again). Messages ANAF no longer
serves (past 60 days) are counted and raised as an event.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

import anaf
from anaf import EFacturaClient
from hub.accounts.models import Company
from hub.core import clock
from hub.core.errors import ErrorCode
from hub.core.problems import SyncError, SyncProblem
from hub.inbox.models import CompanySync, Direction, Message, MessageState, SyncOutcome, SyncRun
from hub.inbox.services.alarms import messages_expired_raise, sync_failure_raise
from hub.inbox.services.announce import invoices_announce_pending
from hub.inbox.services.downloads import messages_archive
from hub.inbox.services.recovery import runs_interrupted_close
from hub.inbox.services.scheduling import interval_of
from hub.integrations.ro_efactura.anaf_errors import code_for
from hub.integrations.ro_efactura.services import access

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)
SWEEP = "sweep"  # the trigger of the daily full-window comparison with ANAF
LEDGER_BATCH = 200
PROGRESS_EVERY = 1.0  # seconds between two writes of a running sync's counters
DIRECTIONS = {
    "FACTURA PRIMITA": Direction.RECEIVED,
    "FACTURA TRIMISA": Direction.SENT,
    "ERORI FACTURA": Direction.ERROR,
}
# Causes no retry will fix: a person must act, so they are raised as events, once per failure episode.
NEEDS_A_PERSON = {
    SyncProblem.NO_AUTHORIZATION,
    SyncProblem.AUTHORIZATION_EXPIRED,
    ErrorCode.REAUTHORIZATION_REQUIRED,
    ErrorCode.NO_SPV_RIGHTS,
    ErrorCode.INVALID_TOKEN,
}


def overlap() -> timedelta:
    return timedelta(minutes=getattr(settings, "EFACTURA_SYNC_OVERLAP_MINUTES", 24 * 60))


def lease_duration() -> timedelta:
    """How long a claim holds without renewal (`EFACTURA_SYNC_LEASE_SECONDS`, tests shorten it)."""
    seconds = getattr(settings, "EFACTURA_SYNC_LEASE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds else LEASE


def skew_margin() -> timedelta:
    return timedelta(minutes=getattr(settings, "EFACTURA_SYNC_SKEW_MARGIN_MINUTES", 10))


def direction_of(anaf_kind: str) -> str:
    kind = anaf_kind.upper()
    if kind in DIRECTIONS:
        return DIRECTIONS[kind]
    if "MESAJ" in kind:
        return Direction.BUYER_MESSAGE
    return Direction.OTHER


@dataclass
class SyncResult:
    company_id: int
    outcome: str
    error: str = ""
    listed: int = 0
    new: int = 0
    downloaded: int = 0
    archived: int = 0
    problems: int = 0
    announced: int = 0
    failed: int = 0
    expired: list[str] = field(default_factory=list)
    authorization_id: int | None = None
    sweep: set[str] | None = None  # a sweep: the ids ANAF listed over its 60 days
    run_id: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _reported: float = field(default=float("-inf"), repr=False, compare=False)

    def count(self, **added: int) -> None:
        """Add to counters; download threads report here, so the additions take a lock."""
        with self._lock:
            for name, amount in added.items():
                setattr(self, name, getattr(self, name) + amount)

    def report_progress(self, *, now: bool = False) -> None:
        """Write the counters so far on the running `SyncRun` (the sync page polls them), at most once per
        `PROGRESS_EVERY` unless `now`: one commit a second rather than one per message."""
        if not now and time.monotonic() - self._reported < PROGRESS_EVERY:
            return
        self._reported = time.monotonic()
        if self.run_id is not None:
            SyncRun.objects.filter(pk=self.run_id, outcome=SyncOutcome.RUNNING).update(
                listed=self.listed,
                new=self.new,
                downloaded=self.downloaded,
                archived=self.archived,
                failed=self.failed,
            )


def company_sync_state(company: Company) -> CompanySync:
    state, _ = CompanySync.objects.get_or_create(company=company, defaults={"tracked_since": clock.now()})
    return state


class Lease:
    """This run's claim on a company: `claimed_by` holds its token, `running_until` when it lapses."""

    def __init__(self, state_id: int, token: str) -> None:
        self.state_id, self.token = state_id, token
        self.renewed = time.monotonic()

    @classmethod
    def claim(cls, state: CompanySync) -> Lease | None:
        """The claim if the company is free (never claimed, released, or its holder's lease lapsed)."""
        now, token = clock.now(), secrets.token_hex(16)
        changed = (
            CompanySync.objects.filter(pk=state.pk)
            .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
            .update(running_until=now + lease_duration(), claimed_by=token, last_started_at=now)
        )
        return cls(state.pk, token) if changed == 1 else None

    def renew(self) -> None:
        """Extend the lease (at most every third of it); a run whose claim another took stops here."""
        if time.monotonic() - self.renewed < lease_duration().total_seconds() / 3:
            return
        if not self.holding().update(running_until=clock.now() + lease_duration()):
            raise SyncError(SyncProblem.LEASE_LOST, "another sync claimed the company after this one stalled")
        self.renewed = time.monotonic()

    def holding(self) -> QuerySet[CompanySync]:
        """The company's sync row, only while this run still holds the claim."""
        return CompanySync.objects.filter(pk=self.state_id, claimed_by=self.token)


def inbox_sync_company(*, company_id: int, trigger: str = "schedule") -> SyncResult:
    """Sync one company; never raises for ANAF or authorization problems (they are recorded)."""
    company = Company.objects.select_related("organization").get(pk=company_id)
    state = company_sync_state(company)
    lease = Lease.claim(state)
    if lease is None:
        return SyncResult(company_id=company_id, outcome="busy")
    runs_interrupted_close(company_id=company_id)  # this claim took over: no earlier run is alive
    run = SyncRun.objects.create(company=company, started=clock.now(), trigger=trigger)
    result = SyncResult(company_id=company_id, outcome=SyncOutcome.RUNNING, run_id=run.pk)
    if trigger == SWEEP:
        result.sweep = set()
    try:
        _run(company, state, lease, result)
    except SyncError as exc:
        result.outcome, result.error = SyncOutcome.FAILED, exc.code
        run.detail = exc.detail[:300]
    except anaf.AnafError as exc:
        result.outcome, result.error = SyncOutcome.FAILED, code_for(exc)
        run.detail = f"{exc.__class__.__name__}: {exc}"[:300]
        _report_to_authorization(company, result, exc)
    except Exception as exc:
        log.exception("sync of company %s crashed", company_id)
        result.outcome, result.error = SyncOutcome.FAILED, SyncProblem.INTERNAL
        run.detail = f"{exc.__class__.__name__}: {exc}"[:300]
    else:
        result.outcome = SyncOutcome.OK
        _report_to_authorization(company, result, None)
        if result.sweep is not None:
            _record_sweep(state, lease, result)
    finally:
        _finish(state, lease, run, result)
        _raise_expired_event(state, run, result)
    result.announced = invoices_announce_pending(company_id=company_id)
    return result


def _run(company: Company, state: CompanySync, lease: Lease, result: SyncResult) -> None:
    authorization = access.usable_authorization(company)
    result.authorization_id = authorization.pk
    with closing(access.client_for(company, authorization)) as client:
        _list(client, company, state, lease, result)
        _archive_pending(client, company, lease, result)


def _list(
    client: EFacturaClient, company: Company, state: CompanySync, lease: Lease, result: SyncResult
) -> None:
    """Record every listed id in the ledger; move the watermark only when all pages were read.

    A sweep lists ANAF's whole 60 days instead (a message can surface at ANAF with a `data_creare` older
    than the watermark minus the overlap: only a full listing finds it) and keeps the listed ids.
    """
    listed_until = client.anaf_now() - client.end_margin
    start = state.watermark - overlap() - skew_margin() if state.watermark else None
    if result.sweep is not None:
        start = None  # the client clamps to ANAF's 60 days
    batch: list[anaf.Message] = []
    for message in client.iter_messages(company.cif, start=start, end=listed_until):
        lease.renew()  # a page arrived
        batch.append(message)
        if result.sweep is not None:
            result.sweep.add(message.download_id)
        if len(batch) >= LEDGER_BATCH:
            _record(company, batch, result)
            batch = []
    _record(company, batch, result)
    result.report_progress(now=True)
    lease.renew()
    lease.holding().update(watermark=listed_until)
    state.watermark = listed_until


def _record(company: Company, messages: list[anaf.Message], result: SyncResult) -> None:
    if not messages:
        return
    result.listed += len(messages)
    ids = [message.download_id for message in messages]
    known = set(
        Message.objects.filter(company=company, download_id__in=ids).values_list("download_id", flat=True)
    )
    now = clock.now()
    rows = [
        Message(
            company=company,
            download_id=message.download_id,
            upload_id=message.upload_id[:40],
            anaf_kind=message.kind[:80],
            direction=direction_of(message.kind),
            details=message.details,
            created_at=message.created,
            listed_at=now,
        )
        for message in messages
        if message.download_id not in known
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)  # a concurrent lister may have won: fine
    result.new += len(rows)


def pending_messages(company: Company) -> Iterable[Message]:
    """Oldest first, but messages that failed before come after those never tried (fewest attempts first)."""
    damaged_due = Q(state=MessageState.DAMAGED) & (Q(retry_at__isnull=True) | Q(retry_at__lte=clock.now()))
    return (
        Message.objects.filter(company=company)
        .filter(Q(state__in=[MessageState.LISTED, MessageState.STORED]) | damaged_due)
        .select_related("company")
        .order_by("attempts", "created_at", "pk")
    )


def _archive_pending(client: EFacturaClient, company: Company, lease: Lease, result: SyncResult) -> None:
    messages_archive(client=client, messages=pending_messages(company), lease=lease, result=result)


def _record_sweep(state: CompanySync, lease: Lease, result: SyncResult) -> None:
    """Listed at ANAF / archived here, and what the sweep found missing (reported: a warning and the run)."""
    assert result.sweep is not None
    ids = list(result.sweep)
    archived = sum(
        Message.objects.filter(
            company_id=state.company_id, state=MessageState.ARCHIVED, download_id__in=ids[i : i + 500]
        ).count()
        for i in range(0, len(ids), 500)
    )
    lease.holding().update(
        swept_at=clock.now(), anaf_listed=len(ids), swept_archived=archived, swept_found=result.new
    )
    if result.new:
        log.warning(
            "sweep of company %s found %s messages listed at ANAF that were not archived here",
            state.company_id,
            result.new,
        )


def _finish(state: CompanySync, lease: Lease, run: SyncRun, result: SyncResult) -> None:
    """Record the run, and release the claim unless another run took it (then that run owns the state)."""
    now = clock.now()
    run.finished, run.outcome, run.error = now, result.outcome, result.error
    for name in ("listed", "new", "downloaded", "archived", "problems", "failed"):
        setattr(run, name, getattr(result, name))
    run.expired = len(result.expired)
    run.save()
    state.refresh_from_db()
    update: dict[str, Any] = {
        "running_until": None,
        "claimed_by": "",
        "next_sync_at": now + interval_of(state),
    }
    if result.outcome == SyncOutcome.OK:
        update.update(last_success_at=now, last_error="", failing_since=None)
    else:
        update.update(last_error=result.error, failing_since=state.failing_since or now)
    lease.holding().update(**update)
    if result.outcome == SyncOutcome.FAILED and result.error in NEEDS_A_PERSON:
        _raise_failure_event(state, result.error, state.failing_since or now, run.detail)


def _raise_failure_event(state: CompanySync, code: str, since: datetime, detail: str) -> None:
    transaction.on_commit(
        lambda: sync_failure_raise(state_id=state.pk, code=code, since=since, detail=detail)
    )


def _report_to_authorization(company: Company, result: SyncResult, exc: anaf.AnafError | None) -> None:
    """Tell `ro_efactura` what the sync learnt (`access.use_report`)."""
    if result.authorization_id is not None:
        access.use_report(company=company, authorization_id=result.authorization_id, error=exc)


def _raise_expired_event(state: CompanySync, run: SyncRun, result: SyncResult) -> None:
    if not result.expired:
        return
    ids = list(result.expired)
    transaction.on_commit(lambda: messages_expired_raise(state_id=state.pk, run_id=run.pk, download_ids=ids))
