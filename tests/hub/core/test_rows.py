"""`hub.core.rows` writes what Django's `create`, `bulk_create` and `update` write, on SQLite and PostgreSQL
(the hub's second test run), with `save()`'s signals for `row_insert`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps

from hub.accounts.models import Company, Organization
from hub.core import rows
from hub.inbox.models import Direction, Invoice, InvoiceLine, Message, MessageState

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 11, 30, 21, 59, 58, 123456, tzinfo=UTC)


def _message(company: Company, download_id: str) -> Message:
    return Message.objects.create(
        company=company, download_id=download_id, direction=Direction.RECEIVED, listed_at=MOMENT
    )


def _invoice(company: Company, message: Message) -> Invoice:
    return Invoice(
        organization=company.organization,
        company=company,
        message=message,
        direction=Direction.RECEIVED,
        kind="invoice",
        state="valid",
        number="FX-1 „ăîșț”",
        issue_date=date(2026, 11, 30),
        currency="RON",
        seller_name="Furnizor SRL",
        tax_exclusive=Decimal("1234.50"),
        tax=Decimal("0.01"),
        payable=Decimal("12345678.99"),
        received_at=MOMENT,
        warnings=[{"rule": "BR-RO-010", "text": "ș"}],
        validation_rules=["xsd", "cius-ro"],
        signature_valid=None,
        created=MOMENT,
    )


def _stored(row: models.Model) -> dict[str, Any]:
    fresh = type(row).objects.get(pk=row.pk)
    return {name: value for name, value in model_to_dict(fresh).items() if name not in ("id", "message")}


def test_row_insert_writes_what_save_writes_and_sends_its_signals(companies: list[Company]) -> None:
    company = companies[0]
    saved = _invoice(company, _message(company, "1"))
    saved.save()
    inserted = _invoice(company, _message(company, "2"))
    heard: list[tuple[str, Any, bool | None]] = []

    def on_pre_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("pre", instance.pk, None))

    def on_post_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        heard.append(("post", instance.pk, created))

    pre_save.connect(on_pre_save, sender=Invoice)
    post_save.connect(on_post_save, sender=Invoice)
    try:
        rows.row_insert(inserted)
    finally:
        pre_save.disconnect(on_pre_save, sender=Invoice)
        post_save.disconnect(on_post_save, sender=Invoice)

    assert isinstance(inserted.pk, int)
    assert inserted.pk != saved.pk
    assert heard == [("pre", None, None), ("post", inserted.pk, True)]
    assert not inserted._state.adding
    assert inserted._state.db == "default"
    assert _stored(inserted) == _stored(saved)
    assert Invoice.objects.get(pk=inserted.pk).received_at == MOMENT  # microseconds and zone kept
    with pytest.raises(ValueError, match="new rows"):
        rows.row_insert(inserted)  # already stored


def test_rows_insert_writes_what_bulk_create_writes(companies: list[Company]) -> None:
    company = companies[0]
    invoice = _invoice(company, _message(company, "1"))
    invoice.save()

    def lines(offset: int) -> list[InvoiceLine]:
        return [
            InvoiceLine(
                invoice=invoice,
                position=offset + n,
                name=f"Articol {n}",
                quantity=Decimal("1.333333"),
                price=Decimal("-0.000001"),
                net_amount=Decimal("12.30"),
                vat_rate=None if n else Decimal("19.000"),
            )
            for n in range(3)
        ]

    InvoiceLine.objects.bulk_create(lines(0))
    rows.rows_insert(lines(100))
    rows.rows_insert([])

    stored = [
        {key: value for key, value in model_to_dict(line).items() if key != "id"}
        for line in InvoiceLine.objects.filter(invoice=invoice).order_by("position")
    ]
    created, inserted = stored[:3], stored[3:]
    assert [line["position"] - 100 for line in inserted] == [line["position"] for line in created]
    assert [{**line, "position": 0} for line in inserted] == [{**line, "position": 0} for line in created]
    with pytest.raises(TypeError):
        rows.rows_insert([*lines(200), _message(company, "9")])


def test_rows_insert_writes_more_rows_than_one_statement_can_carry(companies: list[Company]) -> None:
    """A utility bill of 6,000 lines needs more placeholders than SQLite or PostgreSQL take in one statement:
    it is written in several, and whole."""
    company = companies[0]
    invoice = _invoice(company, _message(company, "1"))
    invoice.save()
    count = 6_000
    rows.rows_insert(
        InvoiceLine(invoice=invoice, position=n, name=f"Consum {n}", net_amount=Decimal(n) / 100)
        for n in range(1, count + 1)
    )
    stored = list(
        InvoiceLine.objects.filter(invoice=invoice).order_by("position").values_list("position", "name")
    )
    assert stored == [(n, f"Consum {n}") for n in range(1, count + 1)]
    assert InvoiceLine.objects.get(invoice=invoice, position=count).net_amount == Decimal("60.00")


def test_row_update_sets_what_update_sets(companies: list[Company]) -> None:
    company = companies[0]
    first, second = _message(company, "1"), _message(company, "2")
    archived = {"state": MessageState.ARCHIVED, "archived_at": MOMENT, "zip_size": 7}
    Message.objects.filter(pk=first.pk).update(**archived)
    assert rows.row_update(Message, second.pk, **archived) == 1
    assert rows.row_update(Message, 10**9, state=MessageState.ARCHIVED) == 0
    rows.row_update(Invoice, 10**9, company_id=company.pk)  # an attribute name of a foreign key works

    def stored(message: Message) -> dict[str, Any]:
        values = model_to_dict(Message.objects.get(pk=message.pk))
        return {key: value for key, value in values.items() if key not in ("id", "download_id")}

    assert stored(second) == stored(first)
    with pytest.raises(ValueError, match="non-key"):
        rows.row_update(Message, second.pk, id=5)


def test_models_the_prepared_statements_cannot_write_are_refused(organization: Organization) -> None:
    with isolate_apps("hub.accounts"):

        class Derived(Organization):
            class Meta:
                app_label = "accounts"

        with pytest.raises(TypeError, match="inherits"):
            rows.rows_insert([Derived(name="x")])
    with pytest.raises(ValueError, match="new rows"):
        rows.row_insert(organization)  # already stored


def test_row_insert_can_skip_a_row_that_breaks_a_unique_constraint(companies: list[Company]) -> None:
    company = companies[0]
    message = _message(company, "1")
    first = _invoice(company, message)
    assert rows.row_insert(first, skip_conflict=True)
    created: list[Any] = []

    def on_post_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        created.append(instance)

    post_save.connect(on_post_save, sender=Invoice)
    try:
        again = _invoice(company, message)  # the message has its invoice already
        assert not rows.row_insert(again, skip_conflict=True)
    finally:
        post_save.disconnect(on_post_save, sender=Invoice)
    assert again.pk is None
    assert again._state.adding
    assert created == []
    assert list(Invoice.objects.values_list("pk", flat=True)) == [first.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.row_insert(_invoice(company, message))  # without it, the constraint refuses the row
