"""Human-readable HTML and PDF (WeasyPrint) of an :class:`~einvoice.model.Invoice`, Romanian or English.

One Jinja2 template (autoescaped) in ``einvoice/templates``; labels come from a small dictionary per
language. The PDF embeds DejaVu Sans so that ș ț ă î â and the cedilla forms ş ţ print correctly, and
WeasyPrint may only fetch those font files: nothing in an invoice can make it load anything else.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from einvoice.model import DocumentKind, Invoice

__all__ = ["LANGUAGES", "html_pdf", "render_html", "render_pdf"]

LANGUAGES = ("ro", "en")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

LABELS: dict[str, dict[str, str]] = {
    "ro": {
        "invoice": "Factură",
        "credit_note": "Notă de creditare",
        "number": "Număr",
        "issue_date": "Data emiterii",
        "due_date": "Data scadenței",
        "tax_point_date": "Data exigibilității TVA",
        "currency": "Moneda",
        "tax_currency": "Moneda TVA",
        "type_code": "Tip factură",
        "buyer_reference": "Referința cumpărătorului",
        "order_reference": "Comanda",
        "contract_reference": "Contract",
        "preceding_invoice": "Factura de referință",
        "seller": "Furnizor",
        "buyer": "Cumpărător",
        "payee": "Beneficiarul plății",
        "tax_representative": "Reprezentant fiscal",
        "vat_id": "Cod TVA",
        "tax_registration_id": "CIF",
        "registration_id": "Nr. înregistrare",
        "contact": "Contact",
        "lines": "Linii",
        "line_no": "Nr.",
        "item": "Denumire",
        "quantity": "Cantitate",
        "unit": "U.M.",
        "price": "Preț unitar",
        "vat": "TVA",
        "net_amount": "Valoare netă",
        "item_ids": "Cod articol",
        "allowances_charges": "Reduceri și taxe suplimentare",
        "allowance": "Reducere",
        "charge": "Taxă suplimentară",
        "reason": "Motiv",
        "amount": "Valoare",
        "vat_breakdown": "Defalcarea TVA",
        "category": "Categorie",
        "rate": "Cota",
        "taxable": "Baza de impozitare",
        "tax": "Valoare TVA",
        "exemption": "Motivul scutirii",
        "totals": "Totaluri",
        "line_extension": "Total valoare netă linii",
        "total_allowances": "Total reduceri",
        "total_charges": "Total taxe suplimentare",
        "tax_exclusive": "Total fără TVA",
        "total_tax": "Total TVA",
        "tax_in_tax_currency": "Total TVA în moneda TVA",
        "tax_inclusive": "Total cu TVA",
        "prepaid": "Sumă plătită în avans",
        "rounding": "Rotunjire",
        "payable": "Total de plată",
        "payment": "Plata",
        "payment_means": "Modalitate",
        "iban": "IBAN",
        "account_name": "Titular cont",
        "bic": "BIC",
        "payment_id": "Referința plății",
        "payment_terms": "Termeni de plată",
        "notes": "Note",
        "attachments": "Documente atașate",
        "file": "Fișier",
        "description": "Descriere",
        "size": "Mărime",
        "page": "Pagina",
        "of": "din",
        "footer": "Reprezentare vizuală a facturii electronice; documentul original este fișierul XML.",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "number": "Number",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "tax_point_date": "VAT point date",
        "currency": "Currency",
        "tax_currency": "VAT currency",
        "type_code": "Invoice type",
        "buyer_reference": "Buyer reference",
        "order_reference": "Order",
        "contract_reference": "Contract",
        "preceding_invoice": "Preceding invoice",
        "seller": "Seller",
        "buyer": "Buyer",
        "payee": "Payee",
        "tax_representative": "Tax representative",
        "vat_id": "VAT ID",
        "tax_registration_id": "Tax ID",
        "registration_id": "Registration no.",
        "contact": "Contact",
        "lines": "Lines",
        "line_no": "No.",
        "item": "Item",
        "quantity": "Quantity",
        "unit": "Unit",
        "price": "Unit price",
        "vat": "VAT",
        "net_amount": "Net amount",
        "item_ids": "Item code",
        "allowances_charges": "Allowances and charges",
        "allowance": "Allowance",
        "charge": "Charge",
        "reason": "Reason",
        "amount": "Amount",
        "vat_breakdown": "VAT breakdown",
        "category": "Category",
        "rate": "Rate",
        "taxable": "Taxable amount",
        "tax": "VAT amount",
        "exemption": "Exemption reason",
        "totals": "Totals",
        "line_extension": "Sum of line net amounts",
        "total_allowances": "Total allowances",
        "total_charges": "Total charges",
        "tax_exclusive": "Total without VAT",
        "total_tax": "Total VAT",
        "tax_in_tax_currency": "Total VAT in VAT currency",
        "tax_inclusive": "Total with VAT",
        "prepaid": "Paid amount",
        "rounding": "Rounding",
        "payable": "Amount due",
        "payment": "Payment",
        "payment_means": "Means",
        "iban": "IBAN",
        "account_name": "Account name",
        "bic": "BIC",
        "payment_id": "Payment reference",
        "payment_terms": "Payment terms",
        "notes": "Notes",
        "attachments": "Attachments",
        "file": "File",
        "description": "Description",
        "size": "Size",
        "page": "Page",
        "of": "of",
        "footer": "Visual rendering of an e-invoice; the original document is the XML file.",
    },
}

# Code lists (UNCL1001 type codes, UNCL5305 VAT categories, UNCL4461 payment means, Rec 20 units): only
# the codes Romanian invoices use; any other code is shown as written.
CODE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "type_code": {
        "ro": {"380": "Factură", "381": "Notă de creditare", "384": "Factură corectată", "389": "Autofactură",
               "751": "Factură - informații în scopuri contabile"},
        "en": {"380": "Commercial invoice", "381": "Credit note", "384": "Corrected invoice",
               "389": "Self-billed invoice", "751": "Invoice information for accounting purposes"},
    },
    "vat_category": {
        "ro": {"S": "Cota standard", "Z": "Cota zero", "E": "Scutit", "AE": "Taxare inversă",
               "K": "Livrare intracomunitară", "G": "Export", "O": "Neimpozabil", "L": "IGIC", "M": "IPSI"},
        "en": {"S": "Standard rate", "Z": "Zero rated", "E": "Exempt", "AE": "Reverse charge",
               "K": "Intra-community supply", "G": "Export", "O": "Not subject to VAT", "L": "IGIC",
               "M": "IPSI"},
    },
    "payment_means": {
        "ro": {"1": "Nedefinit", "10": "Numerar", "30": "Transfer bancar", "31": "Transfer bancar",
               "42": "Plată în cont bancar", "48": "Card bancar", "49": "Debit direct", "58": "Transfer SEPA",
               "59": "Debit direct SEPA", "97": "Compensare"},
        "en": {"1": "Not defined", "10": "Cash", "30": "Credit transfer", "31": "Debit transfer",
               "42": "Payment to bank account", "48": "Bank card", "49": "Direct debit",
               "58": "SEPA credit transfer", "59": "SEPA direct debit", "97": "Clearing between partners"},
    },
    "unit": {
        "ro": {"H87": "buc", "C62": "buc", "XPP": "buc", "KGM": "kg", "MTR": "m", "MTK": "m²", "MTQ": "m³",
               "LTR": "l", "HUR": "ore", "DAY": "zile", "MON": "luni", "KWH": "kWh", "SET": "set"},
        "en": {"H87": "pcs", "C62": "pcs", "XPP": "pcs", "KGM": "kg", "MTR": "m", "MTK": "m²", "MTQ": "m³",
               "LTR": "l", "HUR": "h", "DAY": "days", "MON": "months", "KWH": "kWh", "SET": "set"},
    },
}  # fmt: skip


def render_html(invoice: Invoice, lang: str = "ro") -> str:
    """A complete, self-contained HTML page for ``invoice`` (every value escaped)."""
    return _template().render(_context(invoice, _language(lang)))


def render_pdf(invoice: Invoice, lang: str = "ro") -> bytes:
    """An A4 PDF of ``invoice``: table headers repeat and pages are numbered "Pagina X din Y"."""
    import weasyprint  # imported late: it loads Pango and fonts

    html = weasyprint.HTML(string=render_html(invoice, lang), url_fetcher=_font_fetcher(), base_url="/")
    pdf = html.write_pdf()
    assert pdf is not None  # write_pdf() returns bytes when no target is given
    return bytes(pdf)


def html_pdf(html: str) -> bytes:
    """A PDF of a document's own HTML (a report beside the invoices), under the same rule: WeasyPrint may
    fetch our font files and nothing else. Page size and margins come from the HTML's `@page`."""
    import weasyprint

    pdf = weasyprint.HTML(string=html, url_fetcher=_font_fetcher(), base_url="/").write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("einvoice", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("invoice.html")


@functools.cache
def font_files() -> dict[str, Path]:
    """DejaVu Sans regular and bold from the system fonts (package fonts-dejavu-core), where present."""
    found = {}
    for style, name in (("regular", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                found[style] = folder / name
                break
    return found


def _font_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves our font files and refuses everything else.

    A new one per document: WeasyPrint's fetcher keeps per-request state.
    """
    return _fonts_only_class()(allowed_protocols=("file",), allow_redirects=False)


@functools.cache
def _fonts_only_class() -> Any:
    import weasyprint

    class FontsOnly(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in {path.as_uri() for path in font_files().values()}:
                raise ValueError(f"refused to fetch {url!r} while rendering an invoice")
            return super().fetch(url, headers)

    return FontsOnly


def _context(invoice: Invoice, lang: str) -> dict[str, Any]:
    labels = LABELS[lang]

    def amount(value: Decimal | None) -> str:
        return "" if value is None else format_decimal(value, lang)

    def code(kind: str, value: str | None) -> str:
        if not value:
            return ""
        label = CODE_LABELS[kind][lang].get(value)
        return f"{label} ({value})" if label and kind != "unit" else label or value

    def rate(value: Decimal | None) -> str:
        if value is None:
            return ""
        normal = value.normalize() if value != 0 else Decimal(0)
        return f"{format_decimal(normal, lang)}%"

    title = labels["credit_note"] if invoice.kind is DocumentKind.CREDIT_NOTE else labels["invoice"]
    return {
        "lang": lang,
        "t": labels,
        "title": title,
        "invoice": invoice,
        "fonts": {style: path.as_uri() for style, path in font_files().items()},
        "amount": amount,
        "code": code,
        "rate": rate,
        "day": lambda value: format_date(value, lang),
        "size": format_size,
    }


def format_decimal(value: Decimal, lang: str) -> str:
    """Group thousands and keep every decimal as written: "1.234,50" in Romanian, "1,234.50" in English."""
    text = f"{value:,f}"
    if lang == "ro":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def format_date(value: date | None, lang: str) -> str:
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if lang == "ro" else value.isoformat()


def format_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
