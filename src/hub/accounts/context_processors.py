"""Template context: the user's organizations and the current one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hub.accounts.selectors import organizations_for


def organizations(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "user_organizations": list(organizations_for(user)),
        "current_organization": membership.organization if membership else None,
        "membership": membership,
    }
