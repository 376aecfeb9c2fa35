"""render_pdf / render_html on the public corpus: ANAF's examples render with their number and total."""

from __future__ import annotations

from pathlib import Path

import pytest

import einvoice
from efactura.__main__ import main
from einvoice import parse, render_html
from einvoice.render import format_decimal
from tests.corpus.corpus_files import corpus_file, corpus_files
from tests.pdf_text import pdf_pages

RO_UBL = corpus_files("ro-cius-ubl/*.xml")
RO_CII = corpus_files("ro-cii/*.xml")


@pytest.mark.parametrize("path", RO_UBL, ids=lambda path: path.name)
def test_it_renders_anafs_examples(path: Path, tmp_path: Path) -> None:
    invoice = parse(path.read_bytes())
    assert invoice.number
    assert invoice.totals.payable is not None

    pages = pdf_pages(invoice, tmp_path)

    text = "\n".join(pages)
    assert f"Factură {invoice.number}" in pages[0]
    assert f"{format_decimal(invoice.totals.payable, 'ro')} {invoice.currency}" in pages[-1]
    assert all(line.name and line.name.split()[0] in text for line in invoice.lines)
    assert f"Pagina {len(pages)} din {len(pages)}" in pages[-1]


@pytest.mark.parametrize("path", RO_CII, ids=lambda path: path.name)
def test_it_renders_anafs_cii_examples_as_html(path: Path) -> None:
    invoice = parse(path.read_bytes())

    html = render_html(invoice)

    assert f"<h1>Factură {invoice.number}</h1>" in html
    assert invoice.seller.name
    assert invoice.seller.name.split()[0] in html


def test_the_cli_renders_pdf_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = corpus_file("ro-cius-ubl/ubl_b2g_example3.xml")

    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.pdf")]) == 0
    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.html"), "--lang", "en"]) == 0

    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<h1>Invoice 1316/85</h1>" in html
    assert "1,246.00 EUR" in html
    assert str(tmp_path / "out.pdf") in capsys.readouterr().out


def test_the_cli_renders_with_the_parser_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`render` imports the parser plainly; it does not look it up on the package at run time."""
    monkeypatch.delattr(einvoice, "parse")
    source = corpus_file("ro-cius-ubl/ubl_b2g_example3.xml")

    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.html")]) == 0
    assert "1316/85" in (tmp_path / "out.html").read_text(encoding="utf-8")
