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
        self._buyer_messages_connect()

    def _buyer_messages_connect(self) -> None:
        """Buyer messages (RASP): inbound ones recorded when archived; their sections on others' pages."""
        from hub.core.panels import panel_register  # noqa: PLC0415
        from hub.desk import buyer_messages  # noqa: PLC0415
        from hub.inbox.models import Invoice  # noqa: PLC0415

        post_save.connect(
            buyer_messages.buyer_message_archived, sender=Invoice, dispatch_uid="desk-buyer-message-archived"
        )
        panel_register("inbox-invoice", "buyer-messages", buyer_messages.inbox_panel)
        panel_register("outbox-invoice", "customer-messages", buyer_messages.outbox_panel)
