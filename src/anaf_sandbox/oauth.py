"""The IdP on logincert.anaf.ro: ``/anaf-oauth2/v1/{authorize,token,revoke}`` (docs/anaf.md §1.3-§1.9).

The real IdP asks the browser for a qualified certificate (mTLS) and its PIN. Here a plain HTML form (no
JavaScript) lists the seeded certificates (``serial``) and asks for the ``pin``; "no token inserted" ends in
``error=access_denied``. Three wrong PINs lock a certificate for 15 sandbox minutes (seed ``oauth``).
"""

from __future__ import annotations

import base64
import binascii
import html
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import tokens
from .clock import BUCHAREST
from .core import Sandbox, sandbox_of
from .seed import App, Certificate

AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "token_content_type", "state", "scope")


def _redirect(uri: str, params: dict[str, str]) -> RedirectResponse:
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(f"{uri}{separator}{urlencode(params)}", status_code=302)


def _error_page(message: str, status: int = 400) -> HTMLResponse:
    body = (
        "<!doctype html><html lang='ro'><head><meta charset='utf-8'><title>ANAF OAuth (sandbox)</title>"
        f"</head><body><h1>Eroare / Error</h1><p class='error'>{html.escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def _check_client(sandbox: Sandbox, params: dict[str, str]) -> tuple[App | None, str | None]:
    """The app and an error page text when client_id or redirect_uri do not match the registration."""
    app = sandbox.seed.app(params.get("client_id", ""))
    if app is None:
        return None, "Aplicatie necunoscuta (client_id) / Unknown client_id"
    if params.get("redirect_uri", "") not in app.redirect_uris:
        # §1.2: exact match, byte for byte, including the trailing slash.
        return None, "redirect_uri nu corespunde aplicatiei inregistrate / redirect_uri does not match"
    return app, None


def _form(
    sandbox: Sandbox, params: dict[str, str], error: str | None = None, serial: str = ""
) -> HTMLResponse:
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{html.escape(params[name], quote=True)}'>"
        for name in AUTHORIZE_FIELDS
        if params.get(name) is not None
    )
    options = "".join(
        f"<option value='{html.escape(c.serial, quote=True)}'{' selected' if c.serial == serial else ''}>"
        f"{html.escape(c.holder)} - {html.escape(c.issuer)} - {html.escape(c.serial)}"
        f"{' (valabil pana la ' + c.not_after.isoformat() + ')' if c.not_after else ''}</option>"
        for c in sandbox.seed.certificates
    )
    error_html = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    body = f"""<!doctype html>
<html lang="ro"><head><meta charset="utf-8"><title>Autentificare cu certificat digital (sandbox ANAF)</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}.error{{color:#a00}}
label{{display:block;margin:.8em 0 .2em}}select,input{{font-size:1em}}</style></head>
<body><h1>Autentificare cu certificat digital</h1>
<p>Sandbox ANAF: alegeti certificatul calificat si introduceti PIN-ul token-ului.<br>
<small>ANAF sandbox: choose the qualified certificate and type the token PIN.</small></p>
{error_html}
<form method="post" action="/anaf-oauth2/v1/authorize">{hidden}
<label for="serial">Certificat / Certificate</label>
<select id="serial" name="serial">{options}</select>
<label for="pin">PIN</label>
<input id="pin" name="pin" type="password" autocomplete="off">
<p><button type="submit" name="action" value="login">Autentificare / Log in</button>
<button type="submit" name="action" value="no_token">Nu am token-ul introdus / No token inserted</button></p>
</form></body></html>"""
    return HTMLResponse(body)


async def authorize(request: Request) -> Response:
    sandbox = sandbox_of(request)
    if request.method == "GET":
        params = dict(request.query_params)
    else:
        params = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    app, problem = _check_client(sandbox, params)
    if app is None:
        return _error_page(problem or "")
    redirect_uri = params["redirect_uri"]
    echo = {"state": params["state"]} if params.get("state") is not None else {}
    if params.get("response_type") != "code":
        return _redirect(redirect_uri, {"error": "unsupported_response_type", **echo})
    if request.method == "GET":
        return _form(sandbox, params)
    if params.get("action") == "no_token":
        return _redirect(redirect_uri, {"error": "access_denied", **echo})
    serial = params.get("serial", "").lower()
    cert = sandbox.seed.certificate(serial)
    if cert is None:
        return _form(sandbox, params, "Alegeti un certificat / Choose a certificate")
    problem = _login(sandbox, cert, params.get("pin", ""))
    if problem:
        return _form(sandbox, params, problem, serial)
    code = secrets.token_urlsafe(24)
    with sandbox.state.lock:
        sandbox.state.codes[code] = {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "serial": cert.serial,
            "expires_at": (sandbox.now() + timedelta(seconds=sandbox.seed.oauth.code_seconds)).isoformat(),
            "used": False,
        }
    sandbox.persist()
    return _redirect(redirect_uri, {"code": code, **echo})


def _login(sandbox: Sandbox, cert: Certificate, pin: str) -> str | None:
    """None when the PIN opens the certificate; otherwise the text the form shows."""
    now = sandbox.now()
    policy = sandbox.seed.oauth
    with sandbox.state.lock:
        record = sandbox.state.pin_failures.setdefault(cert.serial, {"count": 0, "locked_until": None})
        locked_until = datetime.fromisoformat(record["locked_until"]) if record["locked_until"] else None
        if locked_until is not None and now < locked_until:
            until = locked_until.astimezone(BUCHAREST).strftime("%H:%M")
            return (
                f"Certificatul este blocat pana la {until} dupa {policy.pin_attempts} PIN-uri gresite. / "
                f"The certificate is locked until {until} after {policy.pin_attempts} wrong PINs."
            )
        if cert.not_after is not None and now.astimezone(BUCHAREST).date() > cert.not_after:
            return "Certificatul a expirat / The certificate has expired"
        if not secrets.compare_digest(pin.encode(), cert.pin.encode()):
            record["count"] += 1
            if record["count"] >= policy.pin_attempts:
                record["count"] = 0
                record["locked_until"] = (now + timedelta(minutes=policy.lock_minutes)).isoformat()
                sandbox.persist()
                return (
                    f"PIN gresit. Certificatul a fost blocat {policy.lock_minutes:g} minute. / "
                    f"Wrong PIN. The certificate is locked for {policy.lock_minutes:g} minutes."
                )
            left = policy.pin_attempts - record["count"]
            sandbox.persist()
            return f"PIN gresit, mai aveti {left} incercari. / Wrong PIN, {left} attempts left."
        record["count"], record["locked_until"] = 0, None
    return None


def _oauth_error(error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=400,
        headers={"Cache-Control": "no-store"},
    )


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    if "client_id" in form and "client_secret" in form:
        return form["client_id"], form["client_secret"]
    return None


def _authenticated_app(sandbox: Sandbox, request: Request, form: dict[str, str]) -> App | None:
    """The app whose client_id and secret the request carries (HTTP Basic or form), else None."""
    credentials = _client_credentials(request, form)
    app = sandbox.seed.app(credentials[0]) if credentials else None
    if (
        credentials is None
        or app is None
        or not secrets.compare_digest(credentials[1].encode(), app.client_secret.encode())
    ):
        return None
    return app


async def token(request: Request) -> Response:
    """§1.5/§1.6: client auth by HTTP Basic or in the form; code exchange and refresh; rotation."""
    sandbox = sandbox_of(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    app = _authenticated_app(sandbox, request, form)
    if app is None:
        return _oauth_error("invalid_client", "Client authentication failed")
    now = sandbox.now()
    grant_type = form.get("grant_type")
    try:
        if grant_type == "authorization_code":
            grant_id = _redeem_code(sandbox, app, form, now)
        elif grant_type == "refresh_token":
            grant_id = tokens.check_refresh(
                sandbox.state,
                sandbox.keys,
                policy=sandbox.seed.tokens,
                token=form.get("refresh_token", ""),
                client_id=app.client_id,
                now=now,
            )
        else:
            return _oauth_error("invalid_request", "Unsupported or missing grant_type")
    except tokens.TokenRefused as refused:
        sandbox.persist()
        return _oauth_error(refused.error, refused.description)
    grant = sandbox.state.grants[grant_id]
    if grant_type == "authorization_code":
        grant["opaque"] = form.get("token_content_type") != "jwt"
    cert = sandbox.seed.certificate(grant["serial"])
    if cert is None:
        return _oauth_error("invalid_grant", "Certificate no longer known")
    body = tokens.issue_pair(
        sandbox.state,
        sandbox.keys,
        policy=sandbox.seed.tokens,
        cert=cert,
        app=app,
        grant_id=grant_id,
        now=now,
    )
    if grant.get("opaque") and form.get("token_content_type") != "jwt":
        body = tokens.make_opaque(sandbox.state, body)
    elif sandbox.seed.tokens.opaque_refresh_token:
        body = tokens.make_opaque(sandbox.state, body, ("refresh_token",))
    sandbox.persist()
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _redeem_code(sandbox: Sandbox, app: App, form: dict[str, str], now: datetime) -> str:
    with sandbox.state.lock:
        record = sandbox.state.codes.get(form.get("code", ""))
        # §1.9: the live IdP answers a bad grant with invalid_request.
        if record is None or record["client_id"] != app.client_id:
            raise tokens.TokenRefused("invalid_request", "Authorization code is not valid")
        if record["used"]:
            raise tokens.TokenRefused("invalid_request", "Authorization code was already used")
        if now >= datetime.fromisoformat(record["expires_at"]):
            raise tokens.TokenRefused("invalid_request", "Authorization code has expired")
        if form.get("redirect_uri") != record["redirect_uri"]:
            raise tokens.TokenRefused(
                "invalid_request", "redirect_uri does not match the authorization request"
            )
        record["used"] = True
    cert = sandbox.seed.certificate(record["serial"])
    if cert is None:
        raise tokens.TokenRefused("invalid_request", "Certificate no longer known")
    return tokens.new_grant(sandbox.state, cert, app, now)


async def revoke(request: Request) -> Response:
    """§1.9, as RFC 7009: client authentication as for ``/token``, then ``token`` (+ ``token_type_hint``).

    Also accepts the ``access_token``/``refresh_token`` fields some clients send. An unknown or already
    dead token is answered 200 like a revoked one (RFC 7009 §2.2); another client's token is refused.
    A revoked refresh token ends its grant (``invalid_grant`` on refresh, 401 for its access tokens).
    """
    sandbox = sandbox_of(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    app = _authenticated_app(sandbox, request, form)
    if app is None:
        return _oauth_error("invalid_client", "Client authentication failed")
    values = [form[name] for name in ("token", "access_token", "refresh_token") if form.get(name)]
    if not values:
        return _oauth_error("invalid_request", "token is required")
    if any(
        tokens.issued_to(sandbox.keys, sandbox.state, value) not in (None, app.client_id) for value in values
    ):
        return _oauth_error("unauthorized_client", "The token was issued to another client")
    for value in values:
        tokens.revoke(sandbox.state, sandbox.keys, value)
    sandbox.persist()
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [
        Route("/anaf-oauth2/v1/authorize", authorize, methods=["GET", "POST"]),
        Route("/anaf-oauth2/v1/token", token, methods=["POST"]),
        Route("/anaf-oauth2/v1/revoke", revoke, methods=["POST"]),
    ]
