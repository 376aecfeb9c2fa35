"""The inbox app: sync pipeline, ledger, archive, invoices, 60-day guardian, inbox pages and exports."""

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "hub.inbox"
    label = "inbox"
