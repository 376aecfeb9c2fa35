"""Shared plumbing of the hub: clock, encryption, error codes, HTMX helpers."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"

    def ready(self) -> None:
        import hub.celery  # noqa: F401  (the Celery app must exist before any task is sent)
