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
from hub.core.once import form_once_consume
from hub.webhooks.models import EVENTS, Delivery, Endpoint
from hub.webhooks.network import UnsafeUrl
from hub.webhooks.services import endpoint_create, endpoint_delete
from hub.webhooks.wording import unsafe_url_message


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


NEW_SECRET = "webhook_new_secret"  # noqa: S105  (a session key, not a secret); the created endpoint's secret, shown once after the redirect


@org_view(admin=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """List and add; an addition redirects (POST-redirect-GET) and its one-time token refuses a repeat."""
    organization = _organization(request)
    if request.method == "POST":
        if not form_once_consume(request):
            messages.info(request, _("This form was already sent; nothing was created again."))
            return redirect("webhooks", slug=organization.slug)
        try:
            created = endpoint_create(
                organization=organization,
                url=request.POST.get("url", "").strip(),
                events=request.POST.getlist("events"),
            )
        except UnsafeUrl as exc:
            reason = unsafe_url_message(str(exc))
            messages.error(request, _("This URL cannot receive webhooks: %(reason)s") % {"reason": reason})
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            request.session[NEW_SECRET] = created.secret
            messages.success(request, _("Webhook added. Keep its secret: it signs every delivery."))
        return redirect("webhooks", slug=organization.slug)
    context = {
        "endpoints": Endpoint.objects.filter(organization=organization),
        "deliveries": Delivery.objects.filter(endpoint__organization=organization).select_related("endpoint")[
            :100
        ],
        "events": EVENTS,
        "new_secret": request.session.pop(NEW_SECRET, ""),
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
