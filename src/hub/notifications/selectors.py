"""Reads of the in-app notifications, always scoped to the user and organization."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.accounts.models import Organization, User
from hub.notifications.models import Channel, Notification


def in_app_for(*, user: User, organization: Organization) -> QuerySet[Notification]:
    return Notification.objects.select_related("event", "event__organization").filter(
        recipient=user, channel=Channel.IN_APP, event__organization=organization
    )


def unread_count(*, user: User, organization: Organization) -> int:
    return in_app_for(user=user, organization=organization).filter(read_at__isnull=True).count()
