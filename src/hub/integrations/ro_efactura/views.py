"""Pages of the RO e-Factura module: status, configuration, authorization popup and callback, audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.accounts.decorators import org_view
from hub.accounts.models import Organization
from hub.accounts.services import company_add, company_remove
from hub.core.errors import ErrorCode, message_for
from hub.core.htmx import render_page
from hub.core.once import form_once_consume
from hub.integrations.ro_efactura import module
from hub.integrations.ro_efactura.forms import CertificateValidityForm, CompanyForm, ConfigurationForm
from hub.integrations.ro_efactura.models import IN_USE, AuditKind, AuthorizationStatus, SpvAuthorization
from hub.integrations.ro_efactura.selectors import (
    access_status_of,
    audit_of,
    authorizations_in_use,
    companies_with_access,
    conf_of,
    current_authorization,
    integration_of,
    is_new_certificate,
    is_usable,
    latest_authorization,
    reach_of,
)
from hub.integrations.ro_efactura.services.audit import audit_record
from hub.integrations.ro_efactura.services.authorization import (
    AuthorizationError,
    AuthorizationOutcome,
    authorization_complete,
    authorization_start,
    company_label,
)
from hub.integrations.ro_efactura.services.certificate import (
    CertificateRecordRefused,
    authorization_certificate_record,
)
from hub.integrations.ro_efactura.services.renewal import (
    RenewalTransientError,
    RenewOutcome,
    authorization_renew,
)
from hub.integrations.ro_efactura.services.revocation import (
    NothingToRevoke,
    authorization_revoke,
    authorization_to_revoke,
)
from hub.integrations.ro_efactura.services.rights import company_rights_check
from hub.integrations.ro_efactura.services.serving import ServingRefused, company_serving_set
from hub.integrations.ro_efactura.texts import limit_reason, short_date, short_datetime
from hub.integrations.services import integration_activate


def _organization(request: HttpRequest) -> Organization:
    return request.membership.organization  # type: ignore[attr-defined,no-any-return]


def _status_context(
    request: HttpRequest,
    certificate_form: CertificateValidityForm | None = None,
    form_for: int | None = None,
) -> dict[str, Any]:
    organization = _organization(request)
    integration = integration_of(organization)
    authorizations = authorizations_in_use(organization)
    companies = companies_with_access(organization)
    reach = reach_of(organization)
    by_id = {authorization.pk: authorization for authorization in authorizations}
    for authorization in authorizations:
        authorization.serves = []  # type: ignore[attr-defined]
        _status_of_item(authorization, certificate_form if authorization.pk == form_for else None)
    for company in companies:
        access = getattr(company, "spv_access", None)
        serving = by_id.get(access.authorization_id) if access and access.authorization_id else None
        company.serving = serving  # type: ignore[attr-defined]
        company.candidates = [  # type: ignore[attr-defined]
            authorization
            for authorization in authorizations
            if is_usable(authorization)
            and (row := reach.get((authorization.pk, company.pk))) is not None
            and row.has_rights is True
        ]
        if serving is not None:
            serving.serves.append(company)  # type: ignore[attr-defined]
    return {
        "integration": integration,
        "conf": conf_of(organization),
        "authorization": current_authorization(organization),
        "authorizations": authorizations,
        "all_working": bool(authorizations) and _all_working(authorizations, companies),
        "companies": companies,
        "latest": latest_authorization(organization),
        "card_state": module.card_state(integration) if integration and integration.active else None,
        "oauth_configured": bool(settings.ANAF_CLIENT_ID and settings.ANAF_CLIENT_SECRET),
        "redirect_uri": settings.ANAF_REDIRECT_URI,
        "statuses": AuthorizationStatus,
    }


def _status_of_item(authorization: SpvAuthorization, form: CertificateValidityForm | None) -> None:
    """Each list item's own status: when its access ends and why, its certificate-validity form."""
    access = access_status_of(authorization)
    authorization.access = access  # type: ignore[attr-defined]
    authorization.access_reason = limit_reason(access.end.limit)  # type: ignore[attr-defined]
    authorization.new_certificate = is_new_certificate(authorization)  # type: ignore[attr-defined]
    authorization.certificate_form = form  # type: ignore[attr-defined]
    if form is not None:
        value = form.data.get("valid_until", "")
    elif authorization.certificate_valid_until:
        value = authorization.certificate_valid_until.isoformat()
    else:
        value = ""
    authorization.certificate_value = value  # type: ignore[attr-defined]


def _working(authorization: SpvAuthorization | None) -> bool:
    return (
        authorization is not None
        and authorization.status == AuthorizationStatus.ACTIVE
        and access_status_of(authorization).healthy
    )


def _all_working(authorizations: list[SpvAuthorization], companies: list[Any]) -> bool:
    """Every company is served by a working authorization (with no company: some authorization works)."""
    if not companies:
        return any(_working(authorization) for authorization in authorizations)
    return all(_working(company.serving) for company in companies)


@org_view()
def module_page(request: HttpRequest) -> HttpResponse:
    context = _status_context(request)
    if context["integration"] is None or not context["integration"].active:
        return redirect("integrations", slug=_organization(request).slug)
    return render_page(request, "ro_efactura/module.html", context, fragment="ro_efactura/_status.html")


@org_view(admin=True)
def configure(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    integration = integration_of(organization) or integration_activate(
        organization=organization,
        kind="ro-efactura",
        user=request.user,  # type: ignore[arg-type]
    )
    conf = conf_of(organization)
    if request.method == "POST":
        form = ConfigurationForm(request.POST, organization=organization)
        if form.is_valid():
            conf.environment = form.cleaned_data["environment"]
            conf.sync_interval_minutes = form.cleaned_data["sync_interval_minutes"]
            conf.notify_user_ids = [user.pk for user in form.cleaned_data["notify_user_ids"]]
            integration.config = conf.to_json()
            integration.save(update_fields=["config"])
            audit_record(
                organization=organization,
                kind=AuditKind.CONFIGURED,
                actor=request.user,  # type: ignore[arg-type]
                environment=conf.environment,
            )
            messages.success(request, _("Configuration saved."))
            return redirect("ro-efactura", slug=organization.slug)
    else:
        form = ConfigurationForm(
            initial={
                "environment": conf.environment,
                "sync_interval_minutes": conf.sync_interval_minutes,
                "notify_user_ids": conf.notify_user_ids,
            },
            organization=organization,
        )
    context = {"form": form, "company_form": CompanyForm(), **_status_context(request)}
    return render(request, "ro_efactura/configure.html", context)


@require_POST
@org_view(admin=True)
def company_add_view(request: HttpRequest) -> HttpResponse:
    """Adds a company; a repeat of the same form (double click, F5) adds nothing and shows the same list.

    HTMX swaps the list in place; without HTMX the POST redirects to the configuration page
    (POST-redirect-GET).
    """
    organization = _organization(request)
    form = CompanyForm(request.POST)
    repeat = False
    if form.is_valid():
        if form_once_consume(request):
            cif, name = form.cleaned_data["cif"], form.cleaned_data["name"]
            company_add(organization=organization, cif=cif, name=name)
        else:
            repeat = True
        if not getattr(request, "htmx", False):
            if repeat:
                messages.info(request, _("This form was already sent; nothing was created again."))
            return redirect("ro-efactura-configure", slug=organization.slug)
        form = CompanyForm()
    context = {"company_form": form, "company_repeat": repeat, **_status_context(request)}
    return render_page(request, "ro_efactura/configure.html", context, fragment="ro_efactura/_companies.html")


@require_POST
@org_view(admin=True)
def company_remove_view(request: HttpRequest, company_id: int) -> HttpResponse:
    organization = _organization(request)
    if not company_remove(organization=organization, company_id=company_id):
        raise Http404("company")
    context = {"company_form": CompanyForm(), **_status_context(request)}
    return render_page(request, "ro_efactura/configure.html", context, fragment="ro_efactura/_companies.html")


@require_POST
@org_view(authorize=True)
def authorize(request: HttpRequest) -> HttpResponse:
    """ "Autorizare cu ANAF SPV": record a one-time state, go to ANAF (in the popup, or this window)."""
    organization = _organization(request)
    try:
        url = authorization_start(
            organization=organization,
            user=request.user,  # type: ignore[arg-type]
            popup=request.POST.get("popup") == "1",
        )
    except AuthorizationError as exc:
        messages.error(request, message_for(exc.code))
        return redirect("ro-efactura", slug=organization.slug)
    return redirect(url)


def _callback_error(code: str) -> str:
    if code == ErrorCode.NO_SPV_RIGHTS:  # refused only when a working authorization exists (it is kept)
        return _(
            "The new certificate has no SPV rights for any company of this organization, so the earlier "
            "authorization was kept. Check the holder's enrolment in SPV for these companies (a new "
            "enrolment takes up to 24 hours) or authorize with another certificate."
        )
    return message_for(code)


@login_required
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """ANAF's redirect: exchange the code at once; then close the popup or redirect with a message."""
    try:
        outcome = authorization_complete(
            user=request.user,  # type: ignore[arg-type]
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except AuthorizationError as exc:
        if exc.organization is None:
            return render(request, "hub/error.html", {"message": message_for(exc.code)}, status=400)
        messages.error(request, _callback_error(exc.code))
        return _callback_done(request, exc.organization, ok=False, popup=exc.popup, code=exc.code)
    authorization = outcome.authorization
    messages.success(request, _success_message(outcome))
    return _callback_done(request, authorization.organization, ok=True, popup=outcome.popup, code=None)


def _success_message(outcome: AuthorizationOutcome) -> str:
    """Which certificate, whether it was added or refreshed, what it serves and what could be switched."""
    authorization = outcome.authorization
    values = {
        "serial": authorization.serial or "—",
        "date": short_date(authorization.access_end.at),
        "serves": ", ".join(company_label(company) for company in outcome.serves) or "—",
        "could": ", ".join(company_label(company) for company in outcome.could_serve),
    }
    if outcome.refreshed:
        text = _(
            "Authorization with ANAF SPV succeeded: the authorization of the certificate %(serial)s was "
            "renewed. The access is valid until %(date)s and is renewed automatically. It serves: %(serves)s."
        )
    else:
        text = _(
            "Authorization with ANAF SPV succeeded: the certificate %(serial)s was added. The access is "
            "valid until %(date)s and is renewed automatically. It serves: %(serves)s."
        )
    if outcome.could_serve:
        text += " " + _(
            "It also has SPV rights for %(could)s, served by another authorization; you can switch "
            "them below."
        )
    if not outcome.refreshed and not authorization.certificate_valid_until:
        text += " " + _("Record below until when the certificate is valid, to be reminded before it expires.")
    return text % values


def _callback_done(
    request: HttpRequest, organization: Organization, *, ok: bool, popup: bool, code: ErrorCode | None
) -> HttpResponse:
    target = reverse("ro-efactura", kwargs={"slug": organization.slug})
    if not popup:
        return redirect(target)
    response = render(
        request,
        "ro_efactura/oauth_done.html",
        {"ok": ok, "target": target, "code": code or "", "message": message_for(code) if code else ""},
    )
    # The popup page must stay in its opener's browsing context group to postMessage back.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@require_POST
@org_view(authorize=True)
def rights_check(request: HttpRequest) -> HttpResponse:
    company_rights_check(organization=_organization(request), actor=request.user)  # type: ignore[arg-type]
    return render_page(
        request, "ro_efactura/module.html", _status_context(request), fragment="ro_efactura/_status.html"
    )


@require_POST
@org_view(admin=True)
def company_serving(request: HttpRequest, company_id: int) -> HttpResponse:
    """The owner chooses which authorization serves a company (POST, then back to the module page)."""
    organization = _organization(request)
    try:
        authorization_id = int(request.POST.get("authorization", ""))
    except ValueError:
        authorization_id = 0
    try:
        move = company_serving_set(
            organization=organization,
            company_id=company_id,
            authorization_id=authorization_id,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ServingRefused as exc:
        if exc.code == ErrorCode.NO_PERMISSION:
            raise Http404("company or authorization") from exc
        if exc.code == ErrorCode.NO_SPV_RIGHTS:
            messages.error(
                request,
                _("This authorization has no SPV rights for the company; check the SPV rights first."),
            )
        else:
            messages.error(request, message_for(exc.code))
        return redirect("ro-efactura", slug=organization.slug)
    if move is not None and move.authorization is not None:
        messages.success(
            request,
            _("%(company)s is now served by the authorization of the certificate %(serial)s.")
            % {"company": company_label(move.company), "serial": move.authorization.serial or "—"},
        )
    return redirect("ro-efactura", slug=organization.slug)


@require_POST
@org_view(authorize=True)
def renew_now(request: HttpRequest) -> HttpResponse:
    """ "Reînnoiește acum": renew at once and say how it went."""
    organization = _organization(request)
    chosen = request.POST.get("authorization", "")
    in_use = authorizations_in_use(organization)
    authorization = next((row for row in in_use if str(row.pk) == chosen), None) if chosen else None
    authorization = authorization or current_authorization(organization)
    if authorization is None:
        messages.error(request, _("There is no authorization to renew: authorize with the certificate."))
        return redirect("ro-efactura", slug=organization.slug)
    try:
        outcome = authorization_renew(authorization_id=authorization.pk, force=True)
    except RenewalTransientError:
        messages.error(
            request,
            _("The renewal did not succeed: %(reason)s The hub tries again automatically.")
            % {"reason": message_for(ErrorCode.ANAF_DOWN)},
        )
        return redirect("ro-efactura", slug=organization.slug)
    authorization.refresh_from_db()
    if outcome == RenewOutcome.RENEWED:
        messages.success(
            request,
            _(
                "Renewed: the access token is now valid until %(token)s. The access lasts until %(end)s. "
                "%(why)s"
            )
            % {
                "token": short_datetime(authorization.access_expires_at),
                "end": short_date(authorization.access_end.at),
                "why": limit_reason(authorization.access_end.limit),
            },
        )
    elif outcome == RenewOutcome.BUSY:
        messages.info(request, _("A renewal is already running; reload the page in a moment."))
    else:
        messages.error(
            request,
            _("ANAF refused the renewal: %(reason)s Authorize again with the certificate.")
            % {"reason": message_for(authorization.last_error or ErrorCode.REAUTHORIZATION_REQUIRED)},
        )
    return redirect("ro-efactura", slug=organization.slug)


@require_POST
@org_view(authorize=True)
def certificate_validity(request: HttpRequest) -> HttpResponse:
    """ "Certificatul este valabil până la": record the date (or clear it) on the posted authorization."""
    organization = _organization(request)
    chosen = request.POST.get("authorization", "")
    if not chosen.isdigit():
        raise Http404
    authorization = get_object_or_404(
        SpvAuthorization.objects.select_related("authorized_by"), pk=int(chosen), organization=organization
    )
    form = CertificateValidityForm(request.POST, authorized_on=localdate(authorization.authorized_at))
    if not form.is_valid():
        context = _status_context(request, certificate_form=form, form_for=authorization.pk)
        return render_page(request, "ro_efactura/module.html", context, fragment="ro_efactura/_status.html")
    valid_until = form.cleaned_data["valid_until"]
    if authorization.status not in IN_USE:
        messages.error(request, _("This authorization was replaced meanwhile; nothing was changed."))
        return redirect("ro-efactura", slug=organization.slug)
    try:
        authorization_certificate_record(
            authorization=authorization,
            valid_until=valid_until,
            actor=request.user,  # type: ignore[arg-type]
        )
    except CertificateRecordRefused:
        messages.error(request, _("This authorization was replaced meanwhile; nothing was changed."))
        return redirect("ro-efactura", slug=organization.slug)
    if valid_until is None:
        messages.success(request, _("The certificate's validity date was removed."))
    else:
        messages.success(
            request,
            _("Saved: the certificate is valid until %(date)s. You will be reminded before that day.")
            % {"date": short_date(valid_until)},
        )
    return redirect("ro-efactura", slug=organization.slug)


@org_view(admin=True)
def revoke(request: HttpRequest, authorization_id: int | None = None) -> HttpResponse:
    """ "Revocă autorizarea": a confirmation page (GET), then the revocation (POST); owners only.

    Without an id, the newest authorization in use; a foreign or unknown id answers 404.
    """
    organization = _organization(request)
    authorization = authorization_to_revoke(organization=organization, authorization_id=authorization_id)
    if authorization is None and authorization_id is not None:
        raise Http404("authorization")
    if request.method != "POST":
        if authorization is None:
            return redirect("ro-efactura", slug=organization.slug)
        return render(request, "ro_efactura/revoke.html", {"authorization": authorization})
    try:
        authorization_revoke(
            organization=organization,
            actor=request.user,  # type: ignore[arg-type]
            authorization_id=authorization_id,
        )
    except NothingToRevoke:
        messages.error(request, _("There is no authorization to revoke."))
        return redirect("ro-efactura", slug=organization.slug)
    messages.success(
        request,
        _(
            "The authorization was revoked and its tokens deleted. e-Factura messages are no longer "
            "downloaded until someone authorizes again."
        ),
    )
    return redirect("ro-efactura", slug=organization.slug)


@org_view()
def audit_log(request: HttpRequest) -> HttpResponse:
    events = audit_of(_organization(request))[:200]
    return render(request, "ro_efactura/audit.html", {"events": events})


def oauth_help(request: HttpRequest) -> HttpResponse:
    return render(request, "ro_efactura/help_oauth.html", {"redirect_uri": settings.ANAF_REDIRECT_URI})
