"""Fault injection per path (what the faults look like: docs/anaf.md §2.7 WAF page, §1.10).

Faults are seed data (``faults`` in the seed, or ``POST /_sandbox/faults``), never code branches: each has
an fnmatch ``path`` pattern, a ``kind``, and either a ``rate`` (probability per call) or a ``count`` (the
next N matching calls); ``body_contains`` limits it to bodies holding a text (§2.7: the WAF blocks
invoices with ``;CP `` in an address or a relative ``xsi:schemaLocation``). With ``after`` the call is
handled first (an upload is recorded) and the fault replaces its answer: the client never learns what
happened (§6 "an upload whose answer was lost is uncertain").
"""

from __future__ import annotations

import asyncio
import secrets
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Message, Send

if TYPE_CHECKING:
    from .core import Sandbox

KINDS = (
    "http_500",
    "http_502",
    "http_504",
    "timeout",
    "slow",
    "waf",
    "maintenance",
    "login_wall",
    "truncated",
    "token_refused",
    "technical_error",
    "rejected",
)
# §1.9: the live /revoke answered like any path behind F5's login wall.
LOGIN_WALL = "/my.policy"
DEFAULT_SECONDS = {"slow": 2.0, "timeout": 65.0}

# §2.7: F5's block page, served with HTTP 200.
WAF_PAGE = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    "Please consult with your administrator.<br><br>Your support ID is: {support_id}"
    "<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>"
)
# §2.1: ANAF's technical-error answer to an upload (HTTP 200, ExecutionStatus 1); users report code 1814.
TECHNICAL_ERROR = "A aparut o eroare tehnica. Cod: 1814"
UPLOAD_NS = "mfp:anaf:dgti:spv:respUploadFisier:v1"
# Not in the contract: ANAF's maintenance notices are plain Romanian text; the sandbox serves one (503).
# A rule ANAF applies that the client's copy of the rules lacks (ANAF updates its Schematron on its own
# schedule): the upload is accepted and its processing ends `nok` with this text (§2.5's error format).
REJECTED_TEXT = (
    "[BR-RO-065]-Identificatorul de înregistrare fiscala a Vanzatorului (BT-32) trebuie sa fie înscris."
    "\n\t\t#The Seller tax registration identifier (BT-32) shall be present."
)
MAINTENANCE_TEXT = (
    "Serviciul este temporar indisponibil din cauza unor lucrari de mentenanta. "
    "Va rugam sa reveniti mai tarziu."
)


def wants_body(sandbox: Sandbox, path: str) -> bool:
    """True when a fault on ``path`` looks into the request body (``body_contains``)."""
    with sandbox.state.lock:
        return any(f.get("body_contains") and fnmatchcase(path, f["path"]) for f in sandbox.state.faults)


def pick(sandbox: Sandbox, method: str, path: str, body: bytes | None = None) -> dict[str, Any] | None:
    """The first fault that fires for this call (a ``count`` fault is used up as it fires)."""
    with sandbox.state.lock:
        for fault in sandbox.state.faults:
            if not fnmatchcase(path, fault["path"]):
                continue
            if fault.get("method") and fault["method"].upper() != method.upper():
                continue
            needle = fault.get("body_contains")
            if needle and (body is None or needle.encode("utf-8") not in body):
                continue
            if "count" in fault:
                if fault["count"] <= 0:
                    continue
                fault["count"] -= 1
                return dict(fault)
            if sandbox.random.random() < float(fault.get("rate", 1.0)):
                return dict(fault)
    return None


async def apply(fault: dict[str, Any], timestamp: str, invalid_token_status: int = 401) -> Response | None:
    """The response a fault gives, or None when the call goes on afterwards (``slow``).

    ``timestamp`` is the sandbox time as ``dd-MM-yyyy HH:mm:ss`` for the JSON error body of HTTP 500;
    ``invalid_token_status`` is how the Bearer check refuses a token (``token_refused`` answers the same).
    """
    kind = fault["kind"]
    seconds = float(fault.get("seconds", DEFAULT_SECONDS.get(kind, 0.0)))
    if kind == "slow":
        await asyncio.sleep(seconds)
        return None
    if kind == "truncated":
        return None  # the call goes on; the gate cuts its answer (`truncating`)
    if kind == "rejected":
        return None  # the call goes on; the upload handler reads the fault (`rejection`)
    if kind == "timeout":
        # Hold the connection past any sensible client timeout, then give up like a gateway.
        await asyncio.sleep(seconds)
        return gateway_page(504, "Gateway Time-out")
    if kind == "technical_error":
        return Response(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<header xmlns="{UPLOAD_NS}" ExecutionStatus="1">\n'
            f'    <Errors errorMessage="{TECHNICAL_ERROR}"/>\n</header>',
            media_type="application/xml",
        )
    if kind == "waf":
        return HTMLResponse(WAF_PAGE.format(support_id=secrets.randbelow(10**19)), status_code=200)
    if kind == "maintenance":
        return PlainTextResponse(MAINTENANCE_TEXT, status_code=503)
    if kind == "login_wall":
        return RedirectResponse(LOGIN_WALL, status_code=302)
    if kind == "token_refused":  # any valid token refused, as the Bearer check refuses a dead one
        return Response(
            status_code=invalid_token_status, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    status = int(kind.removeprefix("http_"))
    if status == 500:
        # §2.1: HTTP 500 uses the CustomErrorMessage schema.
        body = {
            "timestamp": timestamp,
            "status": 500,
            "error": "Internal Server Error",
            "message": f"A aparut o eroare tehnica. Cod: {secrets.randbelow(900) + 100}",
        }
        return JSONResponse(body, status_code=500)
    titles = {500: "Internal Server Error", 502: "Bad Gateway", 504: "Gateway Time-out"}
    return gateway_page(status, titles[status])


def gateway_page(status: int, title: str) -> HTMLResponse:
    return HTMLResponse(
        f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>",
        status_code=status,
    )


def discarding(send: Send) -> Send:
    """A ``send`` that drops the real answer (an ``after`` fault answers in its place)."""

    async def drop(message: Message) -> None:
        return None

    return drop


def truncating(send: Send) -> Send:
    """A ``send`` that delivers only the first half of the body, still as a complete HTTP 200 answer
    (a ZIP cut short by a proxy or a dropped connection, with a matching ``Content-Length``)."""
    start: Message | None = None
    body = b""

    async def cut(message: Message) -> None:
        nonlocal start, body
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        body += message.get("body", b"")
        if message.get("more_body"):
            return
        kept = body[: len(body) // 2]
        assert start is not None
        headers = [
            (name, value) for name, value in start.get("headers", []) if name.lower() != b"content-length"
        ]
        headers.append((b"content-length", str(len(kept)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": kept, "more_body": False})

    return cut


def rejection(fault: dict[str, Any] | None) -> list[str]:
    """The rule errors a ``rejected`` fault adds to an upload's processing (``message``, else ANAF's text)."""
    if fault is None or fault.get("kind") != "rejected":
        return []
    return [str(fault.get("message") or REJECTED_TEXT)]
