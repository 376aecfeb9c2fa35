"""validate() on the public corpus: ANAF's examples pass, CEN's generic ones fail CIUS-RO and pass CEN."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from efactura.__main__ import main
from einvoice import validate
from einvoice.validate import warm_up
from tests.corpus.corpus_files import corpus_file, corpus_files

RO_UBL = corpus_files("ro-cius-ubl/*.xml")
CEN_UBL = corpus_files("en16931-ubl/*.xml")
CEN_CII = corpus_files("en16931-cii/*.xml")


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    warm_up()


def test_the_corpus_holds_the_examples() -> None:
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
    data = corpus_file("en16931-cii/CII_example1.xml").read_bytes()
    broken = data.replace(b"<ram:InvoiceCurrencyCode>", b"<ram:InvoiceCurrencyCode>X", 1)
    assert broken != data

    report = validate(broken)

    assert not report.valid
    assert all(finding.rule != "XSD" for finding in report.errors)
    assert any(finding.rule.startswith(("BR-", "CII-")) for finding in report.errors)


def test_what_only_cen_1_3_16_finds_is_a_warning() -> None:
    """GIVEN an ANAF example ANAF accepts WHEN the latest CEN rules flag UBL-SR-53 THEN it stays valid."""
    path = corpus_file("ro-cius-ubl/ubl_b2g_example1.xml")

    report = validate(path.read_bytes())
    ro_only = validate(path.read_bytes(), rules="ro")
    cen_only = validate(path.read_bytes(), rules="en16931")

    assert report.valid
    assert "UBL-SR-53" in {finding.rule for finding in report.warnings}
    assert "UBL-SR-53" not in {finding.rule for finding in ro_only.warnings}
    assert "UBL-SR-53" in {finding.rule for finding in cen_only.warnings + cen_only.errors}


def test_findings_carry_rule_text_and_a_readable_location() -> None:
    report = validate(corpus_file("en16931-ubl/ubl-tc434-example3.xml").read_bytes())

    finding = next(finding for finding in report.errors if finding.rule == "BR-RO-030")
    assert finding.severity == "fatal"
    assert finding.message.startswith("[BR-RO-030]-Daca Codul monedei facturii (BT-5)")
    assert finding.location == "/Invoice[1]"


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
    assert set(results[0]) == {"file", "valid", "errors", "warnings", "checked"}


def test_the_cli_applies_the_chosen_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["invoice", "validate", "--json", "--rules", "en16931", str(CEN_UBL[0])])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
