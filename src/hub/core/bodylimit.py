"""An ASGI middleware in front of Django that caps request bodies before anything is written to disk.

Django's ASGI handler spools the whole body to a temporary file before any view (or CSRF check) runs, so
the cap must sit in front of it: a declared `Content-Length` over the limit is refused at once with 413,
and a chunked body is counted while it streams and cut off with 413 as soon as it passes the limit.
Upload paths (`EFACTURA_UPLOAD_PATHS`) get the larger `EFACTURA_MAX_UPLOAD_BYTES` (ANAF takes invoices
up to 10 MB); every other path gets `EFACTURA_MAX_REQUEST_BYTES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY = "Cererea este prea mare. / The request is too large. (limit: {limit} bytes)\n"  # before Django's i18n


def limit_for(path: str) -> int:
    if any(path.startswith(prefix) for prefix in settings.EFACTURA_UPLOAD_PATHS):
        return int(settings.EFACTURA_MAX_UPLOAD_BYTES)
    return int(settings.EFACTURA_MAX_REQUEST_BYTES)


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        refused = False
        response_started = False

        async def guarded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not response_started:
                        await _refuse(send, limit)
                    # Django sees the client gone: it stops reading and sends nothing.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return  # our 413 is the answer
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, guarded_receive, guarded_send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = BODY.format(limit=limit).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
