"""Local checks before anything goes to ANAF: `einvoice` (XSD + CIUS-RO) and the CIF check digits ANAF
verifies after its Schematron (docs/anaf.md §2.1). Every finding keeps the rule id, the offending value and
where it is; its plain explanation is worded at the edge (`outbox.wording`). No database access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

import einvoice
from einvoice.cif import without_ro_prefix

CONSUMER_WITHOUT_CNP = "0000000000000"  # a consumer who gave no CNP (docs/anaf.md §4)
MAX_FINDINGS = 200
NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_ROOT_STEP = re.compile(r"^/(Invoice|CreditNote|rsm:CrossIndustryInvoice)\[1\]")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
RULE_SELLER_CIF = "HUB-CIF-SELLER"
RULE_BUYER_CIF = "HUB-CIF-BUYER"
RULE_COMPANY = "HUB-COMPANY"
RULE_UNREADABLE = "HUB-UNREADABLE"


@dataclass
class Examined:
    """What the hub learned of one issued invoice before sending it."""

    standard: str = "UBL"
    number: str = ""
    issue_date: date | None = None
    seller_cif: str = ""
    buyer_id: str = ""
    buyer_name: str = ""
    currency: str = ""
    total: Decimal | None = None
    b2c: bool = False
    storno: bool = False  # an invoice (not a credit note) with a negative quantity
    reference_number: str = ""  # BT-25, the preceding invoice
    errors: list[dict[str, str]] = field(default_factory=list)


def _finding(rule: str, message: str, *, value: str = "", location: str = "") -> dict[str, str]:
    return {"rule": rule, "message": message, "value": value[:200], "location": location, "source": "local"}


def _value_at(tree: etree._Element | None, location: str) -> str:
    """The text at a finding's location (the offending value), or "" when it cannot be found."""
    if not location.startswith("/"):
        return location  # some CEN rules report the offending value where a path would be
    if tree is None:
        return ""
    path = _ROOT_STEP.sub("/*[1]", location)
    try:
        found = tree.xpath(path, namespaces=NAMESPACES)
    except etree.XPathError:
        return ""
    if isinstance(found, list) and found:
        first = found[0]
        text = first.text if isinstance(first, etree._Element) else str(first)
        return " ".join((text or "").split())
    return ""


def party_identifier(party: einvoice.Party) -> str:
    """The fiscal identifier ANAF reads for a party: the RO VAT id, else the tax or legal registration id."""
    for candidate in (party.vat_id, party.tax_registration_id, party.registration_id):
        if candidate:
            value = without_ro_prefix(candidate)
            if value.isdigit():
                return value
    return without_ro_prefix(party.vat_id or party.tax_registration_id or party.registration_id or "")


def is_consumer(identifier: str) -> bool:
    """A CNP (13 digits) or the all-zero code of a consumer without one: the invoice goes to `uploadb2c`."""
    return len(identifier) == 13 and identifier.isdigit()


def _is_romanian(party: einvoice.Party) -> bool:
    country = (party.address.country or "").upper()
    return country == "RO" or (party.vat_id or "").upper().startswith("RO")


_SELLER_TAX_CODES = (
    (
        "/Invoice[1]/cac:AccountingSupplierParty[1]/cac:Party[1]/cac:PartyTaxScheme[{n}]/cbc:CompanyID[1]",
        "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
    ),
    (
        "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]"
        "/ram:SellerTradeParty[1]/ram:SpecifiedTaxRegistration[{n}]/ram:ID[1]",
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        "/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID",
    ),
)


def _seller_tax_codes(tree: etree._Element | None, *, romanian_seller: bool) -> list[tuple[str, str]]:
    """Every Romanian code among the seller's tax registrations, with its location: ANAF checks the check
    digit of each (`R_BT_32_cui`), not only of the fiscal code the hub reads."""
    if tree is None:
        return []
    codes: list[tuple[str, str]] = []
    for location, path in _SELLER_TAX_CODES:
        found = tree.xpath(path, namespaces=NAMESPACES)
        for n, element in enumerate(found if isinstance(found, list) else [], start=1):
            text = " ".join(((element.text if isinstance(element, etree._Element) else "") or "").split())
            romanian = text[:2].upper() == "RO" or (text.isdigit() and romanian_seller)
            if text and romanian:
                codes.append((location.format(n=n), text))
    return codes


def examine(xml: bytes, *, company_cif: str, self_billed: bool = False) -> Examined:
    """Parse, validate and check the identifiers of `xml`, issued by (or, self-billed, for) `company_cif`."""
    result = Examined()
    try:
        invoice = einvoice.parse(xml)
    except einvoice.EInvoiceError as exc:
        result.errors.append(_finding(RULE_UNREADABLE, str(exc)))
        return result
    result.standard = (
        "CII"
        if invoice.syntax is einvoice.Syntax.CII
        else "CN"
        if invoice.kind is einvoice.DocumentKind.CREDIT_NOTE
        else "UBL"
    )
    result.number = invoice.number or ""
    result.issue_date = invoice.issue_date
    result.seller_cif = party_identifier(invoice.seller)
    result.buyer_id = party_identifier(invoice.buyer)
    result.buyer_name = invoice.buyer.name or ""
    result.currency = invoice.currency or ""
    result.total = invoice.totals.payable if invoice.totals else None
    result.b2c = is_consumer(result.buyer_id)
    result.reference_number = invoice.preceding_invoice or ""
    result.storno = invoice.kind is einvoice.DocumentKind.INVOICE and any(
        line.quantity is not None and line.quantity < 0 for line in invoice.lines
    )

    report = einvoice.validate(xml)
    try:
        tree: etree._Element | None = etree.fromstring(xml, _SAFE)
    except etree.XMLSyntaxError:
        tree = None
    for item in report.errors[:MAX_FINDINGS]:
        location = item.location or ""
        result.errors.append(
            _finding(item.rule, item.message, value=_value_at(tree, location), location=location)
        )

    if _is_romanian(invoice.seller) and not einvoice.cif_is_valid(result.seller_cif):
        result.errors.append(_finding(RULE_SELLER_CIF, "Cui vanzator incorect", value=result.seller_cif))
    for location, code in _seller_tax_codes(tree, romanian_seller=_is_romanian(invoice.seller)):
        bare = without_ro_prefix(code)
        if bare != result.seller_cif and not einvoice.cif_is_valid(bare):
            result.errors.append(
                _finding(RULE_SELLER_CIF, "Cui vanzator incorect", value=code, location=location)
            )
    if (
        _is_romanian(invoice.buyer)
        and not result.b2c
        and result.buyer_id.isdigit()
        and not einvoice.cif_is_valid(result.buyer_id)
    ):
        result.errors.append(_finding(RULE_BUYER_CIF, "Cui cumparator incorect", value=result.buyer_id))
    ours = result.buyer_id if self_billed else result.seller_cif
    if ours != company_cif:
        result.errors.append(_finding(RULE_COMPANY, company_cif, value=ours))
    return result
