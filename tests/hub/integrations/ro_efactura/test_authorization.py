"""The authorization flow over HTTP against the sandbox: success, every refusal, and what stays untouched."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import (
    AuditEvent,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)
from hub.notifications.models import Event
from tests.hub.helpers import CALLBACK_PATH, NEW_CERT, OLD_CERT, authorize_over_http, login

pytestmark = pytest.mark.django_db(transaction=True)


def _start(client: Any, organization: Organization) -> dict[str, str]:
    response = client.post(f"/o/{organization.slug}/integrations/ro-efactura/authorize/")
    assert response.status_code == 302
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def test_it_authorizes_and_stores_tokens_encrypted(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    client = login(owner)
    response = authorize_over_http(client, active_module, hub_sandbox)
    assert response.status_code == 302
    authorization = SpvAuthorization.objects.get(organization=active_module)
    assert authorization.status == AuthorizationStatus.ACTIVE
    assert authorization.serial == OLD_CERT
    assert authorization.authorized_by == owner
    assert authorization.access_expires_at > authorization.authorized_at
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM ro_efactura_spvauthorization")
        stored_access, stored_refresh = cursor.fetchone()
    assert authorization.access_token.startswith("ey")
    assert not stored_access.startswith("ey")
    assert authorization.access_token not in stored_access
    assert authorization.refresh_token not in stored_refresh
    page = client.get(response["Location"]).content.decode()
    assert "green-check" in page
    assert owner.get_full_name() in page
    rights = {access.company.cif: access.has_rights for access in CompanyAccess.objects.all()}
    assert rights == {"16000015": True, "29000025": True, "31500030": False}


def test_it_uses_a_state_only_once_and_only_for_its_user(
    hub_sandbox: Any, active_module: Organization, owner: User, member: User
) -> None:
    client = login(owner)
    query = _start(client, active_module)
    code = hub_sandbox.authorize(query["client_id"], query["redirect_uri"], serial=OLD_CERT, pin="1234")
    stolen = login(member).get(CALLBACK_PATH, {"code": code, "state": query["state"]})
    assert stolen.status_code == 400
    assert not SpvAuthorization.objects.exists()
    assert client.get(CALLBACK_PATH, {"code": code, "state": "forged"}).status_code == 400
    first = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]})
    assert first.status_code == 302
    assert SpvAuthorization.objects.count() == 1
    again = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]})
    assert again.status_code == 302
    assert SpvAuthorization.objects.count() == 1


@pytest.mark.parametrize("language", ["ro", "en"])
def test_access_denied_keeps_the_earlier_authorization(
    hub_sandbox: Any, active_module: Organization, owner: User, language: str
) -> None:
    owner.language = language
    owner.save()
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox)
    earlier = SpvAuthorization.objects.get()
    query = _start(client, active_module)
    response = client.get(CALLBACK_PATH, {"error": "access_denied", "state": query["state"]}, follow=True)
    text = response.content.decode()
    expected = "anulată sau refuzată" if language == "ro" else "cancelled or refused"
    assert expected in text
    assert "Traceback" not in text
    assert SpvAuthorization.objects.get() == earlier
    assert SpvAuthorization.objects.get().status == AuthorizationStatus.ACTIVE
    assert AuditEvent.objects.filter(kind="authorization_failed").exists()


def test_a_spent_code_is_reported_as_expired(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    client = login(owner)
    query = _start(client, active_module)
    code = hub_sandbox.authorize(query["client_id"], query["redirect_uri"], serial=OLD_CERT, pin="1234")
    hub_sandbox.exchange(code, query["redirect_uri"])  # someone else used it first
    response = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]}, follow=True)
    assert "codul de autorizare" in response.content.decode()
    assert not SpvAuthorization.objects.exists()


def test_anaf_down_gives_a_clear_message(hub_sandbox: Any, active_module: Organization, owner: User) -> None:
    client = login(owner)
    query = _start(client, active_module)
    code = hub_sandbox.authorize(query["client_id"], query["redirect_uri"], serial=OLD_CERT, pin="1234")
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/token", "kind": "http_502", "count": 5})
    response = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]}, follow=True)
    assert "ANAF nu răspunde" in response.content.decode()
    assert not SpvAuthorization.objects.exists()


def test_a_viewer_cannot_authorize(hub_sandbox: Any, active_module: Organization, viewer: User) -> None:
    response = login(viewer).post(f"/o/{active_module.slug}/integrations/ro-efactura/authorize/")
    assert response.status_code == 403


def test_a_new_certificate_raises_the_certificate_change_notice(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox, serial=OLD_CERT)
    authorize_over_http(client, active_module, hub_sandbox, serial=NEW_CERT)
    statuses = list(SpvAuthorization.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [AuthorizationStatus.REPLACED, AuthorizationStatus.ACTIVE]
    event = Event.objects.get(kind="authorization.certificate_changed")
    assert event.params["serial"] == NEW_CERT
    assert event.params["previous_serial"] == OLD_CERT


def test_a_member_who_lost_the_right_meanwhile_is_refused_at_the_callback(
    hub_sandbox: Any, active_module: Organization, member: User
) -> None:
    from hub.accounts.models import Role
    from hub.accounts.services import membership_set

    client = login(member)
    query = _start(client, active_module)
    code = hub_sandbox.authorize(query["client_id"], query["redirect_uri"], serial=OLD_CERT, pin="1234")
    membership_set(organization=active_module, user=member, role=Role.VIEWER)
    response = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]}, follow=True)
    assert "Nu aveți dreptul" in response.content.decode()
    assert not SpvAuthorization.objects.exists()


def test_the_popup_callback_reports_back_to_its_opener(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    client = login(owner)
    response = client.post(f"/o/{active_module.slug}/integrations/ro-efactura/authorize/", {"popup": "1"})
    query = {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}
    code = hub_sandbox.authorize(query["client_id"], query["redirect_uri"], serial=OLD_CERT, pin="1234")
    page = client.get(CALLBACK_PATH, {"code": code, "state": query["state"]})
    assert page.status_code == 200
    assert 'id="oauth-done"' in page.content.decode()
    assert 'data-ok="1"' in page.content.decode()
    assert page["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_hub_clock_is_importable_as_named_in_the_design() -> None:
    from hub import clock

    assert clock.now() is not None


def test_stale_states_are_purged(hub_sandbox: Any, active_module: Organization, owner: User) -> None:
    from datetime import timedelta

    from hub.core import clock
    from hub.integrations.ro_efactura.models import OAuthState
    from hub.integrations.ro_efactura.tasks import authorizations_remind_task

    _start(login(owner), active_module)
    authorizations_remind_task.delay()
    assert OAuthState.objects.count() == 1
    clock.advance(timedelta(days=2))
    authorizations_remind_task.delay()
    assert not OAuthState.objects.exists()


NO_RIGHTS_CERT = "0a:0b:0c:0d"  # seeds/test.json: enrolled for no company


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ro", "nu are drepturi SPV pentru nicio firmă a acestei organizații, așa că autorizarea anterioară"),
        (
            "en",
            "has no SPV rights for any company of this organization, so the earlier authorization was kept",
        ),
    ],
)
def test_a_certificate_without_rights_keeps_the_working_authorization(
    hub_sandbox: Any, active_module: Organization, owner: User, language: str, expected: str
) -> None:
    """GIVEN a working authorization WHEN the next certificate reaches none of the companies THEN the old
    one stays active, the attempt is in the audit log and the user reads why."""
    owner.language = language
    owner.save()
    client = login(owner)
    authorize_over_http(client, active_module, hub_sandbox)
    earlier = SpvAuthorization.objects.get()
    response = authorize_over_http(client, active_module, hub_sandbox, serial=NO_RIGHTS_CERT, pin="9999")
    text = client.get(response["Location"]).content.decode()
    assert expected in text
    assert "Traceback" not in text
    assert SpvAuthorization.objects.get() == earlier
    assert SpvAuthorization.objects.get().status == AuthorizationStatus.ACTIVE
    failed = AuditEvent.objects.get(kind="authorization_failed")
    assert failed.detail["error"] == "no_spv_rights"
    assert NO_RIGHTS_CERT in failed.detail["detail"]
    assert not Event.objects.filter(kind="authorization.certificate_changed").exists()


def test_a_certificate_without_rights_is_stored_when_nothing_works_yet(
    hub_sandbox: Any, active_module: Organization, owner: User
) -> None:
    """With no working authorization to protect, the status page shows the missing rights instead."""
    authorize_over_http(login(owner), active_module, hub_sandbox, serial=NO_RIGHTS_CERT, pin="9999")
    assert SpvAuthorization.objects.get().serial == NO_RIGHTS_CERT
    assert not CompanyAccess.objects.filter(has_rights=True).exists()
