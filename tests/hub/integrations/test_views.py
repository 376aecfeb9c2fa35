"""Pages and scoping: every organization view refuses the outsider; roles limit what members may do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Company, Organization, User
from hub.integrations.models import Integration
from hub.integrations.ro_efactura.models import AuditEvent
from tests.hub.helpers import form_once, login

pytestmark = pytest.mark.django_db

ORG_VIEWS = [
    ("get", "integrations/"),
    ("post", "integrations/ro-efactura/activate/"),
    ("get", "integrations/ro-efactura/"),
    ("get", "integrations/ro-efactura/configure/"),
    ("post", "integrations/ro-efactura/configure/"),
    ("post", "integrations/ro-efactura/companies/add/"),
    ("post", "integrations/ro-efactura/companies/1/remove/"),
    ("post", "integrations/ro-efactura/authorize/"),
    ("post", "integrations/ro-efactura/rights/check/"),
    ("post", "integrations/ro-efactura/renew/"),
    ("get", "integrations/ro-efactura/audit/"),
    ("get", "notifications/"),
    ("get", "notifications/bell/"),
    ("post", "notifications/read/"),
    ("post", "notifications/1/read/"),
]


@pytest.mark.parametrize(("method", "path"), ORG_VIEWS)
def test_the_outsider_is_refused_everywhere(
    active_module: Organization, outsider: User, method: str, path: str
) -> None:
    response = getattr(login(outsider), method)(f"/o/{active_module.slug}/{path}")
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), ORG_VIEWS)
def test_anonymous_users_are_sent_to_login(active_module: Organization, method: str, path: str) -> None:
    response = getattr(Client(), method)(f"/o/{active_module.slug}/{path}")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_integrations_list_shows_cards_and_activation(organization: Organization, owner: User) -> None:
    client = login(owner)
    page = client.get(f"/o/{organization.slug}/integrations/").content.decode()
    assert "Integrări" in page
    assert "RO e-Factura" in page
    assert "RO e-Transport" in page
    assert "Încă indisponibil" in page
    assert "Activare" in page
    response = client.post(f"/o/{organization.slug}/integrations/ro-efactura/activate/")
    assert response["Location"].endswith("/integrations/ro-efactura/configure/")
    assert Integration.objects.get(organization=organization).active
    page = client.get(f"/o/{organization.slug}/integrations/").content.decode()
    assert "Activ, necesită configurare" in page
    assert "Configurare integrare" in page


def test_members_cannot_activate_or_configure(organization: Organization, member: User, viewer: User) -> None:
    for user in (member, viewer):
        client = login(user)
        assert client.post(f"/o/{organization.slug}/integrations/ro-efactura/activate/").status_code == 403
        assert client.get(f"/o/{organization.slug}/integrations/ro-efactura/configure/").status_code == 403
    assert not Integration.objects.exists()


def test_configuration_saves_environment_companies_and_recipients(
    active_module: Organization, owner: User, viewer: User
) -> None:
    client = login(owner)
    base = f"/o/{active_module.slug}/integrations/ro-efactura"
    response = client.post(
        f"{base}/configure/",
        {"environment": "test", "sync_interval_minutes": 45, "notify_user_ids": [viewer.pk]},
    )
    assert response.status_code == 302
    config = Integration.objects.get(organization=active_module).config
    assert config == {"environment": "test", "sync_interval_minutes": 45, "notify_user_ids": [viewer.pk]}
    assert AuditEvent.objects.filter(kind="configured").exists()
    bad = client.post(f"{base}/companies/add/", {"cif": "12345"}, HTTP_HX_REQUEST="true")
    assert "nu este un CIF" in bad.content.decode()
    good = client.post(
        f"{base}/companies/add/",
        {"cif": "RO18547290", "name": "Nou", "form_once": form_once(client, f"{base}/configure/")},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-cif="18547290"' in good.content.decode()
    assert "<html" not in good.content.decode()
    company = Company.objects.get(cif="18547290")
    client.post(f"{base}/companies/{company.pk}/remove/", HTTP_HX_REQUEST="true")
    assert not Company.objects.filter(cif="18547290").exists()


def test_a_member_cannot_remove_another_organizations_company(
    active_module: Organization, outsider: User, owner: User
) -> None:
    other = Organization.objects.exclude(pk=active_module.pk).get()
    foreign = Company.objects.create(organization=other, cif="18547290")
    login(owner).post(f"/o/{active_module.slug}/integrations/ro-efactura/companies/{foreign.pk}/remove/")
    assert Company.objects.filter(pk=foreign.pk).exists()


def test_module_page_before_authorization(active_module: Organization, viewer: User) -> None:
    page = login(viewer).get(f"/o/{active_module.slug}/integrations/ro-efactura/").content.decode()
    assert "Neautorizat încă" in page
    assert "Autorizare cu ANAF SPV" not in page  # a viewer cannot authorize


def test_english_per_user_preference(active_module: Organization, owner: User) -> None:
    client = login(owner)
    client.post("/account/", {"first_name": "Ana", "last_name": "P", "email": "a@x.ro", "language": "en"})
    page = client.get(f"/o/{active_module.slug}/integrations/ro-efactura/").content.decode()
    assert "Authorize with ANAF SPV" in page
    assert "Configure integration" in page


def test_help_page_and_audit_log(active_module: Organization, owner: User, settings: Any) -> None:
    client = login(owner)
    help_page = client.get("/help/anaf-oauth/").content.decode()
    assert "Editare profil Oauth" in help_page
    assert settings.ANAF_REDIRECT_URI in help_page
    assert client.get(f"/o/{active_module.slug}/integrations/ro-efactura/audit/").status_code == 200


def test_home_sends_a_single_organization_member_to_its_integrations(
    organization: Organization, owner: User
) -> None:
    response = login(owner).get("/")
    assert response["Location"] == f"/o/{organization.slug}/integrations/"


def test_a_company_form_sent_twice_adds_once_and_lands_on_the_same_list(
    active_module: Organization, owner: User
) -> None:
    """GIVEN the add-company form sent twice with one token, by HTMX (a double click) and without (F5)
    THEN one company exists and each repeat shows the same list, saying nothing was created again."""
    client = login(owner)
    base = f"/o/{active_module.slug}/integrations/ro-efactura"
    before = Company.objects.filter(organization=active_module).count()
    data = {"cif": "RO18547290", "name": "Nou", "form_once": form_once(client, f"{base}/configure/")}
    first = client.post(f"{base}/companies/add/", data, HTTP_HX_REQUEST="true")
    again = client.post(f"{base}/companies/add/", data, HTTP_HX_REQUEST="true")
    assert 'data-cif="18547290"' in first.content.decode()
    assert 'data-cif="18547290"' in again.content.decode()
    assert "Formularul a fost deja trimis" in again.content.decode()
    assert 'name="form_once"' in again.content.decode()  # a fresh token for the next company

    data = {"cif": "RO14399840", "name": "Fără HTMX", "form_once": form_once(client, f"{base}/configure/")}
    first = client.post(f"{base}/companies/add/", data)
    again = client.post(f"{base}/companies/add/", data)
    assert first.status_code == again.status_code == 302  # POST-redirect-GET
    assert first["Location"] == again["Location"] == f"{base}/configure/"
    assert "Formularul a fost deja trimis" in client.get(again["Location"]).content.decode()
    assert Company.objects.filter(organization=active_module).count() == before + 2
