"""`efactura invoice parse` on ANAF's public examples: the JSON shape and values read off the files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from efactura.__main__ import main
from tests.corpus.corpus_files import corpus_file

FIXTURES = Path(__file__).parents[1] / "einvoice" / "fixtures"
RO_EUR = corpus_file("ro-cius-ubl/ubl_b2g_example3.xml")
RO_CII = corpus_file("ro-cii/anaf_CII_example3.xml")

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


def test_it_prints_one_json_object_for_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", "--json", str(RO_EUR)]) == 0

    shape = json.loads(capsys.readouterr().out)
    assert set(shape) == TOP_KEYS
    assert set(shape["seller"]) == set(shape["buyer"]) == PARTY_KEYS
    assert set(shape["seller"]["address"]) == ADDRESS_KEYS
    assert set(shape["totals"]) == TOTALS_KEYS
    assert all(set(line) == LINE_KEYS for line in shape["lines"])
    assert all(set(row) == {"category", "rate", "taxable", "tax"} for row in shape["tax_breakdown"])
    assert shape["kind"] == "invoice"
    assert shape["syntax"] == "ubl"
    assert shape["number"] == "1316/85"
    assert shape["issue_date"] == "2020-02-13"
    assert shape["due_date"] is None
    assert (shape["currency"], shape["tax_currency"]) == ("EUR", "RON")
    assert shape["totals"]["payable"] == "1246.00"
    assert shape["totals"]["prepaid"] == "274.12"
    assert shape["totals"]["rounding"] is None
    assert shape["warnings"] == []


def test_amounts_are_strings_exactly_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", "parse", "--json", str(RO_CII)]) == 0

    shape = json.loads(capsys.readouterr().out)
    assert shape["syntax"] == "cii"
    assert shape["totals"]["line_extension"] == "800"
    assert shape["totals"]["tax"] == "225"
    assert shape["tax_breakdown"] == [{"category": "S", "rate": "25", "taxable": "900", "tax": "225"}]
    assert shape["lines"][0]["quantity"] == "1"
    assert shape["lines"][0]["unit_code"] == "C62"


def test_several_files_give_a_list_and_a_bad_one_sets_exit_status_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = FIXTURES / "malformed_not_well_formed.xml"

    status = main(["invoice", "parse", "--json", str(RO_EUR), str(bad), str(RO_CII)])

    shapes = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [shape.get("number") for shape in shapes] == ["1316/85", None, "TOSL108"]
    assert "Not well-formed XML" in shapes[1]["error"]


def _zip(tmp_path: Path, name: str, document: bytes) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("5025079551.xml", document)
    return path


def test_it_reads_the_invoice_inside_an_anaf_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _zip(tmp_path, "5025079551.zip", RO_EUR.read_bytes())

    assert main(["invoice", "parse", "--json", str(path)]) == 0

    assert json.loads(capsys.readouterr().out)["number"] == "1316/85"
