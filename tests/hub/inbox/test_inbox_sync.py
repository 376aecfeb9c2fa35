"""The sync pipeline against the sandbox over HTTP: every page, every company, nothing twice, crash-safe."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.core.errors import ErrorCode
from hub.documents import archive
from hub.inbox.models import CompanySync, Invoice, InvoiceState, Message, MessageState, SyncRun
from hub.inbox.services import downloads as download_service
from hub.inbox.services.sync import inbox_sync_company
from hub.notifications.models import Event
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, BUCATARIA, TESATORIA, company, downloads, listed_ids, several_pages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    return several_pages(sandbox_seed)


def test_it_archives_every_message_of_every_page_and_company_once(
    hub_sandbox: Any, authorized: Organization
) -> None:
    sent = hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "sent", "file": _sample("supplier_invoice.xml"), "age_days": 2}
    )
    expected = {cif: listed_ids(hub_sandbox, cif) for cif in (ALFA, BUCATARIA)}
    assert len(expected[ALFA]) > 3 * 40
    assert len(expected[BUCATARIA]) >= 3 * 40

    results = [
        inbox_sync_company(company_id=company(authorized, cif).pk) for cif in (ALFA, BUCATARIA, TESATORIA)
    ]

    assert [result.outcome for result in results] == ["ok", "ok", "failed"]
    for cif in (ALFA, BUCATARIA):
        ledger = set(Message.objects.filter(company__cif=cif).values_list("download_id", flat=True))
        assert ledger == expected[cif]
        assert Invoice.objects.filter(company__cif=cif).count() == len(expected[cif])
    assert not Message.objects.exclude(state=MessageState.ARCHIVED).exists()
    downloaded = Counter(downloads(hub_sandbox))
    assert set(downloaded) == expected[ALFA] | expected[BUCATARIA]
    assert max(downloaded.values()) == 1
    assert Message.objects.get(download_id=sent[0]["id"]).direction == "sent"
    # every page was asked for (the paginated listing only)
    pages = [
        call for call in hub_sandbox.calls("/listaMesajePaginatieFactura") if "cif=16000015" in call["query"]
    ]
    assert len(pages) >= 4
    assert not hub_sandbox.calls("/listaMesajeFactura")

    again = inbox_sync_company(company_id=company(authorized, ALFA).pk)
    assert again.outcome == "ok"
    assert again.new == 0
    assert again.downloaded == 0
    assert Counter(downloads(hub_sandbox)) == downloaded  # not one download more
    invoice = Invoice.objects.filter(company__cif=ALFA, kind="invoice").exclude(lines=None).first()
    assert invoice is not None
    assert invoice.vat_breakdown.exists()
    assert invoice.parties.count() >= 2
    assert invoice.signature_valid is True
    state = CompanySync.objects.get(company__cif=ALFA)
    assert state.watermark is not None
    assert state.last_error == ""


def test_a_crash_after_storing_loses_nothing_and_downloads_nothing_twice(
    hub_sandbox: Any, authorized: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a worker that dies right after storing the 7th ZIP (before its rows are written), with other
    downloads in flight
    WHEN the sync runs again THEN every message is archived and each was downloaded exactly once."""
    target = company(authorized, ALFA)
    real_upsert = download_service.invoice_upsert
    calls = {"n": 0}

    def dying_upsert(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 7:
            raise SystemExit("worker killed")
        return real_upsert(**kwargs)

    monkeypatch.setattr(download_service, "invoice_upsert", dying_upsert)
    with pytest.raises(SystemExit):
        inbox_sync_company(company_id=target.pk)
    assert Invoice.objects.filter(company=target).count() == 6
    stored = Message.objects.filter(company=target, state=MessageState.STORED)
    assert stored.exists()  # the 7th, and what the other download threads had in flight
    assert all(archive.blob_exists(message.zip_sha256) for message in stored)

    monkeypatch.setattr(download_service, "invoice_upsert", real_upsert)
    CompanySync.objects.filter(company=target).update(running_until=None)  # the dead worker's lease lapses
    result = inbox_sync_company(company_id=target.pk)

    assert result.outcome == "ok"
    expected = listed_ids(hub_sandbox, ALFA)
    assert Invoice.objects.filter(company=target).count() == len(expected)
    assert Counter(downloads(hub_sandbox)) == Counter(expected)


def test_anaf_failing_mid_sync_is_recorded_and_the_next_sync_resumes(
    hub_sandbox: Any, authorized: Organization
) -> None:
    target = company(authorized, BUCATARIA)
    hub_sandbox.add_faults({"path": "/test/FCTEL/rest/descarcare", "kind": "http_500", "count": 4})
    # 4 faults: the client tries each download 4 times, so the first download fails for good
    first = inbox_sync_company(company_id=target.pk)
    assert first.outcome == "failed"
    assert first.error == ErrorCode.ANAF_DOWN
    run = SyncRun.objects.filter(company=target).first()
    assert run is not None
    assert run.outcome == "failed"
    assert run.error == ErrorCode.ANAF_DOWN
    assert CompanySync.objects.get(company=target).failing_since is not None
    archived_before = Invoice.objects.filter(company=target).count()
    assert archived_before < len(listed_ids(hub_sandbox, BUCATARIA))

    second = inbox_sync_company(company_id=target.pk)

    assert second.outcome == "ok"
    expected = listed_ids(hub_sandbox, BUCATARIA)
    assert (
        set(Invoice.objects.filter(company=target).values_list("message__download_id", flat=True)) == expected
    )
    assert Counter(downloads(hub_sandbox)) == Counter(expected)
    assert CompanySync.objects.get(company=target).failing_since is None


def test_a_cif_without_rights_is_reported_and_does_not_stop_the_others(
    hub_sandbox: Any, authorized: Organization
) -> None:
    from hub.inbox.tasks import inbox_sync_due_task

    inbox_sync_due_task.delay()

    state = CompanySync.objects.get(company__cif=TESATORIA)
    assert state.last_error == ErrorCode.NO_SPV_RIGHTS
    assert Event.objects.filter(kind="inbox.sync_failed", params__cif=TESATORIA).count() == 1
    assert CompanySync.objects.get(company__cif=ALFA).last_error == ""
    assert Invoice.objects.filter(company__cif=ALFA).exists()
    # a second failure of the same episode raises no second event
    inbox_sync_company(company_id=state.company_id)
    assert Event.objects.filter(kind="inbox.sync_failed", params__cif=TESATORIA).count() == 1


def test_an_expired_authorization_is_reported(hub_sandbox: Any, authorized: Organization) -> None:
    from datetime import timedelta

    advance_clocks(hub_sandbox, timedelta(days=400))  # past the refresh token's own expiry

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "failed"
    assert result.error == ErrorCode.REAUTHORIZATION_REQUIRED
    event = Event.objects.get(kind="inbox.sync_failed")
    assert event.params["cif"] == ALFA
    assert not hub_sandbox.calls("/descarcare")


def test_documents_that_do_not_parse_are_archived_with_their_problem(
    hub_sandbox: Any, authorized: Organization
) -> None:
    injected = hub_sandbox.add_messages(
        {
            "cif": ALFA,
            "direction": "received",
            "xml": "<Factura nu e XML",
            "partner_cif": "18547290",
            "age_days": 1,
        },
        {"cif": ALFA, "direction": "received", "xml": "<Foo/>", "partner_cif": "18547290", "age_days": 1},
    )

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "ok"
    assert result.problems >= 2
    for item in injected:
        invoice = Invoice.objects.get(message__download_id=item["id"])
        assert invoice.state == InvoiceState.UNREADABLE
        assert invoice.problem
        assert invoice.message.state == MessageState.ARCHIVED
        assert archive.blob_exists(invoice.message.zip_sha256)


def _sample(name: str) -> str:
    from importlib import resources

    return str(resources.files("anaf_sandbox") / "seeds" / "invoices" / name)
