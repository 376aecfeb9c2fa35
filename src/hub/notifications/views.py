"""The bell, the notification list, mark as read."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.core.htmx import render_page
from hub.notifications.selectors import in_app_for, unread_count
from hub.notifications.services import notification_mark_read


def _context(request: HttpRequest) -> dict[str, object]:
    organization = request.membership.organization  # type: ignore[attr-defined]
    return {
        "notifications": in_app_for(user=request.user, organization=organization)[:100],  # type: ignore[arg-type]
        "unread_notifications": unread_count(user=request.user, organization=organization),  # type: ignore[arg-type]
    }


@org_view()
def notification_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "notifications/list.html", _context(request), fragment="notifications/_list.html"
    )


@require_POST
@org_view()
def notification_read(request: HttpRequest, notification_id: int | None = None) -> HttpResponse:
    mine = in_app_for(user=request.user, organization=request.membership.organization)  # type: ignore[arg-type,attr-defined]
    if notification_id is not None and not mine.filter(pk=notification_id).exists():
        raise Http404("notification")  # another person's or organization's id
    notification_mark_read(
        user=request.user,  # type: ignore[arg-type]
        organization=request.membership.organization,  # type: ignore[attr-defined]
        notification_id=notification_id,
    )
    response = render_page(
        request, "notifications/list.html", _context(request), fragment="notifications/_list.html"
    )
    response["HX-Trigger"] = "notifications-changed"
    return response


@org_view()
def bell(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "notifications/_bell.html", _context(request), fragment="notifications/_bell.html"
    )
