"""Shared plumbing of the hub: clock, encryption, error codes, HTMX helpers."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"

    def ready(self) -> None:
        # The Celery app must exist before any task is sent; the checks register themselves on import.
        from hub import celery as _celery_app  # noqa: F401, PLC0415  (Django runs ready() once apps are loaded)
        from hub.core import checks as _checks  # noqa: F401, PLC0415
