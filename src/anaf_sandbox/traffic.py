"""Generated supplier invoices for the seed's ``traffic`` (quirks from docs/anaf.md §2.3 and from
real-world invoices: negative-amount type 380, empty optional elements, buyer identified only by CIF).

Everything is a pure function of (traffic seed, invoice number ``n``): the plan decides supplier and
time, ``invoice_xml`` rebuilds the same CIUS-RO UBL bytes on every download with ``einvoice.build_ubl``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import einvoice
from einvoice import Address, DocumentKind, Invoice, Line, Party, PaymentMeans, TaxSubtotal
from einvoice.cif import normalize_cif

from .clock import BUCHAREST
from .seed import Company, Traffic

SUPPLIER_NAMES = (
    ("Țesătoria Bistrița SRL", "Str. Gării nr. 12", "Bistrița", "RO-BN"),
    ("Brutăria Ștefănescu SRL", "Bd. Independenței nr. 3", "Iași", "RO-IS"),
    ("Fierăria Râșnov SRL", "Str. Cetății nr. 7", "Râșnov", "RO-BV"),
    ("Cafeneaua Mureșului SRL", "Piața Trandafirilor nr. 21", "Târgu Mureș", "RO-MS"),
    ("Șantierul Naval Constanța SA", "Incinta Port nr. 1", "Constanța", "RO-CT"),
    ("Grădinăria Verde Înflorită SRL", "Calea Victoriei nr. 155", "SECTOR1", "RO-B"),
    ("Tipografia Oltenița SRL", "Str. Argeșului nr. 9", "Oltenița", "RO-CL"),
    ("Depozitul de Materiale Câmpina SRL", "Str. Carpați nr. 44", "Câmpina", "RO-PH"),
)
ITEMS = (
    ("Hârtie copiator A4", "H87", Decimal("24.50"), Decimal("21")),
    ("Servicii de întreținere", "HUR", Decimal("180.00"), Decimal("21")),
    ("Pâine albă feliată", "H87", Decimal("6.20"), Decimal("11")),
    ("Cărți tehnice", "H87", Decimal("75.00"), Decimal("11")),
    ("Transport marfă București-Cluj", "C62", Decimal("1250.00"), Decimal("21")),
    ("Curs de formare profesională", "C62", Decimal("900.00"), Decimal("0")),
    ("Ciment Portland 40 kg", "H87", Decimal("32.90"), Decimal("21")),
)
EXEMPTION = "Scutit de TVA conform art. 292 alin. (1) lit. a) din Codul fiscal"


@dataclass(frozen=True, slots=True)
class Planned:
    n: int
    supplier_cif: str
    buyer_cif: str
    created_at: datetime


def supplier(seed: int, index: int) -> Party:
    """Supplier ``index`` of the pool for ``seed`` (valid CIF, diacritics, VAT payer)."""
    name, street, city, county = SUPPLIER_NAMES[index % len(SUPPLIER_NAMES)]
    body = random.Random(f"supplier:{seed}:{index}").randrange(1_000_000, 49_999_999)
    cif = einvoice.cif_with_check_digit(body)
    return Party(
        name=name,
        vat_id=f"RO{cif}",
        registration_id=f"J{random.Random(cif).randrange(1, 52):02d}/{body % 9000 + 100}/2015",
        address=Address(street=street, city=city, county=county, country="RO"),
    )


def _draws(seed: int, n: int) -> tuple[random.Random, int, int]:
    """The generator for invoice ``n``: its supplier index and its seconds before the day mark."""
    rng = random.Random(f"{seed}:{n}")
    return rng, rng.randrange(len(SUPPLIER_NAMES)), rng.randint(60, 86_000)


def plan(traffic: Traffic, cifs: list[str], now: datetime) -> list[Planned]:
    """Invoices ``traffic.invoices_per_company_per_day`` a day for ``traffic.days`` days up to ``now``."""
    planned: list[Planned] = []
    n = 0
    for cif in cifs:
        for day in range(traffic.days):
            for _ in range(traffic.invoices_per_company_per_day):
                n += 1
                _, index, seconds = _draws(traffic.seed, n)
                supplier_cif = normalize_cif(supplier(traffic.seed, index).vat_id or "")
                created = now - timedelta(days=day, seconds=seconds)
                planned.append(Planned(n, supplier_cif, cif, created))
    return planned


def _buyer(company: Company | None, only_cif: bool) -> Party:
    if company is None:
        return Party(
            name="Client necunoscut SRL",
            registration_id="0",
            address=Address(street="Str. Principală nr. 1", city="SECTOR1", county="RO-B", country="RO"),
        )
    address = Address(
        street=company.street or "Str. Principală nr. 1",
        city=company.city or "SECTOR1",
        county=company.county or "RO-B",
        postal_code=company.postal_code or None,
        country="RO",
    )
    if only_cif or not company.vat_payer:
        # §2.3 quirk: buyer identified only by its CIF (legal registration id, no VAT id).
        return Party(name=company.name, registration_id=company.cif, address=address)
    return Party(
        name=company.name,
        vat_id=f"RO{company.cif}",
        registration_id=company.registration or None,
        address=address,
    )


def build_invoice(
    seed: int, n: int, buyer: Company | None, created_at: datetime, credit_ratio: float
) -> Invoice:
    """The model of generated invoice ``n`` (deterministic)."""
    rng, index, _ = _draws(seed, n)
    seller = supplier(seed, index)
    credit = rng.random() < credit_ratio
    negative = not credit and rng.random() < 0.05
    only_cif = rng.random() < 0.25
    issue = (created_at.astimezone(BUCHAREST) - timedelta(days=rng.randint(0, 3))).date()
    lines = []
    for number in range(1, rng.randint(1, 4) + 1):
        name, unit, price, rate = ITEMS[rng.randrange(len(ITEMS))]
        quantity = Decimal(rng.randint(1, 20))
        if negative:
            quantity = -quantity  # a correction filed as a type 380 invoice with negative amounts
        lines.append(
            Line(
                id=str(number),
                name=name,
                quantity=quantity,
                unit_code=unit,
                price=price,
                vat_category="S" if rate else "E",
                vat_rate=rate,
            )
        )
    invoice = Invoice(
        kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
        type_code="381" if credit else "380",
        number=f"{'NC' if credit else 'FCT'}-{issue.year}-{n:05d}",
        issue_date=issue,
        due_date=issue + timedelta(days=30),
        currency="RON",
        notes=["Factură generată de sandbox-ul ANAF (date fictive)."],
        seller=seller,
        buyer=_buyer(buyer, only_cif),
        payment_means=[PaymentMeans(code="31", iban="RO49AAAA1B31007593840000")],
        tax_breakdown=[TaxSubtotal(category="E", exemption_reason=EXEMPTION)],
        lines=lines,
    )
    return einvoice.compute_totals(invoice)


def invoice_xml(seed: int, n: int, buyer: Company | None, created_at: datetime, credit_ratio: float) -> bytes:
    """CIUS-RO UBL bytes of generated invoice ``n``; some carry an empty optional element (a real quirk)."""
    invoice = build_invoice(seed, n, buyer, created_at, credit_ratio)
    data = einvoice.build_ubl(invoice)
    if n % 7 == 3:
        # Real supplier software leaves optional elements empty; the XSD accepts an empty note.
        data = data.replace(b"</cbc:Note>", b"</cbc:Note>\n  <cbc:Note></cbc:Note>", 1)
    return data
