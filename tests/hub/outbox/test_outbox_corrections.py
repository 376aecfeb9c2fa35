"""Credit notes and storno invoices linked to the issued invoice they correct (BT-25, same company), shown
both ways on the detail pages and in the API; the PDF of an issued invoice downloads from its detail page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from einvoice import DocumentKind
from hub.accounts.models import Company, Organization, User
from hub.api.services import api_key_create
from hub.outbox.models import OutgoingInvoice
from hub.outbox.services.intake import outgoing_intake
from tests.hub.helpers import login
from tests.hub.outbox.documents import dated_xml
from tests.hub.outbox.helpers import ALFA
from tests.pdf_text import pdf_bytes_text

pytestmark = pytest.mark.django_db(transaction=True)
ISSUED = date(2026, 11, 2)


@pytest.fixture
def alfa(authorized: Organization) -> Company:
    return Company.objects.get(organization=authorized, cif=ALFA)


def _reload(invoice: OutgoingInvoice) -> OutgoingInvoice:
    return OutgoingInvoice.objects.get(pk=invoice.pk)


def test_a_credit_note_and_a_storno_are_linked_to_the_invoice_they_correct(
    hub_sandbox: Any, alfa: Company, owner: User
) -> None:
    original = outgoing_intake(company=alfa, xml=dated_xml("ALFA-2026-0100", ISSUED)).invoice
    credit = outgoing_intake(
        company=alfa,
        xml=dated_xml(
            "CN-2026-0001", date(2026, 11, 5), kind=DocumentKind.CREDIT_NOTE, reference="ALFA-2026-0100"
        ),
    ).invoice
    storno = outgoing_intake(
        company=alfa,
        xml=dated_xml("ST-2026-0001", date(2026, 11, 6), reference="ALFA-2026-0100", storno=True),
    ).invoice
    elsewhere = outgoing_intake(
        company=alfa,
        xml=dated_xml(
            "CN-2026-0002", date(2026, 11, 6), kind=DocumentKind.CREDIT_NOTE, reference="ALFA-1999-1"
        ),
    ).invoice

    credit, storno, elsewhere = _reload(credit), _reload(storno), _reload(elsewhere)
    assert credit.standard == "CN"
    assert credit.amends_id == original.pk
    assert storno.storno is True
    assert storno.standard == "UBL"
    assert storno.total is not None
    assert storno.total < 0
    assert storno.amends_id == original.pk
    assert elsewhere.amends_id is None  # names an invoice the hub never sent
    assert elsewhere.reference_number == "ALFA-1999-1"

    client = login(owner)
    slug = alfa.organization.slug
    page = client.get(f"/o/{slug}/outbox/{original.pk}/").content.decode()
    assert 'data-field="amended-by"' in page
    assert f"/o/{slug}/outbox/{credit.pk}/" in page
    assert f"/o/{slug}/outbox/{storno.pk}/" in page
    assert "Notă de credit CN-2026-0001" in page
    assert "Stornare ST-2026-0001" in page
    page = client.get(f"/o/{slug}/outbox/{storno.pk}/").content.decode()
    assert "Corectează factura" in page
    assert f'href="/o/{slug}/outbox/{original.pk}/">ALFA-2026-0100</a>' in page
    assert "stornare (cantități negative)" in page
    page = client.get(f"/o/{slug}/outbox/{elsewhere.pk}/").content.decode()
    assert "ALFA-1999-1" in page
    assert "nu se află printre facturile emise din hub" in page

    _row, key = api_key_create(organization=alfa.organization, name="erp", scopes=["read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    items = {item["number"]: item for item in api.get("/api/v1/outbox").json()["items"]}
    assert items["ALFA-2026-0100"]["amended_by"] == sorted([credit.pk, storno.pk])
    assert items["CN-2026-0001"]["amends"] == original.pk
    assert items["CN-2026-0001"]["reference_number"] == "ALFA-2026-0100"
    assert items["ST-2026-0001"]["storno"] is True
    assert items["ALFA-2026-0100"]["deadline"] == "2026-11-09"
    detail = api.get(f"/api/v1/outbox/{credit.pk}").json()
    assert detail["amends"] == original.pk


def test_a_credit_note_sent_first_is_linked_when_the_invoice_arrives(hub_sandbox: Any, alfa: Company) -> None:
    credit = outgoing_intake(
        company=alfa,
        xml=dated_xml("CN-2026-0003", ISSUED, kind=DocumentKind.CREDIT_NOTE, reference="ALFA-2026-0200"),
    ).invoice
    assert _reload(credit).amends_id is None

    original = outgoing_intake(company=alfa, xml=dated_xml("ALFA-2026-0200", ISSUED)).invoice

    assert _reload(credit).amends_id == original.pk


def test_the_pdf_of_an_issued_invoice_downloads_from_its_detail_page(
    hub_sandbox: Any, alfa: Company, owner: User, viewer: User, outsider: User
) -> None:
    invoice = outgoing_intake(company=alfa, xml=dated_xml("ALFA-2026-0300", ISSUED)).invoice
    client = login(viewer)  # reading the lists is enough
    slug = alfa.organization.slug
    page = client.get(f"/o/{slug}/outbox/{invoice.pk}/").content.decode()
    link = f"/o/{slug}/outbox/{invoice.pk}/invoice.pdf"
    assert f'data-action="pdf" href="{link}"' in page

    response = client.get(link)  # eager Celery: rendered in the worker's bounded child already

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ALFA-2026-0300.pdf"' in response["Content-Disposition"]
    text = pdf_bytes_text(response.content)
    assert "ALFA-2026-0300" in text
    assert "Factură" in text or "FACTURĂ" in text
    english = pdf_bytes_text(client.get(f"{link}?lang=en").content)
    assert "ALFA-2026-0300" in english
    assert "Invoice" in english or "INVOICE" in english
    assert login(outsider).get(link).status_code == 404
