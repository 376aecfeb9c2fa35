"""The EN 16931 business terms the reader knows, each with its UBL 2.1 and its UN/CEFACT CII path.

One declarative table drives both syntaxes (the idea of factur-x's ``EN6931_FIELDS``, extended with the
UBL side). A term names the model field, its kind and its path relative to the element it is read from;
a term of kind ``group`` (``BG-*``) names elements whose own table is read next. Alternatives are tried
in order (UBL writes BT-9 of a credit note in its payment means). `einvoice.paths` compiles each table
into a `Matcher` that walks its element once.
"""

from __future__ import annotations

from typing import Final

from .paths import term

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
        "cac:PartyLegalEntity/cbc:RegistrationName",
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
# The payee (BG-10) and the seller's tax representative (BG-11) carry fewer terms, and their name sits
# where a seller's trading name would (UBL PartyName).
PAYEE_TERMS: Final = (
    term("BT-59", "name", "text", "cac:PartyName/cbc:Name", "ram:Name", required=True, label="name"),
    term(
        "BT-61",
        "registration_id",
        "text",
        "cac:PartyLegalEntity/cbc:CompanyID",
        "ram:SpecifiedLegalOrganization/ram:ID",
    ),
)
TAX_REPRESENTATIVE_TERMS: Final = (
    term("BT-62", "name", "text", "cac:PartyName/cbc:Name", "ram:Name", required=True, label="name"),
    term(
        "BT-63",
        "vat_id",
        "text",
        "cac:PartyTaxScheme/cbc:CompanyID",
        "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
        required=True,
        label="VAT id",
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
    "payee": PAYEE_TERMS,
    "tax_representative": (*TAX_REPRESENTATIVE_TERMS, ADDRESS),
    "address": ADDRESS_TERMS,
    "contact": CONTACT_TERMS,
    "payment_means": PAYMENT_MEANS_TERMS,
    "allowance_charge": ALLOWANCE_CHARGE_TERMS,
    "tax_subtotal": TAX_SUBTOTAL_TERMS,
    "totals": TOTALS_TERMS,
    "attachment": ATTACHMENT_TERMS,
    "line": LINE,
}
