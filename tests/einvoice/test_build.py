"""build_ubl(): what it writes passes ANAF's validation, is byte-stable, and refuses what CIUS-RO refuses."""

from __future__ import annotations

import copy
from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from einvoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    DocumentKind,
    InvalidInvoice,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    TaxSubtotal,
    build_ubl,
    compute_totals,
    invoice_to_dict,
    parse,
    validate,
)
from einvoice.build import CIUS_RO

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def make_invoice(kind: DocumentKind = DocumentKind.INVOICE, currency: str = "RON") -> Invoice:
    """A two-line invoice with a document charge, a line discount, two VAT rates and an attachment."""
    invoice = Invoice(
        kind=kind,
        number="FCT-2026-0001",
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        tax_point_date=date(2026, 11, 2),
        currency=currency,
        notes=["Mulțumim pentru colaborare!", "Plata în 30 de zile."],
        buyer_reference="REF-CUMPARATOR",
        order_reference="PO-7",
        contract_reference="C-12",
        preceding_invoice="FCT-2026-0000" if kind is DocumentKind.CREDIT_NOTE else None,
        seller=Party(
            name="Furnizor Demo SRL",
            trading_name="Demo",
            vat_id="RO18547290",
            registration_id="J12/345/2020",
            legal_form="Capital social 200 lei",
            electronic_address="facturi@furnizor.ro",
            electronic_address_scheme="EM",
            address=Address(
                street="Str. Memorandumului 28",
                additional_street="Et. 2",
                city="Cluj-Napoca",
                postal_code="400114",
                county="RO-CJ",
                country="RO",
            ),
            contact=Contact(name="Ana Pop", phone="0264000000", email="ana@furnizor.ro"),
        ),
        buyer=Party(
            name="Client București SA",
            registration_id="8609468",
            address=Address(street="Bd. Unirii 1", city="SECTOR3", county="RO-B", country="RO"),
        ),
        payment_means=[
            PaymentMeans(
                code="30",
                iban="RO49AAAA1B31007593840000",
                account_name="Furnizor Demo SRL",
                bic="BTRLRO22",
                payment_id="FCT-2026-0001",
            )
        ],
        payment_terms="30 de zile de la emitere",
        allowances_charges=[
            AllowanceCharge(
                is_charge=True,
                amount=Decimal("10.00"),
                reason="Transport",
                vat_category="S",
                vat_rate=Decimal("19"),
            )
        ],
        lines=[
            Line(
                id="1",
                name="Consultanță",
                description="Ore de consultanță, noiembrie",
                quantity=Decimal("2"),
                unit_code="HUR",
                price=Decimal("150.00"),
                vat_category="S",
                vat_rate=Decimal("19"),
                seller_item_id="SKU1",
                buyer_item_id="B-1",
                standard_item_id="5901234123457",
                standard_item_scheme="0160",
                classification_codes=["72000000"],
                classification_scheme="STI",
                note="Conform contract",
            ),
            Line(
                id="2",
                name="Carte",
                quantity=Decimal("1.5"),
                unit_code="H87",
                price=Decimal("33.333"),
                vat_category="S",
                vat_rate=Decimal("9"),
                allowances_charges=[
                    AllowanceCharge(is_charge=False, amount=Decimal("1.00"), reason="Discount")
                ],
            ),
        ],
        attachments=[
            Attachment(
                id="ANX1", description="Anexă", filename="anexa.csv", mime_type="text/csv", content=b"a;b\n"
            )
        ],
    )
    exchange_rate = None if currency == "RON" else Decimal("4.9763")
    return compute_totals(invoice, exchange_rate=exchange_rate)


KINDS_AND_CURRENCIES = [
    (DocumentKind.INVOICE, "RON"),
    (DocumentKind.INVOICE, "EUR"),
    (DocumentKind.CREDIT_NOTE, "RON"),
    (DocumentKind.CREDIT_NOTE, "EUR"),
]


@pytest.mark.parametrize(("kind", "currency"), KINDS_AND_CURRENCIES)
def test_it_builds_what_anaf_accepts(kind: DocumentKind, currency: str) -> None:
    data = build_ubl(make_invoice(kind, currency))

    report = validate(data)

    assert report.valid, report.errors
    assert report.errors == []
    assert report.warnings == []


def test_it_writes_a_credit_note_root_and_its_due_date_in_payment_means() -> None:
    root = etree.fromstring(build_ubl(make_invoice(DocumentKind.CREDIT_NOTE)))

    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext(f"{{{CBC}}}CreditNoteTypeCode") == "381"
    assert root.find(f"{{{CBC}}}DueDate") is None
    assert root.findtext(f".//{{{CBC}}}PaymentDueDate") == "2026-12-02"


def test_it_writes_ron_tax_currency_and_bt_111_for_a_foreign_currency() -> None:
    invoice = make_invoice(currency="EUR")
    invoice.tax_currency = None

    root = etree.fromstring(build_ubl(invoice))

    assert root.findtext(f"{{{CBC}}}TaxCurrencyCode") == "RON"
    tax_amounts = [
        (el.get("currencyID"), el.text) for el in root.iterfind(f"./{{*}}TaxTotal/{{{CBC}}}TaxAmount")
    ]
    assert tax_amounts == [("EUR", "63.31"), ("RON", "315.05")]


def test_it_writes_amounts_with_two_decimals() -> None:
    invoice = make_invoice()
    invoice.totals.prepaid = Decimal("0")
    invoice.totals.payable = invoice.totals.tax_inclusive

    root = etree.fromstring(build_ubl(invoice))

    assert root.findtext(f".//{{{CBC}}}PrepaidAmount") == "0.00"
    assert root.findtext(f".//{{{CBC}}}LineExtensionAmount") == "349.00"
    assert root.findtext(f".//{{{CBC}}}PriceAmount") == "150.00"


def test_it_is_byte_stable() -> None:
    invoice = make_invoice(currency="EUR")

    first = build_ubl(invoice)

    assert build_ubl(copy.deepcopy(invoice)) == first
    assert build_ubl(make_invoice(currency="EUR")) == first
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice ')


def test_it_refuses_a_model_missing_what_cius_ro_requires() -> None:
    invoice = Invoice(number="F1", currency="RON")

    with pytest.raises(InvalidInvoice) as caught:
        build_ubl(invoice)

    message = str(caught.value)
    for expected in (
        "issue date (BT-2)",
        "seller name",
        "seller address line 1",
        "seller city",
        "BR-RO-065",
        "BR-RO-120",
        "VAT breakdown (BG-23)",
        "amount due (BT-115)",
        "at least one invoice line (BG-25)",
    ):
        assert expected in message
    assert "Factura nu poate fi generată" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda inv: setattr(inv, "number", "FACTURA"), "BR-RO-010"),
        (lambda inv: setattr(inv, "type_code", "381"), "BR-RO-020"),
        (
            lambda inv: setattr(inv.seller.address, "county", "Cluj"),
            r"got 'Cluj' \(county_code\(\) gives RO-CJ\)",
        ),
        (lambda inv: setattr(inv.buyer.address, "city", "Sector 3"), r"\(sector_code\(\) gives SECTOR3\)"),
        (lambda inv: setattr(inv.buyer.address, "city", "Bucuresti"), "BR-RO-100"),
        (lambda inv: setattr(inv.totals, "payable", Decimal("1.005")), "more than two decimals"),
        (lambda inv: setattr(inv.lines[0], "vat_rate", None), "line 1 VAT rate"),
        (lambda inv: setattr(inv.attachments[0], "mime_type", "text/plain"), "BR-CL-24"),
        (lambda inv: setattr(inv, "notes", ["x" * 301]), "BT-22 is longer than 300"),
        (lambda inv: setattr(inv, "currency", "lei"), "ISO 4217"),
        (lambda inv: setattr(inv.buyer.address, "country", "Romania"), "ISO 3166-1"),
        (lambda inv: setattr(inv.seller, "vat_id", "RO18547291"), "wrong CIF check digit"),
        (lambda inv: setattr(inv.lines[1], "vat_category", "X"), "line 2 VAT category 'X'"),
        (lambda inv: setattr(inv.totals, "payable", Decimal("1.00")), r"BT-115 is 1.00 .*\(BR-CO-16\)"),
        (lambda inv: setattr(inv.lines[0], "net_amount", Decimal("299.00")), "BR-CO-10"),
        (lambda inv: setattr(inv.totals, "tax", Decimal("63.30")), "BR-CO-14"),
        (lambda inv: setattr(inv.seller, "name", "Firma\x01 SRL"), "characters XML cannot carry"),
        (lambda inv: setattr(inv.lines[0], "quantity", Decimal("Infinity")), "not a number"),
    ],
)
def test_it_names_the_rule_a_model_breaks(change: object, expected: str) -> None:
    invoice = make_invoice()
    change(invoice)  # type: ignore[operator]

    with pytest.raises(InvalidInvoice, match=expected):
        build_ubl(invoice)


def test_a_foreign_currency_invoice_needs_bt_111() -> None:
    invoice = make_invoice(currency="EUR")
    invoice.totals.tax_in_tax_currency = None

    with pytest.raises(InvalidInvoice, match=r"BT-111"):
        build_ubl(invoice)


def test_compute_totals_follows_en16931_arithmetic() -> None:
    invoice = make_invoice()

    assert [line.net_amount for line in invoice.lines] == [Decimal("300.00"), Decimal("49.00")]
    assert [(sub.rate, sub.taxable, sub.tax) for sub in invoice.tax_breakdown] == [
        (Decimal("19"), Decimal("310.00"), Decimal("58.90")),
        (Decimal("9"), Decimal("49.00"), Decimal("4.41")),
    ]
    totals = invoice.totals
    assert totals.line_extension == Decimal("349.00")
    assert totals.charges == Decimal("10.00")
    assert totals.allowances is None
    assert totals.tax_exclusive == Decimal("359.00")
    assert totals.tax == Decimal("63.31")
    assert totals.tax_inclusive == Decimal("422.31")
    assert totals.payable == Decimal("422.31")


@pytest.mark.parametrize(("kind", "currency"), KINDS_AND_CURRENCIES)
def test_build_then_parse_gives_the_same_model_back(kind: DocumentKind, currency: str) -> None:
    original = make_invoice(kind, currency)

    parsed = parse(build_ubl(original), attachment_bytes=True)

    expected = copy.deepcopy(original)
    expected.customization_id = CIUS_RO  # written by the builder
    expected.type_code = "381" if kind is DocumentKind.CREDIT_NOTE else "380"  # the default for the kind
    expected.tax_currency = None if currency == "RON" else "RON"  # BR-RO-030
    expected.attachments[0].size = len(b"a;b\n")  # known once read
    assert parsed.warnings == []
    assert asdict(parsed) == asdict(expected)


def test_amounts_come_back_as_the_builder_wrote_them() -> None:
    shape = invoice_to_dict(parse(build_ubl(make_invoice(currency="EUR"))))

    assert shape["totals"]["payable"] == "422.31"
    assert shape["lines"][1]["price"] == "33.333"
    assert shape["lines"][1]["quantity"] == "1.5"
    assert shape["tax_breakdown"][0] == {"category": "S", "rate": "19", "taxable": "310.00", "tax": "58.90"}


@pytest.mark.parametrize(
    ("category", "rate", "reason"),
    [
        ("O", None, "Neplătitor de TVA"),
        ("E", Decimal(0), "Scutit conform art. 292"),
        ("AE", Decimal(0), None),
    ],
)
def test_it_builds_valid_invoices_without_vat(
    category: str, rate: Decimal | None, reason: str | None
) -> None:
    invoice = make_invoice()
    if category == "O":  # a non-VAT payer: its CIF without RO is the tax registration id (BT-32)
        invoice.seller.vat_id = None
        invoice.seller.tax_registration_id = "18547290"
    if category == "AE":
        invoice.buyer.vat_id = "RO14399840"
    for line in invoice.lines:
        line.vat_category, line.vat_rate, line.net_amount = category, rate, None
    invoice.allowances_charges[0].vat_category = category
    invoice.allowances_charges[0].vat_rate = rate
    invoice.tax_breakdown = [TaxSubtotal(category=category, exemption_reason=reason)] if reason else []
    invoice = compute_totals(invoice)

    report = validate(build_ubl(invoice))

    assert report.valid, report.errors
    assert report.warnings == []
    assert invoice.totals.tax == Decimal("0.00")


def test_a_payee_and_a_tax_representative_are_written_and_read_back() -> None:
    invoice = make_invoice()
    invoice.payee = Party(name="Factoring Demo SA", registration_id="J40/1/2020")
    invoice.tax_representative = Party(
        name="Reprezentant Fiscal SRL",
        vat_id="RO14399840",
        address=Address(street="Str. Academiei 1", city="SECTOR1", county="RO-B", country="RO"),
    )

    data = build_ubl(invoice)

    assert validate(data).valid
    parsed = parse(data)
    assert parsed.payee == invoice.payee
    assert parsed.tax_representative == invoice.tax_representative
    assert parsed.warnings == []
