"""Issued invoices: ANAF's verdict on an upload (FACTURA TRIMISA, ERORI FACTURA) reaches the webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import closing
from datetime import timedelta
from importlib import resources
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.inbox.models import Direction, DocumentKind, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.selectors import current_authorization
from hub.webhooks.models import Delivery
from hub.webhooks.services import endpoint_create
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, company
from tests.hub.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_by(secret: str, item: dict[str, Any]) -> bool:
    parts = dict(part.split("=", 1) for part in item["headers"]["X-EFactura-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + item["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, parts["v1"])


def _issued_by_alfa() -> bytes:
    """The sample supplier invoice turned around: Alfa (one of our companies) is the seller."""
    path = resources.files("anaf_sandbox") / "seeds" / "invoices" / "supplier_invoice.xml"
    xml = path.read_text(encoding="utf-8")
    swapped = xml.replace("RO123549276", "@SELLER@").replace(f"RO{ALFA}", "RO123549276")
    return swapped.replace("@SELLER@", f"RO{ALFA}").encode()


def test_the_verdicts_on_issued_invoices_reach_the_webhooks_signed(
    hub_sandbox: Any, authorized: Organization, webhook_receiver: WebhookReceiver
) -> None:
    """GIVEN an invoice Alfa uploaded (ANAF: FACTURA TRIMISA) and the same one uploaded again (ANAF refuses
    the duplicate: ERORI FACTURA) WHEN the inbox syncs THEN an `invoice.sent.accepted` and an
    `invoice.sent.rejected` webhook arrive, each signed with the endpoint's secret."""
    endpoint = endpoint_create(
        organization=authorized,
        url=webhook_receiver.url,
        events=["invoice.sent.accepted", "invoice.sent.rejected"],
    )
    authorization = current_authorization(authorized)
    assert authorization is not None
    with closing(
        gateway.efactura_client(
            environment=authorization.environment, access_token=authorization.access_token
        )
    ) as client:
        accepted = client.upload(_issued_by_alfa(), ALFA)
        refused = client.upload(_issued_by_alfa(), ALFA)
    assert accepted.accepted, accepted
    assert refused.upload_id, refused
    advance_clocks(hub_sandbox, timedelta(minutes=3))  # past ANAF's processing lag and the listing margin

    result = inbox_sync_company(company_id=company(authorized, ALFA).pk)

    assert result.outcome == "ok"
    sent = Invoice.objects.get(company__cif=ALFA, direction=Direction.SENT)
    error = Invoice.objects.get(company__cif=ALFA, direction=Direction.ERROR)
    assert sent.message.upload_id == accepted.upload_id
    assert error.message.upload_id == refused.upload_id
    assert error.kind == DocumentKind.ERROR_REPORT
    bodies = {json.loads(item["body"])["event"]: item for item in webhook_receiver.received}
    assert set(bodies) == {"invoice.sent.accepted", "invoice.sent.rejected"}
    assert len(webhook_receiver.received) == 2
    for event, invoice in (("invoice.sent.accepted", sent), ("invoice.sent.rejected", error)):
        item = bodies[event]
        assert _signed_by(endpoint.secret, item)
        assert not _signed_by("whsec_someone_else", item)
        assert item["headers"]["X-EFactura-Event"] == event
        data = json.loads(item["body"])["data"]
        assert data["invoice_id"] == invoice.pk
        assert data["outgoing_id"] is None  # uploaded by another program, not through the outbox
        assert data["company_cif"] == ALFA
        assert data["download_id"] == invoice.message.download_id
        assert data["upload_id"] == invoice.message.upload_id
        assert data["outcome"] == event.rsplit(".", 1)[1]
    accepted_data = json.loads(bodies["invoice.sent.accepted"]["body"])["data"]
    assert accepted_data["number"] == sent.number != ""
    assert accepted_data["errors"] == []
    rejected_data = json.loads(bodies["invoice.sent.rejected"]["body"])["data"]
    assert rejected_data["errors"]
    assert all(item["message"] for item in rejected_data["errors"])
    assert all(delivery.delivered_at for delivery in Delivery.objects.all())

    again = inbox_sync_company(company_id=company(authorized, ALFA).pk)  # announced once, never twice
    assert again.announced == 0
    assert len(webhook_receiver.received) == 2
