"""Write a CIUS-RO UBL 2.1 Invoice or CreditNote from the model (strict: refuse what ANAF would refuse).

Elements are written in the order the UBL 2.1 XSD sequences require; amounts with two decimals;
the output is a pure function of the model, so the same model always gives the same bytes.
Romanian rules enforced here: BR-RO-001 (customization id), BR-RO-010 (a digit in the number),
BR-RO-020 (type codes), BR-RO-030 (RON tax currency), BR-RO-065/120 (party identifiers),
BR-RO-080/090/100/110 (address lines, county codes, Bucharest sectors), the main BR-RO-L* lengths.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from lxml import etree

from .cif import cif_is_valid
from .counties import BUCHAREST, COUNTIES, SECTORS, county_code, sector_code
from .errors import InvalidInvoice
from .model import (
    Address,
    AllowanceCharge,
    Attachment,
    DocumentKind,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    TaxSubtotal,
)
from .namespaces import CAC, CBC, UBL_CREDIT_NOTE, UBL_INVOICE

CIUS_RO: Final = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"

# BR-RO-020: the type codes (BT-3) CIUS-RO accepts on a UBL Invoice and on a UBL CreditNote.
CIUS_RO_INVOICE_TYPE_CODES: Final = frozenset({"380", "384", "389", "751"})
CIUS_RO_CREDIT_NOTE_TYPE_CODES: Final = frozenset({"381"})
# BR-CL-24: the only MIME types EN 16931 accepts for an embedded attachment (BT-125-1).
ATTACHMENT_MIME_TYPES: Final = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
# The UNCL5305 VAT categories EN 16931 allows (BT-95, BT-102, BT-118, BT-151).
VAT_CATEGORIES: Final = frozenset({"S", "Z", "E", "AE", "K", "G", "O", "L", "M"})
_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
# A Romanian CIF (2 to 10 digits, RO prefix for VAT payers); 13 digits would be a CNP, checked by no one here.
_ROMANIAN_CIF = re.compile(r"(RO)?\d{2,10}")
_CENT = Decimal("0.01")
_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# BR-RO-L*: the longest text CIUS-RO accepts for the terms we write.
_MAX_LENGTH: Final = {
    "BT-1": 200,
    "BT-12": 200,
    "BT-13": 200,
    "BT-20": 300,
    "BT-22": 300,
    "BT-25": 200,
    "name": 200,
    "street": 150,
    "additional_street": 100,
    "city": 50,
    "postal_code": 20,
    "BT-153": 100,
    "BT-154": 200,
    "BT-127": 300,
}


def _cac(name: str) -> str:
    return f"{{{CAC}}}{name}"


def _cbc(name: str) -> str:
    return f"{{{CBC}}}{name}"


class _Writer:
    """Builds the tree and collects every problem, so one error lists all of them."""

    def __init__(self, invoice: Invoice) -> None:
        self.invoice = invoice
        self.problems: list[str] = []
        self.currency = invoice.currency or ""
        self.credit_note = invoice.kind is DocumentKind.CREDIT_NOTE

    # -- small helpers -----------------------------------------------------------------------------------

    def require(self, value: object, term: str) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            self.problems.append(f"{term} is required")
            return False
        return True

    def text(
        self, parent: etree._Element, tag: str, value: str | None, term: str = "", **attributes: str
    ) -> None:
        """A leaf element with ``value`` (skipped when None) and the given attributes."""
        if value is None:
            return
        limit = _MAX_LENGTH.get(term)
        if limit is not None and len(value) > limit:
            self.problems.append(f"{term} is longer than {limit} characters")
        element = etree.SubElement(parent, tag)
        try:
            for name, attribute in attributes.items():
                element.set(name, attribute)
            element.text = value
        except ValueError:  # control characters and the like: XML 1.0 cannot carry them
            shown = [value, *attributes.values()]
            self.problems.append(
                f"{term or etree.QName(tag).localname} has characters XML cannot carry: {shown!r}"
            )

    def money(
        self, parent: etree._Element, tag: str, value: Decimal | None, term: str, currency: str | None = None
    ) -> None:
        if value is None:
            return
        if not value.is_finite():
            self.problems.append(f"{term} is not a number: {value}")
            return
        if value != value.quantize(_CENT):
            self.problems.append(f"{term} has more than two decimals: {value}")
        self.text(parent, tag, f"{value.quantize(_CENT):f}", currencyID=currency or self.currency)

    def number(
        self, parent: etree._Element, tag: str, value: Decimal | None, unit: str | None = None
    ) -> None:
        if value is not None:
            if not value.is_finite():
                self.problems.append(f"{etree.QName(tag).localname} is not a number: {value}")
                return
            attributes = {"unitCode": unit} if unit is not None else {}
            self.text(parent, tag, f"{value:f}", **attributes)

    @staticmethod
    def vat_scheme(parent: etree._Element) -> None:
        etree.SubElement(etree.SubElement(parent, _cac("TaxScheme")), _cbc("ID")).text = "VAT"

    def tax_category(
        self, parent: etree._Element, tag: str, category: str | None, rate: Decimal | None, where: str
    ) -> etree._Element:
        element = etree.SubElement(parent, _cac(tag))
        if self.require(category, f"{where} VAT category") and category not in VAT_CATEGORIES:
            self.problems.append(f"{where} VAT category {category!r} is not one of {sorted(VAT_CATEGORIES)}")
        self.text(element, _cbc("ID"), category)
        if category != "O":
            self.require(rate, f"{where} VAT rate")
            self.number(element, _cbc("Percent"), rate)
        return element

    # -- document ----------------------------------------------------------------------------------------

    def build(self) -> etree._Element:
        inv = self.invoice
        root_ns = UBL_CREDIT_NOTE if self.credit_note else UBL_INVOICE
        root = etree.Element(
            f"{{{root_ns}}}{'CreditNote' if self.credit_note else 'Invoice'}",
            nsmap={None: root_ns, "cac": CAC, "cbc": CBC},  # type: ignore[dict-item]
        )
        self.header(root)
        for attachment in inv.attachments:
            self.attachment(root, attachment)
        self.party(root, "AccountingSupplierParty", inv.seller, seller=True)
        self.party(root, "AccountingCustomerParty", inv.buyer, seller=False)
        if inv.payee is not None:
            self.payee(root, inv.payee)
        if inv.tax_representative is not None:
            self.tax_representative(root, inv.tax_representative)
        self.payment(root)
        for allowance_charge in inv.allowances_charges:
            self.allowance_charge(root, allowance_charge, document_level=True)
        self.tax_totals(root)
        self.monetary_total(root)
        self.arithmetic()
        self.require(inv.lines, "at least one invoice line (BG-25)")
        for line in inv.lines:
            self.line(root, line)
        return root

    def header(self, root: etree._Element) -> None:
        inv = self.invoice
        self.text(root, _cbc("CustomizationID"), CIUS_RO)
        if self.require(inv.number, "invoice number (BT-1)") and inv.number is not None:
            if not any(ch.isdigit() for ch in inv.number):
                self.problems.append("invoice number (BT-1) must contain a digit (BR-RO-010)")
            self.text(root, _cbc("ID"), inv.number, "BT-1")
        self.require(inv.issue_date, "issue date (BT-2)")
        self.text(root, _cbc("IssueDate"), inv.issue_date.isoformat() if inv.issue_date else None)
        tax_point = inv.tax_point_date.isoformat() if inv.tax_point_date else None
        type_code = inv.type_code or ("381" if self.credit_note else "380")
        allowed = CIUS_RO_CREDIT_NOTE_TYPE_CODES if self.credit_note else CIUS_RO_INVOICE_TYPE_CODES
        if type_code not in allowed:
            self.problems.append(f"type code (BT-3) {type_code} is not one of {sorted(allowed)} (BR-RO-020)")
        if self.credit_note:
            self.text(root, _cbc("TaxPointDate"), tax_point)
            self.text(root, _cbc("CreditNoteTypeCode"), type_code)
        else:
            self.text(root, _cbc("DueDate"), inv.due_date.isoformat() if inv.due_date else None)
            self.text(root, _cbc("InvoiceTypeCode"), type_code)
        if len(inv.notes) > 20:
            self.problems.append("at most 20 notes (BT-22) (BR-RO-A020)")
        for note in inv.notes:
            self.text(root, _cbc("Note"), note, "BT-22")
        if not self.credit_note:
            self.text(root, _cbc("TaxPointDate"), tax_point)
        if self.require(inv.currency, "invoice currency (BT-5)") and not _CURRENCY.fullmatch(
            inv.currency or ""
        ):
            self.problems.append(f"invoice currency (BT-5) {inv.currency!r} is not an ISO 4217 code like RON")
        self.text(root, _cbc("DocumentCurrencyCode"), inv.currency)
        tax_currency = self.tax_currency()
        self.text(root, _cbc("TaxCurrencyCode"), tax_currency)
        self.text(root, _cbc("BuyerReference"), inv.buyer_reference)
        if inv.order_reference is not None:
            self.text(
                etree.SubElement(root, _cac("OrderReference")), _cbc("ID"), inv.order_reference, "BT-13"
            )
        if inv.preceding_invoice is not None:
            reference = etree.SubElement(
                etree.SubElement(root, _cac("BillingReference")), _cac("InvoiceDocumentReference")
            )
            self.text(reference, _cbc("ID"), inv.preceding_invoice, "BT-25")
        if inv.contract_reference is not None:
            contract = etree.SubElement(root, _cac("ContractDocumentReference"))
            self.text(contract, _cbc("ID"), inv.contract_reference, "BT-12")

    def tax_currency(self) -> str | None:
        """BT-6: RON whenever the invoice is in another currency (BR-RO-030)."""
        inv = self.invoice
        if inv.currency and inv.currency != "RON":
            if inv.tax_currency not in (None, "RON"):
                self.problems.append("VAT accounting currency (BT-6) must be RON (BR-RO-030)")
            return "RON"
        return inv.tax_currency

    def attachment(self, root: etree._Element, attachment: Attachment) -> None:
        reference = etree.SubElement(root, _cac("AdditionalDocumentReference"))
        self.require(attachment.id, "attachment identifier (BT-122)")
        self.text(reference, _cbc("ID"), attachment.id)
        self.text(reference, _cbc("DocumentDescription"), attachment.description)
        if attachment.content is None and attachment.uri is None:
            return
        holder = etree.SubElement(reference, _cac("Attachment"))
        if attachment.content is not None:
            if attachment.mime_type not in ATTACHMENT_MIME_TYPES:
                self.problems.append(
                    f"attachment mime type (BT-125-1) {attachment.mime_type!r} is not accepted (BR-CL-24)"
                )
            self.require(attachment.filename, "attachment file name (BT-125-2)")
            self.text(
                holder,
                _cbc("EmbeddedDocumentBinaryObject"),
                base64.b64encode(attachment.content).decode("ascii"),
                mimeCode=attachment.mime_type or "",
                filename=attachment.filename or "",
            )
        else:
            self.text(etree.SubElement(holder, _cac("ExternalReference")), _cbc("URI"), attachment.uri)

    # -- parties -----------------------------------------------------------------------------------------

    def address(self, parent: etree._Element, address: Address, who: str) -> None:
        element = etree.SubElement(parent, _cac("PostalAddress"))
        self.require(address.street, f"{who} address line 1")
        self.require(address.city, f"{who} city")
        self.require(address.country, f"{who} country code")
        self.text(element, _cbc("StreetName"), address.street, "street")
        self.text(element, _cbc("AdditionalStreetName"), address.additional_street, "additional_street")
        self.text(element, _cbc("CityName"), address.city, "city")
        self.text(element, _cbc("PostalZone"), address.postal_code, "postal_code")
        if address.country is not None and not _COUNTRY.fullmatch(address.country):
            self.problems.append(f"{who} country {address.country!r} is not an ISO 3166-1 code like RO")
        if address.country == "RO":
            if address.county not in COUNTIES:
                guess = county_code(address.county) if address.county else None
                hint = f" (county_code() gives {guess})" if guess else ""
                self.problems.append(
                    f"{who} county must be an ISO 3166-2:RO code like RO-CJ, "
                    f"got {address.county!r}{hint} (BR-RO-110)"
                )
            elif address.county == BUCHAREST and address.city not in SECTORS:
                guess = sector_code(address.city) if address.city else None
                hint = f" (sector_code() gives {guess})" if guess else ""
                self.problems.append(
                    f"{who} city in Bucharest must be SECTOR1..SECTOR6, "
                    f"got {address.city!r}{hint} (BR-RO-100)"
                )
        self.text(element, _cbc("CountrySubentity"), address.county)
        if address.country is not None:
            self.text(etree.SubElement(element, _cac("Country")), _cbc("IdentificationCode"), address.country)

    def party(self, root: etree._Element, tag: str, party: Party, *, seller: bool) -> None:
        who = "seller" if seller else "buyer"
        element = etree.SubElement(etree.SubElement(root, _cac(tag)), _cac("Party"))
        if party.electronic_address is not None:
            address_scheme = party.electronic_address_scheme or (
                "EM" if "@" in party.electronic_address else None
            )
            if address_scheme is None:
                self.problems.append(f"{who} electronic address (BT-34/BT-49) needs its scheme")
            self.text(element, _cbc("EndpointID"), party.electronic_address, schemeID=address_scheme or "")
        if party.trading_name is not None:
            self.text(etree.SubElement(element, _cac("PartyName")), _cbc("Name"), party.trading_name, "name")
        self.address(element, party.address, who)
        if party.vat_id is not None:
            scheme = etree.SubElement(element, _cac("PartyTaxScheme"))
            self.text(scheme, _cbc("CompanyID"), party.vat_id)
            self.vat_scheme(scheme)
        if seller and party.tax_registration_id is not None:
            scheme = etree.SubElement(element, _cac("PartyTaxScheme"))
            self.text(scheme, _cbc("CompanyID"), party.tax_registration_id)
            etree.SubElement(etree.SubElement(scheme, _cac("TaxScheme")), _cbc("ID")).text = "TAX"
        for label, value in (("VAT id", party.vat_id), ("tax registration id", party.tax_registration_id)):
            if value is not None and _ROMANIAN_CIF.fullmatch(value) and not cif_is_valid(value):
                self.problems.append(f"{who} {label} {value!r} has a wrong CIF check digit (ANAF refuses it)")
        if seller and party.vat_id is None and party.tax_registration_id is None:
            self.problems.append(
                "seller VAT id (BT-31) or tax registration id (BT-32) is required (BR-RO-065)"
            )
        if not seller and party.vat_id is None and party.registration_id is None:
            self.problems.append(
                "buyer VAT id (BT-48) or legal registration id (BT-47) is required (BR-RO-120)"
            )
        legal = etree.SubElement(element, _cac("PartyLegalEntity"))
        self.require(party.name, f"{who} name")
        self.text(legal, _cbc("RegistrationName"), party.name, "name")
        self.text(legal, _cbc("CompanyID"), party.registration_id)
        if seller:
            self.text(legal, _cbc("CompanyLegalForm"), party.legal_form)
        contact = party.contact
        if contact is not None and (contact.name or contact.phone or contact.email):
            holder = etree.SubElement(element, _cac("Contact"))
            self.text(holder, _cbc("Name"), contact.name)
            self.text(holder, _cbc("Telephone"), contact.phone)
            self.text(holder, _cbc("ElectronicMail"), contact.email)

    def payee(self, root: etree._Element, payee: Party) -> None:
        element = etree.SubElement(root, _cac("PayeeParty"))
        self.require(payee.name, "payee name (BT-59)")
        self.text(etree.SubElement(element, _cac("PartyName")), _cbc("Name"), payee.name, "name")
        if payee.registration_id is not None:
            self.text(
                etree.SubElement(element, _cac("PartyLegalEntity")), _cbc("CompanyID"), payee.registration_id
            )

    def tax_representative(self, root: etree._Element, party: Party) -> None:
        element = etree.SubElement(root, _cac("TaxRepresentativeParty"))
        self.require(party.name, "tax representative name (BT-62)")
        self.text(etree.SubElement(element, _cac("PartyName")), _cbc("Name"), party.name, "name")
        self.address(element, party.address, "tax representative")
        self.require(party.vat_id, "tax representative VAT id (BT-63)")
        scheme = etree.SubElement(element, _cac("PartyTaxScheme"))
        self.text(scheme, _cbc("CompanyID"), party.vat_id)
        self.vat_scheme(scheme)

    # -- payment, allowances, taxes, totals --------------------------------------------------------------

    def payment(self, root: etree._Element) -> None:
        inv = self.invoice
        means: Iterable[PaymentMeans] = inv.payment_means
        if self.credit_note and inv.due_date is not None and not inv.payment_means:
            self.problems.append("a credit note's due date (BT-9) is written in its payment means (BG-16)")
        for index, item in enumerate(means):
            element = etree.SubElement(root, _cac("PaymentMeans"))
            self.require(item.code, "payment means code (BT-81)")
            self.text(element, _cbc("PaymentMeansCode"), item.code)
            if self.credit_note and index == 0 and inv.due_date is not None:
                self.text(element, _cbc("PaymentDueDate"), inv.due_date.isoformat())
            self.text(element, _cbc("PaymentID"), item.payment_id)
            if item.iban is not None:
                account = etree.SubElement(element, _cac("PayeeFinancialAccount"))
                self.text(account, _cbc("ID"), item.iban)
                self.text(account, _cbc("Name"), item.account_name, "name")
                if item.bic is not None:
                    branch = etree.SubElement(account, _cac("FinancialInstitutionBranch"))
                    self.text(branch, _cbc("ID"), item.bic)
        if inv.payment_terms is not None:
            self.text(etree.SubElement(root, _cac("PaymentTerms")), _cbc("Note"), inv.payment_terms, "BT-20")

    def allowance_charge(
        self, parent: etree._Element, item: AllowanceCharge, *, document_level: bool
    ) -> None:
        element = etree.SubElement(parent, _cac("AllowanceCharge"))
        self.text(element, _cbc("ChargeIndicator"), "true" if item.is_charge else "false")
        self.text(element, _cbc("AllowanceChargeReasonCode"), item.reason_code)
        self.text(element, _cbc("AllowanceChargeReason"), item.reason)
        self.number(element, _cbc("MultiplierFactorNumeric"), item.percent)
        self.require(item.amount, "allowance or charge amount (BT-92/BT-99)")
        self.money(element, _cbc("Amount"), item.amount, "allowance or charge amount")
        self.money(element, _cbc("BaseAmount"), item.base_amount, "allowance or charge base amount")
        if document_level:
            category = self.tax_category(
                element, "TaxCategory", item.vat_category, item.vat_rate, "allowance/charge"
            )
            self.vat_scheme(category)

    def tax_totals(self, root: etree._Element) -> None:
        inv = self.invoice
        total = etree.SubElement(root, _cac("TaxTotal"))
        self.require(inv.totals.tax, "total VAT amount (BT-110)")
        self.money(total, _cbc("TaxAmount"), inv.totals.tax, "BT-110")
        self.require(inv.tax_breakdown, "VAT breakdown (BG-23)")
        for subtotal in inv.tax_breakdown:
            self.tax_subtotal(total, subtotal)
        tax_currency = self.tax_currency()
        if tax_currency is not None and tax_currency != inv.currency:
            amount = inv.totals.tax_in_tax_currency
            self.require(amount, "total VAT in the accounting currency (BT-111)")
            if amount is not None:
                total_in_ron = etree.SubElement(root, _cac("TaxTotal"))
                self.money(total_in_ron, _cbc("TaxAmount"), amount, "BT-111", currency=tax_currency)

    def tax_subtotal(self, parent: etree._Element, subtotal: TaxSubtotal) -> None:
        element = etree.SubElement(parent, _cac("TaxSubtotal"))
        self.require(subtotal.taxable, "VAT category taxable amount (BT-116)")
        self.require(subtotal.tax, "VAT category tax amount (BT-117)")
        self.money(element, _cbc("TaxableAmount"), subtotal.taxable, "BT-116")
        self.money(element, _cbc("TaxAmount"), subtotal.tax, "BT-117")
        category = self.tax_category(
            element, "TaxCategory", subtotal.category, subtotal.rate, "VAT breakdown"
        )
        self.text(category, _cbc("TaxExemptionReasonCode"), subtotal.exemption_reason_code)
        self.text(category, _cbc("TaxExemptionReason"), subtotal.exemption_reason)
        self.vat_scheme(category)

    def arithmetic(self) -> None:
        """The EN 16931 sums ANAF checks (BR-CO-10, 13, 14, 15, 16): refused here rather than by ANAF."""
        inv = self.invoice
        totals = inv.totals
        zero = Decimal(0)

        def check(rule: str, term: str, written: Decimal | None, parts: list[Decimal | None]) -> None:
            if written is None or any(part is None for part in parts[:1]):
                return
            expected = sum((part or zero for part in parts), zero)
            if written != expected:
                self.problems.append(f"{term} is {written} but the terms it sums give {expected} ({rule})")

        if all(line.net_amount is not None for line in inv.lines):
            check("BR-CO-10", "BT-106", totals.line_extension, [line.net_amount for line in inv.lines])
        check(
            "BR-CO-13",
            "BT-109",
            totals.tax_exclusive,
            [totals.line_extension, -(totals.allowances or zero), totals.charges],
        )
        if all(sub.tax is not None for sub in inv.tax_breakdown) and inv.tax_breakdown:
            check("BR-CO-14", "BT-110", totals.tax, [sub.tax for sub in inv.tax_breakdown])
        check("BR-CO-15", "BT-112", totals.tax_inclusive, [totals.tax_exclusive, totals.tax])
        check(
            "BR-CO-16",
            "BT-115",
            totals.payable,
            [totals.tax_inclusive, -(totals.prepaid or zero), totals.rounding],
        )

    def monetary_total(self, root: etree._Element) -> None:
        totals = self.invoice.totals
        element = etree.SubElement(root, _cac("LegalMonetaryTotal"))
        for value, term in (
            (totals.line_extension, "sum of line net amounts (BT-106)"),
            (totals.tax_exclusive, "total without VAT (BT-109)"),
            (totals.tax_inclusive, "total with VAT (BT-112)"),
            (totals.payable, "amount due (BT-115)"),
        ):
            self.require(value, term)
        self.money(element, _cbc("LineExtensionAmount"), totals.line_extension, "BT-106")
        self.money(element, _cbc("TaxExclusiveAmount"), totals.tax_exclusive, "BT-109")
        self.money(element, _cbc("TaxInclusiveAmount"), totals.tax_inclusive, "BT-112")
        self.money(element, _cbc("AllowanceTotalAmount"), totals.allowances, "BT-107")
        self.money(element, _cbc("ChargeTotalAmount"), totals.charges, "BT-108")
        self.money(element, _cbc("PrepaidAmount"), totals.prepaid, "BT-113")
        self.money(element, _cbc("PayableRoundingAmount"), totals.rounding, "BT-114")
        self.money(element, _cbc("PayableAmount"), totals.payable, "BT-115")

    # -- lines -------------------------------------------------------------------------------------------

    def line(self, root: etree._Element, line: Line) -> None:
        where = f"line {line.id or '?'}"
        element = etree.SubElement(root, _cac("CreditNoteLine" if self.credit_note else "InvoiceLine"))
        self.require(line.id, "line identifier (BT-126)")
        self.text(element, _cbc("ID"), line.id)
        self.text(element, _cbc("Note"), line.note, "BT-127")
        self.require(line.quantity, f"{where} quantity (BT-129)")
        self.require(line.unit_code, f"{where} unit of measure (BT-130)")
        quantity_tag = _cbc("CreditedQuantity" if self.credit_note else "InvoicedQuantity")
        self.number(element, quantity_tag, line.quantity, unit=line.unit_code or "")
        self.require(line.net_amount, f"{where} net amount (BT-131)")
        self.money(element, _cbc("LineExtensionAmount"), line.net_amount, f"{where} net amount (BT-131)")
        for item in line.allowances_charges:
            self.allowance_charge(element, item, document_level=False)
        self.item(element, line, where)
        price = etree.SubElement(element, _cac("Price"))
        self.require(line.price, f"{where} item net price (BT-146)")
        if line.price is not None and not line.price.is_finite():
            self.problems.append(f"{where} item net price (BT-146) is not a number: {line.price}")
        elif line.price is not None:
            self.text(price, _cbc("PriceAmount"), f"{line.price:f}", currencyID=self.currency)
        self.number(price, _cbc("BaseQuantity"), line.base_quantity, unit=line.unit_code or "")

    def item(self, parent: etree._Element, line: Line, where: str) -> None:
        item = etree.SubElement(parent, _cac("Item"))
        self.text(item, _cbc("Description"), line.description, "BT-154")
        self.require(line.name, f"{where} item name (BT-153)")
        self.text(item, _cbc("Name"), line.name, "BT-153")
        for tag, value in (
            ("BuyersItemIdentification", line.buyer_item_id),
            ("SellersItemIdentification", line.seller_item_id),
        ):
            if value is not None:
                self.text(etree.SubElement(item, _cac(tag)), _cbc("ID"), value)
        if line.standard_item_id is not None:
            self.require(line.standard_item_scheme, f"{where} standard identifier scheme (BT-157-1)")
            standard = etree.SubElement(item, _cac("StandardItemIdentification"))
            self.text(standard, _cbc("ID"), line.standard_item_id, schemeID=line.standard_item_scheme or "")
        if line.classification_codes:
            self.require(line.classification_scheme, f"{where} classification scheme (BT-158-1)")
        for code in line.classification_codes:
            classification = etree.SubElement(item, _cac("CommodityClassification"))
            scheme = line.classification_scheme or ""
            self.text(classification, _cbc("ItemClassificationCode"), code, listID=scheme)
        category = self.tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate, where)
        self.vat_scheme(category)


def build_ubl(invoice: Invoice) -> bytes:
    """CIUS-RO UBL 2.1 XML (UTF-8) for ``invoice``: an Invoice, or a CreditNote for a credit note.

    Raises `InvalidInvoice` listing every missing or non-conforming term. A missing type code becomes 380
    (invoice) or 381 (credit note); a foreign-currency invoice gets RON as its VAT currency (BT-6).
    """
    writer = _Writer(invoice)
    root = writer.build()
    if writer.problems:
        listed = "; ".join(dict.fromkeys(writer.problems))
        raise InvalidInvoice(
            f"Cannot build a CIUS-RO invoice: {listed}. / "
            "Factura nu poate fi generată conform CIUS-RO: completați sau corectați termenii enumerați."
        )
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)
