"""REST API v1: API keys (scoped, revocable), cursor pagination, `since`, files, and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create, api_key_revoke
from hub.core import clock
from hub.inbox.models import Invoice, SyncRun
from hub.inbox.services.sync import inbox_sync_company
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 5, "days": 5, "seed": 2, "companies": [ALFA]}
    return sandbox_seed


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Organization:
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    return authorized


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_it_pages_invoices_with_a_cursor_and_pulls_incrementally(synced: Organization, owner: User) -> None:
    _row, key = api_key_create(organization=synced, name="erp", scopes=["read"], user=owner)
    api = _api(key)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        body = api.get("/api/v1/invoices", params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(Invoice.objects.filter(organization=synced).values_list("pk", flat=True))
    assert len(seen) == 25
    later = clock.now()
    assert api.get("/api/v1/invoices", {"since": later.isoformat()}).json()["items"] == []
    supplier = Invoice.objects.filter(organization=synced).values_list("seller_cif", flat=True).first()
    filtered = api.get("/api/v1/invoices", {"supplier": supplier, "limit": 100}).json()["items"]
    assert filtered
    assert {item["seller_cif"] for item in filtered} == {supplier}
    companies = api.get("/api/v1/companies").json()
    assert {row["cif"] for row in companies} == {"16000015", "29000025", "31500030"}
    authorizations = api.get("/api/v1/authorizations").json()
    assert authorizations[0]["status"] == "active"
    assert authorizations[0]["serves"] == ["16000015", "29000025", "31500030"]  # one authorization serves all
    assert "token" not in str(authorizations).lower()
    messages = api.get("/api/v1/messages", {"limit": 500}).json()
    assert len(messages["items"]) == 25
    assert all(item["state"] == "archived" for item in messages["items"])


def test_scopes_and_revocation_are_enforced(synced: Organization, owner: User) -> None:
    row, key = api_key_create(organization=synced, name="readonly", scopes=["read"], user=owner)
    invoice = Invoice.objects.filter(organization=synced).first()
    assert invoice is not None
    api = _api(key)
    assert api.get(f"/api/v1/invoices/{invoice.pk}").status_code == 200
    assert api.get(f"/api/v1/invoices/{invoice.pk}/zip").status_code == 403
    assert api.post("/api/v1/sync").status_code == 403
    assert Client().get("/api/v1/invoices").status_code == 401
    assert _api("efh_nope_nope").get("/api/v1/invoices").status_code == 401
    assert api_key_revoke(organization=synced, key_id=row.pk)
    assert api.get("/api/v1/invoices").status_code == 401


def test_another_organizations_key_sees_nothing(synced: Organization, outsider: User) -> None:
    other = outsider.memberships.get().organization  # type: ignore[attr-defined]
    _row, key = api_key_create(organization=other, name="x", scopes=["read", "download"], user=outsider)
    invoice = Invoice.objects.filter(organization=synced).first()
    assert invoice is not None
    api = _api(key)
    assert api.get("/api/v1/invoices").json()["items"] == []
    assert api.get(f"/api/v1/invoices/{invoice.pk}").status_code == 404
    assert api.get(f"/api/v1/invoices/{invoice.pk}/xml").status_code == 404


def test_files_and_the_openapi_schema(synced: Organization, owner: User) -> None:
    _row, key = api_key_create(organization=synced, name="files", scopes=["read", "download"], user=owner)
    invoice = Invoice.objects.filter(organization=synced, kind="invoice").first()
    assert invoice is not None
    api = _api(key)
    assert api.get(f"/api/v1/invoices/{invoice.pk}/xml").content.startswith(b"<?xml")
    assert api.get(f"/api/v1/invoices/{invoice.pk}/pdf").content.startswith(b"%PDF")
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/invoices" in schema["paths"]
    assert "/api/v1/invoices/{invoice_id}/zip" in schema["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    # The hub may run without internet: Swagger UI is served from our static files.
    assert b"cdn" not in docs.content.lower()
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_the_api_key_page_shows_a_key_once_and_revokes_it(
    synced: Organization, owner: User, viewer: User
) -> None:
    from tests.hub.helpers import login, post_once

    client = login(owner)
    page = post_once(
        client, f"/o/{synced.slug}/api-keys/", {"name": "erp", "scopes": ["read"]}
    ).content.decode()
    assert 'data-field="api-key">efh_' in page
    assert '<td data-field="scopes">Citire' in page  # the permission worded, not its code
    key = page.split('data-field="api-key">', 1)[1].split("<", 1)[0]
    assert _api(key).get("/api/v1/companies").status_code == 200
    assert login(viewer).get(f"/o/{synced.slug}/api-keys/").status_code == 403


def test_an_invoice_has_one_shape_in_the_api_and_in_webhooks(
    hub_sandbox: Any, authorized: Organization, owner: User, settings: Any
) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    webhook_services.endpoint_create(
        organization=authorized, url="http://127.0.0.1:9/hook", events=["invoice.received"]
    )
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    _row, key = api_key_create(organization=authorized, name="erp", scopes=["read"], user=owner)

    listed = {item["id"]: item for item in _api(key).get("/api/v1/invoices", {"limit": 100}).json()["items"]}
    announced = {row.payload["data"]["id"]: row.payload["data"] for row in Delivery.objects.all()}

    assert announced
    assert set(announced) <= set(listed)
    for invoice_id, data in announced.items():
        assert data == listed[invoice_id]


def test_sync_takes_a_cif_or_an_id_and_refuses_an_unknown_company(synced: Organization, owner: User) -> None:
    _row, key = api_key_create(organization=synced, name="erp", scopes=["sync"], user=owner)
    api = _api(key)
    alfa = company(synced, ALFA)
    for named in (ALFA, f"RO{ALFA}", str(alfa.pk)):
        runs = SyncRun.objects.filter(company=alfa).count()
        answer = api.post(f"/api/v1/sync?company={named}")
        assert answer.status_code == 200, named
        assert answer.json() == {"queued": [alfa.pk]}
        assert SyncRun.objects.filter(company=alfa).count() == runs + 1  # the eager worker ran it
    for unknown in ("99999999", "RO12", "nimic"):
        answer = api.post(f"/api/v1/sync?company={unknown}")
        assert answer.status_code == 404, unknown
        assert "99999999" not in answer.json().get("queued", [])
