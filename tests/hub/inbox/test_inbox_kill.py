"""A real `efactura sync` process killed with SIGKILL mid-listing and mid-download loses nothing.

The child process shares the test's database: on PostgreSQL the live test database itself; on SQLite (whose
test database lives in memory) a file the test copies the in-memory database to before each child starts and
copies back after it ends, so the assertions read exactly what the killed process left on disk.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.documents import archive
from hub.inbox.models import CompanySync, Invoice, Message, MessageState
from hub.inbox.services.sync import LEASE, LEDGER_BATCH
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, DOWNLOAD_PATH, SharedDatabase, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)

LIST_PATH = "/test/FCTEL/rest/listaMesajePaginatieFactura"
PAGE_SIZE = 40
PARALLEL = 4  # the children's downloads in flight: a kill may leave this many downloaded and unrecorded
ENV = {"EFACTURA_SYNC_PARALLEL_DOWNLOADS": str(PARALLEL)}


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """About 260 messages for one company over 7 pages: more than one ledger batch (200)."""
    sandbox_seed["limits"] = {"page_size": PAGE_SIZE}
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 20,
        "days": 13,
        "seed": 5,
        "credit_note_ratio": 0.1,
        "companies": [ALFA],
    }
    return sandbox_seed


def test_a_sync_killed_mid_listing_and_mid_download_loses_nothing(
    hub_sandbox: Any,
    authorized: Organization,
    shared_database: SharedDatabase,
    sync_process: Callable[..., subprocess.Popen[str]],
) -> None:
    target = company(authorized, ALFA)
    expected = listed_ids(hub_sandbox, ALFA)
    pages = -(-len(expected) // PAGE_SIZE)
    assert len(expected) > LEDGER_BATCH + PAGE_SIZE
    assert pages >= 7

    # 1. Killed listing page 6: the first 200 ids are in the ledger, the watermark must not move.
    hub_sandbox.add_faults({"path": LIST_PATH, "kind": "slow", "seconds": 0.6, "rate": 1.0})
    pages_before = len(_list_calls(hub_sandbox))  # listed_ids' own calls
    worker = sync_process(env=ENV)
    _kill_when(worker, lambda: len(_list_calls(hub_sandbox)) - pages_before >= 6)
    shared_database.collect()
    ledger = Message.objects.filter(company=target)
    assert ledger.count() == LEDGER_BATCH
    assert set(ledger.values_list("download_id", flat=True)) <= expected
    assert CompanySync.objects.get(company=target).watermark is None
    assert not hub_sandbox.calls(DOWNLOAD_PATH)
    assert not Invoice.objects.exists()
    # The dead worker's short lease still holds: a new run is refused until it lapses, not any longer.
    refused, _ = sync_process(env=ENV).communicate(timeout=60)
    assert f"{ALFA}: busy" in refused
    shared_database.collect()

    # 2. Killed while downloads are in flight, after at least 40 complete downloads.
    hub_sandbox.clear_faults()
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 0.05, "rate": 1.0})
    _lease_lapses(hub_sandbox)  # the dead worker's lease on the company expires
    worker = sync_process(env=ENV)
    _kill_when(worker, lambda: _downloads_in_flight(hub_sandbox, completed_at_least=40))
    time.sleep(0.2)  # the sandbox finishes answering the downloads that were in flight
    shared_database.collect()
    archived = _assert_consistent(target)
    # not archived yet: up to PARALLEL downloads in flight or waiting to be read, and the one being read
    assert 40 - PARALLEL - 1 <= len(archived) < len(expected)
    assert set(Message.objects.filter(company=target).values_list("download_id", flat=True)) == expected
    # every completed download has its ZIP stored, except at most those in flight at the kill (one a thread)
    stored = set(
        Message.objects.filter(company=target).exclude(zip_sha256="").values_list("download_id", flat=True)
    )
    assert len(set(_completed_downloads(hub_sandbox)) - stored) <= PARALLEL

    # 3. The next sync runs to completion.
    hub_sandbox.clear_faults()
    _lease_lapses(hub_sandbox)
    worker = sync_process(env=ENV)
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    assert f"{ALFA}: ok" in output
    shared_database.collect()

    ledger = Message.objects.filter(company=target)
    assert sorted(ledger.values_list("download_id", flat=True)) == sorted(expected)  # each exactly once
    assert not ledger.exclude(state=MessageState.ARCHIVED).exists()
    assert Invoice.objects.filter(company=target).count() == len(expected)
    assert len(_assert_consistent(target)) == len(expected)
    # Every message was downloaded; at most PARALLEL twice: those in flight at the mid-download kill, whose
    # downloads the killed process never recorded, so the next run fetched them again.
    downloaded = Counter(_completed_downloads(hub_sandbox))
    assert set(downloaded) == expected
    extra_downloads = sum(count - 1 for count in downloaded.values())
    assert extra_downloads <= PARALLEL
    # Each ZIP of the ledger stored once, under its content hash. The sandbox stamps ZIP entries with the
    # time of the download, so a second download has other bytes: the killed process may have left the
    # first one's blob behind, unreferenced (harmless), and only when that message was downloaded again.
    digests = set(ledger.values_list("zip_sha256", flat=True))
    zip_root = Path(archive.archive_storage().path("zip"))
    blob_files = {path.stem: path for path in zip_root.rglob("*.zip")}
    assert digests <= set(blob_files)
    for digest in digests:
        assert hashlib.sha256(blob_files[digest].read_bytes()).hexdigest() == digest
    assert len(set(blob_files) - digests) <= extra_downloads
    assert not [path for path in zip_root.rglob("*") if path.is_file() and path.suffix != ".zip"]


def _kill_when(process: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"the sync ended before the kill point: {process.communicate()[0]}")
        if time.monotonic() > deadline:
            pytest.fail("the sync never reached the kill point")
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL


def _lease_lapses(sandbox: Any) -> None:
    """Move both clocks past the short lease a killed worker still holds (nothing else would release it)."""
    assert timedelta(minutes=2) <= LEASE <= timedelta(minutes=3)
    advance_clocks(sandbox, LEASE + timedelta(seconds=30))


def _list_calls(sandbox: Any) -> list[dict[str, Any]]:
    return [call for call in sandbox.calls(LIST_PATH) if f"cif={ALFA}" in call["query"]]


def _downloads_in_flight(sandbox: Any, *, completed_at_least: int) -> bool:
    calls = sandbox.calls(DOWNLOAD_PATH)
    done = sum(call.get("status") == 200 for call in calls)
    return done >= completed_at_least and any("status" not in call for call in calls)


def _completed_downloads(sandbox: Any) -> list[str]:
    """Download ids of the `descarcare` calls ANAF answered with 200 (each counts against its quota)."""
    return [
        call["query"].removeprefix("id=")
        for call in sandbox.calls(DOWNLOAD_PATH)
        if call.get("status") == 200
    ]


def _assert_consistent(target: Any) -> set[str]:
    """No archived invoice without its stored ZIP, no stored ZIP missing or corrupt; returns archived ids."""
    for invoice in Invoice.objects.filter(company=target).select_related("message"):
        assert invoice.message.state == MessageState.ARCHIVED
        assert invoice.message.zip_sha256
    for message in Message.objects.filter(company=target).exclude(state=MessageState.LISTED):
        if message.state in (MessageState.STORED, MessageState.ARCHIVED):
            assert archive.blob_get(message.zip_sha256)  # exists and hashes to its name
    archived = Message.objects.filter(company=target, state=MessageState.ARCHIVED)
    assert archived.count() == Invoice.objects.filter(company=target).count()
    return set(archived.values_list("download_id", flat=True))
