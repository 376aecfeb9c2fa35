"""Helpers for the ANAF client tests: built invoices, the sandbox's control API over HTTP, recorders."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx

from anaf import OAuthClient, RetryPolicy, TokenSet
from tests.sample_invoices import ro_invoice_xml

# A CIUS-RO invoice ANAF's rules accept, from a seller outside the sandbox's seed.
UBL_SAMPLE = ro_invoice_xml("FCT-2026-0042")
# Short, real delays: tests retry for real but do not wait seconds.
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, max_rate_limit_wait=5.0)


def login(sandbox: Any, oauth: OAuthClient, app: dict[str, Any], certificate: dict[str, Any]) -> TokenSet:
    """The certificate holder authorizes in the sandbox's browser form; we exchange the code."""
    code = sandbox.authorize(
        app["client_id"], app["redirect_uris"][0], certificate["serial"], certificate["pin"]
    )
    return oauth.exchange_code(code)


def invoice_for(seller_cif: str) -> bytes:
    """The sample invoice issued by `seller_cif` (so its messages are ours)."""
    return ro_invoice_xml("FCT-2026-0042", seller_vat_id=f"RO{seller_cif}")


# The sandbox's control API (/_sandbox/..., documented in docs/sandbox.md), spoken over HTTP.


def calls(sandbox: Any, path: str) -> list[dict[str, Any]]:
    """The sandbox's call log for paths containing `path`, oldest first."""
    response = httpx.get(f"{sandbox.url}/_sandbox/calls", params={"path": path})
    response.raise_for_status()
    return list(response.json()["calls"])


def add_fault(sandbox: Any, path: str, kind: str, **spec: Any) -> None:
    """Make the next matching calls fail (`count`, default 1) or a share of them (`rate`)."""
    if "rate" not in spec:
        spec.setdefault("count", 1)
    response = httpx.post(f"{sandbox.url}/_sandbox/faults", json={"path": path, "kind": kind, **spec})
    response.raise_for_status()


def advance(sandbox: Any, seconds: float) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/clock", json={"advance_seconds": seconds}).raise_for_status()


def set_clock(sandbox: Any, moment: datetime) -> None:
    httpx.post(f"{sandbox.url}/_sandbox/clock", json={"now": moment.isoformat()}).raise_for_status()


def sandbox_now(sandbox: Any) -> datetime:
    response = httpx.get(f"{sandbox.url}/_sandbox/clock")
    response.raise_for_status()
    return datetime.fromisoformat(response.json()["now"])


def query_value(call: dict[str, Any], name: str) -> str | None:
    match = re.search(rf"(?:^|&){name}=([^&]*)", call.get("query", ""))
    return match.group(1) if match else None


class Recorder:
    """httpx event hooks on an injected client: what went out and what came back, byte for byte."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    def on_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.bodies.append(response.content)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(
            event_hooks={"request": [self.on_request], "response": [self.on_response]}, **kwargs
        )
