"""Serve the sandbox in tests: ``running_sandbox()`` and the ``SandboxHandle`` it yields.

Example::

    from anaf_sandbox.testing import running_sandbox

    with running_sandbox() as sandbox:                      # the small test seed (seeds/test.json)
        code = sandbox.authorize("efactura-hub-demo", "https://client.test/callback",
                                 serial=sandbox.default_certificate()["serial"], pin="1234")
        tokens = sandbox.exchange(code, "https://client.test/callback")   # or use your own client
        sandbox.advance(days=91)                             # the access token is now expired

Everything goes over real HTTP on a free loopback port; nothing is patched. The root ``tests/conftest.py``
wraps this as the ``sandbox`` fixture (fresh per test) with the ``sandbox_seed`` fixture (override it in a
test module to pass your own seed, e.g. with your redirect URI on a random port).
"""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
from lxml import html as lxml_html

from .app import create_app

START_TIMEOUT_SECONDS = 10.0


def small_seed() -> dict[str, Any]:
    """A fresh copy of ``seeds/test.json``: four certificates, three companies, no traffic, and a 5 s
    processing lag (``advance(6)`` skips it)."""
    text = (resources.files("anaf_sandbox") / "seeds" / "test.json").read_text(encoding="utf-8")
    seed: dict[str, Any] = json.loads(text)
    return seed


def scenario_seed(*names: str) -> dict[str, Any]:
    """:func:`small_seed` with the named overlays of ``seeds/scenarios/`` applied (top-level keys replaced).

    Scenarios: ``busy_inbox`` (600 messages), ``tight_limits``, ``flaky_anaf`` (faults),
    ``seeded_messages`` (four supplier documents from ``seeds/invoices/``).
    """
    seed = small_seed()
    folder = resources.files("anaf_sandbox") / "seeds" / "scenarios"
    for name in names:
        overlay: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        overlay.pop("description", None)
        for message in overlay.get("messages", []):
            message["file"] = str(Path(str(folder / message["file"])).resolve())
        seed.update(overlay)
    return seed


class AuthorizationFailed(Exception):
    """The IdP did not hand out a code: ``error`` is the redirect's ``error`` or the form's message."""

    def __init__(self, error: str, page: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.page = page


class SandboxHandle:
    """A sandbox served at ``url``; the helpers talk to it over HTTP like any client would."""

    def __init__(self, url: str, seed: dict[str, Any], control_token: str | None = None) -> None:
        self.url = url
        self.seed = seed
        self.http = httpx.Client(base_url=url, timeout=30.0)
        self._control_headers = {"Authorization": f"Bearer {control_token}"} if control_token else {}

    # Control API (/_sandbox/) ----------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"/_sandbox/{path}", json=body, headers=self._control_headers)
        response.raise_for_status()
        return response.json()

    def now(self) -> datetime:
        """The sandbox clock (aware, UTC)."""
        return datetime.fromisoformat(self._control("GET", "clock")["now"])

    def set_clock(self, moment: datetime) -> datetime:
        """Move the sandbox clock to ``moment`` (aware); it keeps running from there."""
        return datetime.fromisoformat(self._control("POST", "clock", {"now": moment.isoformat()})["now"])

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0
    ) -> datetime:
        """Move the sandbox clock forward (e.g. ``advance(days=91)`` to expire an access token)."""
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days
        return datetime.fromisoformat(self._control("POST", "clock", {"advance_seconds": total})["now"])

    def add_faults(self, *faults: dict[str, Any]) -> list[dict[str, Any]]:
        """Add faults, e.g. ``add_faults({"path": "/prod/FCTEL/rest/descarcare", "kind": "http_502",
        "count": 1})``.

        Kinds: http_500, http_502, http_504, timeout, slow, waf, maintenance, login_wall, truncated,
        token_refused, technical_error, rejected (``message``: the nok answer's error); ``rate`` or
        ``count``; ``seconds`` for slow/timeout. ``path`` is an fnmatch pattern.
        """
        result: list[dict[str, Any]] = self._control("POST", "faults", {"faults": list(faults)})["faults"]
        return result

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def calls(self, path: str | None = None) -> list[dict[str, Any]]:
        """The call log (method, path, query, status, fault, serial), oldest first; ``path`` filters."""
        response = self.http.get(
            "/_sandbox/calls", params={"path": path} if path else None, headers=self._control_headers
        )
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()["calls"]
        return result

    def reset(self) -> None:
        """Back to the seed: real-time clock, no tokens, uploads, counters, faults or calls."""
        self._control("POST", "reset")

    def add_messages(self, *messages: dict[str, Any]) -> list[dict[str, str]]:
        """Inject messages now, e.g. ``{"cif": "16000015", "direction": "received", "xml": "<Invoice ...>",
        "partner_cif": "18547290"}`` (or ``"file": path`` inside the files folder, by default the built-in
        ``seeds/``, e.g. ``"invoices/supplier_invoice.xml"``). Returns ``[{"id_solicitare", "id"}]``."""
        result: list[dict[str, str]] = self._control("POST", "messages", {"messages": list(messages)})[
            "messages"
        ]
        return result

    def set_rights(self, serial: str, cifs: list[str] | tuple[str, ...] | set[str]) -> list[str]:
        """Replace the SPV rights of certificate ``serial`` with ``cifs`` (an empty list removes them all);
        the next call sees the change. ``reset()`` restores the seed's rights. Returns the CIFs now held."""
        body = {"serial": serial, "cifs": list(cifs)}
        result: list[str] = self._control("POST", "rights", body)["cifs"]
        return result

    # Seed accessors --------------------------------------------------------------------------------

    def default_app(self) -> dict[str, Any]:
        """The first app of the seed (client_id, client_secret, redirect_uris)."""
        app: dict[str, Any] = self.seed["apps"][0]
        return app

    def default_certificate(self) -> dict[str, Any]:
        """The first certificate of the seed (serial, holder, pin, cifs)."""
        cert: dict[str, Any] = self.seed["certificates"][0]
        return cert

    # OAuth over HTTP --------------------------------------------------------------------------------

    def authorize(
        self, client_id: str, redirect_uri: str, serial: str, pin: str, state: str | None = None
    ) -> str:
        """Drive the authorize form like a browser and return the ``code`` of the redirect.

        Raises :class:`AuthorizationFailed` with the redirect's ``error`` (e.g. ``access_denied``) or the
        form's message (wrong PIN, locked certificate) when no code comes back.
        """
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "token_content_type": "jwt",
        }
        if state is not None:
            params["state"] = state
        page = self.http.get("/anaf-oauth2/v1/authorize", params=params)
        if page.status_code != 200:
            raise AuthorizationFailed(_page_error(page.text) or f"HTTP {page.status_code}", page.text)
        form = lxml_html.document_fromstring(page.text).forms[0]  # type: ignore[attr-defined]
        fields = {name: value for name, value in form.form_values() if name not in ("serial", "pin")}
        fields.update(serial=serial, pin=pin, action="login")
        answer = self.http.post("/anaf-oauth2/v1/authorize", data=fields)
        if answer.status_code != 302:
            raise AuthorizationFailed(_page_error(answer.text) or f"HTTP {answer.status_code}", answer.text)
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        if "code" not in query:
            raise AuthorizationFailed(query.get("error", ["no code"])[0])
        return query["code"][0]

    def exchange(
        self, code: str, redirect_uri: str, client_id: str | None = None, client_secret: str | None = None
    ) -> dict[str, Any]:
        """POST the code to ``/token`` (HTTP Basic) and return the JSON body; raises on HTTP errors."""
        app = self.default_app() if client_id is None else self._app(client_id)
        response = self.http.post(
            "/anaf-oauth2/v1/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "token_content_type": "jwt",
            },
            auth=(app["client_id"], client_secret or app["client_secret"]),
        )
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def login(
        self, serial: str | None = None, pin: str | None = None, client_id: str | None = None
    ) -> dict[str, Any]:
        """Certificate login + code exchange in one go; the /token JSON (access_token, refresh_token...)."""
        app = self.default_app() if client_id is None else self._app(client_id)
        cert = self.default_certificate() if serial is None else self._certificate(serial)
        redirect_uri = app["redirect_uris"][0]
        code = self.authorize(app["client_id"], redirect_uri, cert["serial"], pin or cert["pin"])
        return self.exchange(code, redirect_uri, app["client_id"])

    def _app(self, client_id: str) -> dict[str, Any]:
        app: dict[str, Any] = next(a for a in self.seed["apps"] if a["client_id"] == client_id)
        return app

    def _certificate(self, serial: str) -> dict[str, Any]:
        cert: dict[str, Any] = next(c for c in self.seed["certificates"] if c["serial"] == serial)
        return cert

    def close(self) -> None:
        self.http.close()


def _page_error(text: str) -> str:
    found = re.search(r"class='error'[^>]*>([^<]*)<", text)
    return found.group(1) if found else ""


@contextmanager
def running_sandbox(
    seed: dict[str, Any] | None = None,
    state_dir: Path | None = None,
    *,
    files_dir: Path | None = None,
    control_token: str | None = None,
) -> Iterator[SandboxHandle]:
    """Serve the sandbox on a free 127.0.0.1 port in a background thread; yield its handle.

    ``seed`` defaults to :func:`small_seed` (small and fast); pass ``anaf_sandbox.default_seed()`` for the
    demo seed, or your own dict. ``state_dir`` makes state persist (start again on the same dir to restart).
    ``files_dir`` and ``control_token`` as for ``create_app``; the handle sends the token itself.
    """
    seed = copy.deepcopy(seed) if seed is not None else small_seed()
    app = create_app(seed, state_dir, files_dir=files_dir, control_token=control_token)
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms per response).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", access_log=False, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="anaf-sandbox")
    thread.start()
    deadline = threading.Event()
    for _ in range(int(START_TIMEOUT_SECONDS / 0.01)):
        if server.started or not thread.is_alive():
            break
        deadline.wait(0.01)
    if not server.started:
        server.should_exit = True
        raise RuntimeError("the sandbox did not start")
    handle = SandboxHandle(f"http://127.0.0.1:{port}", seed, control_token)
    try:
        yield handle
    finally:
        handle.close()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
