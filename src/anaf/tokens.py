"""Tokens: what ANAF's JWTs say about themselves, where they are kept, and who renews them (§1.5-§1.8).

Lifetimes are read from the JWT `exp` claims (decoded without verification: ANAF publishes no key). When a
token carries no readable `exp`, the pair is still returned, never dropped (the server has rotated it
already), with the documented lifetimes (§1.7: `expires_in` or 90 days, 365 days) and a warning. The
provider holds no token of its own: the store is the single source of truth, a rotated pair is saved at
once, and after a 401 it refreshes only if the token that failed is still the current one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import jwt

from anaf.errors import ReauthorizationRequired, ResponseError

logger = logging.getLogger(__name__)

# §1.7: what ANAF documents when a token does not say it itself.
DEFAULT_ACCESS_LIFETIME = timedelta(days=90)
DEFAULT_REFRESH_LIFETIME = timedelta(days=365)


def _claims(token: str, which: str) -> tuple[dict[str, Any], str | None]:
    """The token's claims, and a warning when its `exp` cannot be read (then the claims may be empty)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}, f"The {which} is not a JWT (was token_content_type=jwt sent?), so its lifetime is unknown"
    if not isinstance(claims.get("exp"), int | float):
        return dict(claims), f"The {which} JWT carries no `exp` claim, so its lifetime is unknown"
    return dict(claims), None


def _when(claims: Mapping[str, Any], name: str) -> datetime | None:
    value = claims.get(name)
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else None


def _roles(claims: Mapping[str, Any]) -> tuple[str, ...]:
    # Seen as `roles: "HELLO@EFACTURA@..."` and as `role: "HELLO,EFACTURA,..."` (§1.8).
    raw = claims.get("roles", claims.get("role", ""))
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    text = str(raw or "")
    separator = "@" if "@" in text else ","
    return tuple(part.strip() for part in text.split(separator) if part.strip())


@dataclass(frozen=True)
class TokenSet:
    """An access/refresh pair with what the access JWT says about itself. Tokens never appear in repr."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime
    issued_at: datetime | None
    serial: str
    issuer: str
    roles: tuple[str, ...]
    client_id: str
    # Why a lifetime is the documented default rather than read from the token (empty when all were read).
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_response(cls, data: Mapping[str, Any], now: datetime | None = None) -> TokenSet:
        """Read a token-endpoint answer (or a saved token file with the same two keys).

        Raises `ResponseError` only when a token is missing. A lifetime that cannot be read from its JWT
        becomes the documented default, counted from `iat` (else `now`), and is named in `warnings`.
        """
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not isinstance(access, str) or not access:
            raise ResponseError("The token answer has no access_token.")
        if not isinstance(refresh, str) or not refresh:
            raise ResponseError("The token answer has no refresh_token.")
        claims, access_problem = _claims(access, "access token")
        refresh_claims, refresh_problem = _claims(refresh, "refresh token")
        issued_at = _when(claims, "iat")
        start = issued_at or now or datetime.now(UTC)
        warnings: list[str] = []
        access_exp = _when(claims, "exp")
        if access_exp is None:
            expires_in = data.get("expires_in")
            if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
                access_exp = start + timedelta(seconds=expires_in)
                warnings.append(f"{access_problem}; using expires_in ({int(expires_in)} s).")
            else:
                access_exp = start + DEFAULT_ACCESS_LIFETIME
                warnings.append(f"{access_problem}; assuming ANAF's documented 90 days.")
        refresh_exp = _when(refresh_claims, "exp")
        if refresh_exp is None:
            refresh_exp = start + DEFAULT_REFRESH_LIFETIME
            warnings.append(f"{refresh_problem}; assuming ANAF's documented 365 days.")
        for warning in warnings:
            logger.warning("ANAF token answer: %s", warning)
        return cls(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=access_exp,
            refresh_expires_at=refresh_exp,
            issued_at=issued_at,
            serial=str(claims.get("serial") or claims.get("sub") or ""),
            issuer=str(claims.get("issuer") or ""),
            roles=_roles(claims),
            client_id=str(claims.get("clientappid") or claims.get("client_id") or ""),
            warnings=tuple(warnings),
        )

    def as_dict(self) -> dict[str, str]:
        """The two tokens in the token endpoint's own shape (what `from_response` reads back)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
        }

    def access_expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= self.access_expires_at - margin

    def refresh_expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= self.refresh_expires_at


class TokenStore(Protocol):
    """Where the current pair lives. The hub implements it on its database (encrypted, row-locked)."""

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def clear(self) -> None: ...


class MemoryTokenStore:
    """A `TokenStore` in process memory (scripts, tests)."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self._tokens = tokens

    def load(self) -> TokenSet | None:
        return self._tokens

    def save(self, tokens: TokenSet) -> None:
        self._tokens = tokens

    def clear(self) -> None:
        self._tokens = None


class Refresher(Protocol):
    def refresh(self, refresh_token: str) -> TokenSet: ...


class TokenProvider:
    """Hands out a valid access token, renewing it through `oauth` and saving every rotation in `store`.

    It renews when the access token is within `refresh_margin` of expiry (at most a tenth of its lifetime,
    so short-lived test tokens are not renewed on every call). Single-flight within this process only: a
    deployment with several workers must serialise renewals itself (the hub uses a row lock).
    """

    def __init__(
        self,
        oauth: Refresher,
        store: TokenStore,
        *,
        refresh_margin: timedelta = timedelta(days=1),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._oauth = oauth
        self._store = store
        self._margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()

    def current(self) -> TokenSet:
        tokens = self._store.load()
        if tokens is None:
            raise ReauthorizationRequired("No ANAF token is stored: authorize with the certificate first.")
        return tokens

    def _margin_for(self, tokens: TokenSet) -> timedelta:
        if tokens.issued_at is None:
            return self._margin
        return min(self._margin, (tokens.access_expires_at - tokens.issued_at) / 10)

    def access_token(self) -> str:
        """A usable access token, renewed first if it is close to expiry."""
        with self._lock:
            tokens = self.current()
            if tokens.access_expires_within(self._margin_for(tokens), self._clock()):
                tokens = self._renew(tokens)
            return tokens.access_token

    def renew_after_rejection(self, rejected_access_token: str) -> str:
        """After a 401: renew only if `rejected_access_token` is still the stored one, else use the newer."""
        with self._lock:
            tokens = self.current()
            if tokens.access_token != rejected_access_token:
                return tokens.access_token
            return self._renew(tokens).access_token

    def renew(self) -> TokenSet:
        """Renew now, whatever the expiry (the hub's periodic keep-alive)."""
        with self._lock:
            return self._renew(self.current())

    def _renew(self, tokens: TokenSet) -> TokenSet:
        if tokens.refresh_expired(self._clock()):
            raise ReauthorizationRequired(
                f"The refresh token expired at {tokens.refresh_expires_at:%Y-%m-%d %H:%M} UTC: "
                "authorize again with the certificate."
            )
        fresh = self._oauth.refresh(tokens.refresh_token)
        self._store.save(fresh)  # the old refresh token may be spent already: persist before anything else
        return fresh
