"""parse() on the public corpus: every ANAF and CEN example reads right; CEN's unit tests never raise."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from einvoice import DocumentKind, parse
from tests.corpus.corpus_files import CORPUS, corpus_file, corpus_files

# file, kind, syntax, number (BT-1), total without VAT (BT-109), amount due (BT-115), lines:
# read off the files by hand and cross-checked with plain XPath.
EXPECTED = [
    ("ro-cius-ubl/ubl_b2g_example0.xml", "invoice", "ubl", "TOSL108", "1386.5", "659.89", 5),
    ("ro-cius-ubl/ubl_b2g_example1.xml", "invoice", "ubl", "12115118", "229.60", "250.33", 20),
    ("ro-cius-ubl/ubl_b2g_example2.xml", "invoice", "ubl", "TOSL108", "1436.50", "801.78", 5),
    ("ro-cius-ubl/ubl_b2g_example3.xml", "invoice", "ubl", "1316/85", "1246.00", "1246.00", 1),
    ("ro-cius-ubl/ubl_b2g_example4.xml", "invoice", "ubl", "TOSL108", "1700.00", "2005.00", 2),
    ("ro-cii/anaf_CII_example10.xml", "invoice", "cii", "TOSL110", "4000", "2337.5", 3),
    ("ro-cii/anaf_CII_example2.xml", "invoice", "cii", "12115118", "229.6", "250.33", 20),
    ("ro-cii/anaf_CII_example3.xml", "invoice", "cii", "TOSL108", "900", "1125", 1),
    ("ro-cii/anaf_CII_example4.xml", "invoice", "cii", "TOSL110", "4000", "4675", 3),
    ("ro-cii/anaf_CII_example6.xml", "invoice", "cii", "TOSL110", "4000", "4675", 3),
    ("ro-cii/anaf_CII_example7.xml", "invoice", "cii", "INVOICE_test_7", "3200", "3200", 2),
    ("ro-cii/anaf_CII_example8.xml", "invoice", "cii", "INVOICE_test_7", "3200", "3200", 2),
    ("ro-cii/anaf_CII_example9.xml", "invoice", "cii", "20150483", "147", "177.87", 1),
    ("en16931-ubl/BIS3_Invoice_positive.xml", "invoice", "ubl", "12345", "625743.54", "782179.43", 1),
    ("en16931-ubl/guide-example2.xml", "invoice", "ubl", "TOSL108", "1436.50", "801.78", 5),
    ("en16931-ubl/guide-example3.xml", "invoice", "ubl", "TOSL108", "900.00", "1125.00", 2),
    ("en16931-ubl/ubl-tc434-example10.xml", "invoice", "ubl", "12115118", "229.60", "250.33", 20),
    ("en16931-ubl/ubl-tc434-example3.xml", "invoice", "ubl", "TOSL108", "1700.00", "2005.00", 2),
    ("en16931-ubl/ubl-tc434-example6.xml", "invoice", "ubl", "TOSL110", "4000.00", "4675.00", 3),
    ("en16931-ubl/ubl-tc434-example7.xml", "invoice", "ubl", "INVOICE_test_7", "3200.00", "3200.00", 2),
    ("en16931-cii/CII-BR-CO-10-RoundingIssue.xml", "invoice", "cii", "0", "0.00", "0.00", 4),
    ("en16931-cii/CII_business_example_02.xml", "invoice", "cii", "INV000013", "10.00", "11.90", 3),
    ("en16931-cii/CII_business_example_Z.xml", "invoice", "cii", "2016166", "11693.87", "11693.87", 3),
    ("en16931-cii/CII_example1.xml", "invoice", "cii", "12115118", "229.6", "250.33", 20),
    ("en16931-cii/CII_example2.xml", "invoice", "cii", "TOSL108", "1436.5", "801.78", 5),
    ("en16931-cii/CII_example3.xml", "invoice", "cii", "TOSL108", "900", "1125", 1),
    ("en16931-cii/CII_example4.xml", "invoice", "cii", "TOSL110", "4000", "4675", 3),
    ("en16931-cii/CII_example5.xml", "invoice", "cii", "TOSL110", "4000", "2337.5", 3),
    ("en16931-cii/CII_example6.xml", "invoice", "cii", "TOSL110", "4000", "4675", 3),
    ("en16931-cii/CII_example7.xml", "invoice", "cii", "INVOICE_test_7", "3200", "3200", 2),
    ("en16931-cii/CII_example8.xml", "invoice", "cii", "1100512149", "908.91", "1099.78", 10),
    ("en16931-cii/CII_example9.xml", "invoice", "cii", "20150483", "147", "177.87", 1),
    ("en16931-cii/XRechnung-O.xml", "invoice", "cii", "150377292", "385544.60", "385544.60", 2),
    ("en16931-cii/huf_example_cii.xml", "invoice", "cii", "21/001003559/996", "69180.00", "87859.00", 3),
]
SAMPLE_FOLDERS = ("ro-cius-ubl", "ro-cii", "en16931-ubl", "en16931-cii")


def test_every_sample_file_has_an_expectation() -> None:
    on_disk = {
        f"{path.parent.name}/{path.name}"
        for folder in SAMPLE_FOLDERS
        for path in corpus_files(f"{folder}/*.xml")
    }

    assert on_disk == {row[0] for row in EXPECTED}


@pytest.mark.parametrize("sample", [pytest.param(row, id=row[0]) for row in EXPECTED])
def test_it_reads_the_public_samples(sample: tuple[str, str, str, str, str, str, int]) -> None:
    name, kind, syntax, number, tax_exclusive, payable, line_count = sample

    invoice = parse(corpus_file(name).read_bytes())

    assert invoice.kind == kind
    assert invoice.syntax == syntax
    assert invoice.number == number
    assert invoice.totals.tax_exclusive == Decimal(tax_exclusive)
    assert f"{invoice.totals.payable:f}" == payable
    assert len(invoice.lines) == line_count
    assert all(line.id for line in invoice.lines)
    assert invoice.seller.name
    assert invoice.issue_date is not None


def test_it_reads_a_ro_invoice_in_foreign_currency_term_by_term() -> None:
    invoice = parse(corpus_file("ro-cius-ubl/ubl_b2g_example3.xml").read_bytes())

    assert (
        invoice.customization_id == "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
    )
    assert (invoice.currency, invoice.tax_currency) == ("EUR", "RON")
    assert invoice.totals.tax == Decimal("274.12")
    assert invoice.totals.tax_in_tax_currency == Decimal("628.62")
    assert invoice.seller.vat_id == "RO1111111111118"
    assert invoice.buyer.vat_id == "RO8609468"
    assert invoice.buyer.name == "Ministerul Finantelor - Actiuni Generale"
    assert [attachment.mime_type for attachment in invoice.attachments] == ["application/pdf"]
    assert invoice.attachments[0].size is not None
    assert invoice.attachments[0].size > 1000
    assert invoice.attachments[0].content is None
    assert invoice.warnings == []


def test_it_returns_attachment_bytes_on_request() -> None:
    data = corpus_file("ro-cius-ubl/ubl_b2g_example3.xml").read_bytes()

    attachment = parse(data, attachment_bytes=True).attachments[0]

    assert attachment.content is not None
    assert attachment.content.startswith(b"%PDF")
    assert len(attachment.content) == attachment.size


def test_it_reads_cii_parties_addresses_and_lines() -> None:
    invoice = parse(corpus_file("ro-cii/anaf_CII_example3.xml").read_bytes())

    assert invoice.issue_date == date(2013, 4, 10)
    assert invoice.due_date == date(2013, 5, 10)
    assert invoice.seller.vat_id == "DK16356706"
    assert invoice.seller.address.street == "Main street 2, Building 4"
    assert invoice.seller.contact is not None
    assert invoice.seller.contact.email == "antonio@SubscriptionsSeller.dk"
    line = invoice.lines[0]
    assert (line.name, line.quantity, line.unit_code, line.price) == (
        "Paper subscription",
        Decimal(1),
        "C62",
        Decimal(800),
    )
    assert (line.vat_category, line.vat_rate, line.net_amount) == ("S", Decimal(25), Decimal(800))
    assert [(a.is_charge, a.amount) for a in invoice.allowances_charges] == [(True, Decimal(100))]


def _cen_unit_test_documents() -> list[tuple[str, bytes]]:
    documents = []
    for path in corpus_files("cen-unit-tests/*/*.xml"):
        for index, test in enumerate(etree.parse(str(path)).getroot().iterfind("{*}test")):
            for child in test:
                if isinstance(child.tag, str) and etree.QName(child).localname in ("Invoice", "CreditNote"):
                    documents.append((f"{path.name}#{index}", etree.tostring(copy.deepcopy(child))))
    return documents


def test_it_never_raises_on_cens_broken_unit_test_invoices() -> None:
    documents = _cen_unit_test_documents()
    assert len(documents) > 400

    kinds = {parse(data).kind for _, data in documents}

    assert kinds == {DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE}


def test_it_reads_the_same_from_several_threads_at_once() -> None:
    files = [CORPUS / row[0] for row in EXPECTED]
    expected = [parse(path.read_bytes()) for path in files]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda path: parse(path.read_bytes()), files * 3))

    assert results == expected * 3


def test_it_reads_the_payee_and_the_tax_representative() -> None:
    invoice = parse(corpus_file("ro-cius-ubl/ubl_b2g_example2.xml").read_bytes())

    assert invoice.payee is not None
    assert (invoice.payee.name, invoice.payee.registration_id) == ("Ebeneser Scrooge AS", "989823401")
    representative = invoice.tax_representative
    assert representative is not None
    assert (representative.name, representative.vat_id) == ("Tax handling company AS", "NO967611265MVA")
    assert (representative.address.city, representative.address.county) == ("Newtown", "RO-AB")
