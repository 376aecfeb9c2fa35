"""Two ways a message could be lost for good: a ZIP that arrives cut short (HTTP 200 all the same), and a
message that surfaces at ANAF with a `data_creare` older than the watermark's window."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from importlib import resources
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.documents import archive
from hub.inbox.models import CompanySync, Invoice, InvoiceState, Message, MessageState, SyncRun
from hub.inbox.services.downloads import damaged_retry_delay, zip_damaged
from hub.inbox.services.sync import SWEEP, inbox_sync_company
from hub.inbox.tasks import inbox_sweep_task
from tests.hub.helpers import advance_clocks, login
from tests.hub.inbox.helpers import ALFA, company, downloads, listed_ids, several_pages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    return several_pages(sandbox_seed)


DOWNLOAD_PATH = "/test/FCTEL/rest/descarcare"


def _sample(name: str) -> str:
    return str(resources.files("anaf_sandbox") / "seeds" / "invoices" / name)


def test_a_truncated_zip_is_kept_and_downloaded_again_until_a_readable_one_arrives(
    hub_sandbox: Any, authorized: Organization, owner: User
) -> None:
    target = company(authorized, ALFA)
    expected = listed_ids(hub_sandbox, ALFA)
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "truncated", "count": 1})

    first = inbox_sync_company(company_id=target.pk)
    assert first.outcome == "ok"
    damaged = Message.objects.get(company=target, state=MessageState.DAMAGED)
    assert Message.objects.filter(company=target, state=MessageState.ARCHIVED).count() == len(expected) - 1
    assert not Invoice.objects.filter(message=damaged).exists()  # not "archived as unreadable"
    kept = archive.blob_get(damaged.damaged_sha256)  # kept exactly as received
    assert zip_damaged(kept)
    assert not damaged.zip_sha256
    [truncated_call] = [call for call in hub_sandbox.calls(DOWNLOAD_PATH) if call.get("fault")]
    assert truncated_call["status"] == 200
    assert truncated_call["query"] == f"id={damaged.download_id}"
    # The state is shown on the sync page.
    page = login(owner).get(f"/o/{authorized.slug}/inbox/sync/").content.decode()
    assert 'data-field="damaged"><span class="badge warn">1</span>' in page

    # The next sync, too soon, leaves it alone (a download costs one of ANAF's 10 a day).
    inbox_sync_company(company_id=target.pk)
    assert Counter(downloads(hub_sandbox))[damaged.download_id] == 0
    advance_clocks(hub_sandbox, damaged_retry_delay(1) + timedelta(minutes=1))
    inbox_sync_company(company_id=target.pk)
    healed = Message.objects.get(pk=damaged.pk)
    assert healed.state == MessageState.ARCHIVED
    assert archive.blob_get(healed.zip_sha256)
    assert Invoice.objects.get(message=healed).state != InvoiceState.UNREADABLE
    assert Counter(downloads(hub_sandbox))[damaged.download_id] == 1
    assert Invoice.objects.filter(company=target).count() == len(expected)


def test_a_message_damaged_every_time_stays_within_anafs_daily_downloads(
    hub_sandbox: Any, authorized: Organization
) -> None:
    target = company(authorized, ALFA)
    inbox_sync_company(company_id=target.pk)
    [added] = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": _sample("supplier_invoice.xml"), "age_days": 0.5}
    )
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "truncated", "rate": 1.0})
    for _hour in range(24):  # a sync every hour for a day, each one finding the message still damaged
        advance_clocks(hub_sandbox, timedelta(hours=1))
        inbox_sync_company(company_id=target.pk)
    calls = [c for c in hub_sandbox.calls(DOWNLOAD_PATH) if c["query"] == f"id={added['id']}"]
    assert 5 <= len(calls) <= 10
    message = Message.objects.get(company=target, download_id=added["id"])
    assert message.state == MessageState.DAMAGED
    assert message.attempts == len(calls)


def test_the_daily_sweep_finds_a_message_that_surfaced_behind_the_watermark(
    hub_sandbox: Any, authorized: Organization, owner: User
) -> None:
    target = company(authorized, ALFA)
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    advance_clocks(hub_sandbox, timedelta(days=3))
    assert inbox_sync_company(company_id=target.pk).outcome == "ok"
    # A message appears at ANAF dated 20 days back: before the watermark minus the overlap.
    [late] = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "file": _sample("supplier_invoice.xml"), "age_days": 20}
    )
    expected = listed_ids(hub_sandbox, ALFA)
    assert late["id"] in expected
    inbox_sync_company(company_id=target.pk)
    assert not Message.objects.filter(company=target, download_id=late["id"]).exists()  # the window misses it

    listings_before = len(_listings(hub_sandbox))
    assert inbox_sweep_task.delay().get() >= 1  # beat's daily job, one sweep per company
    sweep = SyncRun.objects.filter(company=target, trigger=SWEEP).get()
    assert sweep.outcome == "ok"
    assert sweep.new == 1
    assert sweep.archived == 1
    assert Message.objects.get(company=target, download_id=late["id"]).state == MessageState.ARCHIVED
    pages = -(-len(expected) // 40)
    assert len(_listings(hub_sandbox)) - listings_before <= pages + 1  # a few calls: the pages, once
    state = CompanySync.objects.get(company=target)
    assert (state.anaf_listed, state.swept_archived, state.swept_found) == (len(expected), len(expected), 1)
    page = login(owner).get(f"/o/{authorized.slug}/inbox/sync/").content.decode()
    assert f"{len(expected)} / {len(expected)}" in page

    # The next day's sweep finds nothing new.
    advance_clocks(hub_sandbox, timedelta(days=1))
    inbox_sync_company(company_id=target.pk, trigger=SWEEP)
    assert CompanySync.objects.get(company=target).swept_found == 0


def _listings(sandbox: Any) -> list[dict[str, Any]]:
    return [call for call in sandbox.calls("listaMesajePaginatieFactura") if f"cif={ALFA}" in call["query"]]
