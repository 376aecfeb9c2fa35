"""Template context: the unread notification count of the bell, in the current organization."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hub.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    current = membership.organization if membership else None
    return {"unread_notifications": unread_count(user=user, organization=current) if current else 0}
