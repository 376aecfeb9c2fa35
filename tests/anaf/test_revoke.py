"""`OAuthClient.revoke` against the sandbox over HTTP: RFC 7009, and failure as a value (§1.9, §8.4)."""

from __future__ import annotations

import base64
import socket
from typing import Any
from urllib.parse import parse_qs

import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    MemoryTokenStore,
    OAuthClient,
    ReauthorizationRequired,
    RevocationResult,
    TokenProvider,
    TokenSet,
)
from tests.anaf.anaf_testkit import FAST_RETRY, Recorder, add_fault, calls

REVOKE = "/anaf-oauth2/v1/revoke"


def test_revoking_the_refresh_token_ends_the_authorization(
    oauth: OAuthClient, tokens: TokenSet, endpoints: AnafEndpoints
) -> None:
    result = oauth.revoke(tokens.refresh_token, token_type_hint="refresh_token")

    assert result == RevocationResult(revoked=True, status=200)
    with pytest.raises(ReauthorizationRequired) as refused:
        oauth.refresh(tokens.refresh_token)
    assert "invalid_grant" in refused.value.anaf_text
    provider = TokenProvider(oauth, MemoryTokenStore(tokens))
    with (
        EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY) as client,
        pytest.raises(ReauthorizationRequired),
    ):
        client.hello()  # the access token gets 401, and the renewal after it invalid_grant


def test_it_sends_rfc_7009_with_basic_client_authentication(
    sandbox: Any, endpoints: AnafEndpoints, app: dict[str, Any], tokens: TokenSet
) -> None:
    recorder = Recorder()
    with OAuthClient(
        app["client_id"], app["client_secret"], app["redirect_uris"][0], endpoints, recorder.client()
    ) as oauth:
        assert oauth.revoke(tokens.access_token, token_type_hint="access_token").revoked

    [request] = recorder.requests
    assert request.url.path == REVOKE
    expected = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.content.decode()) == {
        "token": [tokens.access_token],
        "token_type_hint": ["access_token"],
    }


def test_a_revoked_access_token_is_refused_but_the_grant_lives_on(
    oauth: OAuthClient, tokens: TokenSet, endpoints: AnafEndpoints
) -> None:
    assert oauth.revoke(tokens.access_token).revoked

    store = MemoryTokenStore(tokens)
    with EFacturaClient(TokenProvider(oauth, store), "test", endpoints, retry=FAST_RETRY) as client:
        assert "Hello" in client.hello()  # 401, then one renewal with the still valid refresh token
    renewed = store.load()
    assert renewed is not None
    assert renewed.access_token != tokens.access_token


def test_anafs_login_wall_is_a_reported_result_and_the_tokens_still_work(
    sandbox: Any, oauth: OAuthClient, tokens: TokenSet
) -> None:
    add_fault(sandbox, REVOKE, "login_wall")

    result = oauth.revoke(tokens.refresh_token, token_type_hint="refresh_token")

    assert (result.revoked, result.status) == (False, 302)
    assert "/my.policy" in result.reason
    assert "Renunțare Oauth" in result.reason
    assert len(calls(sandbox, REVOKE)) == 1  # a redirect is an answer, not worth retrying
    assert oauth.refresh(tokens.refresh_token).access_token


def test_a_refusal_carries_anafs_words(sandbox: Any, endpoints: AnafEndpoints, app: dict[str, Any]) -> None:
    with OAuthClient(app["client_id"], "not-the-secret", app["redirect_uris"][0], endpoints) as wrong:
        result = wrong.revoke("whatever")

    assert (result.revoked, result.status) == (False, 400)
    assert result.anaf_text == "invalid_client: Client authentication failed"
    assert "HTTP 400" in result.reason


def test_a_server_error_is_retried(sandbox: Any, oauth: OAuthClient, tokens: TokenSet) -> None:
    add_fault(sandbox, REVOKE, "http_502")

    assert oauth.revoke(tokens.refresh_token).revoked

    assert [call["status"] for call in calls(sandbox, REVOKE)] == [502, 200]


def test_a_server_that_keeps_failing_is_a_result_after_the_retries(
    sandbox: Any, oauth: OAuthClient, tokens: TokenSet
) -> None:
    add_fault(sandbox, REVOKE, "maintenance", count=5)

    result = oauth.revoke(tokens.refresh_token)

    assert (result.revoked, result.status) == (False, 503)
    assert len(calls(sandbox, REVOKE)) == FAST_RETRY.attempts


def test_an_unreachable_host_is_a_result_not_an_exception(app: dict[str, Any]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    endpoints = AnafEndpoints.sandbox(f"http://127.0.0.1:{closed}")
    with OAuthClient(
        app["client_id"], app["client_secret"], app["redirect_uris"][0], endpoints, retry=FAST_RETRY
    ) as oauth:
        result = oauth.revoke("a-token")

    assert (result.revoked, result.status) == (False, None)
    assert "could not be reached" in result.reason
    assert "a-token" not in result.reason
