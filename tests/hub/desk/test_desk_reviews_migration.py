"""Invoices archived before the desk existed get their review from the data migration, not from the pages."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from hub.accounts.models import Organization, User
from hub.desk.models import InvoiceReview, ReviewState
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)
migration = importlib.import_module("hub.desk.migrations.0002_open_missing_reviews")


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 2, "seed": 3, "companies": [ALFA]}
    return sandbox_seed


def test_the_migration_opens_the_missing_reviews_and_the_pages_do_not(
    hub_sandbox: Any, authorized: Organization, member: User
) -> None:
    alfa = company(authorized, ALFA)
    login(member).post(f"/o/{authorized.slug}/desk/assignees/", {f"company-{alfa.pk}": str(member.pk)})
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    received = set(
        Invoice.objects.filter(company=alfa, direction=Direction.RECEIVED).values_list("pk", flat=True)
    )
    assert len(received) >= 3
    kept = min(received)
    InvoiceReview.objects.filter(invoice_id=kept).update(state=ReviewState.APPROVED)
    InvoiceReview.objects.exclude(invoice_id=kept).delete()  # as before the desk was installed

    client = login(member)
    assert client.get(f"/o/{authorized.slug}/desk/").status_code == 200
    assert client.get(f"/o/{authorized.slug}/desk/completeness/").status_code == 200
    assert InvoiceReview.objects.count() == 1  # no page opens reviews any more

    migration.open_missing_reviews(apps, None)
    migration.open_missing_reviews(apps, None)  # idempotent

    reviews = InvoiceReview.objects.filter(company=alfa)
    assert set(reviews.values_list("invoice_id", flat=True)) == received
    assert reviews.get(invoice_id=kept).state == ReviewState.APPROVED
    opened = reviews.exclude(invoice_id=kept)
    assert set(opened.values_list("state", "assignee_id", "organization_id")) == {
        (ReviewState.TO_REVIEW, member.pk, authorized.pk)
    }
