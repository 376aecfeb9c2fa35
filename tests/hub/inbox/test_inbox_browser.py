"""The inbox end to end in real Chromium: sync from the UI, open an invoice, see its PDF, download its ZIP;
then the same invoice over the REST API with an API key, and the webhook that announced it, signed."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from hub.accounts.models import Organization, User
from tests.hub.browser import DESKTOP, SCREENSHOTS, in_thread
from tests.hub.helpers import PASSWORD
from tests.hub.inbox.helpers import ALFA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 2, "days": 3, "seed": 11, "companies": [ALFA]}
    return sandbox_seed


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append({"headers": dict(self.headers), "body": body})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/efactura"
    server.shutdown()


@pytest.fixture
def page(authorized: Organization, browser: Callable[..., Any]) -> Any:
    return browser(DESKTOP)


def test_sync_open_pdf_zip_then_api_and_webhook(  # noqa: PLR0917  (pytest fixtures)
    authorized: Organization,
    owner: User,
    live_server: Any,
    receiver: str,
    settings: Any,
    page: Any,
    tmp_path: Path,
) -> None:
    from hub.api.services import api_key_create
    from hub.webhooks.services import endpoint_create

    settings.EFACTURA_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    endpoint = in_thread(
        lambda: endpoint_create(organization=authorized, url=receiver, events=["invoice.received"])
    )
    _key, api_key = in_thread(
        lambda: api_key_create(organization=authorized, name="contabilitate", scopes=["read", "download"])
    )
    base, slug = live_server.url, authorized.slug

    page.goto(f"{base}/login/")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Autentificare").click()
    page.goto(f"{base}/o/{slug}/inbox/")
    assert "Niciun document încă" in page.content()
    page.get_by_role("button", name="Sincronizează acum").click()
    page.wait_for_selector("tr[data-invoice]")
    assert "Sincronizarea a pornit" in page.content()
    rows = page.locator("tr[data-invoice]")
    assert rows.count() == 6
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "inbox-list.png"), full_page=True)

    rows.first.locator("a").first.click()
    page.wait_for_selector("[data-field=payable]")
    invoice_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert "Semnătura Ministerului corespunde documentului" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "inbox-invoice.png"), full_page=True)

    pdf_url = page.locator("[data-action=pdf]").get_attribute("href")
    pdf = page.request.get(f"{base}{pdf_url}")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    with page.expect_download() as download_info:
        page.locator("[data-action=zip]").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert downloaded[:2] == b"PK"

    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=30) as api:
        listed = api.get(
            "/invoices", params={"company": in_thread(lambda: authorized.companies.get(cif=ALFA).pk)}
        )
        assert listed.status_code == 200
        ids = [item["id"] for item in listed.json()["items"]]
        assert invoice_id in ids
        assert len(ids) == 6
        detail = api.get(f"/invoices/{invoice_id}").json()
        assert detail["lines"]
        assert detail["vat_breakdown"]
        assert detail["signature_valid"] is True
        assert api.get(f"/invoices/{invoice_id}/zip").content == downloaded
        assert httpx.get(f"{base}/api/v1/invoices", timeout=30).status_code == 401

    announced = [json.loads(item["body"]) for item in Receiver.received]
    assert sorted(item["data"]["id"] for item in announced) == sorted(ids)
    for item in Receiver.received:
        timestamp, signature = (
            part.split("=", 1)[1] for part in item["headers"]["X-EFactura-Signature"].split(",")
        )
        expected = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + item["body"], hashlib.sha256)
        assert hmac.compare_digest(signature, expected.hexdigest())
        assert item["headers"]["X-EFactura-Event"] == "invoice.received"
    page.goto(f"{base}/o/{slug}/webhooks/")
    assert page.locator("text=HTTP 204").count() == 6
