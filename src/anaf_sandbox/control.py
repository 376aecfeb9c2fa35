"""The control API under ``/_sandbox/``: clock, faults, call log, injected messages, SPV rights,
reset.

Not part of ANAF; documented with curl examples in ``docs/sandbox.md``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import jsonschema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import inbox
from .core import Sandbox, sandbox_of
from .seed import schema


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"body is not JSON: {exc}") from exc


def _clock_body(sandbox: Sandbox) -> dict[str, Any]:
    return {"now": sandbox.now().isoformat(), "offset_seconds": sandbox.clock.offset_seconds}


async def clock(request: Request) -> Response:
    """GET: the sandbox time. POST ``{"now": ISO with offset}`` or ``{"advance_seconds": N}``."""
    sandbox = sandbox_of(request)
    if request.method == "POST":
        try:
            body = await _json(request)
            if "now" in body:
                sandbox.clock.set(datetime.fromisoformat(body["now"]))
            elif "advance_seconds" in body:
                sandbox.clock.advance(float(body["advance_seconds"]))
            elif body.get("reset"):
                sandbox.clock.reset()
            else:
                return _bad('expected {"now": ISO} or {"advance_seconds": N}')
        except (ValueError, TypeError) as exc:
            return _bad(str(exc))
        sandbox.persist()
    return JSONResponse(_clock_body(sandbox))


async def faults(request: Request) -> Response:
    """GET: active faults. POST: one fault or ``{"faults": [...]}`` (added). DELETE: remove all."""
    sandbox = sandbox_of(request)
    if request.method == "POST":
        try:
            body = await _json(request)
        except ValueError as exc:
            return _bad(str(exc))
        new = body.get("faults", [body]) if isinstance(body, dict) else body
        fault_schema = {**schema()["$defs"]["fault"], "$defs": schema()["$defs"]}
        for fault in new:
            try:
                jsonschema.validate(fault, fault_schema)
            except jsonschema.ValidationError as exc:
                return _bad(f"fault invalid: {exc.message}")
        with sandbox.state.lock:
            sandbox.state.faults.extend(dict(f) for f in new)
    elif request.method == "DELETE":
        with sandbox.state.lock:
            sandbox.state.faults.clear()
    sandbox.persist()
    return JSONResponse({"faults": sandbox.state.faults})


async def calls(request: Request) -> Response:
    """GET: the call log (oldest first), optionally ``?path=`` substring filter. DELETE: clear it."""
    sandbox = sandbox_of(request)
    if request.method == "DELETE":
        sandbox.calls.clear()
        return JSONResponse({"calls": []})
    needle = request.query_params.get("path")
    listed = [c for c in list(sandbox.calls) if needle is None or needle in c["path"]]
    return JSONResponse({"calls": listed})


async def messages(request: Request) -> Response:
    """POST ``{"messages": [...]}``: seed-shaped messages (``file`` path or inline ``xml``) added now."""
    sandbox = sandbox_of(request)
    try:
        body = await _json(request)
    except ValueError as exc:
        return _bad(str(exc))
    specs = body.get("messages", [body]) if isinstance(body, dict) else body
    created = []
    for spec in specs:
        if (
            not isinstance(spec, dict)
            or "cif" not in spec
            or spec.get("direction") not in ("received", "sent")
        ):
            return _bad("each message needs cif and direction (received|sent)")
        if spec.get("xml") is None and not spec.get("file"):
            return _bad("each message needs file (a path) or xml (the invoice text)")
        created.append(inbox.add_file_message(sandbox, spec))
    sandbox.persist()
    return JSONResponse({"messages": created})


async def rights(request: Request) -> Response:
    """POST ``{"serial": "...", "cifs": ["..."]}``: that certificate's SPV rights, replacing the seed's.

    Takes effect on the next call (rights are checked per call, §1.1); persisted; ``reset`` restores the
    seed's rights.
    """
    sandbox = sandbox_of(request)
    try:
        body = await _json(request)
    except ValueError as exc:
        return _bad(str(exc))
    if not isinstance(body, dict):
        return _bad('expected {"serial": "...", "cifs": ["..."]}')
    serial, cifs = body.get("serial"), body.get("cifs")
    if not isinstance(serial, str) or not isinstance(cifs, list) or not all(isinstance(c, str) for c in cifs):
        return _bad('expected {"serial": "...", "cifs": ["..."]}')
    if sandbox.seed.certificate(serial) is None:
        return _bad(f"no seeded certificate has serial {serial}")
    with sandbox.state.lock:
        sandbox.state.rights[serial] = sorted(set(cifs))
    sandbox.persist()
    return JSONResponse({"serial": serial, "cifs": sorted(set(cifs))})


async def reset(request: Request) -> Response:
    """POST: back to the seed (clock, tokens, uploads, counters, faults, calls)."""
    sandbox = sandbox_of(request)
    sandbox.reset()
    return JSONResponse(_clock_body(sandbox))


async def seed(request: Request) -> Response:
    """GET: the seed in use, as given."""
    return JSONResponse(sandbox_of(request).seed.raw)


def routes() -> list[Route]:
    return [
        Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/calls", calls, methods=["GET", "DELETE"]),
        Route("/_sandbox/messages", messages, methods=["POST"]),
        Route("/_sandbox/rights", rights, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/seed", seed, methods=["GET"]),
    ]
