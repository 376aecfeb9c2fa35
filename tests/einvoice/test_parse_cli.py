"""`efactura invoice parse FILE... [--json]`: the JSON shape of `einvoice.export` and a human summary."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import zipfile
from pathlib import Path

import pytest

import einvoice
from efactura.__main__ import main
from einvoice import build_ubl
from tests.sample_invoices import foreign_currency_invoice, write_invoice

FIXTURES = Path(__file__).parent / "fixtures"
RO_CII = FIXTURES / "cii_invoice_380.xml"

TOP_KEYS = {
    "file",
    "kind",
    "syntax",
    "type_code",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "tax_currency",
    "seller",
    "buyer",
    "totals",
    "tax_breakdown",
    "lines",
    "warnings",
}
PARTY_KEYS = {"name", "vat_id", "registration_id", "address"}
ADDRESS_KEYS = {"street", "city", "county", "postal_code", "country"}
TOTALS_KEYS = {
    "line_extension",
    "allowances",
    "charges",
    "tax_exclusive",
    "tax",
    "tax_inclusive",
    "prepaid",
    "rounding",
    "payable",
}
LINE_KEYS = {"id", "name", "quantity", "unit_code", "price", "net_amount", "vat_category", "vat_rate"}


@pytest.fixture
def ro_eur(tmp_path: Path) -> Path:
    """A CIUS-RO invoice in EUR (RON tax currency) made by the builder."""
    return write_invoice(tmp_path, "ro_eur.xml", build_ubl(foreign_currency_invoice()))


def test_it_prints_one_json_object_for_one_file(ro_eur: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", "--json", str(ro_eur)]) == 0

    shape = json.loads(capsys.readouterr().out)
    assert set(shape) == TOP_KEYS
    assert set(shape["seller"]) == set(shape["buyer"]) == PARTY_KEYS
    assert set(shape["seller"]["address"]) == ADDRESS_KEYS
    assert set(shape["totals"]) == TOTALS_KEYS
    assert all(set(line) == LINE_KEYS for line in shape["lines"])
    assert all(set(row) == {"category", "rate", "taxable", "tax"} for row in shape["tax_breakdown"])
    assert shape["kind"] == "invoice"
    assert shape["syntax"] == "ubl"
    assert shape["number"] == "FCT-2026/85"
    assert shape["issue_date"] == "2026-11-02"
    assert shape["due_date"] == "2026-12-02"
    assert (shape["currency"], shape["tax_currency"]) == ("EUR", "RON")
    assert shape["totals"]["payable"] == "368.90"
    assert shape["totals"]["prepaid"] is None
    assert shape["totals"]["rounding"] is None
    assert shape["warnings"] == []


def test_amounts_are_strings_exactly_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", "--json", str(RO_CII)]) == 0

    shape = json.loads(capsys.readouterr().out)
    assert shape["syntax"] == "cii"
    assert shape["totals"]["line_extension"] == "800"
    assert shape["totals"]["tax"] == "171"
    assert shape["tax_breakdown"] == [{"category": "S", "rate": "19", "taxable": "900", "tax": "171"}]
    assert shape["lines"][0]["quantity"] == "1"
    assert shape["lines"][0]["unit_code"] == "C62"


def test_several_files_give_a_list_and_a_bad_one_sets_exit_status_1(
    ro_eur: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = FIXTURES / "malformed_not_well_formed.xml"

    status = main(["invoice", "parse", "--json", str(ro_eur), str(bad), str(RO_CII)])

    shapes = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [shape.get("number") for shape in shapes] == ["FCT-2026/85", None, "CII-2026-17"]
    assert "Not well-formed XML" in shapes[1]["error"]


def test_without_json_it_prints_a_summary_with_the_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", str(FIXTURES / "lenient_storno_380_negative.xml")]) == 0

    out = capsys.readouterr().out
    assert "invoice STORNO-12 (UBL, type 380) issued 2026-10-03" in out
    assert "seller: Furnizor Storno SRL (RO18547290)" in out
    assert "amount due -238.00 RON (VAT -38.00)" in out
    assert "warning: BT-3 type 380 (invoice) with a negative amount due" in out


def test_an_unreadable_file_is_reported_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", str(tmp_path / "absent.xml")]) == 1

    assert "Cannot read the file / Fișierul nu poate fi citit" in capsys.readouterr().err


def _zip(tmp_path: Path, name: str, document: bytes) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("5025079551.xml", document)
    return path


def test_it_reads_the_invoice_inside_an_anaf_zip(
    ro_eur: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _zip(tmp_path, "5025079551.zip", ro_eur.read_bytes())

    assert main(["invoice", "parse", "--json", str(path)]) == 0

    assert json.loads(capsys.readouterr().out)["number"] == "FCT-2026/85"


def test_an_error_report_zip_is_reported_with_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = (
        b'<header xmlns="mfp:anaf:dgti:efactura:mesajEroriFactuta:v1" Index_incarcare="1" Cif_emitent="2">'
        b'<Error errorMessage="[BR-RO-010]-Numarul facturii"/></header>'
    )
    path = _zip(tmp_path, "1.zip", report)

    assert main(["invoice", "parse", str(path)]) == 1

    assert (
        "The ZIP holds an error report, not an invoice: [BR-RO-010]-Numarul facturii"
        in capsys.readouterr().err
    )


def test_a_part_of_the_invoice_cli_that_cannot_load_is_an_error_not_a_missing_subcommand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "einvoice.cli")
    monkeypatch.delattr(einvoice, "_cli_read", raising=False)
    monkeypatch.setitem(sys.modules, "einvoice._cli_read", None)  # what a broken install looks like

    with pytest.raises(ImportError, match="_cli_read"):
        importlib.import_module("einvoice.cli").register(argparse.ArgumentParser().add_subparsers())


def test_invoice_offers_parse_validate_and_render(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["invoice", "--help"])
    usage = capsys.readouterr().out
    assert all(action in usage for action in ("parse", "validate", "render"))
