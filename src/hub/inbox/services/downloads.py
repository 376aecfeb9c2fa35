"""Bring a company's pending ledger rows to `archived`: download, store the ZIP, then read it.

`message_archive` does it for one row: its ZIP is stored (content-addressed) and the row marked `stored`
before anything reads it, so a crash after a download costs at most that download. `messages_archive` does
it for a whole queue with up to `EFACTURA_SYNC_PARALLEL_DOWNLOADS` downloads in flight, each message handed
to exactly one download thread; every call still goes through the shared quota limiter, so the ceiling is
ANAF's minute budget, not one stream's latency. The first download of a run goes alone: a refused token or
rights lost on the CIF stop the run after one call, not after one call per thread. An error that concerns
every message (`stops_the_run`) stops the other threads before their next download; what they have in
flight is stored, and read by the next run.

Download threads do their own short database writes (the row's state, the quota's counters, the token) on
their own connections, closed when the thread ends; the caller's thread reads and writes the invoices, one
transaction each.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import connections

import anaf
import einvoice
from anaf import EFacturaClient
from hub.core import clock, rows
from hub.core.problems import SyncError, SyncProblem
from hub.documents import archive
from hub.documents.reading import read_zip
from hub.inbox.models import Message, MessageState
from hub.inbox.services.reading import invoice_upsert

if TYPE_CHECKING:
    from hub.inbox.services.sync import SyncResult

log = logging.getLogger(__name__)

DAMAGED_FIRST_RETRY = timedelta(minutes=15)
DAMAGED_MAX_RETRY = timedelta(hours=8)
MAX_CHECKED_BYTES = 60 * 1024 * 1024  # einvoice's own limit for a whole archive
WAIT_SLICE = 1.0  # seconds the caller waits for a finished download before it renews the lease anyway


class Renewable(Protocol):
    def renew(self) -> None: ...


def parallel_downloads() -> int:
    """Downloads one company's sync keeps in flight (`EFACTURA_SYNC_PARALLEL_DOWNLOADS`, at least 1)."""
    return max(1, int(getattr(settings, "EFACTURA_SYNC_PARALLEL_DOWNLOADS", 8)))


def stops_the_run(exc: Exception) -> bool:
    """An ANAF error that concerns every message (ANAF unreachable or down, a global quota, the token),
    as opposed to a refusal of this one message (no rights on it, its own download quota, an odd answer)."""
    if isinstance(exc, anaf.RateLimited):
        return exc.quota != "download"
    return isinstance(
        exc,
        anaf.TransportError
        | anaf.ServerError
        | anaf.Maintenance
        | anaf.InvalidToken
        | anaf.ReauthorizationRequired,
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A row's ZIP once fetched: `data` is a readable ZIP (None: nothing to read now); `called` says
    whether ANAF was asked for it (a stored ZIP is never downloaded again); `opened` is the ZIP as the damage
    check opened it (None: not opened yet), so the reading does not decompress it again."""

    message: Message
    data: bytes | None
    called: bool
    opened: einvoice.AnafArchive | None = None


def message_archive(
    *, client: EFacturaClient, message: Message, result: SyncResult | None = None
) -> int | None:
    """Bring one ledger row to `archived`; returns the invoice id, or None when it stays unarchived.

    A refusal of this message alone is recorded on its row (attempts, last error) and the caller goes on;
    errors that concern every message (`stops_the_run`) are recorded too, then propagate (the company's sync
    stops and is retried later). ANAF's "past 60 days" marks the row expired for good (`result.expired`).
    """
    fetched = message_fetch(client=client, message=message, result=result)
    if fetched.data is None:
        return None
    return message_read(message=message, data=fetched.data, result=result, opened=fetched.opened)


def message_fetch(*, client: EFacturaClient, message: Message, result: SyncResult | None = None) -> Fetched:
    """The row's ZIP: the stored one, or downloaded and stored (row `stored`) before it is returned."""
    if message.zip_sha256 and archive.blob_exists(message.zip_sha256):
        try:
            return Fetched(message, archive.blob_get(message.zip_sha256), called=False)
        except archive.CorruptBlob:
            pass
    try:
        downloaded = client.download(message.download_id)
    except anaf.MessageExpired as exc:
        Message.objects.filter(pk=message.pk).update(state=MessageState.EXPIRED, last_error=str(exc)[:300])
        if result is not None:
            result.expired.append(message.download_id)
        return Fetched(message, None, called=True)
    except anaf.AnafError as exc:
        Message.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        if stops_the_run(exc):
            raise
        log.info("message %s refused by ANAF: %s", message.download_id, exc.__class__.__name__)
        if result is not None:
            result.count(failed=1)
        return Fetched(message, None, called=True)
    data = downloaded.raw
    damaged, opened = zip_opened(data)
    if damaged:
        _keep_damaged(message, data, result)
        return Fetched(message, None, called=True)
    # A crash between the download above and the ledger update below downloads this message again on the
    # next run. Accepted: it costs one of the 10 downloads ANAF allows per message per day (docs/anaf.md
    # §2.5 and §3), and only the downloads in flight at the crash (at most one per thread) can pay it.
    try:
        digest = archive.blob_put(data)
    except OSError as exc:
        raise SyncError(SyncProblem.STORAGE_FAILED, str(exc)) from exc
    message.zip_sha256, message.zip_size, message.state = digest, len(data), MessageState.STORED
    rows.row_update(  # a statement prepared once: this runs for every download
        Message,
        message.pk,
        zip_sha256=digest,
        zip_size=len(data),
        state=MessageState.STORED,
        downloaded_at=clock.now(),
    )
    if result is not None:
        result.count(downloaded=1)
    return Fetched(message, data, called=True, opened=opened)


def message_read(
    *,
    message: Message,
    data: bytes,
    result: SyncResult | None = None,
    opened: einvoice.AnafArchive | None = None,
) -> int:
    """Read a stored ZIP (`opened`: `data` already opened) and write its invoice (one transaction, which also
    marks the row archived)."""
    reading = read_zip(data, opened=opened)
    invoice = invoice_upsert(message=message, reading=reading)
    if result is not None:
        result.count(archived=1, problems=int(bool(reading.problem) or reading.valid is False))
    return invoice.pk


def messages_archive(
    *,
    client: EFacturaClient,
    messages: Iterable[Message],
    lease: Renewable,
    result: SyncResult,
    width: int | None = None,
) -> None:
    """Archive every row of `messages` (in that order of dispatch), `width` downloads at a time.

    Raises what stops the run (`stops_the_run`, storage, the lease) once the download threads have stopped.
    """
    width = parallel_downloads() if width is None else max(1, width)
    if connections["default"].in_atomic_block:
        width = 1  # another thread's connection would not see this transaction's rows, nor get the write lock
    todo = iter(messages)
    for message in todo:  # alone until the first call to ANAF (all the way with width 1)
        lease.renew()  # after the previous download
        fetched = message_fetch(client=client, message=message, result=result)
        if fetched.data is not None:
            message_read(message=message, data=fetched.data, result=result, opened=fetched.opened)
        result.report_progress()
        if fetched.called and width > 1:
            break
    else:
        return
    pool = _Downloaders(client, result, width)
    try:
        _drain(pool, todo, lease, result)
    finally:
        pool.close()


def _drain(pool: _Downloaders, todo: Iterator[Message], lease: Renewable, result: SyncResult) -> None:
    """Keep the pool fed, read what it fetched in this thread, raise the first error that stopped it."""
    outstanding = 0
    for message in islice(todo, pool.width):
        pool.submit(message)
        outstanding += 1
    error: BaseException | None = None
    while outstanding:
        try:
            message, fetched, exc = pool.done.get(timeout=WAIT_SLICE)
        except queue.Empty:
            lease.renew()  # downloads are slow, not stalled: keep the claim
            continue
        outstanding -= 1
        if exc is not None:
            error = error or exc
            pool.stop.set()
        if pool.stop.is_set():
            continue  # the others finish what they have in flight; their ZIPs are stored, read next run
        following = next(todo, None)
        if following is not None:
            pool.submit(following)
            outstanding += 1
        lease.renew()  # a download finished
        if fetched is not None and fetched.data is not None:
            message_read(message=message, data=fetched.data, result=result, opened=fetched.opened)
        result.report_progress()
    if error is not None:
        raise error


class _Downloaders:
    """`width` threads fetching the rows handed to them (`submit`), each row to one thread only."""

    def __init__(self, client: EFacturaClient, result: SyncResult, width: int) -> None:
        self.client, self.result, self.width = client, result, width
        self.todo: queue.Queue[Message | None] = queue.Queue()
        self.done: queue.Queue[tuple[Message, Fetched | None, BaseException | None]] = queue.Queue()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._work, name=f"inbox-download-{index}", daemon=True)
            for index in range(width)
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, message: Message) -> None:
        self.todo.put(message)

    def _work(self) -> None:
        try:
            while (message := self.todo.get()) is not None:
                if self.stop.is_set():
                    self.done.put((message, None, None))
                    continue
                try:
                    fetched = message_fetch(client=self.client, message=message, result=self.result)
                except BaseException as exc:  # handed to the caller's thread, which stops the run with it
                    self.stop.set()
                    self.done.put((message, None, exc))
                else:
                    self.done.put((message, fetched, None))
        finally:
            connections.close_all()  # this thread's own connections

    def close(self) -> None:
        """Stop taking rows, let the downloads in flight finish (their ZIPs are stored), join the threads."""
        self.stop.set()
        for _thread in self.threads:
            self.todo.put(None)
        for thread in self.threads:
            thread.join()


def zip_damaged(data: bytes) -> bool:
    """True for a ZIP cut short or corrupted on the way (HTTP 200 all the same): another download may heal it.

    Only the central directory and the CRCs are checked, and only within the archive's size limits; a ZIP
    refused for its size or shape is not "damaged" (downloading it again would bring the same bytes).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            if sum(info.file_size for info in opened.infolist()) > MAX_CHECKED_BYTES:
                return False
            return opened.testzip() is not None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error):
        return True


def zip_opened(data: bytes) -> tuple[bool, einvoice.AnafArchive | None]:
    """`zip_damaged(data)`, and the ZIP opened by einvoice when it opens (None when it does not).

    Opening reads every entry to its end, CRCs checked: a ZIP that opens is not damaged, and only one that
    does not (damaged, or refused for its size or shape) is checked again.
    """
    try:
        return False, einvoice.open_anaf_zip(data)
    except einvoice.UnsafeArchive:
        return zip_damaged(data), None


def damaged_retry_delay(attempts: int) -> timedelta:
    """15 minutes, doubling up to 8 hours: at most 7 downloads of one message on its first day, then 3 a day,
    well inside ANAF's 10 per message per day (docs/anaf.md §3)."""
    delay: timedelta = DAMAGED_FIRST_RETRY * (2 ** max(0, min(attempts - 1, 16)))
    return min(delay, DAMAGED_MAX_RETRY)


def _keep_damaged(message: Message, data: bytes, result: SyncResult | None) -> None:
    """Keep the damaged ZIP as received, and schedule another download of the message."""
    try:
        digest = archive.blob_put(data)
    except OSError as exc:
        raise SyncError(SyncProblem.STORAGE_FAILED, str(exc)) from exc
    attempts = message.attempts + 1
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.DAMAGED,
        damaged_sha256=digest,
        attempts=attempts,
        retry_at=clock.now() + damaged_retry_delay(attempts),
        downloaded_at=clock.now(),
        last_error=f"damaged ZIP received ({len(data)} bytes, sha256 {digest[:12]}); downloaded again later",
    )
    log.info("message %s arrived damaged; downloaded again later", message.download_id)
    if result is not None:
        result.count(downloaded=1, failed=1)
