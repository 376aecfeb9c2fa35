"""A token answer whose lifetimes cannot be read still hands over the (already rotated) pair (§1.7, §8.5)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from anaf import (
    AnafEndpoints,
    MemoryTokenStore,
    OAuthClient,
    ReauthorizationRequired,
    ResponseError,
    TokenProvider,
    TokenSet,
)
from tests.anaf.anaf_testkit import FAST_RETRY, login

ISSUED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
OPAQUE = "9f" * 32  # ANAF's opaque tokens are 64 hex characters (§1.4)


def _jwt(**claims: Any) -> str:
    return jwt.encode({"serial": "34:00:aa", "clientappid": "app", **claims}, "k" * 32, algorithm="HS256")


def test_an_unreadable_refresh_lifetime_becomes_365_days_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    access = _jwt(iat=int(ISSUED.timestamp()), exp=int((ISSUED + timedelta(days=90)).timestamp()))

    with caplog.at_level(logging.WARNING, logger="anaf.tokens"):
        tokens = TokenSet.from_response({"access_token": access, "refresh_token": OPAQUE})

    assert tokens.refresh_token == OPAQUE
    assert tokens.access_expires_at == ISSUED + timedelta(days=90)
    assert tokens.refresh_expires_at == ISSUED + timedelta(days=365)
    assert tokens.serial == "34:00:aa"
    [warning] = tokens.warnings
    assert "refresh token is not a JWT" in warning
    assert "365 days" in warning
    assert warning in caplog.text
    assert OPAQUE not in caplog.text
    assert access not in caplog.text


def test_a_refresh_jwt_without_exp_is_kept_too() -> None:
    access = _jwt(iat=int(ISSUED.timestamp()), exp=int((ISSUED + timedelta(days=90)).timestamp()))

    tokens = TokenSet.from_response({"access_token": access, "refresh_token": _jwt(iat=1)})

    assert tokens.refresh_expires_at == ISSUED + timedelta(days=365)
    assert "carries no `exp` claim" in tokens.warnings[0]


def test_an_opaque_access_token_uses_expires_in_then_the_documented_90_days() -> None:
    now = datetime(2026, 11, 2, tzinfo=UTC)
    body = {"access_token": OPAQUE, "refresh_token": OPAQUE[::-1], "expires_in": 3600}

    with_expires_in = TokenSet.from_response(body, now=now)
    without = TokenSet.from_response({**body, "expires_in": "soon"}, now=now)

    assert with_expires_in.access_expires_at == now + timedelta(hours=1)
    assert without.access_expires_at == now + timedelta(days=90)
    assert without.refresh_expires_at == now + timedelta(days=365)
    assert len(without.warnings) == 2
    assert (without.serial, without.roles) == ("", ())


def test_a_missing_token_is_still_an_error() -> None:
    with pytest.raises(ResponseError, match="no refresh_token"):
        TokenSet.from_response({"access_token": OPAQUE})


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """ANAF answering with an opaque refresh token although JWTs were asked for."""
    sandbox_seed.setdefault("tokens", {})["opaque_refresh_token"] = True
    return sandbox_seed


@pytest.fixture
def opaque_oauth(endpoints: AnafEndpoints, app: dict[str, Any]) -> Iterator[OAuthClient]:
    with OAuthClient(
        app["client_id"], app["client_secret"], app["redirect_uris"][0], endpoints, retry=FAST_RETRY
    ) as client:
        yield client


def test_a_rotated_pair_with_an_unreadable_refresh_lifetime_reaches_the_store(
    sandbox: Any, opaque_oauth: OAuthClient, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    first = login(sandbox, opaque_oauth, app, certificate)
    assert len(first.refresh_token) == 64  # opaque, not a JWT
    assert "365 days" in first.warnings[0]
    store = MemoryTokenStore(first)

    renewed = TokenProvider(opaque_oauth, store).renew()

    assert store.load() is renewed
    assert renewed.refresh_token != first.refresh_token
    assert renewed.issued_at is not None
    assert renewed.refresh_expires_at == renewed.issued_at + timedelta(days=365)
    # The sandbox spent the old refresh token: without the new pair the chain would be gone.
    with pytest.raises(ReauthorizationRequired):
        opaque_oauth.refresh(first.refresh_token)
    assert opaque_oauth.refresh(renewed.refresh_token).access_token
