"""An inbox page, its search and the API list cost the same number of queries for 10 rows as for 50."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hub.accounts.models import Organization, User
from hub.api.services import api_key_create
from hub.inbox import views
from hub.inbox.models import Invoice
from hub.inbox.services.sync import inbox_sync_company
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 4, "days": 20, "seed": 9, "companies": [ALFA]}
    return sandbox_seed


@pytest.fixture
def synced(hub_sandbox: Any, authorized: Organization) -> Organization:
    assert inbox_sync_company(company_id=company(authorized, ALFA).pk).outcome == "ok"
    # Some rows without a number: the list shows the message's download id instead (the message's table).
    some = list(Invoice.objects.filter(organization=authorized).values_list("pk", flat=True)[::7])
    Invoice.objects.filter(pk__in=some).update(number="")
    return authorized


def _queries(action: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries), response


@pytest.mark.parametrize("params", [{}, {"q": "srl"}, {"sort": "amount"}], ids=["list", "search", "sorted"])
def test_an_inbox_page_costs_the_same_queries_for_10_rows_as_for_50(
    synced: Organization, viewer: User, monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    client = login(viewer)
    base = f"/o/{synced.slug}/inbox/"
    client.get(base)  # the session and the language settle on the first request
    counts = {}
    for size in (10, 50):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        counts[size], response = _queries(lambda: client.get(base, params))
        assert response.content.decode().count("<tr data-invoice=") == size
    assert counts[10] == counts[50], counts
    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    page = client.get(base).content.decode()
    blanks = Invoice.objects.filter(organization=synced, number="").select_related("message")
    assert blanks
    for blank in blanks:  # a row without a number links with its message's download id
        assert f'<a href="{base}{blank.pk}/">{blank.message.download_id}</a>' in page


def test_the_api_list_costs_the_same_queries_for_10_items_as_for_50(synced: Organization) -> None:
    _row, key = api_key_create(organization=synced, name="queries", scopes=["read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    counts = {}
    for size in (10, 50):
        counts[size], response = _queries(lambda size=size: api.get("/api/v1/invoices", {"limit": str(size)}))
        items = response.json()["items"]
        assert len(items) == size
        assert all(item["company_cif"] == ALFA and item["message_id"] for item in items)
    assert counts[10] == counts[50], counts
    searched, response = _queries(lambda: api.get("/api/v1/invoices", {"limit": "50", "q": "srl"}))
    assert searched <= counts[50] + 1, (searched, counts)
