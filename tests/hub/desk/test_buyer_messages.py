"""Buyer messages (RASP) against the sandbox over HTTP. Alfa issues invoices to Bucătăria through the outbox;
Bucătăria (the same hub, same certificate) syncs them, accepts or refuses them on the desk with a message
to the supplier; the sandbox shows the message to Alfa, whose sync links it to the issued invoice. Also:
a double submit sends one message, a second decision sends its own, ANAF's daily RASP limit keeps the
message queued and explains it, and a viewer may not send."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from hub.accounts.models import Organization, User
from hub.desk.models import ReviewState
from hub.documents import archive
from hub.inbox.models import Direction, DocumentKind, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.outbox.models import (
    BuyerDecision,
    BuyerMessage,
    BuyerMessageDirection,
    OutgoingInvoice,
    OutgoingState,
    Standard,
)
from hub.outbox.services.intake import outgoing_intake
from hub.outbox.services.rasp import Answered, BuyerMessageRefused, buyer_message_send
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, BUCATARIA, company
from tests.hub.outbox.helpers import issued_xml, later, upload_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["processing"] = {"lag_seconds": 2}
    return sandbox_seed


def rasp_calls(sandbox: Any) -> list[dict[str, Any]]:
    return [call for call in upload_calls(sandbox) if "standard=RASP" in call["query"]]


def issue_to_bucataria(sandbox: Any, organization: Organization, *numbers: str) -> list[OutgoingInvoice]:
    """Alfa sends the invoices to Bucătăria through the outbox; ANAF accepts them; Bucătăria syncs."""
    alfa = company(organization, ALFA)
    sent = [
        outgoing_intake(company=alfa, xml=issued_xml(number, buyer_id=BUCATARIA)).invoice
        for number in numbers
    ]
    later(sandbox, minutes=2)
    sent = [OutgoingInvoice.objects.get(pk=row.pk) for row in sent]
    assert {row.state for row in sent} == {OutgoingState.OK}
    assert inbox_sync_company(company_id=company(organization, BUCATARIA).pk).outcome == "ok"
    return sent


def received(organization: Organization, number: str) -> Invoice:
    return Invoice.objects.select_related("message").get(
        company=company(organization, BUCATARIA), direction=Direction.RECEIVED, number=number
    )


def review_url(organization: Organization, invoice: Invoice) -> str:
    return f"/o/{organization.slug}/desk/{invoice.pk}/"


def sent_messages(invoice: Invoice) -> list[BuyerMessage]:
    return list(
        BuyerMessage.objects.filter(
            company=invoice.company,
            direction=BuyerMessageDirection.SENT,
            answers_upload_id=invoice.message.upload_id,
        ).select_related("upload")
    )


def test_refuse_with_reason_reaches_the_seller_and_links_to_the_issued_invoice(
    hub_sandbox: Any, authorized: Organization, member: User, settings: Any
) -> None:
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    webhook_services.endpoint_create(
        organization=authorized,
        url="http://127.0.0.1:9/hook",
        events=["buyer_message.sent.accepted", "buyer_message.received", "invoice.sent.accepted"],
    )
    (issued,) = issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0101")
    invoice = received(authorized, "ALFA-2026-0101")
    assert invoice.message.upload_id == issued.upload_id  # ANAF's index of Alfa's upload
    client = login(member)
    url = review_url(authorized, invoice)
    form = {"action": "refuse", "reason": "Cantitatea livrată e mai mică", "notify_supplier": "on"}

    client.post(url, form)
    again = client.post(url, form, follow=True)  # a double click, or the browser sending it again

    assert "1 factură a rămas neschimbată" in again.content.decode()
    calls = rasp_calls(hub_sandbox)
    assert len(calls) == 1  # one decision, one message
    query = parse_qs(calls[0]["query"])
    assert query["cif"] == [BUCATARIA]
    (message,) = sent_messages(invoice)
    assert message.decision == BuyerDecision.REFUSE
    assert (
        message.text
        == "Factura ALFA-2026-0101 din 02.11.2026 este refuzată. Motiv: Cantitatea livrată e mai mică"
    )
    xml = archive.blob_get(message.upload.xml_sha256)
    assert f'index_incarcare="{issued.upload_id}"'.encode() in xml
    assert message.upload.state == OutgoingState.SENT
    assert [attempt.outcome for attempt in message.upload.attempts.all()] == ["sent"]

    later(hub_sandbox, minutes=2)  # the status poll: ANAF took it
    message.upload.refresh_from_db()
    assert message.upload.state == OutgoingState.OK
    page = client.get(url).content.decode()
    assert "Mesaj trimis furnizorului" in page
    assert "Cantitatea livrată e mai mică" in page
    assert "Transmis de ANAF furnizorului" in page
    inbox_page = client.get(f"/o/{authorized.slug}/inbox/{invoice.pk}/").content.decode()
    assert "Mesaj trimis furnizorului" in inbox_page  # also on the invoice's page in Facturi primite

    accepted = Delivery.objects.get(event="buyer_message.sent.accepted")
    assert accepted.payload["data"]["buyer_message"]["text"] == message.text
    assert accepted.payload["data"]["buyer_message"]["decision"] == "refuse"
    assert Delivery.objects.filter(event="invoice.sent.accepted").count() == 1  # the invoice, not the message

    # Facturi emise does not list the message as an issued invoice
    outbox_page = client.get(f"/o/{authorized.slug}/outbox/").content.decode()
    assert f"/outbox/{message.upload.pk}/" not in outbox_page
    assert client.get(f"/o/{authorized.slug}/outbox/{message.upload.pk}/").status_code == 404

    # The seller: the sandbox lists the message for Alfa; Alfa's sync links it to the issued invoice.
    alfa = company(authorized, ALFA)
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    document = Invoice.objects.get(company=alfa, kind=DocumentKind.BUYER_MESSAGE)
    assert document.message.upload_id == message.upload.upload_id
    customer = BuyerMessage.objects.get(company=alfa, direction=BuyerMessageDirection.RECEIVED)
    assert customer.answers_upload_id == issued.upload_id
    assert customer.text == message.text
    assert customer.document_id == document.pk
    detail = client.get(f"/o/{authorized.slug}/outbox/{issued.pk}/").content.decode()
    assert "Mesaje de la client (RASP)" in detail
    assert "Cantitatea livrată e mai mică" in detail
    assert f"/o/{authorized.slug}/inbox/{document.pk}/" in detail
    heard = Delivery.objects.get(event="buyer_message.received")
    assert heard.payload["data"]["outgoing"]["id"] == issued.pk
    assert heard.payload["data"]["buyer_message"]["answers_upload_id"] == issued.upload_id
    listing = client.get(f"/o/{authorized.slug}/outbox/").content.decode()
    assert listing.count("data-customer-messages") == 1  # the issued invoice is marked in the list
    inbox_doc = client.get(f"/o/{authorized.slug}/inbox/{document.pk}/").content.decode()
    assert f"/o/{authorized.slug}/outbox/{issued.pk}/" in inbox_doc

    # Bucătăria's own copy from ANAF's list links back to its message, not to a customer's
    assert inbox_sync_company(company_id=company(authorized, BUCATARIA).pk).outcome == "ok"
    echo = Invoice.objects.get(company=company(authorized, BUCATARIA), kind=DocumentKind.BUYER_MESSAGE)
    message.refresh_from_db()
    assert message.document_id == echo.pk
    assert not BuyerMessage.objects.filter(
        company=company(authorized, BUCATARIA), direction=BuyerMessageDirection.RECEIVED
    ).exists()
    echo_page = client.get(f"/o/{authorized.slug}/inbox/{echo.pk}/").content.decode()
    assert f"/o/{authorized.slug}/inbox/{invoice.pk}/" in echo_page


def test_accept_then_a_second_decision_is_a_new_message(
    hub_sandbox: Any, authorized: Organization, member: User
) -> None:
    issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0201")
    invoice = received(authorized, "ALFA-2026-0201")
    client = login(member)
    url = review_url(authorized, invoice)

    client.post(url, {"action": "approve", "notify_supplier": "on"})
    later(hub_sandbox, minutes=2)
    client.post(url, {"action": "refuse", "reason": "Preț greșit", "notify_supplier": "on"})
    later(hub_sandbox, minutes=2)

    first, second = sent_messages(invoice)
    assert (first.decision, second.decision) == (BuyerDecision.ACCEPT, BuyerDecision.REFUSE)
    assert first.text == "Factura ALFA-2026-0201 din 02.11.2026 este acceptată."
    assert first.key != second.key
    assert first.upload.upload_id != second.upload.upload_id
    assert {first.upload.state, second.upload.state} == {OutgoingState.OK}
    assert len(rasp_calls(hub_sandbox)) == 2

    # without the option, a decision sends nothing; the desk then offers to tell the supplier, once
    client.post(url, {"action": "approve"})
    assert len(rasp_calls(hub_sandbox)) == 2
    page = client.get(url).content.decode()
    assert "data-rasp-send" in page
    client.post(url + "rasp/")
    client.post(url + "rasp/")
    assert len(rasp_calls(hub_sandbox)) == 3
    assert [m.decision for m in sent_messages(invoice)] == ["accept", "refuse", "accept"]
    assert "data-rasp-send" not in client.get(url).content.decode()


def test_a_viewer_may_not_send_and_bad_requests_are_explained(
    hub_sandbox: Any, authorized: Organization, member: User, viewer: User
) -> None:
    issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0301")
    invoice = received(authorized, "ALFA-2026-0301")
    url = review_url(authorized, invoice)

    assert login(viewer).post(url, {"action": "approve", "notify_supplier": "on"}).status_code == 403
    assert login(viewer).post(url + "rasp/").status_code == 403
    client = login(member)
    booked = client.post(url, {"action": "book", "notify_supplier": "on"}, follow=True).content.decode()
    assert "alege Aprobă sau Respinge" in booked
    no_reason = client.post(url, {"action": "refuse", "notify_supplier": "on"}, follow=True).content.decode()
    assert "Scrie motivul respingerii facturii." in no_reason
    assert rasp_calls(hub_sandbox) == []
    assert invoice.review.state == ReviewState.TO_REVIEW
    # an organization's messages are its own: another organization's member sees a 404
    assert login(User.objects.get(username="oscar")).get(url).status_code == 404


@pytest.fixture
def one_rasp_a_day(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["limits"] = {"rasp_per_cif_per_day": 1}
    return sandbox_seed


def test_anaf_daily_rasp_limit_keeps_the_message_and_sends_it_the_next_day(
    one_rasp_a_day: dict[str, Any], hub_sandbox: Any, authorized: Organization, member: User
) -> None:
    issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0401", "ALFA-2026-0402")
    first, second = received(authorized, "ALFA-2026-0401"), received(authorized, "ALFA-2026-0402")
    client = login(member)
    client.post(review_url(authorized, first), {"action": "approve", "notify_supplier": "on"})
    client.post(review_url(authorized, second), {"action": "approve", "notify_supplier": "on"})

    (waiting,) = sent_messages(second)
    assert waiting.upload.state == OutgoingState.QUEUED
    assert waiting.upload.last_error == "rate_limited"
    assert waiting.upload.attempts.get().outcome == "not_sent"
    page = client.get(review_url(authorized, second)).content.decode()
    assert "limita zilnică ANAF de mesaje către furnizor" in page
    assert len(rasp_calls(hub_sandbox)) == 2  # ANAF refused the second on the spot: nothing filed

    later(hub_sandbox, seconds=30)  # still the same day: the beat does not try again
    assert len(rasp_calls(hub_sandbox)) == 2
    later(hub_sandbox, days=1)  # a new day at ANAF: the beat sends it
    later(hub_sandbox, minutes=2)
    waiting.upload.refresh_from_db()
    assert waiting.upload.state == OutgoingState.OK
    assert len(rasp_calls(hub_sandbox)) == 3
    assert OutgoingInvoice.objects.filter(standard=Standard.RASP).count() == 2


def test_a_lost_answer_is_found_in_anafs_list_not_sent_twice(
    hub_sandbox: Any, authorized: Organization, member: User, settings: Any
) -> None:
    issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0501")
    invoice = received(authorized, "ALFA-2026-0501")
    settings.EFACTURA_ANAF_TIMEOUT_SECONDS = 1
    hub_sandbox.add_faults(
        {"path": "/*/FCTEL/rest/upload", "kind": "timeout", "seconds": 3, "after": True, "count": 1}
    )
    login(member).post(
        review_url(authorized, invoice), {"action": "refuse", "reason": "Dublură", "notify_supplier": "on"}
    )
    (message,) = sent_messages(invoice)
    assert message.upload.state == OutgoingState.UNCERTAIN

    later(hub_sandbox, minutes=2)  # the reconciliation lists ANAF's buyer messages (filter R) and finds it
    later(hub_sandbox, minutes=2)
    message.upload.refresh_from_db()
    assert message.upload.state == OutgoingState.OK
    assert [a.outcome for a in message.upload.attempts.all()] == ["found"]  # the uncertain attempt, decided
    assert len(rasp_calls(hub_sandbox)) == 1
    assert timedelta(0) <= message.upload.uploaded_at - message.created < timedelta(minutes=1)


def test_the_service_sends_once_per_decision_key(hub_sandbox: Any, authorized: Organization) -> None:
    (issued,) = issue_to_bucataria(hub_sandbox, authorized, "ALFA-2026-0601")
    buyer = company(authorized, BUCATARIA)
    answered = Answered(issued.upload_id, "ALFA-2026-0601", None)

    first = buyer_message_send(
        company=buyer, answered=answered, decision=BuyerDecision.ACCEPT, note="", key="erp-decision-7"
    )
    retried = buyer_message_send(
        company=buyer, answered=answered, decision=BuyerDecision.ACCEPT, note="", key="erp-decision-7"
    )
    assert retried.pk == first.pk
    assert len(rasp_calls(hub_sandbox)) == 1
    assert first.text == "Factura ALFA-2026-0601 este acceptată."

    with pytest.raises(BuyerMessageRefused) as refused:
        buyer_message_send(
            company=buyer, answered=answered, decision=BuyerDecision.REFUSE, note=" ", key="k-2"
        )
    assert refused.value.code == "reason_required"
    with pytest.raises(BuyerMessageRefused) as refused:
        buyer_message_send(
            company=buyer, answered=Answered(""), decision=BuyerDecision.ACCEPT, note="", key="k-3"
        )
    assert refused.value.code == "no_upload_index"
    assert len(rasp_calls(hub_sandbox)) == 1
