"""Helpers shared by the hub's tests: the personas' password, logging in, authorizing at the sandbox over
HTTP, moving both clocks. Fixtures live in the `conftest.py` files; these are plain functions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from hub.accounts.models import Organization, User
from hub.core import clock

CALLBACK_PATH = "/integrations/ro-efactura/oauth/callback/"
OLD_CERT = "34:00:00:25:69:aa:10:01:7e:00:00:00:01:5a"
NEW_CERT = "34:00:00:31:7c:bb:20:02:8f:00:00:00:02:6b"
PASSWORD = "correct-horse-battery-staple"


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def advance_clocks(sandbox: Any, delta: timedelta) -> None:
    """Move the sandbox's clock and the hub's by the same amount."""
    sandbox.advance(seconds=delta.total_seconds())
    clock.advance(delta)


def authorize_over_http(
    client: Client, organization: Organization, sandbox: Any, *, serial: str = OLD_CERT, pin: str = "1234"
) -> Any:
    """Press "Autorizare cu ANAF SPV" (no popup), log in at the sandbox, follow ANAF's redirect back."""
    response = client.post(f"/o/{organization.slug}/integrations/ro-efactura/authorize/")
    assert response.status_code == 302, response.content[:500]
    query = parse_qs(urlsplit(response["Location"]).query)
    code = sandbox.authorize(
        query["client_id"][0], query["redirect_uri"][0], serial=serial, pin=pin, state=query["state"][0]
    )
    return client.get(CALLBACK_PATH, {"code": code, "state": query["state"][0]})


def form_once(client: Client, url: str) -> str:
    """The one-time token of the creating form on the page at `url` (`hub.core.once`)."""
    page = client.get(url).content.decode()
    return page.split('name="form_once" value="', 1)[1].split('"', 1)[0]


def post_once(client: Client, url: str, data: dict[str, Any]) -> Any:
    """Send the creating form on `url` once, as a browser does (its token, then follow the redirect)."""
    return client.post(url, {**data, "form_once": form_once(client, url)}, follow=True)
