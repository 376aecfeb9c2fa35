"""Delivery channels. Each returns on success or raises `TransportError(message, permanent=...)`."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from hub.notifications.models import Notification

log = logging.getLogger(__name__)


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def deliver_in_app(notification: Notification) -> None:
    """Nothing to send: the row itself is what the bell and the list show."""


def deliver_email(notification: Notification) -> None:
    user = notification.recipient
    if not user.email:
        raise TransportError("recipient has no e-mail address", permanent=True)
    event = notification.event
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "title": event.title,
            "body": event.body,
            "link": f"{settings.SITE_URL}{event.link}" if event.link.startswith("/") else event.link,
            "organization": event.organization,
            "user": user,
        }
        subject = render_to_string("emails/notification-subject.txt", context).strip()
        text = render_to_string("emails/notification-body-text.txt", context)
        html = render_to_string("emails/notification-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError as exc:  # SMTP errors are OSError subclasses; connection refused too
        log.warning("e-mail to user %s failed: %s", user.pk, exc.__class__.__name__)
        raise TransportError(f"SMTP: {exc.__class__.__name__}: {exc}") from exc


TRANSPORTS = {"in_app": deliver_in_app, "email": deliver_email}
