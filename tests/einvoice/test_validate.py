"""validate(): ANAF's verdict on invoices the builder makes, CEN extras as warnings, bad input as findings.

ANAF's and CEN's public examples are validated in the corpus suite (``tests/corpus``).
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from efactura.__main__ import main
from einvoice import (
    Address,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    build_ubl,
    compute_totals,
    validate,
)
from einvoice.build import CIUS_RO
from einvoice.namespaces import NS
from einvoice.validate import Finding, short_location, warm_up
from tests.sample_invoices import foreign_currency_invoice, ro_invoice_xml, write_invoice

FIXTURES = Path(__file__).parent / "fixtures"
RO_EXAMPLE = ro_invoice_xml()
RO_IDENTIFIER = CIUS_RO.encode()
CII_INVOICE = (FIXTURES / "cii_invoice_380.xml").read_bytes()


def generic_en16931_invoice() -> bytes:
    """A plain EN 16931 invoice in EUR: CEN's rules accept it, CIUS-RO refuses it (BR-RO-001, BR-RO-030)."""
    root = etree.fromstring(
        build_ubl(foreign_currency_invoice()).replace(RO_IDENTIFIER, b"urn:cen.eu:en16931:2017")
    )
    for element in root.xpath("cbc:TaxCurrencyCode | cac:TaxTotal[2]", namespaces=NS):
        root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    warm_up()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(RO_EXAMPLE, id="invoice"),
        pytest.param(build_ubl(foreign_currency_invoice()), id="foreign-currency"),
        pytest.param(ro_invoice_xml("NC-2026-0007", kind=DocumentKind.CREDIT_NOTE), id="credit-note"),
    ],
)
def test_it_accepts_what_the_builder_writes(data: bytes) -> None:
    report = validate(data)

    assert report.valid, report.errors
    assert report.errors == []


def test_it_rejects_a_generic_en16931_invoice_with_br_ro_rules() -> None:
    report = validate(generic_en16931_invoice())

    rules = {finding.rule for finding in report.errors}
    assert not report.valid
    assert {"BR-RO-001", "BR-RO-030"} <= rules
    assert "XSD" not in rules


def test_cen_alone_accepts_a_generic_en16931_invoice() -> None:
    report = validate(generic_en16931_invoice(), rules="en16931")

    assert report.valid, report.errors


def test_it_checks_cii_against_cen_cii_rules() -> None:
    report = validate(CII_INVOICE)

    assert report.valid, report.errors


def test_it_fails_cii_on_cen_cii_rules() -> None:
    broken = CII_INVOICE.replace(b"<ram:InvoiceCurrencyCode>", b"<ram:InvoiceCurrencyCode>X", 1)
    assert broken != CII_INVOICE

    report = validate(broken)

    assert not report.valid
    assert all(finding.rule != "XSD" for finding in report.errors)
    assert any(finding.rule.startswith(("BR-", "CII-")) for finding in report.errors)


def test_what_only_cen_1_3_16_finds_is_a_warning() -> None:
    """GIVEN a buyer tax scheme without VAT id WHEN only the latest CEN rules flag UBL-SR-53 THEN valid."""
    root = etree.fromstring(RO_EXAMPLE)
    (legal_entity,) = root.xpath("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity", namespaces=NS)
    tax_scheme = etree.Element(f"{{{NS['cac']}}}PartyTaxScheme")
    scheme = etree.SubElement(tax_scheme, f"{{{NS['cac']}}}TaxScheme")
    etree.SubElement(scheme, f"{{{NS['cbc']}}}ID").text = "VAT"
    legal_entity.addprevious(tax_scheme)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    report = validate(data)
    ro_only = validate(data, rules="ro")
    cen_only = validate(data, rules="en16931")

    assert report.valid, report.errors
    assert (report.checked, ro_only.checked, cen_only.checked) == (
        ["xsd", "cius-ro", "en16931"],
        ["xsd", "cius-ro"],
        ["xsd", "en16931"],
    )
    assert "UBL-SR-53" in {finding.rule for finding in report.warnings}
    assert "UBL-SR-53" not in {finding.rule for finding in ro_only.warnings}
    assert "UBL-SR-53" in {finding.rule for finding in cen_only.warnings + cen_only.errors}


def test_a_byte_order_mark_is_fine() -> None:
    assert validate(b"\xef\xbb\xbf" + RO_EXAMPLE).valid


def test_findings_carry_rule_text_and_a_readable_location() -> None:
    report = validate(generic_en16931_invoice())

    finding = next(finding for finding in report.errors if finding.rule == "BR-RO-030")
    assert finding.severity == "fatal"
    assert finding.message.startswith("[BR-RO-030]-Daca Codul monedei facturii (BT-5)")
    assert finding.location == "/Invoice[1]"


def test_schematron_runs_even_when_the_xsd_check_fails() -> None:
    broken = RO_EXAMPLE.replace(RO_IDENTIFIER, b"urn:example", 1).replace(
        b"<cbc:IssueDate>", b"<cbc:Unknown>1</cbc:Unknown><cbc:IssueDate>", 1
    )

    report = validate(broken)

    rules = {finding.rule for finding in report.errors}
    assert not report.valid
    assert {"XSD", "BR-RO-001"} <= rules
    xsd = report.schema_errors[0]
    assert "Unknown" in xsd.message
    assert xsd.location is not None


def built_credit_note() -> bytes:
    credit_note = Invoice(
        kind=DocumentKind.CREDIT_NOTE,
        number="NC-2026-7",
        issue_date=date(2026, 11, 2),
        currency="RON",
        preceding_invoice="FCT-2026-1",
        seller=Party(
            name="Furnizor Demo SRL",
            vat_id="RO18547290",
            registration_id="J12/345/2020",
            address=Address(street="Str. Lungă 2", city="Brașov", county="RO-BV", country="RO"),
        ),
        buyer=Party(
            name="Client SA",
            registration_id="8609468",
            address=Address(street="Bd. Unirii 1", city="SECTOR3", county="RO-B", country="RO"),
        ),
        payment_means=[PaymentMeans(code="30", iban="RO49AAAA1B31007593840000")],
        lines=[
            Line(
                id="1",
                name="Retur",
                quantity=Decimal("1"),
                unit_code="H87",
                price=Decimal("100.00"),
                vat_category="S",
                vat_rate=Decimal("19"),
            )
        ],
    )
    return build_ubl(compute_totals(credit_note))


def test_it_checks_a_credit_note_against_the_credit_note_schema() -> None:
    data = built_credit_note()
    wrong_code = data.replace(b"CreditNoteTypeCode", b"InvoiceTypeCode")
    assert b"<CreditNote" in data
    assert wrong_code != data

    assert validate(data).valid, validate(data).errors
    report = validate(wrong_code)

    assert not report.valid
    assert any("cbc:InvoiceTypeCode" in finding.message for finding in report.schema_errors)


def test_a_document_that_is_no_invoice_is_one_error() -> None:
    foreign = RO_EXAMPLE.replace(
        b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", b"urn:bad:Invoice-2"
    )

    report = validate(foreign)

    assert not report.valid
    assert report.errors[0].rule == "XSD"
    assert "not a UBL Invoice" in report.errors[0].message


def test_malformed_xml_is_one_clear_bilingual_error() -> None:
    report = validate(b"<Invoice><cbc:ID>1</Invoice>")

    assert not report.valid
    assert len(report.errors) == 1
    assert report.errors[0].rule == "XSD"
    assert "not well-formed XML" in report.errors[0].message
    assert "nu este un XML bine format" in report.errors[0].message


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe", "<Invoice/>".encode("utf-16")[:5]])
def test_garbage_never_raises(data: bytes) -> None:
    report = validate(data)

    assert not report.valid
    assert [finding.rule for finding in report.errors] == ["XSD"]


def test_it_refuses_dtds_and_never_reads_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>'
    ).encode()

    report = validate(data)

    assert not report.valid
    assert "DOCTYPE" in report.errors[0].message
    assert "TOP-SECRET" not in json.dumps(report.as_dict())


def test_an_unknown_rule_set_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="rules must be one of"):
        validate(b"<a/>", rules="de")


def test_it_gives_the_same_answers_from_many_threads() -> None:
    documents = [RO_EXAMPLE, build_ubl(foreign_currency_invoice()), generic_en16931_invoice(), CII_INVOICE]
    expected = [validate(data) for data in documents]
    results: dict[int, list[object]] = {}

    def work(worker: int) -> None:
        results[worker] = [validate(data) for data in documents]

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(results[worker] == expected for worker in range(4))


def test_short_location_keeps_unknown_namespaces() -> None:
    location = (
        "/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]"
        "/*:X[namespace-uri()='urn:other'][1]"
    )

    assert short_location(location) == "/Invoice[1]/*:X[namespace-uri()='urn:other'][1]"


def test_the_cli_exits_0_when_every_file_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write_invoice(tmp_path, "first.xml", RO_EXAMPLE)
    second = write_invoice(tmp_path, "second.xml", ro_invoice_xml("FCT-2026-0102"))

    code = main(["invoice", "validate", str(first), str(second)])

    assert code == 0
    assert f"{first}: valid" in capsys.readouterr().out


def test_the_cli_prints_json_per_file_and_exits_1_on_an_invalid_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = write_invoice(tmp_path, "valid.xml", RO_EXAMPLE)
    generic = write_invoice(tmp_path, "generic.xml", generic_en16931_invoice())

    code = main(["invoice", "validate", "--json", str(valid), str(generic)])

    assert code == 1
    results = json.loads(capsys.readouterr().out)
    assert [result["file"] for result in results] == [str(valid), str(generic)]
    assert [result["valid"] for result in results] == [True, False]
    error = results[1]["errors"][0]
    assert set(error) == {"rule", "severity", "message", "location"}
    assert set(results[0]) == {"file", "valid", "errors", "warnings", "checked"}
    assert results[0]["checked"] == ["xsd", "cius-ro", "en16931"]


def test_the_cli_applies_the_chosen_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generic = write_invoice(tmp_path, "generic.xml", generic_en16931_invoice())

    code = main(["invoice", "validate", "--json", "--rules", "en16931", str(generic)])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_the_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["invoice", "validate", "--json", str(tmp_path / "none.xml")])

    assert code == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["rule"] == "IO"


WARM_UP_PROBE = """
import sys
import einvoice
module = sys.modules["einvoice.validate"]
assert module._engine_instance is None  # nothing compiled at import
einvoice.warm_up(sys.argv[1])
print(",".join(sorted(module._engine_instance._executables)), len(module._engine_instance._schemas))
"""


@pytest.mark.parametrize(
    ("rules", "compiled"),
    [("ro", "cen-cii,cius-ro"), ("all", "cen-cii,cen-ubl,cius-ro"), ("en16931", "cen-cii,cen-ubl")],
)
def test_warm_up_compiles_what_its_rules_need_in_a_fresh_process(rules: str, compiled: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", WARM_UP_PROBE, rules], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == [compiled, "2"]  # and both UBL schemas


def test_warm_up_refuses_an_unknown_rule_set() -> None:
    with pytest.raises(ValueError, match="rules must be one of"):
        warm_up("de")


def _official_findings(name: str, document: bytes) -> list[Finding]:
    """The findings of the official stylesheet `name`, compiled and run as published."""
    from einvoice.validate import _STYLESHEETS, _engine, data_path, parse_svrl

    saxon = _engine()._saxon  # one Saxon processor per process
    compiled = saxon.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(data_path() / _STYLESHEETS[name])
    )
    node = saxon.new_document_builder().parse_xml(xml_text=document.decode("utf-8"))
    return list(parse_svrl(compiled.transform_to_string(xdm_node=node).encode("utf-8")))


def _wrapped_findings(name: str, document: bytes) -> list[Finding]:
    from einvoice.validate import _engine

    return list(_engine().run_schematron(name, document.decode("utf-8")))


def _with_cen_errors() -> bytes:
    """The sample invoice with a line's amount that no longer adds up (CEN's BR-CO-10)."""
    root = etree.fromstring(RO_EXAMPLE)
    amount = root.find(".//cac:InvoiceLine/cbc:LineExtensionAmount", namespaces=NS)
    assert amount is not None
    amount.text = "1.00"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _with_syntax_warnings() -> bytes:
    """The sample invoice naming another UBL version, which the UBL syntax rules flag (UBL-CR-002)."""
    root = etree.fromstring(RO_EXAMPLE)
    version = etree.Element(f"{{{NS['cbc']}}}UBLVersionID")
    version.text = "2.0"
    root.insert(0, version)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    ("name", "document", "finds"),
    [
        pytest.param("cius-ro", RO_EXAMPLE, False, id="cius-ro-valid"),
        pytest.param("cius-ro", generic_en16931_invoice(), True, id="cius-ro-refused"),
        pytest.param("cius-ro", _with_cen_errors(), True, id="cius-ro-line-sum"),
        pytest.param(
            "cius-ro",
            ro_invoice_xml("NC-2026-0007", kind=DocumentKind.CREDIT_NOTE),
            False,
            id="cius-ro-credit-note",
        ),
        pytest.param("cius-ro", _with_syntax_warnings(), True, id="cius-ro-syntax-warning"),
        pytest.param(
            "cius-ro", RO_EXAMPLE.replace(b'unitCode="HUR"', b'unitCode="ZZZZ"'), True, id="cius-ro-code"
        ),
        pytest.param("cen-ubl", generic_en16931_invoice(), False, id="cen-ubl-valid"),
        pytest.param(
            "cen-ubl", RO_EXAMPLE.replace(b'unitCode="HUR"', b'unitCode="ZZZZ"'), True, id="cen-ubl-code"
        ),
        pytest.param("cen-ubl", _with_syntax_warnings(), True, id="cen-ubl-syntax-warning"),
        pytest.param("cen-ubl", _with_cen_errors(), True, id="cen-ubl-line-sum"),
        pytest.param("cen-cii", CII_INVOICE, False, id="cen-cii-valid"),
        pytest.param(
            "cen-cii",
            CII_INVOICE.replace(b"<ram:DuePayableAmount>1071<", b"<ram:DuePayableAmount>1070<"),
            True,
            id="cen-cii-amount-due",
        ),
        pytest.param(
            "cen-cii", re.sub(rb'unitCode="[^"]+"', b'unitCode="ZZZZ"', CII_INVOICE), True, id="cen-cii-code"
        ),
    ],
)
def test_the_findings_only_stylesheet_finds_what_the_official_one_finds(
    name: str, document: bytes, finds: bool
) -> None:
    """The engine runs its own root over the official templates (`findings_only`): same findings, order."""
    official = _official_findings(name, document)
    assert _wrapped_findings(name, document) == official
    assert bool(official) == finds
