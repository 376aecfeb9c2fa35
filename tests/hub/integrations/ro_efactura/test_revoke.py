""" "Revocă autorizarea" against the sandbox over HTTP: owners only, a confirmation first, the pair revoked
at ANAF and deleted here, an audit entry, a notification, and nothing syncs or renews afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import AuditEvent, AuditKind, AuthorizationStatus, SpvAuthorization
from hub.notifications.models import Event
from tests.hub.helpers import authorize_over_http, login

pytestmark = pytest.mark.django_db(transaction=True)


def revoke_url(organization: Organization) -> str:
    return f"/o/{organization.slug}/integrations/ro-efactura/revoke/"


@pytest.fixture
def revocable(hub_sandbox: Any, active_module: Organization, owner: User) -> SpvAuthorization:
    assert authorize_over_http(login(owner), active_module, hub_sandbox).status_code == 302
    return SpvAuthorization.objects.get(organization=active_module)


def hello_status(sandbox: Any, access_token: str) -> int:
    response = sandbox.http.get("/TestOauth/jaxrs/hello", headers={"Authorization": f"Bearer {access_token}"})
    return int(response.status_code)


def test_the_owner_revokes_after_confirming_and_anaf_forgets_the_tokens(
    hub_sandbox: Any,
    active_module: Organization,
    owner: User,
    revocable: SpvAuthorization,
    smtp_server: Any,
) -> None:
    from django.conf import settings

    import anaf

    access, refresh = revocable.access_token, revocable.refresh_token
    assert hello_status(hub_sandbox, access) == 200
    client = login(owner)
    module = client.get(f"/o/{active_module.slug}/integrations/ro-efactura/").content.decode()
    assert 'data-testid="revoke"' in module
    confirm = client.get(revoke_url(active_module))
    assert confirm.status_code == 200
    assert 'data-testid="revoke-confirm"' in confirm.content.decode()
    assert SpvAuthorization.objects.get().status == AuthorizationStatus.ACTIVE  # GET changes nothing

    response = client.post(revoke_url(active_module), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Autorizarea a fost revocată" in page
    assert "green-check" not in page
    row = SpvAuthorization.objects.get()
    assert row.status == AuthorizationStatus.REVOKED
    assert (row.access_token, row.refresh_token) == ("", "")
    audit = AuditEvent.objects.get(kind=AuditKind.REVOKED)
    assert (audit.actor, audit.detail["anaf_confirmed"]) == (owner, "yes")
    assert Event.objects.filter(organization=active_module, kind="authorization.revoked").count() == 1
    mailed = [item for item in smtp_server.messages if "revocată" in str(item["message"]["Subject"])]
    assert [item["to"] for item in mailed] == [[owner.email]]
    assert hub_sandbox.calls("/anaf-oauth2/v1/revoke")
    assert hello_status(hub_sandbox, access) == 401
    oauth = anaf.OAuthClient(
        settings.ANAF_CLIENT_ID,
        settings.ANAF_CLIENT_SECRET,
        settings.ANAF_REDIRECT_URI,
        endpoints=anaf.AnafEndpoints.sandbox(hub_sandbox.url),
    )
    with oauth, pytest.raises(anaf.ReauthorizationRequired):
        oauth.refresh(refresh)

    from hub.inbox.services.sync import inbox_sync_company

    company = active_module.companies.first()
    assert company is not None
    assert inbox_sync_company(company_id=company.pk).outcome == "failed"
    assert client.post(f"/o/{active_module.slug}/integrations/ro-efactura/renew/").status_code == 302
    assert SpvAuthorization.objects.get().renewal_count == 0


def test_tokens_are_deleted_even_when_anaf_does_not_answer(
    hub_sandbox: Any, active_module: Organization, owner: User, revocable: SpvAuthorization
) -> None:
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/revoke", "kind": "waf", "count": 10})
    response = login(owner).post(revoke_url(active_module))
    assert response.status_code == 302
    row = SpvAuthorization.objects.get()
    assert (row.status, row.access_token, row.refresh_token) == (AuthorizationStatus.REVOKED, "", "")
    assert AuditEvent.objects.get(kind=AuditKind.REVOKED).detail["anaf_confirmed"] == "no"


def test_only_owners_may_revoke(
    hub_sandbox: Any,
    active_module: Organization,
    *,
    member: User,
    viewer: User,
    outsider: User,
    revocable: SpvAuthorization,
) -> None:
    for person, expected in ((member, 403), (viewer, 403), (outsider, 404)):
        client = login(person)
        assert client.get(revoke_url(active_module)).status_code == expected
        assert client.post(revoke_url(active_module)).status_code == expected
    assert (
        'data-testid="revoke"'
        not in login(member).get(f"/o/{active_module.slug}/integrations/ro-efactura/").content.decode()
    )
    assert SpvAuthorization.objects.get().status == AuthorizationStatus.ACTIVE
    assert not hub_sandbox.calls("/anaf-oauth2/v1/revoke")
