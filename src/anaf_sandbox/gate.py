"""What stands in front of the resource server (docs/anaf.md §1.10, §3): call log, faults, unknown
paths (403), the Bearer check (401 ``invalid_token``, or 403 per seed) and 1000 calls a minute (429).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import faults, quotas, tokens
from .clock import anaf_seconds
from .core import sandbox_of

# Paths of api.anaf.ro that need a Bearer token.
PROTECTED = re.compile(
    r"^/(prod|test)/FCTEL/rest/(upload|uploadb2c|stareMesaj|listaMesajeFactura|listaMesajePaginatieFactura"
    r"|descarcare|validare(/[^/]*)?|transformare(/.*)?)/?$|^/TestOauth/jaxrs/hello/?$"
)
# Served on webservicesp.anaf.ro without auth as well (§2.0): a token is checked only if one is sent.
OPTIONAL_AUTH = re.compile(r"^/prod/FCTEL/rest/(validare|transformare)(/.*)?$|^/api/validate/signature/?$")
PUBLIC = re.compile(
    r"^/api/PlatitorTvaRest/v9/tva/?$|^/api/registruroefactura/v1/interogare/?$"
    r"|^/anaf-oauth2/v1/(authorize|token|revoke)$"
)
# Paths answered with 404 by ANAF rather than 403 (§2.6: validare/transformare do not exist on test).
NOT_FOUND = re.compile(r"^/test/FCTEL/rest/(validare|transformare)(/.*)?$|^/prod/FCTEL/rest/validare/?$")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands the already-read body to the route."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class Gate:
    """Pure ASGI middleware (no response re-streaming) in front of every route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        sandbox = sandbox_of(request)
        record: dict[str, Any] = {
            "at": sandbox.now().isoformat(),
            "method": request.method,
            "path": request.url.path,
            "query": str(request.url.query),
        }
        sandbox.calls.append(record)
        body: bytes | None = None
        if faults.wants_body(sandbox, request.url.path):
            body = await request.body()
            receive = _replay(body)

        async def call_next() -> None:
            async def send_and_record(message: Message) -> None:
                if message["type"] == "http.response.start":
                    record["status"] = message["status"]
                await send(message)

            if record.get("fault_after"):
                await self.app(scope, receive, faults.discarding(send_and_record))
                return
            if record.get("fault") == "truncated":
                await self.app(scope, receive, faults.truncating(send_and_record))
                return
            await self.app(scope, receive, send_and_record)

        response = await self._guarded(request, call_next, record, body)
        if response is not None:
            record["status"] = response.status_code
            await response(scope, receive, send)

    async def _guarded(
        self,
        request: Request,
        call_next: Callable[[], Awaitable[None]],
        record: dict[str, Any],
        request_body: bytes | None,
    ) -> Response | None:
        """A response that stops the call here, or None once ``call_next`` has answered."""
        sandbox = sandbox_of(request)
        path = request.url.path
        if NOT_FOUND.match(path):
            body = {
                "timestamp": sandbox.now().isoformat(timespec="milliseconds"),
                "status": 404,
                "error": "Not Found",
                "path": re.sub(r"^/(prod|test)", "", path),
            }
            return JSONResponse(body, status_code=404)
        if not (PROTECTED.match(path) or OPTIONAL_AUTH.match(path) or PUBLIC.match(path)):
            return Response(status_code=403)  # §1.10: a wrong path gives 403
        fault = faults.pick(sandbox, request.method, path, request_body)
        if fault is not None:
            record["fault"] = fault["kind"]
            if fault.get("after"):
                record["fault_after"] = True
            else:
                faulted = await faults.apply(
                    fault, anaf_seconds(sandbox.now()), sandbox.seed.processing.invalid_token_status
                )
                if faulted is not None:
                    return faulted
        request.state.fault = fault
        request.state.grant = None
        token = _bearer(request)
        needs_token = bool(PROTECTED.match(path)) and not OPTIONAL_AUTH.match(path)
        if needs_token or (OPTIONAL_AUTH.match(path) and token is not None):
            grant = tokens.check_access(sandbox.state, sandbox.keys, token or "", sandbox.now())
            if grant is None:
                return Response(
                    status_code=sandbox.seed.processing.invalid_token_status,
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            request.state.grant = grant
            record["serial"] = grant.serial
            limit = sandbox.seed.limits.calls_per_minute
            wait = quotas.over_minute_limit(sandbox, f"app:{grant.client_id}", sandbox.now())
            if wait is not None:
                body = {
                    "timestamp": anaf_seconds(sandbox.now()),
                    "status": 429,
                    "error": "Too Many Requests",
                    "message": f"Limita de {limit} apeluri pe minut a fost depasita",
                }
                return JSONResponse(body, status_code=429, headers={"Retry-After": str(int(wait + 0.999))})
        await call_next()
        if fault is not None and fault.get("after"):
            lost = await faults.apply(fault, anaf_seconds(sandbox.now()))
            return lost or faults.gateway_page(504, "Gateway Time-out")
        return None
