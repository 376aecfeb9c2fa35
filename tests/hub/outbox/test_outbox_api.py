"""`POST /api/v1/outbox` and the outbox lists over the sandbox: scopes, Idempotency-Key, explained errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create
from tests.hub.outbox.helpers import ALFA, issued_xml, later, upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(authorized: Organization, owner: User) -> Client:
    _row, key = api_key_create(
        organization=authorized, name="erp", scopes=["read", "send", "download"], user=owner
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _send(api: Client, xml: bytes, **params: Any) -> Any:
    headers = params.pop("headers", {})
    query = "&".join(f"{name}={value}" for name, value in {"company": ALFA, **params}.items())
    return api.post(f"/api/v1/outbox?{query}", data=xml, content_type="application/xml", headers=headers)


def test_it_sends_once_per_idempotency_key_and_serves_the_answer(hub_sandbox: Any, api: Client) -> None:
    first = _send(api, issued_xml(), headers={"Idempotency-Key": "erp-42"})
    again = _send(api, issued_xml(), headers={"Idempotency-Key": "erp-42"})

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(upload_calls(hub_sandbox)) == 1
    later(hub_sandbox, minutes=1)

    detail = api.get(first.json()["url"]).json()
    assert detail["state"] == "ok"
    assert detail["upload_id"]
    assert detail["signature_valid"] is True
    assert [attempt["outcome"] for attempt in detail["attempts"]] == ["sent"]
    answer = api.get(f"/api/v1/outbox/{detail['id']}/answer")
    assert answer.status_code == 200
    assert answer.content[:2] == b"PK"
    listed = api.get("/api/v1/outbox", {"state": "ok"}).json()
    assert [item["id"] for item in listed["items"]] == [detail["id"]]


def test_an_invalid_invoice_is_422_with_errors_explained_in_romanian_or_english(
    hub_sandbox: Any, api: Client
) -> None:
    xml = issued_xml(buyer_id="8609469")

    romanian = _send(api, xml)
    english = api.get(f"/api/v1/outbox/{romanian.json()['id']}", {"lang": "en"}).json()

    assert romanian.status_code == 422
    ro_error = next(e for e in romanian.json()["errors"] if e["rule"] == "HUB-CIF-BUYER")
    en_error = next(e for e in english["errors"] if e["rule"] == "HUB-CIF-BUYER")
    assert ro_error["value"] == "8609469"
    assert "cifra de control" in ro_error["explanation"]
    assert "check digit" in en_error["explanation"]
    assert upload_calls(hub_sandbox) == []


def test_a_duplicate_is_409_with_the_first_and_a_correction_keeps_the_history(
    hub_sandbox: Any, api: Client
) -> None:
    first = _send(api, issued_xml()).json()
    duplicate = _send(api, issued_xml())
    assert duplicate.status_code == 409
    assert duplicate.json()["first"]["id"] == first["id"]

    rejected = _send(api, issued_xml("ALFA-2026-0002", buyer_id="8609469")).json()
    corrected = _send(api, issued_xml("ALFA-2026-0002"), corrects=rejected["id"])

    assert corrected.status_code == 201
    detail = api.get(corrected.json()["url"]).json()
    assert detail["corrects"] == rejected["id"]
    assert detail["history"] == [rejected["id"], detail["id"]]


def test_scopes_and_organizations_are_enforced(
    hub_sandbox: Any, api: Client, authorized: Organization, owner: User, outsider: User
) -> None:
    _row, readonly = api_key_create(organization=authorized, name="ro", scopes=["read"], user=owner)
    assert _send(Client(HTTP_AUTHORIZATION=f"Bearer {readonly}"), issued_xml()).status_code == 403
    mine = _send(api, issued_xml()).json()
    other = Organization.objects.exclude(pk=authorized.pk).get()
    _row, foreign = api_key_create(organization=other, name="x", scopes=["read", "send"], user=outsider)
    foreign_api = Client(HTTP_AUTHORIZATION=f"Bearer {foreign}")
    assert foreign_api.get(f"/api/v1/outbox/{mine['id']}").status_code == 404
    assert foreign_api.get("/api/v1/outbox").json()["items"] == []
    assert _send(foreign_api, issued_xml()).status_code == 404  # not its company
    assert _send(api, b"").status_code == 400
