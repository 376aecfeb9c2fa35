"""Template context: the user's organizations, the current one, the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organizations(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from hub.accounts.selectors import organizations_for
    from hub.notifications.selectors import unread_count

    membership = getattr(request, "membership", None)
    current = membership.organization if membership else None
    return {
        "user_organizations": list(organizations_for(user)),
        "current_organization": current,
        "membership": membership,
        "unread_notifications": unread_count(user=user, organization=current) if current else 0,
    }
