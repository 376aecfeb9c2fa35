"""Webhook endpoints of the organization (admins) and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Organization
from hub.core.htmx import render_page
from hub.webhooks.models import EVENTS, Delivery, Endpoint
from hub.webhooks.network import UnsafeUrl
from hub.webhooks.services import endpoint_create, endpoint_delete


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


@org_view(admin=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    created: Endpoint | None = None
    if request.method == "POST":
        try:
            created = endpoint_create(
                organization=organization,
                url=request.POST.get("url", "").strip(),
                events=request.POST.getlist("events"),
            )
        except UnsafeUrl as exc:
            messages.error(request, _("This URL cannot receive webhooks: %(reason)s") % {"reason": exc})
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Webhook added. Keep its secret: it signs every delivery."))
    context = {
        "endpoints": Endpoint.objects.filter(organization=organization),
        "deliveries": Delivery.objects.filter(endpoint__organization=organization).select_related("endpoint")[
            :100
        ],
        "events": EVENTS,
        "created": created,
    }
    return render_page(request, "webhooks/list.html", context)


@org_view(admin=True)
@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    organization = _organization(request)
    if not endpoint_delete(organization=organization, endpoint_id=endpoint_id):
        raise Http404("webhook")
    messages.success(request, _("Webhook removed."))
    return redirect("webhooks", slug=organization.slug)
