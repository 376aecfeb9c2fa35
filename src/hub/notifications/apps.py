"""Notifications: event rows, a dispatcher task, in-app and e-mail transports."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hub.notifications"
    label = "notifications"
