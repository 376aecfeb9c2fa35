"""A real HTTP server on loopback that records every webhook delivery it is sent (the `webhook_receiver`
fixture): tests read what a consumer would have received, headers and raw body."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


@dataclass
class WebhookReceiver:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)  # {"headers": {...}, "body": bytes}

    def payloads(self) -> list[Any]:
        """The JSON bodies, in arrival order."""
        return [json.loads(item["body"]) for item in self.received]


def serve(path: str = "/hook") -> Iterator[WebhookReceiver]:
    """Serve until the generator is closed; every POST is answered 204 and recorded."""
    records: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            records.append({"headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield WebhookReceiver(url=f"http://127.0.0.1:{server.server_port}{path}", received=records)
    finally:
        server.shutdown()
        server.server_close()
