"""Helpers for the sandbox's own tests: invoices to upload and an authorized HTTP client."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx

import einvoice
from anaf_sandbox.testing import SandboxHandle
from einvoice import Address, Invoice, Line, Party, PaymentMeans

ALFA = "16000015"  # Ioana has rights
BUCATARIA = "29000025"  # Ioana has rights
TESATORIA = "31500030"  # Ioana has NO rights (Mihai does)
MIHAI = "1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c"
NOBODY = "0a:0b:0c:0d"


def make_invoice(
    seller: str = ALFA, buyer: str = BUCATARIA, number: str = "ALF-2026-0001", issued: date | None = None
) -> bytes:
    """A valid CIUS-RO UBL invoice from ``seller`` to ``buyer``."""
    invoice = Invoice(
        number=number,
        issue_date=issued or date(2026, 11, 2),
        due_date=date(2026, 12, 31),
        currency="RON",
        seller=Party(
            name="Alfa Construcții Ardeal SRL",
            vat_id=f"RO{seller}",
            address=Address(
                street="Str. Memorandumului nr. 28", city="Cluj-Napoca", county="RO-CJ", country="RO"
            ),
        ),
        buyer=Party(
            name="Bucătăria Veche a Bunicii SRL",
            vat_id=f"RO{buyer}",
            address=Address(street="Str. Lipscani nr. 5", city="SECTOR3", county="RO-B", country="RO"),
        ),
        payment_means=[PaymentMeans(code="31", iban="RO49AAAA1B31007593840000")],
        lines=[
            Line(
                id="1",
                name="Cărămidă",
                quantity=Decimal(100),
                unit_code="H87",
                price=Decimal("2.50"),
                vat_category="S",
                vat_rate=Decimal(21),
            ),
        ],
    )
    return einvoice.build_ubl(einvoice.compute_totals(invoice))


def break_rule(xml: bytes) -> bytes:
    """The same invoice with a wrong payable amount (BR-CO-16, a Schematron error, not an XSD one)."""
    start = xml.index(b"<cbc:PayableAmount")
    end = xml.index(b"</cbc:PayableAmount>")
    return xml[:start] + b'<cbc:PayableAmount currencyID="RON">1.00' + xml[end:]


def client_for(sandbox: SandboxHandle, serial: str | None = None) -> httpx.Client:
    tokens = sandbox.login(serial=serial)
    return httpx.Client(
        base_url=sandbox.url, headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=30
    )
