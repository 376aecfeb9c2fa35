"""Home (pick an organization) and the user's preferences (language)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from hub.accounts.forms import PreferencesForm
from hub.accounts.selectors import organizations_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organizations = list(organizations_for(request.user))  # type: ignore[arg-type]
    if len(organizations) == 1:
        return redirect("integrations", slug=organizations[0].slug)
    return render(request, "accounts/home.html", {"organizations": organizations})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})
