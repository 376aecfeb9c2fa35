"""Parallel downloads against the sandbox over HTTP (with its injected latency and faults): a sync keeps up to
`EFACTURA_SYNC_PARALLEL_DOWNLOADS` downloads in flight, each message downloaded once, none lost; the first
download goes alone; an error that concerns every message stops the other threads cleanly."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import einvoice
from hub.accounts.models import Organization
from hub.core.errors import ErrorCode
from hub.documents.reading import read_zip
from hub.inbox.models import Invoice, Message, MessageState
from hub.inbox.services.reading import invoice_upsert
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.inbox.helpers import ALFA, DOWNLOAD_PATH, company, listed_ids
from tests.sample_invoices import ro_invoice_xml

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 40
LATENCY = 0.25  # seconds the sandbox holds each download: well above the reading's CPU per invoice
WIDTH = 8


@pytest.fixture
def forty(hub_sandbox: Any, authorized: Organization, settings: Any) -> set[str]:
    """40 received invoices for ALFA (besides what the seed holds), 8 downloads in flight, and the stylesheets
    compiled as a worker compiles them at its start."""
    settings.EFACTURA_SYNC_PARALLEL_DOWNLOADS = WIDTH
    einvoice.warm_up("ro")
    hub_sandbox.add_messages(
        *(
            {
                "cif": ALFA,
                "direction": "received",
                "xml": ro_invoice_xml(f"PAR-{n:03}").decode(),
                "age_days": 1,
            }
            for n in range(MESSAGES)
        )
    )
    expected = listed_ids(hub_sandbox, ALFA)
    assert len(expected) >= MESSAGES
    return expected


def most_started_within(sandbox: Any, seconds: float) -> int:
    """The most downloads that began within `seconds` of each other (the sandbox's call log, its clock).

    Each download takes at least `seconds` (the injected latency), so that many were in flight at once.
    """
    starts = sorted(datetime.fromisoformat(call["at"]).timestamp() for call in sandbox.calls(DOWNLOAD_PATH))
    return max(
        (sum(1 for other in starts[index:] if other - start < seconds) for index, start in enumerate(starts)),
        default=0,
    )


def downloads(sandbox: Any) -> list[str]:
    """Ids of the downloads ANAF answered with a ZIP (HTTP 200, slowed down or not)."""
    return [
        call["query"].removeprefix("id=")
        for call in sandbox.calls(DOWNLOAD_PATH)
        if call.get("status") == 200
    ]


def _download_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("inbox-download-")]


def test_forty_slow_downloads_run_eight_at_a_time_each_once(
    hub_sandbox: Any, authorized: Organization, forty: set[str]
) -> None:
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": LATENCY, "rate": 1.0})
    started = time.monotonic()
    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)
    elapsed = time.monotonic() - started

    assert result.outcome == "ok", result.error
    # One stream waits for the sandbox alone len(forty) * 250 ms = 10 s (and reads in between); 8 in flight
    # need an eighth of the waiting plus the reading, in this thread (2.5 s on SQLite, 4 s on PostgreSQL,
    # 2 shared cores).
    sequential = len(forty) * LATENCY
    assert elapsed < 0.6 * sequential, f"{elapsed:.2f} s for {len(forty)} downloads"
    assert 3 <= most_started_within(hub_sandbox, LATENCY) <= WIDTH
    assert Counter(downloads(hub_sandbox)) == Counter(forty)  # each exactly once
    ledger = Message.objects.filter(company=company(authorized, ALFA))
    assert set(ledger.values_list("download_id", flat=True)) == forty
    assert not ledger.exclude(state=MessageState.ARCHIVED).exists()  # none lost
    assert Invoice.objects.filter(company=company(authorized, ALFA)).count() == len(forty)
    assert result.downloaded == result.archived == len(forty)
    assert not _download_threads()  # every download thread ended (and closed its connections)
    print(f"{len(forty)} downloads of {LATENCY * 1000:.0f} ms, {WIDTH} in flight: {elapsed:.2f} s")


def test_a_refused_token_stops_the_run_at_the_first_download(
    hub_sandbox: Any, authorized: Organization, forty: set[str]
) -> None:
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "token_refused", "rate": 1.0})

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "failed"
    assert result.error == ErrorCode.INVALID_TOKEN
    tried = {call["query"].removeprefix("id=") for call in hub_sandbox.calls(DOWNLOAD_PATH)}
    assert len(tried) == 1  # the first download went alone: nothing else was asked
    assert not _download_threads()


def test_anaf_going_down_mid_run_stops_every_thread_and_the_next_run_finishes(
    hub_sandbox: Any, authorized: Organization, forty: set[str]
) -> None:
    target = company(authorized, ALFA)
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 0.05, "rate": 1.0})

    def break_anaf_after(count: int) -> Callable[[], None]:
        def watch() -> None:
            while len(downloads(hub_sandbox)) < count:
                time.sleep(0.01)
            hub_sandbox.clear_faults()
            hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "maintenance", "rate": 1.0})

        return watch

    watcher = threading.Thread(target=break_anaf_after(12), daemon=True)
    watcher.start()
    first = inbox_sync_company(company_id=target.pk)
    watcher.join(timeout=30)

    assert first.outcome == "failed"
    assert first.error == ErrorCode.ANAF_DOWN
    assert not _download_threads()
    ledger = Message.objects.filter(company=target)
    served = set(downloads(hub_sandbox))
    assert 12 <= len(served) < len(forty)
    # Every ZIP ANAF served is stored (read now or by the next run); nothing else moved.
    assert (
        set(
            ledger.filter(state__in=[MessageState.STORED, MessageState.ARCHIVED]).values_list(
                "download_id", flat=True
            )
        )
        == served
    )

    hub_sandbox.clear_faults()
    second = inbox_sync_company(company_id=target.pk)

    assert second.outcome == "ok", second.error
    assert not ledger.exclude(state=MessageState.ARCHIVED).exists()
    assert Counter(downloads(hub_sandbox)) == Counter(forty)  # nothing downloaded twice


def test_storing_an_invoice_costs_a_few_queries_whatever_its_lines(
    hub_sandbox: Any, authorized: Organization, forty: set[str], settings: Any
) -> None:
    """One transaction per invoice: the row, its parties, lines and VAT rows in bulk, the ledger's move."""
    settings.EFACTURA_SYNC_PARALLEL_DOWNLOADS = 1
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    counts = {}
    for lines in (1, 30):
        message = Message.objects.filter(company=company(authorized, ALFA)).select_related("company").first()
        assert message is not None
        Invoice.objects.filter(message=message).delete()
        reading = read_zip(_zipped(ro_invoice_xml(f"Q-{lines}", lines=lines)))
        assert reading.invoice is not None
        assert len(reading.invoice.lines) == lines
        with CaptureQueriesContext(connection) as captured:
            invoice_upsert(message=message, reading=reading)
        counts[lines] = len(captured.captured_queries)
    assert counts[1] == counts[30], counts
    # The clock (its test offset), BEGIN, the lookup, the row, parties, lines and VAT rows in bulk, the
    # ledger's move, COMMIT: 9; the desk's review of a new invoice (its signal) adds 3. It was 17 before.
    assert counts[1] <= 12, counts


def _zipped(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("4200000001.xml", xml)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=False)
def test_a_sync_inside_a_transaction_downloads_in_its_own_thread(
    forty: set[str], authorized: Organization
) -> None:
    """Called within an open transaction (here the test's own), threads could neither see its rows (the
    authorization) nor write beside it: the sync then downloads alone, and still archives everything."""
    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "ok"
    assert set(Message.objects.filter(company__cif=ALFA).values_list("download_id", flat=True)) >= forty
    assert Message.objects.filter(company__cif=ALFA).exclude(state=MessageState.ARCHIVED).count() == 0
