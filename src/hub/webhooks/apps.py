"""Outbound webhooks: endpoints per organization, signed deliveries, retries with backoff, delivery log."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hub.webhooks"
    label = "webhooks"
