"""One `invoice.sent.*` delivery per ANAF upload outcome and endpoint, whichever app learns it first: the
outbox (its status poll) and the inbox (archiving the company's own sent message) share the cause and the
payload. Against the sandbox over HTTP."""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.selectors import current_authorization
from hub.outbox.models import OutgoingInvoice, OutgoingState
from hub.outbox.services.intake import outgoing_intake
from hub.webhooks.models import Delivery
from hub.webhooks.services import endpoint_create
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, company
from tests.hub.outbox.helpers import issued_xml, later

pytestmark = pytest.mark.django_db(transaction=True)

KEYS = {
    "company_cif",
    "upload_id",
    "download_id",
    "outcome",
    "number",
    "issue_date",
    "errors",
    "outgoing_id",
    "invoice_id",
}


def test_an_invoice_sent_through_the_outbox_is_announced_once_when_the_inbox_archives_it(
    hub_sandbox: Any, authorized: Organization, settings: Any
) -> None:
    """GIVEN two endpoints WHEN Alfa sends an invoice through the outbox, ANAF accepts it, and then Alfa's
    inbox sync archives the same upload as a sent message THEN each endpoint has one `invoice.sent.accepted`
    (the outbox's); an invoice another program uploaded, and one
    ANAF lists as sent (seeded in the sandbox), each still get their one, from the inbox."""
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    endpoints = [
        endpoint_create(
            organization=authorized, url=f"http://127.0.0.1:9/hook{n}", events=["invoice.sent.accepted"]
        )
        for n in (1, 2)
    ]
    alfa = company(authorized, ALFA)
    issued = outgoing_intake(company=alfa, xml=issued_xml("ONCE-1")).invoice
    later(hub_sandbox, minutes=2)
    issued = OutgoingInvoice.objects.get(pk=issued.pk)
    assert issued.state == OutgoingState.OK
    assert Delivery.objects.filter(event="invoice.sent.accepted").count() == 2  # the outbox's, one each

    authorization = current_authorization(authorized)
    assert authorization is not None
    with closing(
        gateway.efactura_client(
            environment=authorization.environment, access_token=authorization.access_token
        )
    ) as client:  # another invoicing program, same company
        elsewhere = client.upload(issued_xml("ELSEWHERE-1"), ALFA)
    assert elsewhere.accepted, elsewhere
    (seeded,) = hub_sandbox.add_messages(  # and one ANAF lists as sent, put there directly
        {"cif": ALFA, "direction": "sent", "xml": issued_xml("SEEDED-1").decode()}
    )
    advance_clocks(hub_sandbox, timedelta(minutes=3))  # past ANAF's processing lag and the listing margin
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"

    archived = Invoice.objects.get(
        company=alfa, direction=Direction.SENT, message__upload_id=issued.upload_id
    )
    other = Invoice.objects.get(
        company=alfa, direction=Direction.SENT, message__upload_id=elsewhere.upload_id
    )
    listed = Invoice.objects.get(company=alfa, direction=Direction.SENT, message__download_id=seeded["id"])
    assert archived.announced_at is not None
    for endpoint in endpoints:
        rows = list(Delivery.objects.filter(endpoint=endpoint, event="invoice.sent.accepted").order_by("pk"))
        assert len(rows) == 3, [row.payload for row in rows]
        ours = rows[0].payload["data"]  # the outbox's, first: the inbox found it already announced
        by_invoice = {row.payload["data"]["invoice_id"]: row.payload["data"] for row in rows[1:]}
        theirs, seeded_data = by_invoice[other.pk], by_invoice[listed.pk]
        assert set(ours) == set(theirs) == set(seeded_data) == KEYS  # one shape, whichever app emitted
        assert ours["upload_id"] == issued.upload_id
        assert ours["outgoing_id"] == issued.pk
        assert ours["download_id"] == issued.download_id == archived.message.download_id
        assert ours["number"] == "ONCE-1"
        assert ours["outcome"] == "accepted"
        assert theirs["upload_id"] == elsewhere.upload_id
        assert theirs["invoice_id"] == other.pk
        assert theirs["outgoing_id"] is None
        assert theirs["number"] == "ELSEWHERE-1"
        assert theirs["company_cif"] == ours["company_cif"] == ALFA
        assert seeded_data["invoice_id"] == listed.pk
        assert seeded_data["number"] == "SEEDED-1"
        assert seeded_data["upload_id"] == seeded["id_solicitare"] != ""
        assert seeded_data["download_id"] == seeded["id"]

    assert inbox_sync_company(company_id=alfa.pk).announced == 0  # and never again
    assert Delivery.objects.filter(event="invoice.sent.accepted").count() == 6
