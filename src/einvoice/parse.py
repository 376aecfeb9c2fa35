"""Read a UBL 2.1 Invoice / CreditNote or a UN/CEFACT CII invoice into the one model (lenient).

The reader records what the document says and nothing more: an empty, missing or unreadable term is
``None`` plus a warning, never a guess. Only bytes that are not well-formed XML, that declare a DTD or
entities, or whose root is not an invoice raise `MalformedDocument`.
The paths come from one table, `einvoice.terms`.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from datetime import date
from decimal import Decimal

from lxml import etree

from . import terms
from .errors import MalformedDocument
from .model import (
    AllowanceCharge,
    Attachment,
    Contact,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    Syntax,
    TaxSubtotal,
    Totals,
)
from .namespaces import CII_ROOT, NS, UBL_CREDIT_NOTE_ROOT, UBL_INVOICE_ROOT
from .paths import Found, Matcher, Term, term

_ROOTS = {
    UBL_INVOICE_ROOT: (Syntax.UBL, DocumentKind.INVOICE),
    UBL_CREDIT_NOTE_ROOT: (Syntax.UBL, DocumentKind.CREDIT_NOTE),
    CII_ROOT: (Syntax.CII, DocumentKind.INVOICE),
}
# The UNTDID 1001 type codes (BT-3) EN 16931 reads as credit notes: a CII document has no credit-note root.
EN16931_CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CII_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_UTF8_BOM = b"\xef\xbb\xbf"


_MATCHERS = {
    syntax: {name: Matcher(table, syntax.value) for name, table in terms.TABLES.items()} for syntax in Syntax
}
Groups = dict[str, list[Found]]


def _text(found: Found) -> str:
    raw = found if isinstance(found, str) else found.text
    return raw.strip() if raw else ""


def _elements(groups: Groups, name: str) -> list[etree._Element]:
    return [found for found in groups.get(name, ()) if isinstance(found, etree._Element)]


class _Reader:
    """Reads the tables of one syntax and collects warnings."""

    def __init__(self, syntax: Syntax) -> None:
        self.syntax = syntax
        self.matchers = _MATCHERS[syntax]
        self.warnings: list[str] = []

    def fill(self, target: object, element: etree._Element, table: str, where: str) -> Groups:
        """Set the fields of ``target`` from ``element``; returns the sub-group elements found."""
        matcher = self.matchers[table]
        found = matcher.collect(element)
        groups: Groups = {}
        preferred = matcher.preferred
        slot_terms = matcher.slot_terms
        for slot, values in found.items():
            if preferred and slot in preferred and any(earlier in found for earlier in preferred[slot]):
                continue  # an earlier alternative of the same term is present
            item = slot_terms[slot]
            kind = item.kind
            first = values[0]
            if kind in ("text", "attr", "decimal"):
                raw = first if isinstance(first, str) else first.text
                text = raw.strip() if raw else ""
                if not text:
                    self.warnings.append(f"{item.bt} {where}{item.label} is empty")
                elif kind != "decimal":
                    setattr(target, item.field, text)
                elif _DECIMAL.fullmatch(text):
                    setattr(target, item.field, Decimal(text))
                else:
                    self.warnings.append(f"{item.bt} {where}{item.label}: {text!r} is not a decimal number")
            elif kind == "group":
                groups[item.field] = values
            elif kind == "list":
                texts = [text for text in map(_text, values) if text]
                if texts:
                    setattr(target, item.field, texts)
            else:
                text = _text(first)
                if not text:
                    self.warnings.append(f"{item.bt} {where}{item.label} is empty")
                    continue
                value = self.date(text, item, where) if kind == "date" else self.boolean(text, item, where)
                if value is not None:
                    setattr(target, item.field, value)
        for item, slots in matcher.required:
            if not any(slot in found for slot in slots):
                self.warnings.append(f"{item.bt} {where}{item.label} is missing")
        return groups

    def decimal(self, text: str, item: Term, where: str) -> Decimal | None:
        if _DECIMAL.fullmatch(text):
            return Decimal(text)
        self.warnings.append(f"{item.bt} {where}{item.label}: {text!r} is not a decimal number")
        return None

    def date(self, text: str, item: Term, where: str) -> date | None:
        """YYYY-MM-DD (UBL) or YYYYMMDD (CII format 102); a longer value keeps its date, with a warning."""
        match = _ISO_DATE.match(text) or _CII_DATE.match(text)
        if match is not None:
            try:
                value = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                pass
            else:
                if match.end() != len(text):
                    self.warnings.append(
                        f"{item.bt} {where}{item.label}: {text!r} read as {value.isoformat()}"
                    )
                return value
        self.warnings.append(f"{item.bt} {where}{item.label}: {text!r} is not a date")
        return None

    def boolean(self, text: str, item: Term, where: str) -> bool | None:
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        self.warnings.append(f"{item.bt} {where}{item.label}: {text!r} is neither true nor false")
        return None

    # -- groups ------------------------------------------------------------------------------------------

    def party(self, groups: Groups, name: str, who: str) -> Party | None:
        """Seller (BG-4), buyer (BG-7), payee (BG-10) or tax representative (BG-11), as far as present."""
        elements = _elements(groups, name)
        required = name in ("seller", "buyer")
        if not elements:
            if required:
                self.warnings.append(f"{who} is missing")
            return None
        party = Party()
        before = len(self.warnings)
        sub = self.fill(party, elements[0], name if name in self.matchers else "party", f"{who} ")
        said_empty = any(f"{who} name is empty" in warning for warning in self.warnings[before:])
        if required and party.name is None and not said_empty:
            self.warnings.append(f"{who} name is missing")
        for address in _elements(sub, "address")[:1]:
            self.fill(party.address, address, "address", f"{who} address ")
        for element in _elements(sub, "contact")[:1]:
            contact = Contact()
            self.fill(contact, element, "contact", f"{who} contact ")
            party.contact = contact
        return party

    def allowance_charge(self, element: etree._Element, where: str) -> AllowanceCharge:
        item = AllowanceCharge(is_charge=False)
        self.fill(item, element, "allowance_charge", where)
        return item

    def line(self, element: etree._Element, position: int) -> Line:
        line = Line()
        where = f"line {position} "
        groups = self.fill(line, element, "line", where)
        if groups:
            for found in _elements(groups, "allowances_charges"):
                line.allowances_charges.append(self.allowance_charge(found, where))
        return line

    def attachment(self, element: etree._Element, *, with_bytes: bool) -> Attachment:
        attachment = Attachment()
        groups = self.fill(attachment, element, "attachment", "attachment ")
        for found in _elements(groups, "content")[:1]:
            encoded = "".join(_text(found).split())
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                self.warnings.append(f"BT-125 attachment {attachment.id!r} is not valid base64")
                break
            attachment.size = len(content)
            if with_bytes:
                attachment.content = content
        return attachment

    def tax_totals(self, groups: Groups, invoice: Invoice) -> None:
        """BT-110 in the invoice currency, BT-111 in the VAT accounting currency (by currencyID)."""
        foreign = invoice.tax_currency is not None and invoice.tax_currency != invoice.currency
        seen = {"BT-110": False, "BT-111": False}
        for element in _elements(groups, "tax_amounts"):
            text = _text(element)
            if not text:
                continue
            if foreign and element.get("currencyID") == invoice.tax_currency:
                seen["BT-111"] = True
                invoice.totals.tax_in_tax_currency = self.decimal(text, _BT_111, "")
            elif not seen["BT-110"]:
                seen["BT-110"] = True
                invoice.totals.tax = self.decimal(text, _BT_110, "")
        if not seen["BT-110"]:
            self.warnings.append("BT-110 total VAT amount is missing")
        if foreign and not seen["BT-111"]:
            self.warnings.append("BT-111 total VAT in the accounting currency is missing")


_BT_110 = term("BT-110", "tax", "decimal", None, None, label="total VAT amount")
_BT_111 = term(
    "BT-111", "tax_in_tax_currency", "decimal", None, None, label="total VAT in accounting currency"
)


def _line_tags() -> dict[str, Syntax]:
    """The line elements (last step of the BG-25 paths) and their syntax, for the streaming parser."""
    tags: dict[str, Syntax] = {}
    for syntax, sources in ((Syntax.UBL, terms.LINES.ubl), (Syntax.CII, terms.LINES.cii)):
        for source in sources:
            prefix, name = source.rsplit("/", 1)[-1].split(":")
            tags[f"{{{NS[prefix]}}}{name}"] = syntax
    return tags


_LINE_TAGS = _line_tags()
_CII_TRANSACTION = f"{{{NS['rsm']}}}SupplyChainTradeTransaction"


class _Streamed:
    """Lines read while lxml parses, per syntax, with the reader (and warnings) that read them."""

    def __init__(self) -> None:
        self.readers: dict[Syntax, _Reader] = {}
        self.lines: dict[Syntax, list[Line]] = {}

    def add(self, element: etree._Element, syntax: Syntax) -> None:
        reader = self.readers.get(syntax) or self.readers.setdefault(syntax, _Reader(syntax))
        lines = self.lines.setdefault(syntax, [])
        lines.append(reader.line(element, len(lines) + 1))


def _load(data: bytes) -> tuple[etree._Element, _Streamed]:
    """Parse safely (no network, no DTD, no entity expansion, libxml2's size limits), streaming lines.

    Each line is read as soon as lxml has parsed it and then dropped from the tree, so a large invoice
    never sits whole in memory: only its header and the model do.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse() takes the document bytes")
    raw = bytes(data)
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    raw = raw.lstrip(b" \t\r\n")
    if not raw:
        raise MalformedDocument("The document is empty. / Documentul este gol.")
    streamed = _Streamed()
    events = etree.iterparse(
        io.BytesIO(raw),
        events=("end",),
        tag=tuple(_LINE_TAGS),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, element in events:
            parent = element.getparent()
            if parent is None:
                continue
            grandparent = parent.getparent()
            syntax = _LINE_TAGS[element.tag]
            # Only the document's own lines: a UBL line under the root, a CII one under the root's trade
            # transaction; anything nested deeper (inside an extension, say) stays where it is.
            if syntax is Syntax.UBL:
                own = grandparent is None
            else:
                own = (
                    parent.tag == _CII_TRANSACTION
                    and grandparent is not None
                    and grandparent.getparent() is None
                )
            if own:
                streamed.add(element, syntax)
                parent.remove(element)
        root = events.root
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(
            f"Not well-formed XML: {exc.msg}. / XML-ul nu este bine format: {exc.msg}."
        ) from None
    docinfo: etree.DocInfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[attr-defined]
        raise MalformedDocument(
            "A DTD or entity declaration is not allowed in an e-invoice. / "
            "O declarație DTD sau de entități nu este permisă într-o factură electronică."
        )
    return root, streamed


def parse(data: bytes, *, attachment_bytes: bool = False) -> Invoice:
    """The invoice or credit note in ``data`` (UBL 2.1 or CII), with ``warnings`` for what is off.

    Attachments carry name, MIME type and decoded size; their bytes only with ``attachment_bytes=True``.
    Raises `MalformedDocument` if ``data`` is not well-formed XML, declares a DTD, or is not an invoice.
    """
    root, streamed = _load(data)
    known = _ROOTS.get(root.tag) if isinstance(root.tag, str) else None
    if known is None:
        name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise MalformedDocument(
            f"Not an invoice: the root element is {name!r}, not a UBL Invoice/CreditNote or a CII "
            f"CrossIndustryInvoice. / Nu este o factură: elementul rădăcină este {name!r}."
        )
    syntax, kind = known
    reader = streamed.readers.pop(syntax, None) or _Reader(syntax)
    invoice = Invoice(kind=kind, syntax=syntax)
    invoice.lines = streamed.lines.pop(syntax, [])
    if streamed.lines:
        reader.warnings.append("lines of the other syntax (UBL inside CII or the reverse) were ignored")
    groups = reader.fill(invoice, root, "document", "")
    if syntax is Syntax.CII and invoice.type_code in EN16931_CREDIT_NOTE_TYPE_CODES:
        invoice.kind = DocumentKind.CREDIT_NOTE
    invoice.seller = reader.party(groups, "seller", "seller") or Party()
    invoice.buyer = reader.party(groups, "buyer", "buyer") or Party()
    invoice.payee = reader.party(groups, "payee", "payee")
    invoice.tax_representative = reader.party(groups, "tax_representative", "tax representative")
    for element in _elements(groups, "payment_means"):
        means = PaymentMeans()
        reader.fill(means, element, "payment_means", "payment means ")
        invoice.payment_means.append(means)
    for element in _elements(groups, "allowances_charges"):
        invoice.allowances_charges.append(reader.allowance_charge(element, "document "))
    for element in _elements(groups, "tax_breakdown"):
        subtotal = TaxSubtotal()
        reader.fill(subtotal, element, "tax_subtotal", "VAT breakdown ")
        invoice.tax_breakdown.append(subtotal)
    invoice.totals = Totals()
    totals = _elements(groups, "totals")
    if totals:
        reader.fill(invoice.totals, totals[0], "totals", "")
    else:
        reader.warnings.append("BG-22 document totals are missing")
    reader.tax_totals(groups, invoice)
    for element in _elements(groups, "attachments"):
        invoice.attachments.append(reader.attachment(element, with_bytes=attachment_bytes))
    if not invoice.lines:
        reader.warnings.append("BG-25 the document has no lines")
    _storno_warning(invoice, reader.warnings)
    invoice.warnings = reader.warnings
    return invoice


def _storno_warning(invoice: Invoice, warnings: list[str]) -> None:
    """A type 380 with a negative amount due is a storno written as an invoice: legal in RO, worth a flag."""
    payable = invoice.totals.payable
    if invoice.type_code == "380" and payable is not None and payable < 0:
        warnings.append(f"BT-3 type 380 (invoice) with a negative amount due ({payable:f}): a storno")
