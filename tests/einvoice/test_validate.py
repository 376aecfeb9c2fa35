"""validate(): ANAF's verdict on real public samples, CEN extras as warnings, bad input as findings."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

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
from einvoice.validate import short_location, warm_up

# The shared samples sit beside the clone: /work/shared here, ../shared in CI.
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
RO_UBL = sorted((SAMPLES / "ro-cius-ubl").glob("*.xml"))
CEN_UBL = sorted((SAMPLES / "en16931-ubl").glob("*.xml"))
CEN_CII = sorted((SAMPLES / "en16931-cii").glob("*.xml"))
RO_EXAMPLE = SAMPLES / "ro-cius-ubl" / "ubl_b2g_example0.xml"
RO_IDENTIFIER = b"urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    warm_up()


def test_the_shared_samples_are_there() -> None:
    assert len(RO_UBL) == 5
    assert len(CEN_UBL) >= 5
    assert len(CEN_CII) >= 5


@pytest.mark.parametrize("path", RO_UBL, ids=lambda path: path.name)
def test_it_accepts_anafs_cius_ro_examples(path: Path) -> None:
    report = validate(path.read_bytes())

    assert report.valid, report.errors
    assert report.errors == []


@pytest.mark.parametrize("path", CEN_UBL, ids=lambda path: path.name)
def test_it_rejects_generic_cen_examples_with_br_ro_rules(path: Path) -> None:
    report = validate(path.read_bytes())

    rules = {finding.rule for finding in report.errors}
    assert not report.valid
    assert {"BR-RO-001", "BR-RO-030"} <= rules
    assert "XSD" not in rules


@pytest.mark.parametrize("path", CEN_UBL, ids=lambda path: path.name)
def test_cen_alone_accepts_the_cen_examples(path: Path) -> None:
    report = validate(path.read_bytes(), rules="en16931")

    assert report.valid, report.errors


@pytest.mark.parametrize("path", CEN_CII, ids=lambda path: path.name)
def test_it_checks_cii_against_cen_cii_rules(path: Path) -> None:
    report = validate(path.read_bytes())

    assert report.valid, report.errors


def test_it_fails_cii_on_cen_cii_rules() -> None:
    data = (SAMPLES / "en16931-cii" / "CII_example1.xml").read_bytes()
    broken = data.replace(b"<ram:InvoiceCurrencyCode>", b"<ram:InvoiceCurrencyCode>X", 1)
    assert broken != data

    report = validate(broken)

    assert not report.valid
    assert all(finding.rule != "XSD" for finding in report.errors)
    assert any(finding.rule.startswith(("BR-", "CII-")) for finding in report.errors)


def test_what_only_cen_1_3_16_finds_is_a_warning() -> None:
    """GIVEN an ANAF example ANAF accepts WHEN the latest CEN rules flag UBL-SR-53 THEN it stays valid."""
    path = SAMPLES / "ro-cius-ubl" / "ubl_b2g_example1.xml"

    report = validate(path.read_bytes())
    ro_only = validate(path.read_bytes(), rules="ro")
    cen_only = validate(path.read_bytes(), rules="en16931")

    assert report.valid
    assert "UBL-SR-53" in {finding.rule for finding in report.warnings}
    assert "UBL-SR-53" not in {finding.rule for finding in ro_only.warnings}
    assert "UBL-SR-53" in {finding.rule for finding in cen_only.warnings + cen_only.errors}


def test_a_byte_order_mark_is_fine() -> None:
    assert validate(b"\xef\xbb\xbf" + RO_EXAMPLE.read_bytes()).valid


def test_findings_carry_rule_text_and_a_readable_location() -> None:
    report = validate((SAMPLES / "en16931-ubl" / "ubl-tc434-example3.xml").read_bytes())

    finding = next(finding for finding in report.errors if finding.rule == "BR-RO-030")
    assert finding.severity == "fatal"
    assert finding.message.startswith("[BR-RO-030]-Daca Codul monedei facturii (BT-5)")
    assert finding.location == "/Invoice[1]"


def test_schematron_runs_even_when_the_xsd_check_fails() -> None:
    data = RO_EXAMPLE.read_bytes()
    broken = data.replace(RO_IDENTIFIER, b"urn:example", 1).replace(
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
    data = RO_EXAMPLE.read_bytes()
    foreign = data.replace(b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", b"urn:bad:Invoice-2")

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
    documents = [path.read_bytes() for path in RO_UBL + CEN_UBL]
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


def test_the_cli_exits_0_when_every_file_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["invoice", "validate", str(RO_UBL[0]), str(RO_UBL[1])])

    assert code == 0
    assert f"{RO_UBL[0]}: valid" in capsys.readouterr().out


def test_the_cli_prints_json_per_file_and_exits_1_on_an_invalid_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["invoice", "validate", "--json", str(RO_UBL[0]), str(CEN_UBL[0])])

    assert code == 1
    results = json.loads(capsys.readouterr().out)
    assert [result["file"] for result in results] == [str(RO_UBL[0]), str(CEN_UBL[0])]
    assert [result["valid"] for result in results] == [True, False]
    error = results[1]["errors"][0]
    assert set(error) == {"rule", "severity", "message", "location"}
    assert set(results[0]) == {"file", "valid", "errors", "warnings"}


def test_the_cli_applies_the_chosen_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["invoice", "validate", "--json", "--rules", "en16931", str(CEN_UBL[0])])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_the_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["invoice", "validate", "--json", str(tmp_path / "none.xml")])

    assert code == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["rule"] == "IO"
