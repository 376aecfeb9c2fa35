"""Generated supplier invoices: valid CIUS-RO, Romanian, varied, with the real-world quirks, deterministic."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import einvoice
from anaf_sandbox import traffic
from anaf_sandbox.seed import Company, Traffic

BUYER = Company(
    cif="16000015",
    name="Alfa Construcții Ardeal SRL",
    registration="J12/1234/2012",
    street="Str. Memorandumului nr. 28",
    city="Cluj-Napoca",
    county="RO-CJ",
)
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_generated_invoices_are_valid_and_cover_the_quirks() -> None:
    seen: set[str] = set()
    rates: set[Decimal | None] = set()
    for n in range(1, 61):
        xml = traffic.invoice_xml(3, n, BUYER, WHEN, 0.1)
        report = einvoice.validate(xml, rules="ro")
        assert report.valid, (n, [f.message for f in report.errors])
        invoice = traffic.build_invoice(3, n, BUYER, WHEN, 0.1)
        assert einvoice.cif_is_valid(invoice.seller.vat_id or "")
        rates.update(line.vat_rate for line in invoice.lines)
        if invoice.kind == einvoice.DocumentKind.CREDIT_NOTE:
            seen.add("credit note")
        if invoice.type_code == "380" and (invoice.totals.payable or 0) < 0:
            seen.add("negative 380")
        if invoice.buyer.vat_id is None:
            seen.add("buyer only by CIF")
        if b"<cbc:Note></cbc:Note>" in xml:
            seen.add("empty element")
        if any(ch in (invoice.seller.name or "") for ch in "ăâîșțĂÂÎȘȚ"):
            seen.add("diacritics")
    assert seen == {"credit note", "negative 380", "buyer only by CIF", "empty element", "diacritics"}
    assert {Decimal(21), Decimal(11), Decimal(0)} <= rates


def test_the_same_seed_gives_the_same_bytes() -> None:
    assert traffic.invoice_xml(5, 17, BUYER, WHEN, 0.1) == traffic.invoice_xml(5, 17, BUYER, WHEN, 0.1)
    assert traffic.invoice_xml(5, 17, BUYER, WHEN, 0.1) != traffic.invoice_xml(6, 17, BUYER, WHEN, 0.1)
    plan = traffic.plan(
        Traffic(invoices_per_company_per_day=3, days=4, seed=5), ["16000015", "29000025"], WHEN
    )
    assert len(plan) == 24
    assert plan == traffic.plan(
        Traffic(invoices_per_company_per_day=3, days=4, seed=5), ["16000015", "29000025"], WHEN
    )
    assert all(item.created_at <= WHEN for item in plan)
