"""The module's status tells the truth on every page: the access end, the warning from the first reminder
distance, "needs re-authorization" right after the deadline, the certificate's own validity, worded texts."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import formats, translation
from django.utils.timezone import localtime

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create
from hub.core import clock
from hub.integrations.ro_efactura.models import (
    AuditEvent,
    AuthorizationStatus,
    CompanyAccess,
    SpvAuthorization,
)
from hub.integrations.ro_efactura.services.renewal import authorization_renew
from tests.hub.helpers import NEW_CERT, OLD_CERT, advance_clocks, authorize_over_http, login

pytestmark = pytest.mark.django_db(transaction=True)
TWO_YEARS = timedelta(days=730)
STEP = timedelta(days=80)  # the access token lives 90 days and is renewed 10 days before it ends


@pytest.fixture
def authorization(hub_sandbox: Any, active_module: Organization, owner: User) -> SpvAuthorization:
    authorize_over_http(login(owner), active_module, hub_sandbox)
    return SpvAuthorization.objects.get(status=AuthorizationStatus.ACTIVE)


def _pages(client: Client, slug: str) -> dict[str, str]:
    return {
        name: client.get(f"/o/{slug}/{path}").content.decode()
        for name, path in [
            ("module", "integrations/ro-efactura/"),
            ("card", "integrations/"),
            ("inbox", "inbox/"),
        ]
    }


def _field(html: str, name: str) -> str:
    found = re.search(rf'data-field="{name}"[^>]*>(.*?)</', html, re.S)
    assert found, name
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def _short(value: datetime | date) -> str:
    with translation.override("ro"):
        if isinstance(value, datetime):
            value = localtime(value)
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def _parse_short(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()


def renew_until(sandbox: Any, authorization: SpvAuthorization, moment: datetime) -> SpvAuthorization:
    """Move both clocks towards `moment` in renewal-sized steps, renewing as the beat task would."""
    while clock.now() + STEP < moment:
        advance_clocks(sandbox, STEP)
        authorization_renew(authorization_id=authorization.pk)
    advance_clocks(sandbox, moment - clock.now())
    authorization.refresh_from_db()
    return authorization


def test_the_expiry_date_is_when_access_ends_and_the_token_is_a_detail(
    authorization: SpvAuthorization, owner: User
) -> None:
    slug = authorization.organization.slug
    html = login(owner).get(f"/o/{slug}/integrations/ro-efactura/").content.decode()
    assert "Data expirării" in html
    # a fresh login: the renewal token (365 days) ends first, not the 90-day access token
    assert _field(html, "access-ends") == _short(authorization.refresh_expires_at)
    assert _field(html, "access-ends") != _short(authorization.access_expires_at)
    assert "tokenul de acces curent este valabil până la" in html
    assert _field(html, "access-expires").startswith(_short(authorization.access_expires_at))
    assert 'data-testid="green-check"' in html
    assert 'data-testid="access-warning"' not in html


def test_across_two_years_of_renewals_the_expiry_date_never_passes_the_deadline(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User
) -> None:
    client = login(owner)
    deadline = authorization.authorized_at + TWO_YEARS
    shown: list[date] = []
    while clock.now() + STEP < deadline:
        advance_clocks(hub_sandbox, STEP)
        authorization_renew(authorization_id=authorization.pk)
        authorization.refresh_from_db()
        html = client.get(f"/o/{authorization.organization.slug}/integrations/ro-efactura/").content.decode()
        ends = _parse_short(_field(html, "access-ends"))
        assert ends <= localtime(deadline).date()
        assert _field(html, "access-ends") == _short(min(authorization.refresh_expires_at, deadline))
        shown.append(ends)
    assert authorization.renewal_count == len(shown) >= 8
    # the last renewals hand out access tokens valid past the deadline: never shown as the expiry date
    assert authorization.access_expires_at > deadline
    assert shown[-1] == localtime(deadline).date()


def test_from_the_first_reminder_distance_three_pages_warn_with_the_deadline(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User
) -> None:
    client, slug = login(owner), authorization.organization.slug
    deadline = authorization.authorized_at + TWO_YEARS
    renew_until(hub_sandbox, authorization, deadline - timedelta(days=31))
    for name, html in _pages(client, slug).items():
        assert 'data-testid="access-warning"' not in html, name
    advance_clocks(hub_sandbox, timedelta(days=4))
    for name, html in _pages(client, slug).items():
        warning = html[html.index('data-testid="access-warning"') :]
        assert f"până la {_short(deadline)}" in warning, name
        assert "mai sunt 27 de zile" in warning, name
        assert "cam o dată la doi ani" in warning, name
        assert "Autorizează din nou" in warning, name
    module = _pages(client, slug)["module"]
    assert 'data-testid="green-check"' not in module
    assert "Autorizat, reautorizare necesară în curând" in _field(module, "status")
    assert 'data-state="needs_attention"' in _pages(client, slug)["card"]


def test_right_after_the_deadline_it_needs_reauthorization_without_any_task(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User, viewer: User
) -> None:
    deadline = authorization.authorized_at + TWO_YEARS
    renew_until(hub_sandbox, authorization, deadline - timedelta(minutes=1))
    assert authorization.access_expires_at > deadline  # the token itself would still work
    clock.advance(timedelta(minutes=2))  # only the clock moves: no renewal, no reminder task
    pages = _pages(login(owner), authorization.organization.slug)
    assert "Necesită reautorizare" in _field(pages["module"], "status")
    assert 'data-testid="green-check"' not in pages["module"]
    assert "Reînnoiește acum" not in pages["module"]
    for name, html in pages.items():
        warning = html[html.index('data-testid="access-warning"') :]
        assert "Necesită reautorizare" in warning, name
        assert f"a fost {_short(deadline)}" in warning, name
    assert 'data-state="needs_attention"' in pages["card"]
    assert SpvAuthorization.objects.get(pk=authorization.pk).status == AuthorizationStatus.ACTIVE
    viewer_page = login(viewer).get(f"/o/{authorization.organization.slug}/inbox/").content.decode()
    assert "Rugați titularul certificatului sau un administrator" in viewer_page


def test_a_recorded_certificate_date_ends_the_access_and_is_audited(
    authorization: SpvAuthorization, owner: User
) -> None:
    client, slug = login(owner), authorization.organization.slug
    valid_until = localtime(authorization.authorized_at).date() + timedelta(days=200)
    response = client.post(f"/o/{slug}/integrations/ro-efactura/certificate/", {"valid_until": valid_until})
    assert response.status_code == 302
    html = client.get(f"/o/{slug}/integrations/ro-efactura/").content.decode()
    assert f"certificatul este valabil până la {_short(valid_until)}" in html  # the success message
    assert _field(html, "certificate-valid-until") == _short(valid_until)
    assert _field(html, "access-ends") == _short(valid_until)
    assert "Atunci expiră certificatul digital" in _field(html, "access-ends-reason")
    audit = client.get(f"/o/{slug}/integrations/ro-efactura/audit/").content.decode()
    assert f"Certificatul {OLD_CERT} a fost notat ca valabil până la {_short(valid_until)}." in audit
    client.post(f"/o/{slug}/integrations/ro-efactura/certificate/", {"valid_until": ""})
    assert SpvAuthorization.objects.get(pk=authorization.pk).certificate_valid_until is None


@pytest.mark.parametrize(
    ("language", "value", "message"),
    [
        ("ro", "2020-01-01", "Certificatul era valabil când a fost folosit la autorizare"),
        ("en", "2020-01-01", "The certificate was valid when it was used to authorize"),
        ("ro", "2099-01-01", "Certificatele calificate se emit pe cel mult 5 ani"),
        ("ro", "mâine", "Introduceți data așa cum apare în certificat"),
        ("en", "tomorrow", "Enter the date as shown in the certificate"),
    ],
)
def test_a_wrong_certificate_date_is_refused_with_a_clear_message(
    authorization: SpvAuthorization, owner: User, language: str, value: str, message: str
) -> None:
    owner.language = language
    owner.save()
    slug = authorization.organization.slug
    response = login(owner).post(f"/o/{slug}/integrations/ro-efactura/certificate/", {"valid_until": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{value}"' in html  # what was typed is kept
    assert SpvAuthorization.objects.get(pk=authorization.pk).certificate_valid_until is None


def test_only_members_who_may_authorize_record_the_certificate_date(
    authorization: SpvAuthorization, viewer: User, outsider: User
) -> None:
    path = f"/o/{authorization.organization.slug}/integrations/ro-efactura/certificate/"
    assert login(viewer).post(path, {"valid_until": "2027-01-15"}).status_code == 403
    assert login(outsider).post(path, {"valid_until": "2027-01-15"}).status_code == 404
    assert SpvAuthorization.objects.get(pk=authorization.pk).certificate_valid_until is None


def test_a_new_certificate_asks_for_its_date_and_the_same_one_keeps_it(
    hub_sandbox: Any, authorization: SpvAuthorization, owner: User
) -> None:
    client, organization = login(owner), authorization.organization
    valid_until = localtime(authorization.authorized_at).date() + timedelta(days=300)
    client.post(f"/o/{organization.slug}/integrations/ro-efactura/certificate/", {"valid_until": valid_until})
    html = client.get(f"/o/{organization.slug}/integrations/ro-efactura/").content.decode()
    assert 'data-testid="new-certificate"' not in html
    authorize_over_http(client, organization, hub_sandbox, serial=OLD_CERT)  # the same certificate again
    same = SpvAuthorization.objects.get(status=AuthorizationStatus.ACTIVE)
    assert same.certificate_valid_until == valid_until
    authorize_over_http(client, organization, hub_sandbox, serial=NEW_CERT)
    renewed = SpvAuthorization.objects.get(status=AuthorizationStatus.ACTIVE)
    assert renewed.serial == NEW_CERT
    assert renewed.certificate_valid_until is None
    html = client.get(f"/o/{organization.slug}/integrations/ro-efactura/").content.decode()
    assert "Certificat nou: notați până când este valabil" in html
    assert _field(html, "certificate-valid-until") == "nenotat"


def test_renew_now_says_how_it_went(hub_sandbox: Any, authorization: SpvAuthorization, owner: User) -> None:
    client, slug = login(owner), authorization.organization.slug
    html = client.post(f"/o/{slug}/integrations/ro-efactura/renew/", follow=True).content.decode()
    renewed = SpvAuthorization.objects.get(pk=authorization.pk)
    assert "Reînnoit: tokenul de acces este acum valabil până la" in html
    assert formats.date_format(localtime(renewed.access_expires_at), "SHORT_DATETIME_FORMAT") in html
    assert f"Accesul durează până la {_short(renewed.access_end.at)}. Până atunci este valabil" in html
    hub_sandbox.add_faults({"path": "/anaf-oauth2/v1/token", "kind": "http_502", "count": 20})
    html = client.post(f"/o/{slug}/integrations/ro-efactura/renew/", follow=True).content.decode()
    assert "Reînnoirea nu a reușit: ANAF nu răspunde" in html
    assert "Hub-ul reîncearcă automat" in html
    assert "anaf_down" not in html


def test_states_problems_and_audit_entries_are_sentences_not_codes(
    authorization: SpvAuthorization, owner: User
) -> None:
    client, slug = login(owner), authorization.organization.slug
    SpvAuthorization.objects.filter(pk=authorization.pk).update(last_error="invalid_token")
    CompanyAccess.objects.filter(company__cif="31500030").update(error="no_spv_rights")
    authorization_renew(authorization_id=authorization.pk, force=True)
    html = client.get(f"/o/{slug}/integrations/ro-efactura/").content.decode()
    assert "no_spv_rights" not in html
    assert "Certificatul nu are drepturi SPV pentru această firmă" in html
    audit = client.get(f"/o/{slug}/integrations/ro-efactura/audit/").content.decode()
    assert AuditEvent.objects.filter(kind="renewed").exists()
    for raw in ("access_expires_at", "refresh_expires_at", "+00:00", "da/yes", "environment:"):
        assert raw not in audit, raw
    assert "Reînnoit automat: tokenul de acces este valabil până la" in audit
    assert f"Autorizat cu certificatul {OLD_CERT}." in audit
    assert "CIF 31500030: nu are drepturi SPV" in audit
    assert "A început autentificarea la ANAF (mediul: Sandbox integrat)." in audit
    owner.language = "en"
    owner.save()
    english = client.get(f"/o/{slug}/integrations/ro-efactura/audit/").content.decode()
    assert "Renewed automatically: the access token is valid until" in english


def test_the_api_reports_the_same_access_end(authorization: SpvAuthorization, owner: User) -> None:
    organization = authorization.organization
    valid_until = localtime(authorization.authorized_at).date() + timedelta(days=100)
    login(owner).post(
        f"/o/{organization.slug}/integrations/ro-efactura/certificate/", {"valid_until": valid_until}
    )
    _row, key = api_key_create(organization=organization, name="erp", scopes=["read"], user=owner)
    [row] = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/authorizations").json()
    ends = SpvAuthorization.objects.get(pk=authorization.pk).access_end.at
    assert datetime.fromisoformat(row["access_ends_at"]) == ends
    assert row["access_ends_because"] == "certificate"
    assert row["access_state"] == "active"
    assert row["certificate_valid_until"] == valid_until.isoformat()
    assert "access_token" not in row


def test_when_renewals_stopped_the_renewal_token_end_is_the_deadline(
    authorization: SpvAuthorization, owner: User
) -> None:
    """GIVEN no renewal for almost a year (the worker was down) THEN the warning says why access ends."""
    clock.advance(authorization.refresh_expires_at - clock.now() - timedelta(days=20))
    html = (
        login(owner).get(f"/o/{authorization.organization.slug}/integrations/ro-efactura/").content.decode()
    )
    warning = html[html.index('data-testid="access-warning"') :]
    assert f"până la {_short(authorization.refresh_expires_at)}" in warning
    assert "Reînnoirea automată nu a reușit în ultima vreme" in warning
    assert "mai sunt 20 de zile" in warning
