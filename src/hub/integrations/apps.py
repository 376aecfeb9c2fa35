"""The integrations registry and the per-organization activation of each module."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "hub.integrations"
    label = "integrations"
