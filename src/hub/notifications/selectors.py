"""Reads of the in-app notifications, always scoped to the user and organization."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from hub.accounts.models import Organization, User
from hub.notifications.models import Channel, Notification


def _in_app(*, user: User, organization: Organization) -> QuerySet[Notification]:
    """The scope of every read here: the user's in-app notifications in the organization."""
    return Notification.objects.filter(
        recipient=user, channel=Channel.IN_APP, event__organization=organization
    )


def in_app_for(*, user: User, organization: Organization) -> QuerySet[Notification]:
    """The user's in-app notifications, each with the fate of its e-mail twin (sent, or the last error)."""
    email = Notification.objects.filter(
        event=OuterRef("event"), recipient=OuterRef("recipient"), channel=Channel.EMAIL
    )
    return (
        _in_app(user=user, organization=organization)
        .select_related("event", "event__organization")
        .annotate(
            email_sent_at=Subquery(email.values("sent_at")[:1]),
            email_error=Subquery(email.values("last_error")[:1]),
        )
    )


def unread_count(*, user: User, organization: Organization) -> int:
    """The bell's count, on every page: the unread rows, without `in_app_for`'s annotations (the e-mail
    twin's fate), which a count drops anyway but which cost building on each request."""
    return _in_app(user=user, organization=organization).filter(read_at__isnull=True).count()
