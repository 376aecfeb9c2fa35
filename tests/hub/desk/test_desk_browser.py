"""The desk in real Chromium, at desktop and phone width: approve one invoice, refuse one (the reason is asked
for, then shown), then approve every invoice still to review through the filter and "all matching"; upload
an old archive and read its report and the completeness page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.desk.models import InvoiceReview, ReviewState
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from tests.einvoice.signature_fixtures import enveloped_signature
from tests.hub.browser import WIDTHS, in_thread, log_in, no_horizontal_scroll
from tests.hub.desk.test_desk_archive_import import invoice_for
from tests.hub.inbox.helpers import ALFA, company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 3, "seed": 13, "companies": [ALFA]}
    return sandbox_seed


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Organization:
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    return authorized


def _received(organization: Organization) -> list[int]:
    return list(
        Invoice.objects.filter(organization=organization, direction=Direction.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )


def _states(organization: Organization) -> dict[int, tuple[str, str]]:
    return {
        row.invoice_id: (row.state, row.reason)
        for row in InvoiceReview.objects.filter(organization=organization)
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_review_refuse_and_bulk_approve_in_the_browser(
    width: str, synced: Organization, member: User, live_server: Any, browser: Callable[..., Any]
) -> None:
    received = in_thread(_received, synced)
    assert len(received) >= 4
    base = live_server.url
    desk = f"{base}/o/{synced.slug}/desk/"
    page = browser(WIDTHS[width])
    log_in(page, base, member)

    # approve the oldest from its own page, reached from the list
    page.goto(desk)
    no_horizontal_scroll(page)
    page.locator(f'[data-review="{received[0]}"] a').first.click()
    page.wait_for_url(f"{desk}{received[0]}/")
    no_horizontal_scroll(page)
    page.select_option("[data-review-action] select[name=action]", "approve")
    page.locator("[data-review-action] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-review-state]").inner_text() == "Aprobată"
    assert "1 factură schimbată." in page.locator(".messages").inner_text()

    # refusing without a reason is refused, with the reason it is recorded and shown
    page.goto(f"{desk}{received[1]}/")
    page.select_option("[data-review-action] select[name=action]", "refuse")
    page.locator("[data-review-action] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Scrie motivul respingerii facturii." in page.locator(".messages").inner_text()
    assert page.locator("[data-review-state]").inner_text() == "De verificat"
    page.select_option("[data-review-action] select[name=action]", "refuse")
    page.fill("[data-review-action] input[name=reason]", "Cantitate greșită")
    page.locator("[data-review-action] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-review-state]").inner_text() == "Respinsă"
    assert "Cantitate greșită" in page.locator("[data-review-reason]").inner_text()
    no_horizontal_scroll(page)

    # filter on "to review", then approve every invoice matching the filter at once
    page.goto(desk)
    page.select_option("[data-desk-filters] select[name=state]", "to_review")
    page.locator("[data-desk-filters] button[type=submit]").click()
    page.wait_for_url(lambda url: "state=to_review" in url)
    waiting = len(received) - 2
    assert page.locator("[data-review]").count() == waiting
    page.select_option("[data-bulk-actions] select[name=action]", "approve")
    page.check("[data-bulk-actions] input[name=all_matching]")
    page.locator("[data-action=bulk-apply]").click()
    page.wait_for_load_state()
    assert f"{waiting} facturi schimbate." in page.locator(".messages").inner_text()
    assert "state=to_review" in page.url
    assert page.locator("[data-review]").count() == 0  # nothing left to review
    no_horizontal_scroll(page)

    states = in_thread(_states, synced)
    assert states[received[1]] == (ReviewState.REFUSED, "Cantitate greșită")
    assert {states[invoice_id][0] for invoice_id in received if invoice_id != received[1]} == {
        ReviewState.APPROVED
    }


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_upload_an_old_archive_then_read_the_report_and_the_completeness(  # noqa: PLR0917  (fixtures)
    width: str,
    synced: Organization,
    member: User,
    live_server: Any,
    browser: Callable[..., Any],
    tmp_path: Path,
) -> None:
    document = invoice_for(ALFA, "ARHIVA-2023")
    files = {
        "4200000001.xml": document,
        "semnatura_4200000001.xml": enveloped_signature(document),
        "4200000002.zip": b"not a ZIP at all",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    base = live_server.url
    page = browser(WIDTHS[width])
    log_in(page, base, member)
    page.goto(f"{base}/o/{synced.slug}/desk/")
    page.get_by_role("link", name="Importă o arhivă veche").click()
    no_horizontal_scroll(page)
    page.set_input_files("[data-archive-upload] input[type=file]", [str(tmp_path / name) for name in files])
    page.locator("[data-archive-upload] button[type=submit]").click()
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    assert "Raportul importului" in page.locator("h1").inner_text()
    assert page.locator('[data-outcome="imported"]').count() == 1
    assert page.locator('[data-outcome="unreadable"]').count() == 1
    assert "Semnătura corespunde" in page.locator('[data-outcome="imported"]').inner_text()
    no_horizontal_scroll(page)

    page.get_by_role("link", name="Completitudine").click()
    assert "Completitudinea facturilor primite" in page.locator("h1").inner_text()
    section = page.locator(f'[data-completeness="{ALFA}"]')
    assert section.locator("[data-month]").count() >= 1
    assert "(1 importată)" in section.inner_text()
    no_horizontal_scroll(page)
