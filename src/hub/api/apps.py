"""REST API v1 (django-ninja) with organization API keys."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hub.api"
    label = "api"
