"""REST API v1 over the Django test client, against data from the sandbox over HTTP: the issued invoice's PDF,
buyer messages (list, and one sent exactly once per Idempotency-Key) and the completeness figures; each
scoped to the key's organization and scope, and listed in the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create
from hub.desk.completeness import completeness_for
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.outbox.models import BuyerMessage, OutgoingInvoice, OutgoingState
from hub.outbox.services.intake import outgoing_intake
from tests.hub.inbox.helpers import ALFA, BUCATARIA, company
from tests.hub.outbox.helpers import issued_xml, later, upload_calls
from tests.pdf_text import pdf_bytes_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 2}
    return sandbox_seed


def _api(organization: Organization, user: User, *scopes: str) -> Client:
    _row, key = api_key_create(organization=organization, name="erp", scopes=list(scopes), user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _foreign(outsider: User, *scopes: str) -> Client:
    return _api(outsider.memberships.get().organization, outsider, *scopes)  # type: ignore[attr-defined]


@pytest.fixture
def issued(hub_sandbox: Any, authorized: Organization) -> OutgoingInvoice:
    """Alfa sent two invoices to Bucătăria through the outbox, ANAF accepted them, and Bucătăria synced them;
    the first is returned."""
    alfa = company(authorized, ALFA)
    sent = [
        outgoing_intake(company=alfa, xml=issued_xml(number, buyer_id=BUCATARIA)).invoice
        for number in ("API-2026-0001", "API-2026-0002")
    ]
    later(hub_sandbox, minutes=2)
    first = OutgoingInvoice.objects.get(pk=sent[0].pk)
    assert {row.state for row in OutgoingInvoice.objects.all()} == {OutgoingState.OK}
    assert inbox_sync_company(company_id=company(authorized, BUCATARIA).pk).outcome == "ok"
    return first


def _received(organization: Organization, number: str) -> Invoice:
    return Invoice.objects.get(
        company=company(organization, BUCATARIA), direction=Direction.RECEIVED, number=number
    )


@pytest.fixture
def unconsumed_broker() -> Iterator[None]:
    """A real, in-memory broker that no worker reads: queued renders stay queued."""
    from hub.celery import app

    def forget_connections() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url = saved
        app.conf.task_always_eager = True
        forget_connections()


def test_the_pdf_of_an_issued_invoice(
    issued: OutgoingInvoice, authorized: Organization, owner: User, outsider: User
) -> None:
    api = _api(authorized, owner, "read", "download")
    url = f"/api/v1/outbox/{issued.pk}/pdf"

    response = api.get(url)  # eager Celery: rendered by the worker's bounded child already

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="API-2026-0001.pdf"' in response["Content-Disposition"]
    assert "API-2026-0001" in pdf_bytes_text(response.content)
    english = api.get(url, {"lang": "en"})
    assert "Invoice" in pdf_bytes_text(english.content) or "INVOICE" in pdf_bytes_text(english.content)
    assert _api(authorized, owner, "read").get(url).status_code == 403
    assert _foreign(outsider, "read", "download").get(url).status_code == 404
    assert api.get("/api/v1/outbox/999999/pdf").status_code == 404


def test_the_pdf_answers_202_while_the_worker_renders_it(
    issued: OutgoingInvoice, authorized: Organization, owner: User, unconsumed_broker: None
) -> None:
    response = _api(authorized, owner, "download").get(f"/api/v1/outbox/{issued.pk}/pdf", {"lang": "en"})

    assert response.status_code == 202
    assert response["Retry-After"] == "5"
    assert response.json() == {"pdf": "pending"}


def test_a_buyer_message_is_sent_once_per_idempotency_key_and_listed(
    hub_sandbox: Any, issued: OutgoingInvoice, authorized: Organization, owner: User, outsider: User
) -> None:
    received = _received(authorized, "API-2026-0001")
    url = f"/api/v1/invoices/{received.pk}/buyer-message"
    api = _api(authorized, owner, "read", "send")
    body = {"decision": "refuse", "reason": "Cantitatea livrată e mai mică"}
    uploads = len(upload_calls(hub_sandbox))

    first = api.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="erp-42")
    again = api.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="erp-42")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    message = first.json()
    assert message["direction"] == "sent"
    assert message["decision"] == "refuse"
    assert message["answers_upload_id"] == issued.upload_id
    assert message["text"].endswith("Motiv: Cantitatea livrată e mai mică")
    assert len(upload_calls(hub_sandbox)) == uploads + 1  # one message at ANAF
    assert BuyerMessage.objects.filter(company__cif=BUCATARIA).count() == 1

    no_key = api.post(url, body, content_type="application/json")
    assert no_key.status_code == 422
    assert "Idempotency-Key" in no_key.json()["detail"]
    no_reason = api.post(
        url, {"decision": "refuse"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="erp-43"
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"] == "Scrie motivul respingerii: furnizorul îl citește în mesaj."
    english = api.post(
        f"{url}?lang=en",
        {"decision": "refuse"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="erp-44",
    )
    assert "reason of the refusal" in english.json()["detail"]
    assert (
        api.post(
            url, {"decision": "maybe"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="e"
        ).status_code
        == 422
    )
    reused = api.post(
        f"/api/v1/invoices/{_received(authorized, 'API-2026-0002').pk}/buyer-message",
        {"decision": "accept"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="erp-42",
    )
    assert reused.status_code == 409  # the key names the first message: never another invoice's
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    issued_doc = Invoice.objects.get(
        company=company(authorized, ALFA), direction=Direction.SENT, number="API-2026-0001"
    )
    not_answerable = api.post(
        f"/api/v1/invoices/{issued_doc.pk}/buyer-message",
        {"decision": "accept"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="erp-45",
    )
    assert not_answerable.status_code == 422  # a message answers a received invoice only
    read_only = _api(authorized, owner, "read")
    forbidden = read_only.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="erp-46")
    assert forbidden.status_code == 403
    foreign = _foreign(outsider, "read", "send")
    assert (
        foreign.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="erp-47").status_code
        == 404
    )
    assert len(upload_calls(hub_sandbox)) == uploads + 1  # none of those sent anything

    later(hub_sandbox, minutes=2)  # ANAF took the message
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"  # the seller hears

    sent = api.get("/api/v1/buyer-messages", {"direction": "sent"}).json()
    assert [item["id"] for item in sent["items"]] == [message["id"]]
    assert sent["items"][0]["state"] == "ok"
    assert api.get("/api/v1/buyer-messages", {"state": "ok"}).json()["items"][0]["id"] == message["id"]
    customer = api.get("/api/v1/buyer-messages", {"direction": "received"}).json()["items"]
    assert len(customer) == 1
    assert customer[0]["company"] == ALFA
    assert customer[0]["answers_upload_id"] == issued.upload_id
    alfa_only = api.get("/api/v1/buyer-messages", {"company": company(authorized, ALFA).pk}).json()["items"]
    assert [item["direction"] for item in alfa_only] == ["received"]
    paged = api.get("/api/v1/buyer-messages", {"limit": 1}).json()
    assert len(paged["items"]) == 1
    rest = api.get("/api/v1/buyer-messages", {"limit": 1, "cursor": paged["next_cursor"]}).json()
    assert {paged["items"][0]["id"], rest["items"][0]["id"]} == set(
        BuyerMessage.objects.values_list("pk", flat=True)
    )
    assert rest["next_cursor"] is None
    assert api.get("/api/v1/buyer-messages", {"direction": "sideways"}).status_code == 422
    assert _foreign(outsider, "read").get("/api/v1/buyer-messages").json()["items"] == []
    assert _api(authorized, owner, "send").get("/api/v1/buyer-messages").status_code == 403


def test_the_completeness_figures(
    issued: OutgoingInvoice, authorized: Organization, owner: User, outsider: User
) -> None:
    buyer = company(authorized, BUCATARIA)  # the buyer: its supplier invoices are Alfa's two
    figures = completeness_for(authorized, company_id=buyer.pk)[0]
    assert figures.months, "Bucătăria's sync listed Alfa's invoices"
    newest = figures.months[0]
    api = _api(authorized, owner, "read")

    body = api.get("/api/v1/completeness", {"company": buyer.pk, "month": f"{newest.month:%Y-%m}"}).json()

    (one,) = body["companies"]
    assert one["company"] == {"id": buyer.pk, "cif": BUCATARIA, "name": buyer.name}
    (month,) = one["months"]
    assert month["month"] == f"{newest.month:%Y-%m}"
    assert month["listed"] == newest.listed == 2
    assert month["archived"]["done"] == newest.archived.done
    assert month["reviewed"]["missing"] == newest.reviewed.missing
    assert month["booked"]["done"] == newest.booked.done
    assert month["kept_until"] == date(newest.month.year + 10, 12, 31).isoformat()
    every = api.get("/api/v1/completeness").json()
    assert {row["company"]["cif"] for row in every["companies"]} == set(
        authorized.companies.values_list("cif", flat=True)
    )
    assert api.get("/api/v1/completeness", {"month": "2026-13"}).status_code == 422
    assert _foreign(outsider, "read").get("/api/v1/completeness", {"company": buyer.pk}).status_code == 404
    assert _api(authorized, owner, "send").get("/api/v1/completeness").status_code == 403


def test_the_new_operations_are_in_the_openapi_schema() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert "get" in paths["/api/v1/outbox/{invoice_id}/pdf"]
    assert "get" in paths["/api/v1/buyer-messages"]
    assert "post" in paths["/api/v1/invoices/{invoice_id}/buyer-message"]
    assert "get" in paths["/api/v1/completeness"]
