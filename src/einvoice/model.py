"""One typed model of the EN 16931 business terms the hub needs, shared by UBL and CII.

Field docstrings cite the business term (BT-n) or group (BG-n). Amounts are ``Decimal`` exactly as
written in the document; a term absent from the document is ``None`` (never invented).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Syntax(StrEnum):
    UBL = "ubl"
    CII = "cii"


@dataclass(slots=True)
class Address:
    """BG-5 / BG-8 / BG-12 / BG-15 postal address."""

    street: str | None = None  # BT-35
    additional_street: str | None = None  # BT-36
    city: str | None = None  # BT-37
    postal_code: str | None = None  # BT-38
    county: str | None = None  # BT-39 (CountrySubentity: "RO-CJ", "RO-B")
    country: str | None = None  # BT-40 (ISO 3166-1 alpha-2)


@dataclass(slots=True)
class Contact:
    """BG-6 / BG-9 contact."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(slots=True)
class Party:
    """Seller (BG-4), buyer (BG-7), payee (BG-10) or tax representative (BG-11)."""

    name: str | None = None  # BT-27 / BT-44
    trading_name: str | None = None  # BT-28 / BT-45
    vat_id: str | None = None  # BT-31 / BT-48 ("RO12345678")
    tax_registration_id: str | None = None  # BT-32 (CIF without RO for non-VAT payers)
    registration_id: str | None = None  # BT-30 / BT-47 (e.g. J40/123/2020 or CUI)
    legal_form: str | None = None  # BT-33
    electronic_address: str | None = None  # BT-34 / BT-49
    electronic_address_scheme: str | None = None  # BT-34-1 / BT-49-1 ("EM" for e-mail, "9947"...)
    address: Address = field(default_factory=Address)
    contact: Contact | None = None


@dataclass(slots=True)
class PaymentMeans:
    """BG-16 payment instructions."""

    code: str | None = None  # BT-81 (UNCL4461: "30", "31", "42", "58"...)
    iban: str | None = None  # BT-84
    account_name: str | None = None  # BT-85
    bic: str | None = None  # BT-86
    payment_id: str | None = None  # BT-83


@dataclass(slots=True)
class AllowanceCharge:
    """BG-20 document allowance / BG-21 document charge (also BG-27/BG-28 on lines)."""

    is_charge: bool
    amount: Decimal | None = None  # BT-92 / BT-99
    base_amount: Decimal | None = None  # BT-93 / BT-100
    percent: Decimal | None = None  # BT-94 / BT-101
    reason: str | None = None  # BT-97 / BT-104
    reason_code: str | None = None  # BT-98 / BT-105
    vat_category: str | None = None  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103


@dataclass(slots=True)
class TaxSubtotal:
    """BG-23 VAT breakdown."""

    category: str | None = None  # BT-118 (S, Z, E, AE, K, G, O, L, M)
    rate: Decimal | None = None  # BT-119
    taxable: Decimal | None = None  # BT-116
    tax: Decimal | None = None  # BT-117
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121


@dataclass(slots=True)
class Totals:
    """BG-22 document totals."""

    line_extension: Decimal | None = None  # BT-106
    allowances: Decimal | None = None  # BT-107
    charges: Decimal | None = None  # BT-108
    tax_exclusive: Decimal | None = None  # BT-109
    tax: Decimal | None = None  # BT-110
    tax_in_tax_currency: Decimal | None = None  # BT-111
    tax_inclusive: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    payable: Decimal | None = None  # BT-115


@dataclass(slots=True)
class Line:
    """BG-25 invoice line."""

    id: str | None = None  # BT-126
    name: str | None = None  # BT-153
    description: str | None = None  # BT-154
    quantity: Decimal | None = None  # BT-129
    unit_code: str | None = None  # BT-130 (UN/ECE rec 20: "H87", "C62", "KGM"...)
    price: Decimal | None = None  # BT-146
    base_quantity: Decimal | None = None  # BT-149
    net_amount: Decimal | None = None  # BT-131
    vat_category: str | None = None  # BT-151
    vat_rate: Decimal | None = None  # BT-152
    seller_item_id: str | None = None  # BT-155
    buyer_item_id: str | None = None  # BT-156
    standard_item_id: str | None = None  # BT-157
    standard_item_scheme: str | None = None  # BT-157-1 ("0160" for GTIN)
    classification_codes: list[str] = field(default_factory=list)  # BT-158
    classification_scheme: str | None = None  # BT-158-1 of the codes above ("STI", "CPV"...)
    note: str | None = None  # BT-127
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)


@dataclass(slots=True)
class Attachment:
    """BG-24 additional supporting document."""

    id: str | None = None  # BT-122
    description: str | None = None  # BT-123
    filename: str | None = None  # BT-125-2
    mime_type: str | None = None  # BT-125-1
    size: int | None = None  # decoded size in bytes, when embedded
    uri: str | None = None  # BT-124
    content: bytes | None = field(default=None, repr=False)  # BT-125, decoded


@dataclass(slots=True)
class Invoice:
    """An invoice (UBL Invoice / CII type 380...) or credit note (UBL CreditNote / type 381)."""

    kind: DocumentKind = DocumentKind.INVOICE
    syntax: Syntax = Syntax.UBL
    customization_id: str | None = None  # BT-24
    type_code: str | None = None  # BT-3
    number: str | None = None  # BT-1
    issue_date: date | None = None  # BT-2
    due_date: date | None = None  # BT-9
    tax_point_date: date | None = None  # BT-7
    currency: str | None = None  # BT-5
    tax_currency: str | None = None  # BT-6
    notes: list[str] = field(default_factory=list)  # BT-22
    buyer_reference: str | None = None  # BT-10
    order_reference: str | None = None  # BT-13
    contract_reference: str | None = None  # BT-12
    preceding_invoice: str | None = None  # BT-25
    seller: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    payee: Party | None = None
    tax_representative: Party | None = None
    payment_means: list[PaymentMeans] = field(default_factory=list)
    payment_terms: str | None = None  # BT-20
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)
    tax_breakdown: list[TaxSubtotal] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    lines: list[Line] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
