"""The outbox app: issued invoices taken in, checked, sent to ANAF exactly once and followed to its answer."""

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "hub.outbox"
    label = "outbox"
