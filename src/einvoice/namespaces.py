"""The XML namespaces of UBL 2.1 and UN/CEFACT CII D16B: the one home of these names in the project."""

from __future__ import annotations

from typing import Final

UBL_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"

CII: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"

# The prefixes the term table and XPath expressions use.
NS: Final = {"cac": CAC, "cbc": CBC, "rsm": CII, "ram": RAM, "udt": UDT}

UBL_INVOICE_ROOT: Final = f"{{{UBL_INVOICE}}}Invoice"
UBL_CREDIT_NOTE_ROOT: Final = f"{{{UBL_CREDIT_NOTE}}}CreditNote"
CII_ROOT: Final = f"{{{CII}}}CrossIndustryInvoice"
