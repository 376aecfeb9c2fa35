"""The EN 16931 business terms the reader knows, each with its UBL 2.1 and its UN/CEFACT CII path.

One declarative table drives both syntaxes (the idea of factur-x's ``EN6931_FIELDS``, extended with the
UBL side). A group (``BG-*``) names the element a set of terms is read from; a term names the model field,
its kind and its path relative to that element. Alternatives are tried in order (UBL writes BT-9 of a
credit note in its payment means). Paths are compiled once at import: plain child steps become lxml
ElementPath lookups, anything richer (predicates on a child path, ``..``) an ``etree.XPath``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from lxml import etree

NS: Final = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

Kind = Literal["text", "decimal", "date", "bool", "list", "attr", "group"]
Found = etree._Element | str
_STEP = re.compile(r"(\w+):([\w.-]+)(?:\[@(\w+)='([^']*)'\])?")


def _clark(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


class Path:
    """A path evaluated on its own (groups, and the few terms with a predicate on a child path)."""

    __slots__ = ("_attribute", "_find", "_xpath", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        element_path, _, attribute = source.partition("/@")
        self._attribute = attribute or None
        self._xpath: etree.XPath | None = None
        self._find: str | None = None
        steps = element_path.split("/")
        if all(_STEP.fullmatch(step) for step in steps):
            self._find = re.sub(r"(\w+):", lambda m: f"{{{NS[m.group(1)]}}}", element_path)
        else:
            self._xpath = etree.XPath(element_path, namespaces=NS, smart_strings=False)

    def all(self, context: etree._Element) -> list[Found]:
        if self._find is not None:
            elements: list[etree._Element] = context.findall(self._find)
        else:
            assert self._xpath is not None
            result = self._xpath(context)
            elements = [item for item in result if isinstance(item, etree._Element)]  # type: ignore[union-attr]
        if self._attribute is None:
            return list(elements)
        return [value for element in elements if (value := element.get(self._attribute)) is not None]

    def first(self, context: etree._Element) -> Found | None:
        if self._find is not None and self._attribute is None:
            return context.find(self._find)
        found = self.all(context)
        return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Term:
    """One business term: model ``field``, ``kind`` of value, and its paths (alternatives tried in order)."""

    bt: str
    field: str
    kind: Kind
    ubl: tuple[str, ...]
    cii: tuple[str, ...]
    required: bool = False
    label: str = ""


def term(
    bt: str,
    field: str,
    kind: Kind,
    ubl: str | tuple[str, ...] | None,
    cii: str | tuple[str, ...] | None,
    *,
    required: bool = False,
    label: str = "",
) -> Term:
    def as_tuple(paths: str | tuple[str, ...] | None) -> tuple[str, ...]:
        return () if paths is None else (paths,) if isinstance(paths, str) else paths

    return Term(bt, field, kind, as_tuple(ubl), as_tuple(cii), required, label or field.replace("_", " "))


class _Node:
    __slots__ = ("deeper", "guarded", "plain", "slots")

    def __init__(self) -> None:
        self.plain: dict[str, _Node] = {}
        self.guarded: dict[str, list[tuple[tuple[str, str], _Node]]] = {}
        self.slots: list[tuple[int, str | None]] = []
        self.deeper = False


class Matcher:
    """All the paths of one table for one syntax, merged into a tree of child steps.

    ``collect(element)`` walks only the children some path names, once, and returns the matches per
    slot in document order: far cheaper than one lookup per term. Paths that are not plain child steps
    (a predicate on a child path, ``..``) fall back to `Path` (XPath). Slots number the paths in table
    order, alternatives of a term next to each other, so the lowest slot of a term is its first choice.
    """

    def __init__(self, table: tuple[Term, ...], syntax: Literal["ubl", "cii"]) -> None:
        self.table = table
        self._root = _Node()
        self._complex: dict[int, Path] = {}
        self.slot_terms: list[Term] = []
        self.alternatives: set[int] = set()
        for item in table:
            sources = item.ubl if syntax == "ubl" else item.cii
            for alternative, source in enumerate(sources):
                slot = len(self.slot_terms)
                self.slot_terms.append(item)
                if alternative:
                    self.alternatives.add(slot)
                self._add(slot, source)
        self.required = tuple(item for item in table if item.required)

    def _add(self, slot: int, source: str) -> None:
        element_path, _, attribute = source.partition("/@")
        matches = [_STEP.fullmatch(step) for step in element_path.split("/")]
        if not all(matches):
            self._complex[slot] = Path(source)
            return
        node = self._root
        for match in matches:
            assert match is not None
            prefix, name, attr, value = match.groups()
            tag = _clark(prefix, name)
            node.deeper = True
            if not attr:
                node = node.plain.setdefault(tag, _Node())
                continue
            branches = node.guarded.setdefault(tag, [])
            for predicate, child in branches:
                if predicate == (attr, value):
                    node = child
                    break
            else:
                child = _Node()
                branches.append(((attr, value), child))
                node = child
        node.slots.append((slot, attribute or None))

    def collect(self, element: etree._Element) -> dict[int, list[Found]]:
        found: dict[int, list[Found]] = {}
        _walk(element, self._root, found)
        for slot, path in self._complex.items():
            values = path.all(element)
            if values:
                found[slot] = values
        return found


def _walk(element: etree._Element, node: _Node, found: dict[int, list[Found]]) -> None:
    plain = node.plain
    guarded = node.guarded
    for child in element:
        tag = child.tag
        subs: list[_Node] = []
        sub = plain.get(tag)
        if sub is not None:
            subs.append(sub)
        if guarded and tag in guarded:
            subs.extend(branch for (attr, value), branch in guarded[tag] if child.get(attr) == value)
        for sub in subs:
            for slot, attribute in sub.slots:
                value: Found | None = child if attribute is None else child.get(attribute)
                if value is not None:
                    bucket = found.get(slot)
                    if bucket is None:
                        found[slot] = [value]
                    else:
                        bucket.append(value)
            if sub.deeper:
                _walk(child, sub, found)


_AGR = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_SET = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_DOC = "rsm:ExchangedDocument"

# -- document level (context: the root element) -----------------------------------------------------------
DOCUMENT: Final = (
    term(
        "BT-24",
        "customization_id",
        "text",
        "cbc:CustomizationID",
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        required=True,
        label="specification identifier",
    ),
    term("BT-1", "number", "text", "cbc:ID", f"{_DOC}/ram:ID", required=True, label="invoice number"),
    term(
        "BT-2",
        "issue_date",
        "date",
        "cbc:IssueDate",
        f"{_DOC}/ram:IssueDateTime/udt:DateTimeString",
        required=True,
        label="issue date",
    ),
    term(
        "BT-3",
        "type_code",
        "text",
        ("cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode"),
        f"{_DOC}/ram:TypeCode",
        required=True,
        label="type code",
    ),
    term(
        "BT-9",
        "due_date",
        "date",
        ("cbc:DueDate", "cac:PaymentMeans/cbc:PaymentDueDate"),
        f"{_SET}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
    ),
    term(
        "BT-7",
        "tax_point_date",
        "date",
        "cbc:TaxPointDate",
        f"{_SET}/ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString",
    ),
    term(
        "BT-5",
        "currency",
        "text",
        "cbc:DocumentCurrencyCode",
        f"{_SET}/ram:InvoiceCurrencyCode",
        required=True,
        label="invoice currency",
    ),
    term("BT-6", "tax_currency", "text", "cbc:TaxCurrencyCode", f"{_SET}/ram:TaxCurrencyCode"),
    term("BT-22", "notes", "list", "cbc:Note", f"{_DOC}/ram:IncludedNote/ram:Content"),
    term("BT-10", "buyer_reference", "text", "cbc:BuyerReference", f"{_AGR}/ram:BuyerReference"),
    term(
        "BT-13",
        "order_reference",
        "text",
        "cac:OrderReference/cbc:ID",
        f"{_AGR}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
    ),
    term(
        "BT-12",
        "contract_reference",
        "text",
        "cac:ContractDocumentReference/cbc:ID",
        f"{_AGR}/ram:ContractReferencedDocument/ram:IssuerAssignedID",
    ),
    term(
        "BT-25",
        "preceding_invoice",
        "text",
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
        f"{_SET}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
    ),
    term(
        "BT-20",
        "payment_terms",
        "text",
        "cac:PaymentTerms/cbc:Note",
        f"{_SET}/ram:SpecifiedTradePaymentTerms/ram:Description",
    ),
)

# -- parties ----------------------------------------------------------------------------------------------
SELLER: Final = term(
    "BG-4", "seller", "group", "cac:AccountingSupplierParty/cac:Party", f"{_AGR}/ram:SellerTradeParty"
)
BUYER: Final = term(
    "BG-7", "buyer", "group", "cac:AccountingCustomerParty/cac:Party", f"{_AGR}/ram:BuyerTradeParty"
)
PAYEE: Final = term("BG-10", "payee", "group", "cac:PayeeParty", f"{_SET}/ram:PayeeTradeParty")
TAX_REPRESENTATIVE: Final = term(
    "BG-11",
    "tax_representative",
    "group",
    "cac:TaxRepresentativeParty",
    f"{_AGR}/ram:SellerTaxRepresentativeTradeParty",
)

PARTY: Final = (
    term(
        "BT-27",
        "name",
        "text",
        ("cac:PartyLegalEntity/cbc:RegistrationName", "cac:PartyName/cbc:Name"),
        "ram:Name",
        label="name",
    ),
    term(
        "BT-28",
        "trading_name",
        "text",
        "cac:PartyName/cbc:Name",
        "ram:SpecifiedLegalOrganization/ram:TradingBusinessName",
    ),
    term(
        "BT-31",
        "vat_id",
        "text",
        "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
        "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    ),
    term(
        "BT-32",
        "tax_registration_id",
        "text",
        "cac:PartyTaxScheme[not(cac:TaxScheme/cbc:ID='VAT')]/cbc:CompanyID",
        "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
    ),
    term(
        "BT-30",
        "registration_id",
        "text",
        "cac:PartyLegalEntity/cbc:CompanyID",
        "ram:SpecifiedLegalOrganization/ram:ID",
    ),
    term("BT-33", "legal_form", "text", "cac:PartyLegalEntity/cbc:CompanyLegalForm", "ram:Description"),
    term("BT-34", "electronic_address", "text", "cbc:EndpointID", "ram:URIUniversalCommunication/ram:URIID"),
    term(
        "BT-34-1",
        "electronic_address_scheme",
        "attr",
        "cbc:EndpointID/@schemeID",
        "ram:URIUniversalCommunication/ram:URIID/@schemeID",
    ),
)
ADDRESS: Final = term("BG-5", "address", "group", "cac:PostalAddress", "ram:PostalTradeAddress")
ADDRESS_TERMS: Final = (
    term("BT-35", "street", "text", "cbc:StreetName", "ram:LineOne"),
    term("BT-36", "additional_street", "text", "cbc:AdditionalStreetName", "ram:LineTwo"),
    term("BT-37", "city", "text", "cbc:CityName", "ram:CityName"),
    term("BT-38", "postal_code", "text", "cbc:PostalZone", "ram:PostcodeCode"),
    term("BT-39", "county", "text", "cbc:CountrySubentity", "ram:CountrySubDivisionName"),
    term("BT-40", "country", "text", "cac:Country/cbc:IdentificationCode", "ram:CountryID"),
)
CONTACT: Final = term("BG-6", "contact", "group", "cac:Contact", "ram:DefinedTradeContact")
CONTACT_TERMS: Final = (
    term("BT-41", "name", "text", "cbc:Name", ("ram:PersonName", "ram:DepartmentName")),
    term("BT-42", "phone", "text", "cbc:Telephone", "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
    term("BT-43", "email", "text", "cbc:ElectronicMail", "ram:EmailURIUniversalCommunication/ram:URIID"),
)

# -- payment, allowances and charges, VAT breakdown, totals -----------------------------------------------
PAYMENT_MEANS: Final = term(
    "BG-16", "payment_means", "group", "cac:PaymentMeans", f"{_SET}/ram:SpecifiedTradeSettlementPaymentMeans"
)
PAYMENT_MEANS_TERMS: Final = (
    term("BT-81", "code", "text", "cbc:PaymentMeansCode", "ram:TypeCode"),
    term(
        "BT-84",
        "iban",
        "text",
        "cac:PayeeFinancialAccount/cbc:ID",
        (
            "ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
            "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
        ),
    ),
    term(
        "BT-85",
        "account_name",
        "text",
        "cac:PayeeFinancialAccount/cbc:Name",
        "ram:PayeePartyCreditorFinancialAccount/ram:AccountName",
    ),
    term(
        "BT-86",
        "bic",
        "text",
        "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID",
        "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID",
    ),
    term("BT-83", "payment_id", "text", "cbc:PaymentID", "../ram:PaymentReference"),
)
DOCUMENT_ALLOWANCE_CHARGE: Final = term(
    "BG-20", "allowances_charges", "group", "cac:AllowanceCharge", f"{_SET}/ram:SpecifiedTradeAllowanceCharge"
)
ALLOWANCE_CHARGE_TERMS: Final = (
    term(
        "BG-20/21",
        "is_charge",
        "bool",
        "cbc:ChargeIndicator",
        "ram:ChargeIndicator/udt:Indicator",
        required=True,
        label="allowance/charge indicator",
    ),
    term("BT-92", "amount", "decimal", "cbc:Amount", "ram:ActualAmount"),
    term("BT-93", "base_amount", "decimal", "cbc:BaseAmount", "ram:BasisAmount"),
    term("BT-94", "percent", "decimal", "cbc:MultiplierFactorNumeric", "ram:CalculationPercent"),
    term("BT-97", "reason", "text", "cbc:AllowanceChargeReason", "ram:Reason"),
    term("BT-98", "reason_code", "text", "cbc:AllowanceChargeReasonCode", "ram:ReasonCode"),
    term("BT-95", "vat_category", "text", "cac:TaxCategory/cbc:ID", "ram:CategoryTradeTax/ram:CategoryCode"),
    term(
        "BT-96",
        "vat_rate",
        "decimal",
        "cac:TaxCategory/cbc:Percent",
        "ram:CategoryTradeTax/ram:RateApplicablePercent",
    ),
)
LINE_ALLOWANCES: Final = term(
    "BG-27",
    "allowances_charges",
    "group",
    "cac:AllowanceCharge",
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge",
)

TAX_SUBTOTAL: Final = term(
    "BG-23", "tax_breakdown", "group", "cac:TaxTotal/cac:TaxSubtotal", f"{_SET}/ram:ApplicableTradeTax"
)
TAX_SUBTOTAL_TERMS: Final = (
    term("BT-118", "category", "text", "cac:TaxCategory/cbc:ID", "ram:CategoryCode"),
    term("BT-119", "rate", "decimal", "cac:TaxCategory/cbc:Percent", "ram:RateApplicablePercent"),
    term("BT-116", "taxable", "decimal", "cbc:TaxableAmount", "ram:BasisAmount"),
    term("BT-117", "tax", "decimal", "cbc:TaxAmount", "ram:CalculatedAmount"),
    term(
        "BT-120", "exemption_reason", "text", "cac:TaxCategory/cbc:TaxExemptionReason", "ram:ExemptionReason"
    ),
    term(
        "BT-121",
        "exemption_reason_code",
        "text",
        "cac:TaxCategory/cbc:TaxExemptionReasonCode",
        "ram:ExemptionReasonCode",
    ),
)

TOTALS: Final = term(
    "BG-22",
    "totals",
    "group",
    "cac:LegalMonetaryTotal",
    f"{_SET}/ram:SpecifiedTradeSettlementHeaderMonetarySummation",
)
TOTALS_TERMS: Final = (
    term(
        "BT-106", "line_extension", "decimal", "cbc:LineExtensionAmount", "ram:LineTotalAmount", required=True
    ),
    term("BT-107", "allowances", "decimal", "cbc:AllowanceTotalAmount", "ram:AllowanceTotalAmount"),
    term("BT-108", "charges", "decimal", "cbc:ChargeTotalAmount", "ram:ChargeTotalAmount"),
    term(
        "BT-109",
        "tax_exclusive",
        "decimal",
        "cbc:TaxExclusiveAmount",
        "ram:TaxBasisTotalAmount",
        required=True,
    ),
    term(
        "BT-112", "tax_inclusive", "decimal", "cbc:TaxInclusiveAmount", "ram:GrandTotalAmount", required=True
    ),
    term("BT-113", "prepaid", "decimal", "cbc:PrepaidAmount", "ram:TotalPrepaidAmount"),
    term("BT-114", "rounding", "decimal", "cbc:PayableRoundingAmount", "ram:RoundingAmount"),
    term("BT-115", "payable", "decimal", "cbc:PayableAmount", "ram:DuePayableAmount", required=True),
)
# BT-110 / BT-111: the VAT totals, told apart by their currencyID (read in parse.py).
TAX_TOTAL_AMOUNTS: Final = term(
    "BT-110",
    "tax_amounts",
    "group",
    "cac:TaxTotal/cbc:TaxAmount",
    f"{_SET}/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount",
)

# -- attachments ------------------------------------------------------------------------------------------
ATTACHMENT: Final = term(
    "BG-24",
    "attachments",
    "group",
    "cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='130')]",
    f"{_AGR}/ram:AdditionalReferencedDocument[ram:TypeCode='916']",
)
ATTACHMENT_CONTENT: Final = term(
    "BT-125",
    "content",
    "group",
    "cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
    "ram:AttachmentBinaryObject",
)
ATTACHMENT_TERMS: Final = (
    ATTACHMENT_CONTENT,
    term("BT-122", "id", "text", "cbc:ID", "ram:IssuerAssignedID"),
    term("BT-123", "description", "text", "cbc:DocumentDescription", "ram:Name"),
    term("BT-124", "uri", "text", "cac:Attachment/cac:ExternalReference/cbc:URI", "ram:URIID"),
    term(
        "BT-125-1",
        "mime_type",
        "attr",
        "cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@mimeCode",
        "ram:AttachmentBinaryObject/@mimeCode",
    ),
    term(
        "BT-125-2",
        "filename",
        "attr",
        "cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename",
        "ram:AttachmentBinaryObject/@filename",
    ),
)

# -- lines (context: one InvoiceLine / CreditNoteLine / IncludedSupplyChainTradeLineItem) ------------------
LINES: Final = term(
    "BG-25",
    "lines",
    "group",
    ("cac:InvoiceLine", "cac:CreditNoteLine"),
    "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
)
_PRODUCT = "ram:SpecifiedTradeProduct"
_LINE_TAX = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
LINE: Final = (
    term(
        "BT-126",
        "id",
        "text",
        "cbc:ID",
        "ram:AssociatedDocumentLineDocument/ram:LineID",
        required=True,
        label="line id",
    ),
    term(
        "BT-127",
        "note",
        "text",
        "cbc:Note",
        "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content",
    ),
    term(
        "BT-129",
        "quantity",
        "decimal",
        ("cbc:InvoicedQuantity", "cbc:CreditedQuantity"),
        "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
    ),
    term(
        "BT-130",
        "unit_code",
        "attr",
        ("cbc:InvoicedQuantity/@unitCode", "cbc:CreditedQuantity/@unitCode"),
        "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
    ),
    term(
        "BT-131",
        "net_amount",
        "decimal",
        "cbc:LineExtensionAmount",
        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
    ),
    term(
        "BT-153",
        "name",
        "text",
        "cac:Item/cbc:Name",
        f"{_PRODUCT}/ram:Name",
        required=True,
        label="item name",
    ),
    term("BT-154", "description", "text", "cac:Item/cbc:Description", f"{_PRODUCT}/ram:Description"),
    term(
        "BT-146",
        "price",
        "decimal",
        "cac:Price/cbc:PriceAmount",
        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
    ),
    term(
        "BT-149",
        "base_quantity",
        "decimal",
        "cac:Price/cbc:BaseQuantity",
        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity",
    ),
    term(
        "BT-151",
        "vat_category",
        "text",
        "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
        f"{_LINE_TAX}/ram:CategoryCode",
    ),
    term(
        "BT-152",
        "vat_rate",
        "decimal",
        "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
        f"{_LINE_TAX}/ram:RateApplicablePercent",
    ),
    term(
        "BT-155",
        "seller_item_id",
        "text",
        "cac:Item/cac:SellersItemIdentification/cbc:ID",
        f"{_PRODUCT}/ram:SellerAssignedID",
    ),
    term(
        "BT-156",
        "buyer_item_id",
        "text",
        "cac:Item/cac:BuyersItemIdentification/cbc:ID",
        f"{_PRODUCT}/ram:BuyerAssignedID",
    ),
    term(
        "BT-157",
        "standard_item_id",
        "text",
        "cac:Item/cac:StandardItemIdentification/cbc:ID",
        f"{_PRODUCT}/ram:GlobalID",
    ),
    term(
        "BT-157-1",
        "standard_item_scheme",
        "attr",
        "cac:Item/cac:StandardItemIdentification/cbc:ID/@schemeID",
        f"{_PRODUCT}/ram:GlobalID/@schemeID",
    ),
    term(
        "BT-158",
        "classification_codes",
        "list",
        "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
        f"{_PRODUCT}/ram:DesignatedProductClassification/ram:ClassCode",
    ),
    term(
        "BT-158-1",
        "classification_scheme",
        "attr",
        "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listID",
        f"{_PRODUCT}/ram:DesignatedProductClassification/ram:ClassCode/@listID",
    ),
    LINE_ALLOWANCES,
)

# The tables as the reader walks them: each one is matched in a single pass over its element.
TABLES: Final = {
    "document": (
        *DOCUMENT,
        SELLER,
        BUYER,
        PAYEE,
        TAX_REPRESENTATIVE,
        PAYMENT_MEANS,
        DOCUMENT_ALLOWANCE_CHARGE,
        TAX_SUBTOTAL,
        TOTALS,
        TAX_TOTAL_AMOUNTS,
        ATTACHMENT,
        LINES,
    ),
    "party": (*PARTY, ADDRESS, CONTACT),
    "address": ADDRESS_TERMS,
    "contact": CONTACT_TERMS,
    "payment_means": PAYMENT_MEANS_TERMS,
    "allowance_charge": ALLOWANCE_CHARGE_TERMS,
    "tax_subtotal": TAX_SUBTOTAL_TERMS,
    "totals": TOTALS_TERMS,
    "attachment": ATTACHMENT_TERMS,
    "line": LINE,
}
