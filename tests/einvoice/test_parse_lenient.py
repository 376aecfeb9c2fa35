"""What real suppliers send: parse() records what is there, warns, never invents and never raises."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from einvoice import MalformedDocument, invoice_to_dict, parse

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_empty_elements_are_none_with_a_warning() -> None:
    invoice = parse(read("lenient_empty_elements.xml"))

    assert invoice.due_date is None
    assert invoice.notes == []
    assert invoice.order_reference is None
    assert invoice.buyer.name is None
    assert invoice.buyer.registration_id == "8609468"
    assert invoice.buyer.address.street is None
    assert invoice.payment_means[0].code == "30"
    assert invoice.payment_means[0].iban is None
    assert invoice.totals.prepaid is None
    assert invoice.lines[0].price is None
    for expected in (
        "BT-9 due date is empty",
        "BT-13 order reference is empty",
        "BT-27 buyer name is empty",
        "BT-146 line 1 price is empty",
    ):
        assert expected in invoice.warnings


def test_missing_optional_parts_stay_absent() -> None:
    invoice = parse(read("lenient_missing_optional_parts.xml"))

    assert (invoice.number, invoice.issue_date) == ("MIN-7", date(2026, 10, 2))
    assert invoice.due_date is None
    assert invoice.tax_currency is None
    assert invoice.payment_means == []
    assert invoice.tax_breakdown == []
    assert invoice.totals.payable == Decimal("50.00")
    assert invoice.totals.tax is None
    assert invoice.buyer.name is None
    assert invoice.lines[0].quantity is None
    assert "buyer is missing" in invoice.warnings
    assert "BT-24 specification identifier is missing" in invoice.warnings
    assert "BT-110 total VAT amount is missing" in invoice.warnings


def test_a_negative_type_380_is_read_as_written_and_flagged_as_storno() -> None:
    invoice = parse(read("lenient_storno_380_negative.xml"))

    assert invoice.type_code == "380"
    assert invoice.kind == "invoice"
    assert invoice.preceding_invoice == "FCT-11"
    assert invoice.totals.payable == Decimal("-238.00")
    assert invoice.lines[0].quantity == Decimal(-2)
    assert invoice.warnings == ["BT-3 type 380 (invoice) with a negative amount due (-238.00): a storno"]


def test_a_buyer_known_only_by_cif() -> None:
    invoice = parse(read("lenient_buyer_only_cif.xml"))

    assert invoice.buyer.vat_id == "RO14399840"
    assert invoice.buyer.name is None
    assert invoice.buyer.address.city is None
    assert invoice.warnings == ["buyer name is missing"]


def test_unknown_extensions_are_ignored() -> None:
    invoice = parse(read("lenient_unknown_extensions.xml"))

    assert invoice.number == "EXT-5"
    assert invoice.seller.name == "Furnizor Extins SRL"
    assert invoice.tax_breakdown[0].exemption_reason == "Scutit conform art. 292"
    assert invoice.lines[0].net_amount == Decimal("40.00")
    assert invoice.warnings == []


def test_a_bom_and_odd_whitespace_are_tolerated() -> None:
    data = read("lenient_bom_odd_whitespace.xml")
    assert data.startswith(b"\xef\xbb\xbf\n")

    invoice = parse(data)

    assert invoice.number == "WS-42"
    assert invoice.issue_date == date(2026, 10, 6)
    assert invoice.due_date == date(2026, 11, 6)
    assert invoice.type_code == "380"
    assert invoice.currency == "RON"
    assert invoice.seller.name == "Furnizor Spațiat SRL"
    assert invoice.seller.address.county == "RO-CT"
    assert invoice.totals.payable == Decimal("11.90")
    assert invoice.lines[0].quantity == Decimal("1.000")
    assert invoice.lines[0].name == "Pix albastru"
    assert invoice.warnings == []
    assert invoice_to_dict(invoice)["lines"][0]["quantity"] == "1.000"


def test_unreadable_values_are_not_guessed() -> None:
    invoice = parse(read("lenient_unreadable_values.xml"))

    assert invoice.issue_date is None
    assert invoice.due_date is None
    assert invoice.totals.line_extension is None
    assert invoice.totals.tax_exclusive == Decimal("12.50")
    assert invoice.totals.tax_inclusive is None
    assert invoice.totals.payable is None
    assert invoice.totals.tax is None
    assert invoice.lines[0].quantity is None
    assert invoice.allowances_charges[0].amount == Decimal("5.00")
    for expected in (
        "BT-2 issue date: '06.10.2026' is not a date",
        "BT-9 due date: '2026-02-30' is not a date",
        "BT-106 line extension: '12,50' is not a decimal number",
        "BT-115 payable: 'NaN' is not a decimal number",
        "BT-129 line 1 quantity: '1,5' is not a decimal number",
        "BG-20/21 document allowance/charge indicator: 'da' is neither true nor false",
    ):
        assert expected in invoice.warnings


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed_not_well_formed.xml", "Not well-formed XML"),
        ("malformed_entity_expansion.xml", "DTD or entity declaration is not allowed"),
        ("malformed_not_an_invoice.xml", "Not an invoice: the root element is 'Order'"),
    ],
)
def test_malformed_documents_raise_one_clear_bilingual_error(name: str, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message) as caught:
        parse(read(name))

    assert " / " in str(caught.value)  # English / Română


@pytest.mark.parametrize("data", [b"", b"   \n", b"\xef\xbb\xbf", b"not xml", b"<a><b></a>"])
def test_garbage_raises_malformed_document(data: bytes) -> None:
    with pytest.raises(MalformedDocument):
        parse(data)


def test_an_external_dtd_is_refused_without_being_fetched() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/x.dtd">'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    )

    with pytest.raises(MalformedDocument, match="DTD"):
        parse(data)


def test_a_date_time_keeps_its_date_and_says_so() -> None:
    data = read("lenient_missing_optional_parts.xml").replace(b">2026-10-02<", b">2026-10-02T09:30:00<")

    invoice = parse(data)

    assert invoice.issue_date == date(2026, 10, 2)
    assert "BT-2 issue date: '2026-10-02T09:30:00' read as 2026-10-02" in invoice.warnings


RSM = b"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = b"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CAC = b"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


@pytest.mark.parametrize(
    "data",
    [
        b'<rsm:SupplyChainTradeTransaction xmlns:rsm="' + RSM + b'" xmlns:ram="' + RAM + b'">'
        b"<ram:IncludedSupplyChainTradeLineItem/></rsm:SupplyChainTradeTransaction>",
        b'<cac:InvoiceLine xmlns:cac="' + CAC + b'"/>',
    ],
)
def test_a_bare_fragment_is_not_an_invoice(data: bytes) -> None:
    with pytest.raises(MalformedDocument, match="Not an invoice"):
        parse(data)


def test_lines_nested_in_an_extension_are_not_the_invoices_lines() -> None:
    data = read("lenient_unknown_extensions.xml").replace(
        b"<erp:Batch",
        b"<cac:InvoiceLine><cbc:ID>NESTED</cbc:ID></cac:InvoiceLine><erp:Batch",
    )

    invoice = parse(data)

    assert [line.id for line in invoice.lines] == ["1"]
