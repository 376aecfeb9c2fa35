"""Recognisers for what ANAF sends back: body kinds and the wordings of its HTTP-200 error texts (§2, §3, §6).

They under-match on purpose. A text none of them knows becomes a plain `ResponseError` with ANAF's words;
a false "expired" or "no rights" would make the caller skip work forever.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx

from anaf.errors import (
    Maintenance,
    MessageExpired,
    NoSpvRights,
    RateLimited,
    ResponseError,
    ServerError,
    WafBlocked,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")

BodyKind = Literal["zip", "pdf", "json", "xml", "html", "text", "empty"]

_WAF = re.compile(r"The requested URL was rejected", re.IGNORECASE)
_MAINTENANCE = re.compile(
    r"\b(mentenan[tț][aăe]|maintenance|lucr[aă]ri de (?:[iî]ntre[tț]inere|mentenan)|"
    r"indisponibil[aă]? temporar|temporar indisponibil|temporarily unavailable)",
    re.IGNORECASE,
)
_NO_MESSAGES = re.compile(r"^\s*Nu exista mesaje\b", re.IGNORECASE)
_NO_RIGHTS = re.compile(
    r"^\s*(Nu aveti drept(ul)?\b|Nu exista niciun CIF pe?n?tru care sa aveti drept)", re.IGNORECASE
)
_DAILY_LIMIT = re.compile(r"^\s*S-au (facut|incarcat) deja \d+ .*in cursul zilei", re.IGNORECASE | re.DOTALL)
_EXPIRED = re.compile(r"nu mai poate fi descarcat", re.IGNORECASE)
_TECHNICAL = re.compile(r"^\s*A aparut o eroare tehnica", re.IGNORECASE)
_FUTURE_END = re.compile(
    r"nu poate in viitor fata de momentul requestului\s*=\s*(\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2})",
    re.IGNORECASE,
)


def body_kind(response: httpx.Response) -> BodyKind:
    """What the body really is, whatever its Content-Type says (JSON arrives as text/plain, §2.0)."""
    data = response.content
    if not data.strip():
        return "empty"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data.lstrip()[:200].lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head:
        return "html"
    if head.startswith(b"<"):
        return "xml"
    return "text"


def json_body(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def error_text(response: httpx.Response) -> str:
    """ANAF's own message from any error shape: `eroare`, CustomErrorMessage `message`, `msg`, or the text."""
    data = json_body(response)
    if isinstance(data, dict):
        for key in ("eroare", "message", "msg", "error_description", "error"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
    return response.text.strip()[:2000]


def is_waf_page(response: httpx.Response) -> bool:
    return body_kind(response) in ("html", "text") and bool(_WAF.search(response.text))


def is_maintenance_page(response: httpx.Response) -> bool:
    """A maintenance notice: an HTML page on any status, plain text only with an error status.

    (A 200 text body is a real answer, e.g. the hello echo, whatever words it contains.)
    """
    kind = body_kind(response)
    if kind == "text" and response.status_code < 500:
        return False
    return kind in ("html", "text") and bool(_MAINTENANCE.search(response.text))


def is_no_messages(text: str) -> bool:
    return bool(_NO_MESSAGES.search(text))


def is_technical(text: str) -> bool:
    """ANAF's "A aparut o eroare tehnica. Cod: ..." (a failure on its side, not a verdict on the document)."""
    return bool(_TECHNICAL.search(text))


def next_bucharest_midnight(now: datetime) -> datetime:
    """ANAF's daily counters run per calendar day, Romanian time ("in cursul zilei")."""
    local = now.astimezone(BUCHAREST)
    tomorrow = (local + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=BUCHAREST)


def server_time_in_future_error(text: str) -> datetime | None:
    """ANAF's clock, quoted in "endTime = ... nu poate in viitor ... = dd-MM-yyyy HH:mm:ss" (§2.4)."""
    match = _FUTURE_END.search(text)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%d-%m-%Y %H:%M:%S").replace(tzinfo=BUCHAREST)


def business_error(text: str, *, status: int, quota: str, now: datetime) -> ResponseError:
    """The typed exception for one of ANAF's business error texts (the caller handles "no messages")."""
    if _NO_RIGHTS.search(text):
        return NoSpvRights(f"No SPV rights: {text}", status=status, anaf_text=text)
    if _DAILY_LIMIT.search(text):
        reset_at = next_bucharest_midnight(now)
        return RateLimited(
            f"ANAF's daily {quota} quota is spent until {reset_at:%Y-%m-%d %H:%M} (Bucharest): {text}",
            quota=quota,
            reset_at=reset_at,
            status=status,
            anaf_text=text,
        )
    if _EXPIRED.search(text):
        return MessageExpired(f"The message is no longer available: {text}", status=status, anaf_text=text)
    if _TECHNICAL.search(text):
        return ServerError(f"ANAF technical error: {text}", status=status, anaf_text=text)
    if _WAF.search(text):
        return WafBlocked(f"Blocked by ANAF's firewall: {text}", status=status, anaf_text=text)
    if _MAINTENANCE.search(text):
        return Maintenance(f"ANAF is in maintenance: {text}", status=status, anaf_text=text)
    return ResponseError(f"ANAF refused the request: {text}", status=status, anaf_text=text)
