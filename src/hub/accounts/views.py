"""Home (pick an organization), the user's preferences, new organizations, the members page and the
invitation link that sets a new member's password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.errors import MembershipError, member_message
from hub.accounts.forms import MemberAddForm, MemberRoleForm, OrganizationForm, PreferencesForm
from hub.accounts.models import Membership, Role
from hub.accounts.selectors import members_of, membership_of, organizations_for
from hub.accounts.services import (
    invitation_resend,
    member_add,
    member_change_role,
    member_remove,
    organization_create,
)


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


@login_required
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            organization = organization_create(name=form.cleaned_data["name"], owner=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Organization created. You are its owner."))
            return redirect("members", slug=organization.slug)
        return render(request, "accounts/organization_new.html", {"form": form}, status=400)
    return render(request, "accounts/organization_new.html", {"form": form})


def _members_page(
    request: HttpRequest, *, form: MemberAddForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "members": members_of(membership.organization),
        "can_manage": membership.is_admin,
        "form": form or MemberAddForm(),
        "roles": Role.choices,
        "error": error,
    }
    return render(request, "accounts/members.html", context, status=status)


@org_view()
def members(request: HttpRequest) -> HttpResponse:
    """Everyone in the organization sees the list; only owners see the forms."""
    return _members_page(request)


@org_view(admin=True)
@require_POST
def member_add_view(request: HttpRequest) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _members_page(request, form=form, status=400)
    try:
        added = member_add(actor=actor, **form.cleaned_data)
    except MembershipError as exc:
        return _members_page(request, form=form, error=member_message(exc.code), status=409)
    if added.user.has_usable_password():
        messages.success(request, _("%(user)s was added to the organization.") % {"user": added.user})
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": added.user.email})
    return redirect("members", slug=actor.organization.slug)


@org_view(admin=True)
@require_POST
def member_role_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    target = membership_of(organization=actor.organization, membership_id=membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, error=_("Choose a role."), status=400)
    try:
        member_change_role(actor=actor, membership=target, role=form.cleaned_data["role"])
    except MembershipError as exc:
        return _members_page(request, error=member_message(exc.code), status=409)
    messages.success(request, _("Role changed."))
    return redirect("members", slug=actor.organization.slug)


@org_view(admin=True)
@require_POST
def member_remove_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    target = membership_of(organization=actor.organization, membership_id=membership_id)
    try:
        member_remove(actor=actor, membership=target)
    except MembershipError as exc:
        return _members_page(request, error=member_message(exc.code), status=409)
    messages.success(request, _("%(user)s no longer has access to the organization.") % {"user": target.user})
    if target.pk == actor.pk:
        return redirect("home")
    return redirect("members", slug=actor.organization.slug)


@org_view(admin=True)
@require_POST
def invitation_resend_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    target = membership_of(organization=actor.organization, membership_id=membership_id)
    try:
        invitation_resend(actor=actor, membership=target)
    except MembershipError as exc:
        return _members_page(request, error=member_message(exc.code), status=409)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": target.user.email})
    return redirect("members", slug=actor.organization.slug)


class InvitationAcceptView(PasswordResetConfirmView):
    """Django's one-time token check (the token moves to the session before the form shows), in the
    invitee's language; setting the password logs the person in."""

    template_name = "accounts/invitation_accept.html"
    post_reset_login = True
    success_url = reverse_lazy("home")

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        invitee = self.get_user(kwargs["uidb64"])
        language = getattr(invitee, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            response = super().dispatch(*args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse would otherwise render after the override ends
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response


invitation_accept = InvitationAcceptView.as_view()
