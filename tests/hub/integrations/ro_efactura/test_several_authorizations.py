"""Several certificates in one organization, over HTTP against the sandbox: each company is served by an
authorization with SPV rights on it, a new certificate adds an authorization and never takes a company, the
same certificate refreshes its own, the owner switches a company, and each sync uses its company's token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura.models import (
    AuditEvent,
    AuditKind,
    AuthorizationReach,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)
from hub.integrations.ro_efactura.services.renewal import authorization_renew
from hub.integrations.ro_efactura.tasks import authorizations_renew_due_task
from hub.notifications.models import Event
from tests.hub.helpers import NEW_CERT, OLD_CERT, advance_clocks, authorize_over_http, login
from tests.hub.inbox.helpers import ALFA, BUCATARIA, TESATORIA, company

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTANT_CERT = "1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c"  # the sandbox's Mihai Ionescu: only 31500030
LIST_PATH = "/test/FCTEL/rest/listaMesajePaginatieFactura"


def serving(cif: str) -> str:
    access = CompanyAccess.objects.select_related("authorization").get(company__cif=cif)
    assert access.authorization is not None
    return access.authorization.serial


def module_url(organization: Organization) -> str:
    return f"/o/{organization.slug}/integrations/ro-efactura/"


def serving_url(organization: Organization, cif: str) -> str:
    return f"{module_url(organization)}companies/{company(organization, cif).pk}/serving/"


@pytest.fixture
def two_certificates(
    hub_sandbox: Any, active_module: Organization, owner: User, member: User
) -> tuple[Client, Client]:
    """The owner's certificate reaches Alfa and Bucătăria, the accountant's only Țesătoria."""
    owner_client, member_client = login(owner), login(member)
    assert authorize_over_http(owner_client, active_module, hub_sandbox).status_code == 302
    response = authorize_over_http(
        member_client, active_module, hub_sandbox, serial=ACCOUNTANT_CERT, pin="0000"
    )
    assert response.status_code == 302
    return owner_client, member_client


def test_two_certificates_serve_different_companies(
    active_module: Organization, two_certificates: tuple[Client, Client]
) -> None:
    _, member_client = two_certificates
    assert SpvAuthorization.objects.filter(status=AuthorizationStatus.ACTIVE).count() == 2
    assert (serving(ALFA), serving(BUCATARIA), serving(TESATORIA)) == (OLD_CERT, OLD_CERT, ACCOUNTANT_CERT)
    assert CompanyAccess.objects.get(company__cif=TESATORIA).has_rights is True

    page = member_client.get(module_url(active_module)).content.decode()
    assert "certificatul 1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c a fost adăugat" in page
    assert "Deservește: Țesătoria Mureș SA (31500030)" in page
    assert page.count('class="authorization"') == 2
    assert "green-check" in page
    event = Event.objects.get(kind="authorization.certificate_changed")
    assert event.params["serial"] == ACCOUNTANT_CERT
    assert event.params["person"] == "Mihai Contabil"
    assert event.params["serves"] == "Țesătoria Mureș SA (31500030)"
    assert event.params["could_serve"] == "—"


def test_a_login_with_the_same_certificate_refreshes_its_authorization_in_place(
    hub_sandbox: Any, active_module: Organization, owner: User, member: User
) -> None:
    authorize_over_http(login(owner), active_module, hub_sandbox)
    first = SpvAuthorization.objects.get()
    advance_clocks(hub_sandbox, timedelta(hours=2))
    member_client = login(member)
    response = authorize_over_http(member_client, active_module, hub_sandbox)

    again = SpvAuthorization.objects.get()
    assert again.pk == first.pk
    assert again.authorized_by == member
    assert again.authorized_at > first.authorized_at
    assert again.access_token != first.access_token
    assert AuditEvent.objects.filter(kind=AuditKind.AUTHORIZED).first().detail["refreshed"] == "yes"  # type: ignore[union-attr]
    assert not Event.objects.filter(kind="authorization.certificate_changed").exists()
    text = member_client.get(response["Location"]).content.decode()
    assert "a fost reînnoită" in text


def test_a_new_certificate_never_takes_a_company_from_a_working_authorization(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    owner.language = "en"
    owner.save()
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox)
    response = authorize_over_http(client, active_module, hub_sandbox, serial=NEW_CERT)

    assert (serving(ALFA), serving(BUCATARIA)) == (OLD_CERT, OLD_CERT)
    text = client.get(response["Location"]).content.decode()
    assert f"the certificate {NEW_CERT} was added" in text
    assert "It serves: —" in text
    assert "It also has SPV rights for Alfa Construcții Ardeal SRL (16000015), Bucătăria" in text
    new = SpvAuthorization.objects.get(serial=NEW_CERT)
    assert set(
        AuthorizationReach.objects.filter(authorization=new, has_rights=True).values_list(
            "company__cif", flat=True
        )
    ) == {ALFA, BUCATARIA}


def test_companies_of_an_authorization_anaf_refuses_move_to_a_new_certificate(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    """A refused renewal leaves the companies without a working authorization: the next one takes them."""
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox)
    old = SpvAuthorization.objects.get()
    advance_clocks(hub_sandbox, old.refresh_expires_at - old.authorized_at + timedelta(days=1))
    authorization_renew(authorization_id=old.pk, force=True)
    assert SpvAuthorization.objects.get().status == AuthorizationStatus.NEEDS_REAUTHORIZATION

    authorize_over_http(client, active_module, hub_sandbox, serial=NEW_CERT)

    assert (serving(ALFA), serving(BUCATARIA)) == (NEW_CERT, NEW_CERT)
    moved = AuditEvent.objects.filter(kind=AuditKind.SERVING_CHANGED, detail__chosen_by="automatic")
    assert {event.detail["cif"] for event in moved} >= {ALFA, BUCATARIA}


def test_the_owner_switches_a_company_and_only_to_an_authorization_with_rights(
    hub_sandbox: Any, active_module: Organization, owner: User, member: User, outsider: User
) -> None:
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox)
    authorize_over_http(login(member), active_module, hub_sandbox, serial=NEW_CERT)
    authorize_over_http(login(member), active_module, hub_sandbox, serial=ACCOUNTANT_CERT, pin="0000")
    new = SpvAuthorization.objects.get(serial=NEW_CERT)
    accountant = SpvAuthorization.objects.get(serial=ACCOUNTANT_CERT)

    assert login(member).post(serving_url(active_module, ALFA), {"authorization": new.pk}).status_code == 403
    assert (
        login(outsider).post(serving_url(active_module, ALFA), {"authorization": new.pk}).status_code == 404
    )
    assert serving(ALFA) == OLD_CERT

    response = client.post(serving_url(active_module, ALFA), {"authorization": new.pk})
    assert response.status_code == 302
    assert response["Location"] == module_url(active_module)
    page = client.get(module_url(active_module)).content.decode()
    assert (
        f"Alfa Construcții Ardeal SRL (16000015) este deservită acum de autorizarea certificatului {NEW_CERT}"
        in page
    )
    assert serving(ALFA) == NEW_CERT
    assert serving(BUCATARIA) == OLD_CERT
    switched = AuditEvent.objects.get(kind=AuditKind.SERVING_CHANGED, detail__chosen_by="owner")
    assert switched.actor == owner
    assert switched.detail == {
        "cif": ALFA,
        "previous_serial": OLD_CERT,
        "serial": NEW_CERT,
        "chosen_by": "owner",
    }
    row = page.split('<tr data-cif="16000015">', 1)[1].split("</tr>", 1)[0]
    assert f'<span data-serial="{NEW_CERT}">' in row

    refused = client.post(serving_url(active_module, ALFA), {"authorization": accountant.pk}, follow=True)
    assert "nu are drepturi SPV pentru firmă" in refused.content.decode()
    assert serving(ALFA) == NEW_CERT


def test_each_company_syncs_with_the_token_of_its_own_authorization(
    hub_sandbox: Any, active_module: Organization, two_certificates: tuple[Client, Client]
) -> None:
    calls_before = len(hub_sandbox.calls(LIST_PATH))

    for cif in (ALFA, TESATORIA):
        result = inbox_sync_company(company_id=company(active_module, cif).pk)
        assert result.outcome == "ok", result.error

    serials = {
        cif: {
            call["serial"]
            for call in hub_sandbox.calls(LIST_PATH)[calls_before:]
            if f"cif={cif}" in call["query"]
        }
        for cif in (ALFA, TESATORIA)
    }
    assert serials == {ALFA: {OLD_CERT}, TESATORIA: {ACCOUNTANT_CERT}}


def test_renewal_and_revocation_work_per_authorization(
    hub_sandbox: Any, active_module: Organization, owner: User, two_certificates: tuple[Client, Client]
) -> None:
    owner_client, _ = two_certificates
    first = SpvAuthorization.objects.get(serial=OLD_CERT)
    advance_clocks(hub_sandbox, first.access_expires_at - first.authorized_at - timedelta(hours=1))

    assert authorizations_renew_due_task.delay().get() == 2
    assert set(SpvAuthorization.objects.values_list("renewal_count", flat=True)) == {1}

    accountant = SpvAuthorization.objects.get(serial=ACCOUNTANT_CERT)
    url = f"{module_url(active_module)}revoke/{accountant.pk}/"
    assert owner_client.post(url).status_code == 302
    assert SpvAuthorization.objects.get(pk=accountant.pk).status == AuthorizationStatus.REVOKED
    assert SpvAuthorization.objects.get(serial=OLD_CERT).status == AuthorizationStatus.ACTIVE
    assert (serving(ALFA), serving(BUCATARIA)) == (OLD_CERT, OLD_CERT)
    # Țesătoria falls back to the remaining authorization, without rights: its sync names the cause.
    assert serving(TESATORIA) == OLD_CERT
    assert CompanyAccess.objects.get(company__cif=TESATORIA).has_rights is False
    assert owner_client.post(url).status_code == 404
