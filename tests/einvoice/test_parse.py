"""parse(): what the builder writes and hand-made CII read right, and it never raises on a damaged invoice.

The public ANAF and CEN examples are read in the corpus suite (``tests/corpus``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from einvoice import DocumentKind, Invoice, Syntax, build_ubl, parse
from einvoice.build import CIUS_RO
from tests.sample_invoices import PDF_ATTACHMENT, foreign_currency_invoice, ro_invoice

FIXTURES = Path(__file__).parent / "fixtures"
BUILT = [
    pytest.param(ro_invoice(), id="invoice"),
    pytest.param(ro_invoice("NC-2026-0007", kind=DocumentKind.CREDIT_NOTE), id="credit-note"),
    pytest.param(foreign_currency_invoice(), id="foreign-currency"),
    pytest.param(ro_invoice("FCT-2026-0500", lines=60), id="sixty-lines"),
]


@pytest.mark.parametrize("source", BUILT)
def test_it_reads_back_what_the_builder_wrote(source: Invoice) -> None:
    invoice = parse(build_ubl(source))

    assert invoice.kind == source.kind
    assert invoice.syntax == Syntax.UBL
    assert invoice.number == source.number
    assert invoice.totals == source.totals
    assert invoice.tax_breakdown == source.tax_breakdown
    assert [line.id for line in invoice.lines] == [line.id for line in source.lines]
    assert [line.net_amount for line in invoice.lines] == [line.net_amount for line in source.lines]
    assert invoice.seller.name == source.seller.name
    assert invoice.issue_date == source.issue_date
    assert invoice.warnings == []


def test_it_reads_a_ro_invoice_in_foreign_currency_term_by_term() -> None:
    invoice = parse(build_ubl(foreign_currency_invoice()))

    assert invoice.customization_id == CIUS_RO
    assert (invoice.currency, invoice.tax_currency) == ("EUR", "RON")
    assert invoice.totals.tax == Decimal("58.90")
    assert invoice.totals.tax_in_tax_currency == Decimal("293.10")
    assert invoice.seller.vat_id == "RO18547290"
    assert invoice.buyer.registration_id == "8609468"
    assert invoice.buyer.name == "Client București SA"
    assert [attachment.mime_type for attachment in invoice.attachments] == ["application/pdf"]
    assert invoice.attachments[0].size == len(PDF_ATTACHMENT)
    assert invoice.attachments[0].content is None
    assert invoice.warnings == []


def test_it_returns_attachment_bytes_on_request() -> None:
    data = build_ubl(foreign_currency_invoice())

    attachment = parse(data, attachment_bytes=True).attachments[0]

    assert attachment.content == PDF_ATTACHMENT
    assert len(attachment.content) == attachment.size


def test_it_reads_cii_parties_addresses_and_lines() -> None:
    invoice = parse((FIXTURES / "cii_invoice_380.xml").read_bytes())

    assert (invoice.kind, invoice.syntax, invoice.type_code) == (DocumentKind.INVOICE, Syntax.CII, "380")
    assert invoice.issue_date == date(2026, 10, 15)
    assert invoice.due_date == date(2026, 11, 15)
    assert invoice.seller.vat_id == "RO18547290"
    assert invoice.seller.address.street == "Str. Horea 5, Bloc A"
    assert invoice.seller.contact is not None
    assert invoice.seller.contact.email == "ioana@editura.example"
    line = invoice.lines[0]
    assert (line.name, line.quantity, line.unit_code, line.price) == (
        "Abonament anual revistă",
        Decimal(1),
        "C62",
        Decimal(800),
    )
    assert (line.vat_category, line.vat_rate, line.net_amount) == ("S", Decimal(19), Decimal(800))
    assert [(a.is_charge, a.amount) for a in invoice.allowances_charges] == [(True, Decimal(100))]
    assert invoice.warnings == []


def test_it_tells_a_cii_credit_note_by_its_type_code() -> None:
    invoice = parse((FIXTURES / "cii_credit_note_381.xml").read_bytes())

    assert (invoice.kind, invoice.syntax, invoice.type_code) == (DocumentKind.CREDIT_NOTE, Syntax.CII, "381")
    assert invoice.due_date == date(2026, 11, 8)
    assert invoice.buyer.registration_id == "8609468"
    assert invoice.seller.address.county == "RO-B"
    assert invoice.payment_means[0].iban == "RO49AAAA1B31007593840000"
    assert invoice.payment_means[0].payment_id == "CN-2026-3"
    assert invoice.totals.allowances == Decimal("10.00")
    assert invoice.warnings == ["BT-10 buyer reference is empty"]


def _damaged_copies(data: bytes) -> list[bytes]:
    """The document once without each of its elements, and once with each element's text made garbage."""
    root = etree.fromstring(data)
    copies = []
    for index, element in enumerate(root.iter()):
        if element is root:
            continue
        for damage in ("remove", "garble"):
            tree = etree.fromstring(data)
            target = list(tree.iter())[index]
            if damage == "remove":
                target.getparent().remove(target)
            else:
                target.text = "x\u0219?"
            copies.append(etree.tostring(tree))
    return copies


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(build_ubl(foreign_currency_invoice()), id="ubl-invoice"),
        pytest.param(build_ubl(ro_invoice(kind=DocumentKind.CREDIT_NOTE, lines=2)), id="ubl-credit-note"),
        pytest.param((FIXTURES / "cii_invoice_380.xml").read_bytes(), id="cii"),
    ],
)
def test_it_never_raises_on_a_damaged_invoice(data: bytes) -> None:
    documents = _damaged_copies(data)
    assert len(documents) > 100
    expected = parse(data).kind

    kinds = {parse(document).kind for document in documents}

    assert kinds == {expected}


def test_it_reads_the_same_from_several_threads_at_once() -> None:
    documents = [build_ubl(param.values[0]) for param in BUILT] + [
        path.read_bytes() for path in sorted(FIXTURES.glob("*.xml")) if not path.name.startswith("malformed_")
    ]
    expected = [parse(data) for data in documents]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(parse, documents * 3))

    assert results == expected * 3


def test_it_reads_the_payee_and_the_tax_representative() -> None:
    invoice = parse(build_ubl(foreign_currency_invoice()))

    assert invoice.payee is not None
    assert (invoice.payee.name, invoice.payee.registration_id) == ("Cesionar Plăți SRL", "14399840")
    representative = invoice.tax_representative
    assert representative is not None
    assert (representative.name, representative.vat_id) == ("Reprezentant Fiscal SRL", "RO14399840")
    assert (representative.address.city, representative.address.county) == ("Brașov", "RO-BV")
