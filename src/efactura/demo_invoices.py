"""Issued invoices the demo writes for Facturi emise, and `trimite.sh`, the one command that sends them
through the running demo's outbox after authorizing. At the built-in sandbox, for real, with no fault:

1. `01-factura-acceptata.xml`: Alfa invoices Bucătăria Veche (both demo companies): ANAF accepts it, the
   signed ZIP is archived, and the invoice also reaches Bucătăria's Facturi primite and the desk.
   `02-nota-de-credit.xml`: Alfa's credit note naming that invoice (BT-25): linked to it both ways.
2. The first invoice again, as a deliberate resend: ANAF rejects it as a duplicate ("Factura a mai fost
   transmisa anterior cu index=N") and the detail page explains it, naming the first upload.
3. `03-factura-invalida.xml`: its second seller tax code has a wrong check digit, the error ANAF's rule
   `R_BT_32_cui` would reject: the hub finds it first, keeps the invoice as invalid, explains it and sends
   nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from shlex import quote

from einvoice import (
    Address,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    build_ubl,
    compute_totals,
)

SELLER_CIF = "16000015"
BUYER_CIF = "29000025"
OTHER_BUYER_CIF = "14399840"
WRONG_SECOND_CODE = "16000016"  # 16000015 with a wrong check digit
ACCEPTED, CREDIT_NOTE, INVALID = (
    "01-factura-acceptata.xml",
    "02-nota-de-credit.xml",
    "03-factura-invalida.xml",
)
# What `trimite.sh` runs, in order: the files of one `efactura send` and whether it is a deliberate resend.
SEND_STEPS: tuple[tuple[tuple[str, ...], bool], ...] = (
    ((ACCEPTED, CREDIT_NOTE), False),
    ((ACCEPTED,), True),
    ((INVALID,), False),
)

SELLER = Party(
    name="Alfa Construcții Ardeal SRL",
    vat_id=f"RO{SELLER_CIF}",
    registration_id="J12/1234/2012",
    address=Address(
        street="Str. Memorandumului nr. 28",
        city="Cluj-Napoca",
        county="RO-CJ",
        postal_code="400114",
        country="RO",
    ),
)
BUYER = Party(
    name="Bucătăria Veche a Bunicii SRL",
    vat_id=f"RO{BUYER_CIF}",
    registration_id="J40/5678/2015",
    address=Address(
        street="Str. Lipscani nr. 5", city="SECTOR3", county="RO-B", postal_code="030031", country="RO"
    ),
)
OTHER_BUYER = Party(
    name="Hotel Cetatea Albă SRL",
    vat_id=f"RO{OTHER_BUYER_CIF}",
    registration_id="J01/321/2010",
    address=Address(street="Str. Mihai Viteazu nr. 10", city="Alba Iulia", county="RO-AB", country="RO"),
)


def _invoice(number: str, issued: date, buyer: Party, lines: list[Line], **extra: object) -> Invoice:
    invoice = Invoice(
        kind=DocumentKind.INVOICE,
        number=number,
        issue_date=issued,
        due_date=issued + timedelta(days=30),
        currency="RON",
        notes=["Factură de demonstrație (sandbox ANAF, date fictive)."],
        seller=SELLER,
        buyer=buyer,
        payment_means=[PaymentMeans(code="31", iban="RO49AAAA1B31007593840000", payment_id=number)],
        payment_terms="30 de zile de la emitere",
        lines=lines,
    )
    return compute_totals(replace(invoice, **extra))  # type: ignore[arg-type]


def _line(n: int, name: str, quantity: str, unit: str, price: str) -> Line:
    """A line at the standard VAT rate (21 %)."""
    return Line(
        id=str(n),
        name=name,
        quantity=Decimal(quantity),
        unit_code=unit,
        price=Decimal(price),
        vat_category="S",
        vat_rate=Decimal(21),
    )


def demo_outbox_files(folder: Path, today: date) -> list[Path]:
    """Write the three issued documents, dated `today`, into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    number = f"ALFA-{today:%Y%m%d}"
    accepted = _invoice(
        f"{number}-01",
        today,
        BUYER,
        [
            _line(1, "Renovare bucătărie profesională", "1", "C62", "18500.00"),
            _line(2, "Manoperă montaj hote", "16", "HUR", "120.00"),
        ],
    )
    credit_note = _invoice(
        f"{number}-NC1",
        today,
        BUYER,
        [_line(1, "Discount comercial renovare", "1", "C62", "925.00")],
        kind=DocumentKind.CREDIT_NOTE,
        preceding_invoice=accepted.number,
    )
    rejected = _invoice(
        f"{number}-02",
        today,
        OTHER_BUYER,
        [_line(1, "Reparație acoperiș", "1", "C62", "7400.00")],
        seller=replace(SELLER, tax_registration_id=SELLER_CIF),
    )
    rejected_xml = build_ubl(rejected).replace(
        f"<cbc:CompanyID>{SELLER_CIF}</cbc:CompanyID>".encode(),
        f"<cbc:CompanyID>{WRONG_SECOND_CODE}</cbc:CompanyID>".encode(),
    )
    files = {
        ACCEPTED: build_ubl(accepted),
        CREDIT_NOTE: build_ubl(credit_note),
        INVALID: rejected_xml,
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def send_script(folder: Path, python: str, config: Path) -> Path:
    """`folder/trimite.sh`: the `SEND_STEPS` as `efactura send` commands on the demo's settings."""
    lines = [
        "#!/bin/sh",
        '# Sends the demo\'s issued invoices through the running demo (after "Autorizare cu ANAF SPV").',
        f"export EFACTURA_CONFIG={quote(str(config))}",
        f"cd {quote(str(folder))}",
    ]
    for step, (names, resend) in enumerate(SEND_STEPS):
        flags = " --deliberate-resend" if resend else ""
        command = f"{quote(python)} -m efactura send {' '.join(names)} --company {SELLER_CIF}{flags} --wait"
        lines.append(f"echo '$ efactura send {' '.join(names)}{flags}'")
        # The first step must end accepted (else: not authorized yet); the others end rejected on purpose.
        lines.append(f"{command} || exit 1" if step == 0 else f"{command} || true")
    path = folder / "trimite.sh"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path
