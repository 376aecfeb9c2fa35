"""A sync checks each received invoice with what ANAF applies (XSD + CIUS-RO) and records it; CEN EN 16931
runs only when a person asks, from the invoice's page (HTMX), scoped to the organization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from hub.accounts.models import Organization, User
from hub.inbox.models import Invoice, InvoiceState
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.browser import DESKTOP, PHONE, in_thread, log_in, no_horizontal_scroll
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company
from tests.sample_invoices import ro_invoice_xml

pytestmark = pytest.mark.django_db(transaction=True)

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def only_cen_objects(number: str) -> str:
    """A CIUS-RO-valid invoice that CEN 1.3.16 flags (UBL-SR-53: a buyer tax scheme without a VAT id)."""
    root = etree.fromstring(ro_invoice_xml(number))
    (legal_entity,) = root.xpath(
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity", namespaces={"cac": CAC}
    )
    tax_scheme = etree.Element(f"{{{CAC}}}PartyTaxScheme")
    scheme = etree.SubElement(tax_scheme, f"{{{CAC}}}TaxScheme")
    etree.SubElement(scheme, f"{{{CBC}}}ID").text = "VAT"
    legal_entity.addprevious(tax_scheme)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Invoice:
    """Two received invoices: one CEN finds nothing in, one where only CEN finds something."""
    hub_sandbox.add_messages(
        {"cif": ALFA, "direction": "received", "xml": ro_invoice_xml("CLEAN-1").decode(), "age_days": 2},
        {"cif": ALFA, "direction": "received", "xml": only_cen_objects("CEN-1"), "age_days": 1},
    )
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    return Invoice.objects.get(organization=authorized, number="CEN-1")


def test_a_sync_runs_xsd_and_cius_ro_only_and_records_it(synced: Invoice) -> None:
    invoices = Invoice.objects.filter(company=synced.company, kind__in=["invoice", "credit_note"])
    assert invoices.count() >= 2
    for invoice in invoices.exclude(problem__gt=""):
        assert invoice.validation_rules == ["xsd", "cius-ro"], invoice.number
    assert synced.state == InvoiceState.OK  # CEN's UBL-SR-53 was not looked for
    assert "UBL-SR-53" not in {finding["rule"] for finding in synced.validation_warnings}


@pytest.mark.parametrize("language", ["ro", "en"])
def test_the_invoice_page_runs_en16931_on_demand_and_shows_its_warnings(
    synced: Invoice, viewer: User, language: str
) -> None:
    viewer.language = language
    viewer.save(update_fields=["language"])
    client = login(viewer)
    page_url = f"/o/{synced.organization.slug}/inbox/{synced.pk}/"
    check_url = f"{page_url}check-en16931/"
    button = "Verifică și după EN 16931" if language == "ro" else "Also check against EN 16931"
    page = client.get(page_url).content.decode()
    assert button in page
    assert f'hx-post="{check_url}"' in page

    answer = client.post(check_url, headers={"hx-request": "true"})

    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert fragment.lstrip().startswith('<div id="en16931-check"')  # the block only, swapped in place
    assert "UBL-SR-53" in fragment
    summary = "ANAF decide doar după regulile CIUS-RO" if language == "ro" else "ANAF decides by the CIUS-RO"
    assert summary in fragment
    synced.refresh_from_db()
    assert synced.validation_rules == ["xsd", "cius-ro", "en16931"]
    assert "UBL-SR-53" in {finding["rule"] for finding in synced.validation_warnings}
    assert synced.state == InvoiceState.WARNINGS
    # Reloaded: no button any more, the finding listed with the warnings.
    page = client.get(page_url).content.decode()
    assert button not in page
    assert "UBL-SR-53" in page
    # Checked again (a second tab): the same findings, none stored twice.
    client.post(check_url, headers={"hx-request": "true"})
    synced.refresh_from_db()
    assert [finding["rule"] for finding in synced.validation_warnings].count("UBL-SR-53") == 1


def test_a_clean_invoice_says_so_and_stays_valid(synced: Invoice, owner: User) -> None:
    clean = Invoice.objects.get(company=synced.company, number="CLEAN-1")
    owner.language = "en"
    owner.save(update_fields=["language"])
    url = f"/o/{clean.organization.slug}/inbox/{clean.pk}/check-en16931/"
    fragment = login(owner).post(url, headers={"hx-request": "true"}).content.decode()
    assert "The CEN EN 16931 rules find nothing to report." in fragment
    clean.refresh_from_db()
    assert clean.state == InvoiceState.OK
    assert "en16931" in clean.validation_rules


def test_without_htmx_the_check_returns_to_the_page(synced: Invoice, owner: User) -> None:
    url = f"/o/{synced.organization.slug}/inbox/{synced.pk}/check-en16931/"
    answer = login(owner).post(url)
    assert answer.status_code == 302
    assert answer["Location"] == f"/o/{synced.organization.slug}/inbox/{synced.pk}/"
    synced.refresh_from_db()
    assert "en16931" in synced.validation_rules


def test_another_organization_cannot_check_nor_learn_the_invoice(synced: Invoice, outsider: User) -> None:
    client = login(outsider)
    own = Organization.objects.get(memberships__user=outsider)
    for slug in (synced.organization.slug, own.slug):
        answer = client.post(f"/o/{slug}/inbox/{synced.pk}/check-en16931/", headers={"hx-request": "true"})
        assert answer.status_code == 404
    assert client.get(f"/o/{synced.organization.slug}/inbox/{synced.pk}/check-en16931/").status_code in (
        404,
        405,
    )
    synced.refresh_from_db()
    assert synced.validation_rules == ["xsd", "cius-ro"]


def test_only_post_runs_the_check(synced: Invoice, owner: User) -> None:
    url = f"/o/{synced.organization.slug}/inbox/{synced.pk}/check-en16931/"
    assert login(owner).get(url).status_code == 405
    synced.refresh_from_db()
    assert "en16931" not in synced.validation_rules


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_in_chromium_the_button_shows_the_en16931_warnings_in_place(
    synced: Invoice, owner: User, live_server: Any, browser: Callable[..., Any], viewport: dict[str, int]
) -> None:
    slug = in_thread(lambda: Organization.objects.get(pk=synced.organization_id).slug)
    invoice_url = f"{live_server.url}/o/{slug}/inbox/{synced.pk}/"
    page = browser(viewport)
    log_in(page, live_server.url, owner)
    page.goto(invoice_url)
    no_horizontal_scroll(page)

    page.get_by_role("button", name="Verifică și după EN 16931").click()
    page.wait_for_selector("[data-en16931-finding]")

    block = page.locator("#en16931-check").inner_text()
    assert "UBL-SR-53" in block
    assert "ANAF decide doar după regulile CIUS-RO" in block
    assert page.url == invoice_url  # swapped in place (HTMX), no navigation
    assert page.get_by_role("button", name="Verifică și după EN 16931").count() == 0
    no_horizontal_scroll(page)
    checked = in_thread(lambda: Invoice.objects.get(pk=synced.pk).validation_rules)
    assert checked == ["xsd", "cius-ro", "en16931"]
