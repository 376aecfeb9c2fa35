"""TokenProvider over a TokenStore: renewal near expiry, after a 401, and when nothing can be renewed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    InvalidToken,
    MemoryTokenStore,
    OAuthClient,
    ReauthorizationRequired,
    TokenProvider,
    TokenSet,
)
from tests.anaf.anaf_testkit import FAST_RETRY, advance, calls, sandbox_now

ACCESS_MINUTES = 10


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """Access tokens of ten minutes, so expiry is reachable by moving the sandbox clock."""
    return {
        **sandbox_seed,
        "tokens": {**sandbox_seed.get("tokens", {}), "access_days": ACCESS_MINUTES / 1440},
    }


def test_it_renews_an_access_token_close_to_expiry_and_saves_the_rotation(
    sandbox: Any, oauth: OAuthClient, store: MemoryTokenStore, tokens: TokenSet
) -> None:
    provider = TokenProvider(oauth, store, clock=lambda: sandbox_now(sandbox))
    assert provider.access_token() == tokens.access_token  # fresh: no renewal

    advance(sandbox, (ACCESS_MINUTES - 0.5) * 60)  # inside the last tenth of its life
    renewed = provider.access_token()

    saved = store.load()
    assert saved is not None
    assert renewed == saved.access_token != tokens.access_token
    assert saved.refresh_token != tokens.refresh_token
    assert len(calls(sandbox, "/anaf-oauth2/v1/token")) == 2  # code exchange + one refresh


def test_it_renews_once_after_a_401_and_retries_the_call(
    sandbox: Any, oauth: OAuthClient, store: MemoryTokenStore, endpoints: AnafEndpoints, tokens: TokenSet
) -> None:
    # Our clock says the token is fine, ANAF's says it expired: only the 401 can tell.
    provider = TokenProvider(oauth, store)
    advance(sandbox, (ACCESS_MINUTES + 1) * 60)

    with EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY) as client:
        assert "Hello" in client.hello()

    statuses = [c["status"] for c in calls(sandbox, "/TestOauth/jaxrs/hello")]
    assert statuses == [401, 200]
    saved = store.load()
    assert saved is not None
    assert saved.access_token != tokens.access_token


def test_after_a_401_it_uses_a_token_someone_else_already_renewed(
    sandbox: Any, oauth: OAuthClient, store: MemoryTokenStore, tokens: TokenSet
) -> None:
    provider = TokenProvider(oauth, store)
    other_worker = TokenProvider(oauth, store)
    other_worker.renew()  # rotates the pair in the shared store

    current = provider.renew_after_rejection(tokens.access_token)

    saved = store.load()
    assert saved is not None
    assert current == saved.access_token
    assert len(calls(sandbox, "/anaf-oauth2/v1/token")) == 2  # exchange + the other worker's refresh only


def test_a_static_token_that_ANAF_refuses_raises_invalid_token(
    sandbox: Any, endpoints: AnafEndpoints
) -> None:
    with (
        EFacturaClient("not-a-token", "test", endpoints, retry=FAST_RETRY) as client,
        pytest.raises(InvalidToken),
    ):
        client.hello()


def test_an_expired_refresh_token_needs_reauthorization_without_asking_anaf(
    sandbox: Any, oauth: OAuthClient, store: MemoryTokenStore
) -> None:
    provider = TokenProvider(oauth, store, clock=lambda: sandbox_now(sandbox))
    advance(sandbox, timedelta(days=366).total_seconds())

    with pytest.raises(ReauthorizationRequired, match="refresh token expired"):
        provider.access_token()
    assert len(calls(sandbox, "/anaf-oauth2/v1/token")) == 1  # only the code exchange


def test_a_refused_refresh_after_a_401_needs_reauthorization(
    sandbox: Any, oauth: OAuthClient, store: MemoryTokenStore, endpoints: AnafEndpoints
) -> None:
    provider = TokenProvider(oauth, store)  # local clock: it does not know the refresh token expired
    advance(sandbox, timedelta(days=366).total_seconds())

    client = EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY)
    with pytest.raises(ReauthorizationRequired) as refused:
        client.hello()
    assert "Refresh Token status is expired" in refused.value.anaf_text


def test_an_empty_store_needs_authorization(oauth: OAuthClient) -> None:
    with pytest.raises(ReauthorizationRequired):
        TokenProvider(oauth, MemoryTokenStore()).access_token()
