"""The desk's review of received invoices, on invoices the hub downloaded from the sandbox over HTTP: default
assignees, bulk approve/refuse/book with the audit trail and webhooks, roles, the API filter, the counter and
the daily digest."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create
from hub.desk.models import EntryKind, InvoiceReview, ReviewEntry, ReviewState
from hub.desk.services import digests_send
from hub.inbox.models import Direction, Invoice
from hub.inbox.services.sync import inbox_sync_company
from hub.webhooks import services as webhook_services
from hub.webhooks.models import Delivery
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 3, "days": 4, "seed": 5, "companies": [ALFA]}
    return sandbox_seed


@pytest.fixture
def synced(
    hub_sandbox: Any, authorized: Organization, member: User, owner: User, settings: Any
) -> Organization:
    """ALFA's default reviewer is the accountant, chosen in the page before the first sync."""
    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = (
        True  # nothing listens there: the delivery rows are the payloads
    )
    alfa = company(authorized, ALFA)
    response = login(owner).post(
        f"/o/{authorized.slug}/desk/assignees/", {f"company-{alfa.pk}": str(member.pk)}
    )
    assert response.status_code == 302
    webhook_services.endpoint_create(
        organization=authorized,
        url="http://127.0.0.1:9/hook",
        events=["invoice.received.approved", "invoice.received.refused", "invoice.received.booked"],
    )
    assert inbox_sync_company(company_id=alfa.pk).outcome == "ok"
    return authorized


def _received(organization: Organization) -> list[int]:
    return list(
        Invoice.objects.filter(organization=organization, direction=Direction.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )


def test_bulk_review_with_trail_roles_and_webhooks(synced: Organization, member: User, viewer: User) -> None:
    received = _received(synced)
    assert len(received) >= 4
    reviews = InvoiceReview.objects.filter(invoice_id__in=received)
    assert reviews.count() == len(received)  # opened on archive, each with the company's default
    assert set(reviews.values_list("state", "assignee_id")) == {(ReviewState.TO_REVIEW, member.pk)}
    desk = f"/o/{synced.slug}/desk/"

    # a viewer reads the list but may not change it
    viewer_client = login(viewer)
    assert viewer_client.get(desk).status_code == 200
    refused = viewer_client.post(desk + "bulk/", {"action": "approve", "invoice": received[:2]})
    assert refused.status_code == 403
    assert not InvoiceReview.objects.exclude(state=ReviewState.TO_REVIEW).exists()

    client = login(member)
    response = client.post(
        desk + "bulk/", {"action": "approve", "invoice": received[:2], "query": "state=to_review"}
    )
    assert response.status_code == 302
    assert response["Location"] == desk + "?state=to_review"
    assert set(InvoiceReview.objects.filter(invoice_id__in=received[:2]).values_list("state", flat=True)) == {
        ReviewState.APPROVED
    }

    # refusing needs a reason, in the user's language
    page = client.post(desk + "bulk/", {"action": "refuse", "invoice": [received[2]]}, follow=True)
    assert "Scrie motivul respingerii facturii." in page.content.decode()
    assert InvoiceReview.objects.get(invoice_id=received[2]).state == ReviewState.TO_REVIEW
    client.post(desk + "bulk/", {"action": "refuse", "invoice": [received[2]], "reason": "Preț greșit"})
    assert InvoiceReview.objects.get(invoice_id=received[2]).reason == "Preț greșit"

    # book everything still to review or approved, through "all matching the filters"; the refused one stays
    booked = client.post(
        desk + "bulk/",
        {"action": "book", "all_matching": "1", "query": f"company={synced.companies.get(cif=ALFA).pk}"},
        follow=True,
    )
    text = booked.content.decode()
    assert InvoiceReview.objects.get(invoice_id=received[2]).state == ReviewState.REFUSED
    assert set(InvoiceReview.objects.exclude(invoice_id=received[2]).values_list("state", flat=True)) == {
        ReviewState.BOOKED
    }
    assert "1 invoice left as it was" in text or "1 factură" in text

    # a booked invoice stays booked
    client.post(desk + "bulk/", {"action": "reopen", "invoice": [received[0]]})
    assert InvoiceReview.objects.get(invoice_id=received[0]).state == ReviewState.BOOKED

    trail = list(
        ReviewEntry.objects.filter(review__invoice_id=received[0]).values_list(
            "kind", "from_state", "to_state", "user"
        )
    )
    assert trail == [
        (EntryKind.STATE, ReviewState.TO_REVIEW, ReviewState.APPROVED, member.pk),
        (EntryKind.STATE, ReviewState.APPROVED, ReviewState.BOOKED, member.pk),
    ]
    events = list(Delivery.objects.order_by("pk").values_list("event", flat=True))
    assert events.count("invoice.received.approved") == 2
    assert events.count("invoice.received.refused") == 1
    assert events.count("invoice.received.booked") == len(received) - 1
    refusal = Delivery.objects.get(event="invoice.received.refused")
    assert refusal.payload["data"]["review"]["reason"] == "Preț greșit"
    assert refusal.payload["data"]["invoice"]["id"] == received[2]

    # comments and the history on the invoice's own page
    client.post(desk + f"{received[2]}/comment/", {"text": "Am cerut factură de stornare."})
    detail = client.get(desk + f"{received[2]}/").content.decode()
    assert "Am cerut factură de stornare." in detail
    assert "Preț greșit" in detail
    assert viewer_client.post(desk + f"{received[2]}/comment/", {"text": "x"}).status_code == 403


def test_api_filters_by_review_state_and_stays_in_the_organization(
    synced: Organization, member: User, owner: User, outsider: User
) -> None:
    received = _received(synced)
    login(member).post(f"/o/{synced.slug}/desk/bulk/", {"action": "approve", "invoice": received[:3]})
    _row, key = api_key_create(organization=synced, name="erp", scopes=["read"], user=owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    approved = api.get("/api/v1/reviews", {"state": "approved"}).json()
    assert sorted(item["invoice"]["id"] for item in approved["items"]) == sorted(received[:3])
    assert {item["changed_by"] for item in approved["items"]} == {member.username}
    waiting = api.get("/api/v1/reviews", {"state": "to_review", "assignee": member.username, "limit": 2})
    body = waiting.json()
    assert len(body["items"]) == 2
    assert body["next_cursor"] is not None
    assert api.get("/api/v1/reviews", {"state": "nope"}).status_code == 422
    assert api.get("/api/v1/reviews", {"assignee": outsider.username}).status_code == 404

    other = outsider.memberships.get().organization
    _row, foreign = api_key_create(organization=other, name="x", scopes=["read"], user=outsider)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {foreign}").get("/api/v1/reviews").json()["items"] == []


def test_counter_and_daily_digest_tell_the_assignee_oldest_first(
    synced: Organization, member: User, owner: User
) -> None:
    received = _received(synced)
    login(member).post(f"/o/{synced.slug}/desk/bulk/", {"action": "approve", "invoice": [received[0]]})
    waiting = len(received) - 1

    page = login(member).get(f"/o/{synced.slug}/inbox/").content.decode()
    counter = re.search(r"data-desk-waiting[^>]*>(\d+)<", page)
    assert counter is not None
    assert counter.group(1) == str(waiting)
    assert "data-desk-waiting" not in login(owner).get(f"/o/{synced.slug}/inbox/").content.decode()

    mail.outbox.clear()
    assert digests_send() == 1
    assert digests_send() == 0  # once a day
    [message] = [m for m in mail.outbox if member.email in m.to]
    body = message.body
    assert f"{waiting} facturi primite așteaptă verificarea ta" in body  # the Romanian plural, worded
    oldest = Invoice.objects.get(pk=received[1])
    assert (oldest.number or "?") in body
    assert body.index(oldest.number) < body.index(Invoice.objects.get(pk=received[2]).number)
    if waiting > 5:  # the five oldest are named, the newest is only counted
        assert Invoice.objects.get(pk=received[-1]).number not in body
