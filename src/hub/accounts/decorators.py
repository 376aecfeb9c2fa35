"""`org_view`: resolve the organization in the URL to the user's membership, or refuse."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hub.accounts.selectors import membership_get
from hub.core.errors import ErrorCode, message_for

P = ParamSpec("P")
OrgView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def org_view(*, admin: bool = False, authorize: bool = False) -> Callable[[OrgView[P]], Any]:
    """Views take `slug` first; outsiders get 404, members without the role 403."""

    def decorator(view: OrgView[P]) -> Any:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_get(user=request.user, slug=slug)  # type: ignore[arg-type]
            request.membership = membership  # type: ignore[attr-defined]
            if (admin and not membership.is_admin) or (authorize and not membership.can_authorize):
                return render(
                    request, "hub/error.html", {"message": message_for(ErrorCode.NO_PERMISSION)}, status=403
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
