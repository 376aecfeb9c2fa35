"""Home (pick an organization), the user's preferences and e-mail confirmation, new organizations, the members
page, and the invitation link that lets the invited person join."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.errors import MembershipError, member_message
from hub.accounts.forms import (
    EmailChangeForm,
    InvitationSignupForm,
    MemberAddForm,
    MemberRoleForm,
    OrganizationForm,
    PreferencesForm,
)
from hub.accounts.models import Invitation, Membership, Role, User
from hub.accounts.selectors import members_of, membership_of, organizations_for, pending_invitations_of
from hub.accounts.services import (
    EmailChangeError,
    email_change_confirm,
    email_change_request,
    invitation_accept,
    invitation_cancel,
    invitation_for_token,
    invitation_resend,
    invitation_signup,
    member_add,
    member_change_role,
    member_remove,
    organization_create,
)
from hub.core.once import form_once_consume


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organizations = list(organizations_for(request.user))  # type: ignore[arg-type]
    if len(organizations) == 1:
        return redirect("integrations", slug=organizations[0].slug)
    return render(request, "accounts/home.html", {"organizations": organizations})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Name and language save at once; a new e-mail address only once it is confirmed."""
    user = cast(User, request.user)
    is_email = request.method == "POST" and request.POST.get("form") == "email"
    form = PreferencesForm(request.POST if request.method == "POST" and not is_email else None, instance=user)
    email_form = EmailChangeForm(request.POST if is_email else None)
    if is_email and email_form.is_valid():
        email_change_request(user=user, new_email=email_form.cleaned_data["email"])
        messages.success(
            request,
            _("We sent a confirmation link to %(email)s. Your address changes once you follow it.")
            % {"email": email_form.cleaned_data["email"]},
        )
        return redirect("preferences")
    if request.method == "POST" and not is_email and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/preferences.html", {"form": form, "email_form": email_form}, status=status
    )


@login_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = email_change_confirm(user=cast(User, request.user), token=token)
    except EmailChangeError:
        message = _(
            "This confirmation link is not valid for your account: it was already used, it expired, or "
            "the address belongs to another account."
        )
        return render(request, "hub/error.html", {"message": message}, status=400)
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
    return redirect("preferences")


@login_required
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if not form_once_consume(request):  # a double click or a resent form: created once already
                messages.info(request, _("This form was already sent; nothing was created again."))
                return redirect("home")
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
        "invitations": pending_invitations_of(membership.organization) if membership.is_admin else [],
        "can_manage": membership.is_admin,
        "form": form or MemberAddForm(),
        "roles": Role.choices,
        "error": error,
    }
    return render(request, "accounts/members.html", context, status=status)


@org_view()
def members(request: HttpRequest) -> HttpResponse:
    """Everyone in the organization sees the list; only owners see the forms and pending invitations."""
    return _members_page(request)


@org_view(admin=True)
@require_POST
def member_add_view(request: HttpRequest) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _members_page(request, form=form, status=400)
    if not form_once_consume(request):  # a double click or a resent form: one invitation, one e-mail
        messages.info(request, _("This form was already sent; nothing was created again."))
        return redirect("members", slug=actor.organization.slug)
    try:
        invitation = member_add(actor=actor, **form.cleaned_data)
    except MembershipError as exc:
        return _members_page(request, form=form, error=member_message(exc.code), status=409)
    # The same answer whether or not the address has an account here.
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
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
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    try:
        invitation = invitation_resend(actor=actor, invitation_id=invitation_id)
    except MembershipError as exc:
        return _members_page(request, error=member_message(exc.code), status=404)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("members", slug=actor.organization.slug)


@org_view(admin=True)
@require_POST
def invitation_cancel_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    if not invitation_cancel(actor=actor, invitation_id=invitation_id):
        raise Http404("invitation")
    messages.success(request, _("Invitation cancelled."))
    return redirect("members", slug=actor.organization.slug)


def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: accept as the logged-in user, or create an account."""
    invitation = invitation_for_token(token)
    language = invitation.language if invitation and not request.user.is_authenticated else None
    with translation.override(language or translation.get_language()):
        return _invitation_page(request, token, invitation)


def _invitation_page(request: HttpRequest, token: str, invitation: Invitation | None) -> HttpResponse:
    template = "accounts/invitation_open.html"
    if invitation is None:
        return render(request, template, {"invalid": True}, status=400)
    context: dict[str, Any] = {"invitation": invitation, "role": Role(invitation.role).label}
    form = InvitationSignupForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                membership = invitation_signup(token=token, password=form.cleaned_data["password1"])
                auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(request, template, {**context, "form": form}, status=400)
        except MembershipError as exc:
            context["error"] = member_message(exc.code)
            return render(request, template, {**context, "form": form}, status=409)
        messages.success(
            request,
            _("Welcome to %(organization)s!") % {"organization": membership.organization.name},
        )
        return redirect("integrations", slug=membership.organization.slug)
    return render(request, template, {**context, "form": form})


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
                if not response.context_data.get("validlink", True):  # type: ignore[attr-defined]
                    response.status_code = 400
                response.render()  # a TemplateResponse would otherwise render after the override ends
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response


password_link_accept = InvitationAcceptView.as_view()
