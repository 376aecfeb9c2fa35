"""RS512 JWT access and refresh tokens and the grant behind them (docs/anaf.md §1.5-§1.8, §8.1-§8.3).

A *grant* is one certificate login for one app. Each token response rotates the pair; the grant remembers
the one live refresh token, so a spent one is refused (unless the seed sets ``reuse_spent_refresh``).
Refresh lifetime follows the seed's ``tokens`` policy: ``sliding`` (renewed at each refresh) or ``fixed``
(counted from the certificate login), never beyond ``max_grant_age_days`` after the login.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from .clock import UTC
from .keys import JWT_KID, SandboxKeys
from .seed import App, Certificate, TokenPolicy
from .state import SandboxState

ISSUER = "https://logincert.anaf.ro"
EXPIRED_REFRESH = "Refresh Token status is expired"


class TokenRefused(Exception):
    """A token request that ANAF answers with HTTP 400 and an OAuth error body."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """What a valid access token says: who (certificate serial) through which app."""

    serial: str
    client_id: str
    issuer: str
    grant_id: str
    jti: str


def _claims(
    cert: Certificate, app: App, *, roles: str, now: datetime, exp: datetime, jti: str
) -> dict[str, Any]:
    # §1.8: no person name, no CNP, no CIF list; the serial identifies the certificate.
    return {
        "iss": ISSUER,
        "token_type": "Bearer",
        "scope": "clientappid issuer role serial",
        "clientappid": app.client_id,
        "serial": cert.serial,
        "sub": cert.serial.replace(":", ""),
        "issuer": cert.issuer,
        "roles": roles,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(exp.timestamp()),
        "jti": jti,
    }


def _sign(keys: SandboxKeys, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, keys.jwt_key, algorithm="RS512", headers={"kid": JWT_KID})


def issue_pair(
    state: SandboxState,
    keys: SandboxKeys,
    *,
    policy: TokenPolicy,
    cert: Certificate,
    app: App,
    grant_id: str,
    now: datetime,
) -> dict[str, Any]:
    """Mint a rotated access/refresh pair for ``grant_id`` and return the /token JSON body."""
    with state.lock:
        grant = state.grants[grant_id]
        login_at = datetime.fromisoformat(grant["login_at"])
        access_exp = now + timedelta(days=policy.access_days)
        if policy.refresh_mode == "fixed":
            refresh_exp = login_at + timedelta(days=policy.refresh_days)
        else:
            refresh_exp = now + timedelta(days=policy.refresh_days)
        if policy.max_grant_age_days is not None:
            refresh_exp = min(refresh_exp, login_at + timedelta(days=policy.max_grant_age_days))
        _forget_dead_tokens(state, policy, grant.get("refresh_jti"), now)
        access_jti, refresh_jti = secrets.token_hex(16), secrets.token_hex(16)
        for jti, kind, exp in ((access_jti, "access", access_exp), (refresh_jti, "refresh", refresh_exp)):
            state.tokens[jti] = {"grant": grant_id, "kind": kind, "exp": exp.isoformat(), "revoked": False}
        grant["refresh_jti"] = refresh_jti
    access = _sign(keys, _claims(cert, app, roles=policy.roles, now=now, exp=access_exp, jti=access_jti))
    refresh = _sign(keys, _claims(cert, app, roles=policy.roles, now=now, exp=refresh_exp, jti=refresh_jti))
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": int((access_exp - now).total_seconds()),
    }


def make_opaque(
    state: SandboxState, body: dict[str, Any], names: tuple[str, ...] = ("access_token", "refresh_token")
) -> dict[str, Any]:
    """§1.4: without ``token_content_type=jwt`` ANAF hands out opaque 64-hex tokens instead of JWTs."""
    opaque = dict(body)
    with state.lock:
        for name in names:
            alias = secrets.token_hex(32)
            state.opaque[alias] = body[name]
            opaque[name] = alias
    return opaque


def resolve(state: SandboxState, token: str) -> str:
    """The JWT behind an opaque token (or the token itself)."""
    return state.opaque.get(token, token)


def _forget_dead_tokens(state: SandboxState, policy: TokenPolicy, spent: str | None, now: datetime) -> None:
    """Keep the state small: expired tokens and (unless reuse is allowed) the refresh token just spent.

    A forgotten token is refused exactly like a spent one (``invalid_grant`` / 401).
    """
    if spent is not None and not policy.reuse_spent_refresh:
        state.tokens.pop(spent, None)
    for jti in [j for j, r in state.tokens.items() if datetime.fromisoformat(r["exp"]) <= now]:
        del state.tokens[jti]


def decode(keys: SandboxKeys, token: str) -> dict[str, Any] | None:
    """Claims of a token this sandbox signed (signature checked; expiry is the caller's, by sandbox clock)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            keys.jwt_key.public_key(),
            algorithms=["RS512"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.PyJWTError:
        return None
    return claims


def new_grant(state: SandboxState, cert: Certificate, app: App, now: datetime) -> str:
    grant_id = secrets.token_hex(8)
    with state.lock:
        state.grants[grant_id] = {
            "serial": cert.serial,
            "client_id": app.client_id,
            "login_at": now.isoformat(),
            "refresh_jti": None,
            "revoked": False,
            "opaque": False,
        }
    return grant_id


def check_refresh(
    state: SandboxState, keys: SandboxKeys, *, policy: TokenPolicy, token: str, client_id: str, now: datetime
) -> str:
    """The grant id a refresh token may renew, or :class:`TokenRefused` (``invalid_grant``)."""
    claims = decode(keys, resolve(state, token))
    if claims is None:
        raise TokenRefused("invalid_grant", "Refresh Token is not valid")
    # Expiry first: an expired token may already be forgotten (``_forget_dead_tokens``).
    if datetime.fromtimestamp(int(claims["exp"]), UTC) <= now:
        raise TokenRefused("invalid_grant", EXPIRED_REFRESH)
    record = state.tokens.get(str(claims.get("jti")))
    if record is None or record["kind"] != "refresh":
        raise TokenRefused("invalid_grant", "Refresh Token is not valid")
    if claims.get("clientappid") != client_id:
        raise TokenRefused("invalid_grant", "Refresh Token was issued to another client")
    grant = state.grants[record["grant"]]
    if policy.max_grant_age_days is not None:
        login_at = datetime.fromisoformat(grant["login_at"])
        if now >= login_at + timedelta(days=policy.max_grant_age_days):
            raise TokenRefused("invalid_grant", EXPIRED_REFRESH)
    if grant["revoked"] or record["revoked"]:
        raise TokenRefused("invalid_grant", "Refresh Token is revoked")
    if grant["refresh_jti"] != claims["jti"] and not policy.reuse_spent_refresh:
        raise TokenRefused("invalid_grant", "Refresh Token is not valid")
    return str(record["grant"])


def check_access(state: SandboxState, keys: SandboxKeys, token: str, now: datetime) -> AccessGrant | None:
    """The grant behind a usable access token; ``None`` for a bad signature, expiry or revocation."""
    claims = decode(keys, resolve(state, token))
    if claims is None:
        return None
    record = state.tokens.get(str(claims.get("jti")))
    if record is None or record["kind"] != "access" or record["revoked"]:
        return None
    if state.grants[record["grant"]]["revoked"]:
        return None
    if datetime.fromtimestamp(int(claims["exp"]), UTC) <= now:
        return None
    return AccessGrant(
        serial=str(claims["serial"]),
        client_id=str(claims["clientappid"]),
        issuer=str(claims["issuer"]),
        grant_id=str(record["grant"]),
        jti=str(claims["jti"]),
    )


def issued_to(keys: SandboxKeys, state: SandboxState, token: str) -> str | None:
    """The client_id a token of this sandbox was issued to (None when it is not one of ours)."""
    claims = decode(keys, resolve(state, token))
    return str(claims.get("clientappid")) if claims is not None else None


def revoke(state: SandboxState, keys: SandboxKeys, token: str) -> bool:
    """Revoke one token (access or refresh); a refresh token takes its whole grant with it."""
    claims = decode(keys, resolve(state, token))
    if claims is None:
        return False
    with state.lock:
        record = state.tokens.get(str(claims.get("jti")))
        if record is None:
            return False
        record["revoked"] = True
        if record["kind"] == "refresh":
            state.grants[record["grant"]]["revoked"] = True
    return True
