"""Refusing a received invoice with a message to the supplier (RASP), in real Chromium at desktop (1280 px)
and phone (390 px): the review page sends it once through the sandbox and shows it with its state."""

from __future__ import annotations

from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.outbox.services.intake import outgoing_intake
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, in_thread, log_in, no_horizontal_scroll
from tests.hub.inbox.helpers import ALFA, BUCATARIA, company
from tests.hub.outbox.helpers import issued_xml, later, upload_calls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 0}  # ANAF answers at once: `ok` on the first poll
    return sandbox_seed


def _received_from_alfa(sandbox: Any, organization: Organization) -> int:
    """Alfa issues an invoice to Bucătăria through the outbox; Bucătăria syncs it in."""
    alfa = company(organization, ALFA)
    outgoing_intake(company=alfa, xml=issued_xml("WEB-RASP-1", buyer_id=BUCATARIA))
    later(sandbox, minutes=2)
    assert inbox_sync_company(company_id=company(organization, BUCATARIA).pk).outcome == "ok"
    return Invoice.objects.get(direction=Direction.RECEIVED, number="WEB-RASP-1").pk


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_refuse_with_a_message_to_the_supplier(
    *,
    hub_sandbox: Any,
    authorized: Organization,
    member: User,
    live_server: Any,
    browser: Any,
    viewport: dict[str, int],
    name: str,
) -> None:
    invoice_id = in_thread(_received_from_alfa, hub_sandbox, authorized)
    page = browser(viewport)
    log_in(page, live_server.url, member)

    page.goto(f"{live_server.url}/o/{authorized.slug}/desk/{invoice_id}/")
    assert (
        "Niciun mesaj nu a fost trimis furnizorului"
        in page.locator("[data-section=buyer-messages]").inner_text()
    )
    page.select_option("[data-review-action] select[name=action]", "refuse")
    page.fill("[data-review-action] [name=reason]", "Marfa a sosit deteriorată")
    page.get_by_label("Trimite mesaj furnizorului prin ANAF (RASP)").check()
    no_horizontal_scroll(page)
    page.dblclick("[data-review-action] button[type=submit]")  # an impatient double click

    sent = page.locator("[data-buyer-message]")
    sent.wait_for()
    text = sent.inner_text()
    assert "Mesaj trimis furnizorului" in text
    assert "Factura WEB-RASP-1 din 02.11.2026 este refuzată. Motiv: Marfa a sosit deteriorată" in text
    assert page.locator("[data-field=rasp-state]").inner_text() == "Transmis de ANAF furnizorului"
    assert page.locator("[data-review-state]").inner_text() == "Respinsă"
    no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"desk-rasp-{name}.png"), full_page=True)
    assert page.locator("[data-buyer-message]").count() == 1
    assert len([c for c in upload_calls(hub_sandbox) if "standard=RASP" in c["query"]]) == 1
