"""API keys of the organization (admins): create (the key is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Organization
from hub.api.models import ApiKey, Scope
from hub.api.services import api_key_create, api_key_revoke
from hub.core.htmx import render_page
from hub.core.once import form_once_consume


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


NEW_KEY = "api_new_key"  # the created key, shown once on the page the POST redirects to


@org_view(admin=True)
def api_keys(request: HttpRequest) -> HttpResponse:
    """List and create; a creation redirects (POST-redirect-GET) and its one-time token refuses a repeat."""
    organization = _organization(request)
    if request.method == "POST":
        if not form_once_consume(request):
            messages.info(request, _("This form was already sent; nothing was created again."))
            return redirect("api-keys", slug=organization.slug)
        try:
            _row, new_key = api_key_create(
                organization=organization,
                name=request.POST.get("name", "").strip() or "API",
                scopes=request.POST.getlist("scopes"),
                user=request.user,  # type: ignore[arg-type]
            )
        except ValueError:
            messages.error(request, _("Choose at least one permission."))
        else:
            request.session[NEW_KEY] = new_key
            messages.success(request, _("API key created. Copy it now: it is not shown again."))
        return redirect("api-keys", slug=organization.slug)
    labels = dict(Scope.choices)
    context = {
        "keys": [
            (key, ", ".join(str(labels.get(scope, scope)) for scope in key.scopes))
            for key in ApiKey.objects.filter(organization=organization)
        ],
        "scopes": Scope.choices,
        "new_key": request.session.pop(NEW_KEY, ""),
    }
    return render_page(request, "api/keys.html", context)


@org_view(admin=True)
@require_POST
def api_key_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    organization = _organization(request)
    if not ApiKey.objects.filter(organization=organization, pk=key_id).exists():
        raise Http404("api key")  # another organization's id
    if api_key_revoke(organization=organization, key_id=key_id):
        messages.success(request, _("API key revoked."))
    return redirect("api-keys", slug=organization.slug)
