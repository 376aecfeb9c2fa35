"""The accountant's desk: the review of received invoices (approve, refuse, book), assignees, comments."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class DeskConfig(AppConfig):
    name = "hub.desk"
    label = "desk"

    def ready(self) -> None:
        from hub.desk.signals import invoice_saved  # noqa: PLC0415  (models are ready only now)
        from hub.inbox.models import Invoice  # noqa: PLC0415

        post_save.connect(invoice_saved, sender=Invoice, dispatch_uid="desk-review-open")
