"""Integrări: the module cards and "Activare"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.core.htmx import render_page
from hub.integrations.registry import get_kind
from hub.integrations.selectors import cards_for
from hub.integrations.services import IntegrationUnavailable, integration_activate


@org_view()
def integrations_list(request: HttpRequest) -> HttpResponse:
    organization = request.membership.organization  # type: ignore[attr-defined]
    return render_page(request, "integrations/list.html", {"cards": cards_for(organization)})


@require_POST
@org_view(admin=True)
def integration_activate_view(request: HttpRequest, kind: str) -> HttpResponse:
    organization = request.membership.organization  # type: ignore[attr-defined]
    try:
        integration_activate(organization=organization, kind=kind, user=request.user)  # type: ignore[arg-type]
    except IntegrationUnavailable:
        return redirect("integrations", slug=organization.slug)
    spec = get_kind(kind)
    module = spec.module() if spec else None
    assert module is not None
    return redirect(module.configure_url(organization.slug))
