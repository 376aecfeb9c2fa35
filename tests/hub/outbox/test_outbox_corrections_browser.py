"""A credit note and the invoice it corrects, linked both ways, in real Chromium (desktop and phone)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from einvoice import DocumentKind
from hub.accounts.models import Company, Organization, User
from hub.outbox.models import OutgoingInvoice
from hub.outbox.services.intake import outgoing_intake
from tests.hub.browser import DESKTOP, PHONE, SCREENSHOTS, log_in, no_horizontal_scroll
from tests.hub.outbox.documents import dated_xml
from tests.hub.outbox.helpers import ALFA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def linked(hub_sandbox: Any, authorized: Organization) -> tuple[OutgoingInvoice, OutgoingInvoice]:
    """Made before the browser opens (the ORM refuses to run inside Playwright's event loop)."""
    alfa = Company.objects.get(organization=authorized, cif=ALFA)
    original = outgoing_intake(company=alfa, xml=dated_xml("ALFA-2026-0500", date(2026, 11, 2))).invoice
    credit = outgoing_intake(
        company=alfa,
        xml=dated_xml(
            "CN-2026-0500", date(2026, 11, 4), kind=DocumentKind.CREDIT_NOTE, reference="ALFA-2026-0500"
        ),
    ).invoice
    return original, credit


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_credit_note_and_the_invoice_link_to_each_other(
    *,
    linked: tuple[OutgoingInvoice, OutgoingInvoice],
    authorized: Organization,
    owner: User,
    live_server: Any,
    browser: Any,
    viewport: dict[str, int],
    name: str,
) -> None:
    original, credit = linked
    page = browser(viewport)
    log_in(page, live_server.url, owner)

    page.goto(f"{live_server.url}/o/{authorized.slug}/outbox/{credit.pk}/")
    assert "ALFA-2026-0500" in page.locator("[data-field=amends]").inner_text()
    no_horizontal_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"outbox-credit-note-{name}.png"), full_page=True)
    page.click("[data-field=amends] a")
    page.wait_for_url(f"**/outbox/{original.pk}/")
    corrected_by = page.locator("[data-field=amended-by]")
    assert "Notă de credit CN-2026-0500" in corrected_by.inner_text()
    no_horizontal_scroll(page)
    corrected_by.locator("a").click()
    page.wait_for_url(f"**/outbox/{credit.pk}/")
    assert "CN-2026-0500" in page.locator("h1").inner_text()
