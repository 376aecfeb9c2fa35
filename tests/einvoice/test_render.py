"""render_html / render_pdf: A4 pages, totals and diacritics in the PDF text, hostile text escaped.

ANAF's public examples are rendered in the corpus suite (``tests/corpus``).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import einvoice
from efactura.__main__ import main
from einvoice import (
    Address,
    Attachment,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    TaxSubtotal,
    Totals,
    build_ubl,
    parse,
    render_html,
    render_pdf,
)
from einvoice.render import _font_fetcher, format_decimal
from tests.pdf_text import pdf_pages
from tests.sample_invoices import foreign_currency_invoice, ro_invoice_xml, write_invoice

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make_invoice(lines: int = 3, **changes: object) -> Invoice:
    invoice = Invoice(
        number="FCT-2026-0042",
        type_code="380",
        issue_date=date(2026, 11, 27),
        due_date=date(2026, 12, 27),
        currency="RON",
        seller=Party(
            name="Întreprinderea Ștefan Țepeș SRL",
            vat_id="RO1234567",
            registration_id="J40/123/2020",
            address=Address(street="Str. Mărășești 3", city="Iași", county="RO-IS", country="RO"),
        ),
        buyer=Party(
            name="Şerban Ţăranu SA",  # cedilla forms, as older systems still write them
            vat_id="RO7654321",
            address=Address(street="Bd. Unirii 1", city="SECTOR1", county="RO-B", country="RO"),
        ),
        lines=[
            Line(
                id=str(number),
                name=f"Cablu de împământare {number}",
                quantity=Decimal("2"),
                unit_code="H87",
                price=Decimal("1250.50"),
                net_amount=Decimal("2501.00"),
                vat_category="S",
                vat_rate=Decimal("19.00"),
            )
            for number in range(1, lines + 1)
        ],
        tax_breakdown=[
            TaxSubtotal(
                category="S", rate=Decimal("19.00"), taxable=Decimal("7503.00"), tax=Decimal("1425.57")
            )
        ],
        totals=Totals(
            line_extension=Decimal("7503.00"),
            tax_exclusive=Decimal("7503.00"),
            tax=Decimal("1425.57"),
            tax_inclusive=Decimal("8928.57"),
            payable=Decimal("8928.57"),
        ),
        payment_means=[PaymentMeans(code="30", iban="RO49AAAA1B31007593840000")],
        payment_terms="30 de zile",
        notes=["Vă mulțumim!"],
        attachments=[Attachment(id="1", filename="anexa.pdf", mime_type="application/pdf", size=12345)],
    )
    return replace(invoice, **changes)  # type: ignore[arg-type]


def test_a_short_invoice_is_one_page_with_its_number_totals_and_diacritics(tmp_path: Path) -> None:
    (page,) = pdf_pages(make_invoice(), tmp_path)
    assert "Factură FCT-2026-0042" in page
    assert "8.928,57 RON" in page
    assert "1.425,57" in page
    assert "Întreprinderea Ștefan Țepeș SRL" in page
    assert "Şerban Ţăranu SA" in page
    assert "Cablu de împământare 1" in page
    assert "Pagina 1 din 1" in page
    assert "RO49AAAA1B31007593840000" in page
    assert "anexa.pdf" in page


def test_the_pdf_embeds_dejavu_sans(tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.fail("pdffonts (poppler-utils) is not installed: run ./dev test, which installs it")
    path = tmp_path / "invoice.pdf"
    path.write_bytes(render_pdf(make_invoice()))

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout

    embedded = [row.split()[0] for row in fonts.splitlines()[2:] if " yes yes yes " in row]
    assert {name.split("+")[1] for name in embedded} == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_the_renderer_fetches_nothing_but_its_fonts() -> None:
    fetcher = _font_fetcher()

    with pytest.raises(ValueError, match="refused to fetch"):
        fetcher.fetch("http://127.0.0.1:9/tracker.png")
    with pytest.raises(ValueError, match="refused to fetch"):
        fetcher.fetch("file:///etc/passwd")


def test_a_long_invoice_spans_pages_with_repeated_headers_and_page_numbers(tmp_path: Path) -> None:
    pages = pdf_pages(make_invoice(lines=120), tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Pagina {number} din {len(pages)}" in page
    line_pages = [page for page in pages if "Cablu de împământare" in page]
    assert len(line_pages) >= 3
    assert all("Preț unitar" in page for page in line_pages)
    assert "Cablu de împământare 120" in "".join(pages)
    assert "8.928,57 RON" in pages[-1]


def test_it_renders_english_on_request(tmp_path: Path) -> None:
    invoice = make_invoice()

    html = render_html(invoice, lang="en")
    (page,) = pdf_pages(invoice, tmp_path, lang="en")

    assert '<html lang="en">' in html
    assert "Amount due" in html
    assert "Invoice FCT-2026-0042" in page
    assert "8,928.57 RON" in page
    assert "Page 1 of 1" in page


def test_a_credit_note_says_so() -> None:
    html = render_html(make_invoice(kind=DocumentKind.CREDIT_NOTE, type_code="381"))

    assert "<h1>Notă de creditare FCT-2026-0042</h1>" in html


def test_the_html_escapes_hostile_text() -> None:
    invoice = make_invoice(number=HOSTILE, notes=[HOSTILE], payment_terms="{{ 7 * 7 }}")
    invoice.seller.name = HOSTILE
    invoice.lines[0].description = HOSTILE
    invoice.attachments[0].filename = HOSTILE

    html = render_html(invoice)

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "{{ 7 * 7 }}" in html


def test_an_invoice_with_nothing_filled_in_still_renders() -> None:
    html = render_html(Invoice())

    assert "<h1>Factură </h1>" in html
    assert render_pdf(Invoice()).startswith(b"%PDF-")


def test_an_unknown_language_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="lang must be one of"):
        render_html(make_invoice(), lang="de")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("1234567.50", "ro", "1.234.567,50"),
        ("1234567.50", "en", "1,234,567.50"),
        ("-0.5", "ro", "-0,5"),
        ("19.00", "ro", "19,00"),
    ],
)
def test_amounts_keep_their_decimals_and_group_thousands(value: str, lang: str, expected: str) -> None:
    assert format_decimal(Decimal(value), lang) == expected


@pytest.mark.parametrize(
    "invoice",
    [
        pytest.param(parse(ro_invoice_xml()), id="ubl-invoice"),
        pytest.param(parse(build_ubl(foreign_currency_invoice())), id="ubl-foreign-currency"),
        pytest.param(parse(ro_invoice_xml("FCT-2026-0500", lines=60)), id="ubl-sixty-lines"),
        pytest.param(parse((FIXTURES / "cii_invoice_380.xml").read_bytes()), id="cii-invoice"),
    ],
)
def test_it_renders_parsed_invoices(invoice: Invoice, tmp_path: Path) -> None:
    assert invoice.number
    assert invoice.totals.payable is not None

    pages = pdf_pages(invoice, tmp_path)

    text = "\n".join(pages)
    assert f"Factură {invoice.number}" in pages[0]
    assert f"{format_decimal(invoice.totals.payable, 'ro')} {invoice.currency}" in text
    assert all(line.name and line.name.split()[0] in text for line in invoice.lines)
    assert f"Pagina {len(pages)} din {len(pages)}" in pages[-1]


def test_it_renders_a_cii_invoice_as_html() -> None:
    invoice = parse((FIXTURES / "cii_invoice_380.xml").read_bytes())

    html = render_html(invoice)

    assert "<h1>Factură CII-2026-17</h1>" in html
    assert "Editura Carpați SRL" in html


def test_the_cli_renders_pdf_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_invoice(tmp_path, "invoice.xml", build_ubl(foreign_currency_invoice()))

    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.pdf")]) == 0
    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.html"), "--lang", "en"]) == 0

    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<h1>Invoice FCT-2026/85</h1>" in html
    assert "368.90 EUR" in html
    assert str(tmp_path / "out.pdf") in capsys.readouterr().out


def test_the_cli_renders_with_the_parser_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`render` imports the parser plainly; it does not look it up on the package at run time."""
    monkeypatch.delattr(einvoice, "parse")
    source = write_invoice(tmp_path, "invoice.xml", build_ubl(foreign_currency_invoice()))

    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.html")]) == 0
    assert "FCT-2026/85" in (tmp_path / "out.html").read_text(encoding="utf-8")


def test_the_cli_refuses_what_it_cannot_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<Invoice><unclosed></Invoice>")

    assert main(["invoice", "render", str(broken), "-o", str(tmp_path / "out.pdf")]) == 1
    source = write_invoice(tmp_path, "invoice.xml", ro_invoice_xml())
    assert main(["invoice", "render", str(source), "-o", str(tmp_path / "out.docx")]) == 2
    assert not (tmp_path / "out.pdf").exists()
    assert "broken.xml" in capsys.readouterr().err
