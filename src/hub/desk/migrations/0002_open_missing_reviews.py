"""Open the review of every received invoice archived before the desk existed (new ones get theirs from
`hub.desk.signals` when the inbox stores them)."""

from typing import Any

from django.db import migrations
from django.utils import timezone

BATCH = 1000


def open_missing_reviews(apps: Any, schema_editor: Any) -> None:
    Invoice = apps.get_model("inbox", "Invoice")
    InvoiceReview = apps.get_model("desk", "InvoiceReview")
    CompanyDesk = apps.get_model("desk", "CompanyDesk")
    defaults = dict(CompanyDesk.objects.values_list("company_id", "default_assignee_id"))
    now = timezone.now()
    missing = (
        Invoice.objects.filter(direction="received", review__isnull=True)
        .order_by("pk")
        .values_list("pk", "organization_id", "company_id")
    )
    last = 0
    while True:
        batch = list(missing.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        InvoiceReview.objects.bulk_create(
            [
                InvoiceReview(
                    invoice_id=invoice_id,
                    organization_id=organization_id,
                    company_id=company_id,
                    assignee_id=defaults.get(company_id),
                    created=now,
                )
                for invoice_id, organization_id, company_id in batch
            ],
            ignore_conflicts=True,
        )
        last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]

    operations = [migrations.RunPython(open_missing_reviews, migrations.RunPython.noop, elidable=True)]
