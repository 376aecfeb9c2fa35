"""Notification texts in both languages: Romanian plurals ("27 de zile"), lower-case months, local numbers."""

from __future__ import annotations

from django.utils import translation

from hub.core.events import Kind
from hub.notifications.kinds import body_for


def test_counts_follow_the_romanian_plural_rule_and_dates_and_numbers_the_locale() -> None:
    expiring = {"organization": "Demo", "deadline": "2026-03-01T10:00:00+00:00"}
    with translation.override("ro"):
        assert "(mai sunt 1 zi)" in body_for(Kind.EXPIRING, {**expiring, "days": 1})
        assert "(mai sunt 3 zile)" in body_for(Kind.EXPIRING, {**expiring, "days": 3})
        assert "(mai sunt 27 de zile)" in body_for(Kind.EXPIRING, {**expiring, "days": 27})
        assert "până la 1 martie 2026" in body_for(Kind.EXPIRING, {**expiring, "days": 27})
        lost = {"company": "Alfa", "cif": "16000015", "ids": "1, 2"}
        assert body_for(Kind.INBOX_MESSAGES_EXPIRED, {**lost, "count": 21}).startswith(
            "21 de mesaje e-Factura"
        )
        assert body_for(Kind.INBOX_MESSAGES_EXPIRED, {**lost, "count": 2}).startswith("2 mesaje e-Factura")
        received = {
            "seller": "Brutăria",
            "number": "F1",
            "amount": "1234.50",
            "currency": "RON",
            "company": "A",
        }
        assert "1.234,50 RON" in body_for(Kind.INVOICE_RECEIVED, received)
    with translation.override("en"):
        assert "(27 days left)" in body_for(Kind.EXPIRING, {**expiring, "days": 27})
        assert "(1 day left)" in body_for(Kind.EXPIRING, {**expiring, "days": 1})
        assert "March 1, 2026" in body_for(Kind.EXPIRING, {**expiring, "days": 1})
        assert "1,234.50 RON" in body_for(Kind.INVOICE_RECEIVED, received)
