"""The control API under ``/_sandbox/``: clock, faults, call log, injected messages, SPV rights, reset.

Not part of ANAF; documented with curl examples in ``docs/sandbox.md``. With a control token every call
needs ``Authorization: Bearer <token>``; message files are read from the sandbox's files folder only.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import inbox
from .core import Sandbox, sandbox_of
from .seed import schema

Handler = Callable[[Request], Awaitable[Response]]


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


def _authorized(sandbox: Sandbox, request: Request) -> bool:
    if sandbox.control_token is None:
        return True
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(
        value.strip().encode(), sandbox.control_token.encode()
    )


def _guarded(handler: Handler) -> Handler:
    """Refuse the call without the control token (when one is set)."""

    async def endpoint(request: Request) -> Response:
        if not _authorized(sandbox_of(request), request):
            return JSONResponse(
                {"error": "the control API needs Authorization: Bearer <control token>"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="anaf-sandbox-control"'},
            )
        return await handler(request)

    return endpoint


def _message_file(sandbox: Sandbox, name: str) -> Path | None:
    """``name`` (relative to the files folder, or absolute) if it is a file inside that folder."""
    path = Path(name)
    resolved = (path if path.is_absolute() else sandbox.files_dir / path).resolve()
    if not resolved.is_relative_to(sandbox.files_dir) or not resolved.is_file():
        return None
    return resolved


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
    """POST ``{"messages": [...]}``: seed-shaped messages (inline ``xml``, or a ``file`` in the files
    folder) added now. Every message is checked before any is added."""
    sandbox = sandbox_of(request)
    try:
        body = await _json(request)
    except ValueError as exc:
        return _bad(str(exc))
    specs = body.get("messages", [body]) if isinstance(body, dict) else body
    if not isinstance(specs, list):
        return _bad('expected {"messages": [...]}')
    checked = []
    for spec in specs:
        if (
            not isinstance(spec, dict)
            or "cif" not in spec
            or spec.get("direction") not in ("received", "sent")
        ):
            return _bad("each message needs cif and direction (received|sent)")
        if isinstance(spec.get("xml"), str):
            checked.append({k: v for k, v in spec.items() if k != "file"})
        elif spec.get("xml") is None and isinstance(spec.get("file"), str) and spec["file"]:
            found = _message_file(sandbox, spec["file"])
            if found is None:
                return _bad(
                    f"file must name an existing file inside the sandbox's files folder: {spec['file']}"
                )
            checked.append({**spec, "file": str(found)})
        else:
            return _bad("each message needs xml (the invoice text) or file (a path in the files folder)")
    created = [inbox.add_file_message(sandbox, spec) for spec in checked]
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
        Route("/_sandbox/clock", _guarded(clock), methods=["GET", "POST"]),
        Route("/_sandbox/faults", _guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/calls", _guarded(calls), methods=["GET", "DELETE"]),
        Route("/_sandbox/messages", _guarded(messages), methods=["POST"]),
        Route("/_sandbox/rights", _guarded(rights), methods=["POST"]),
        Route("/_sandbox/reset", _guarded(reset), methods=["POST"]),
        Route("/_sandbox/seed", _guarded(seed), methods=["GET"]),
    ]
