"""OAuth2 against the sandbox IdP: authorize URL, code exchange, refresh rotation, refusals (§1)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from anaf import (
    AnafEndpoints,
    OAuthClient,
    ReauthorizationRequired,
    ServerError,
    TokenSet,
)
from tests.anaf.anaf_testkit import FAST_RETRY, Recorder, add_fault, advance, calls, login


def test_it_builds_an_authorize_url_with_state_and_jwt(oauth: OAuthClient, app: dict[str, Any]) -> None:
    url = oauth.authorize_url(state="st-123")

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert parts.path == "/anaf-oauth2/v1/authorize"
    assert query == {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": app["redirect_uris"][0],
        "state": "st-123",
        "token_content_type": "jwt",
    }
    page = httpx.get(url)
    assert page.status_code == 200
    assert "<form" in page.text


def test_it_reads_every_lifetime_from_the_jwts(
    tokens: TokenSet, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    assert tokens.issued_at is not None
    # The default seed follows ANAF's documented 90 / 365 days; we only read them, never assume them.
    assert abs(tokens.access_expires_at - tokens.issued_at - timedelta(days=90)) < timedelta(seconds=2)
    assert abs(tokens.refresh_expires_at - tokens.issued_at - timedelta(days=365)) < timedelta(seconds=2)
    assert tokens.serial.lower() == certificate["serial"].lower()
    assert tokens.client_id == app["client_id"]
    assert tokens.issuer
    assert "EFACTURA" in tokens.roles


def test_tokens_never_appear_in_repr(tokens: TokenSet) -> None:
    text = repr(tokens)
    assert tokens.access_token not in text
    assert tokens.refresh_token not in text
    assert "serial=" in text


def test_it_authenticates_by_basic_auth_and_asks_for_jwt_in_the_body(
    sandbox: Any, endpoints: AnafEndpoints, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    recorder = Recorder()
    http = recorder.client()
    oauth = OAuthClient(app["client_id"], app["client_secret"], app["redirect_uris"][0], endpoints, http)

    login(sandbox, oauth, app, certificate)

    [request] = recorder.requests
    expected = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    form = parse_qs(request.content.decode())
    assert form["grant_type"] == ["authorization_code"]
    assert form["token_content_type"] == ["jwt"]
    assert form["redirect_uri"] == [app["redirect_uris"][0]]
    assert "client_secret" not in form


def test_a_code_works_once(
    sandbox: Any, oauth: OAuthClient, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    code = sandbox.authorize(
        app["client_id"], app["redirect_uris"][0], certificate["serial"], certificate["pin"]
    )
    oauth.exchange_code(code)

    with pytest.raises(ReauthorizationRequired) as refused:
        oauth.exchange_code(code)
    assert "invalid_request" in refused.value.anaf_text


def test_an_expired_code_is_refused(
    sandbox: Any, oauth: OAuthClient, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    code = sandbox.authorize(
        app["client_id"], app["redirect_uris"][0], certificate["serial"], certificate["pin"]
    )
    advance(sandbox, 61)

    with pytest.raises(ReauthorizationRequired):
        oauth.exchange_code(code)


def test_a_wrong_client_secret_is_refused(
    sandbox: Any, endpoints: AnafEndpoints, app: dict[str, Any], certificate: dict[str, Any]
) -> None:
    wrong = OAuthClient(app["client_id"], "not-the-secret", app["redirect_uris"][0], endpoints)

    with pytest.raises(ReauthorizationRequired) as refused:
        login(sandbox, wrong, app, certificate)
    assert "invalid_client" in refused.value.anaf_text


def test_refresh_rotates_the_pair_and_spends_the_old_refresh_token(
    oauth: OAuthClient, tokens: TokenSet
) -> None:
    fresh = oauth.refresh(tokens.refresh_token)

    assert fresh.refresh_token != tokens.refresh_token
    assert fresh.access_token != tokens.access_token
    assert fresh.serial == tokens.serial
    with pytest.raises(ReauthorizationRequired):
        oauth.refresh(tokens.refresh_token)


def test_an_expired_refresh_token_needs_reauthorization(
    sandbox: Any, oauth: OAuthClient, tokens: TokenSet
) -> None:
    advance(sandbox, timedelta(days=366).total_seconds())

    with pytest.raises(ReauthorizationRequired) as refused:
        oauth.refresh(tokens.refresh_token)
    assert "Refresh Token status is expired" in refused.value.anaf_text


def test_a_transient_token_endpoint_failure_is_retried(
    sandbox: Any, oauth: OAuthClient, tokens: TokenSet
) -> None:
    add_fault(sandbox, "/anaf-oauth2/v1/token", "http_502")

    fresh = oauth.refresh(tokens.refresh_token)

    assert fresh.refresh_token != tokens.refresh_token
    assert [c.get("fault") for c in calls(sandbox, "/anaf-oauth2/v1/token")][-2:] == ["http_502", None]


def test_a_lasting_token_endpoint_failure_is_not_a_refusal(
    sandbox: Any, oauth: OAuthClient, tokens: TokenSet
) -> None:
    add_fault(sandbox, "/anaf-oauth2/v1/token", "http_500", count=FAST_RETRY.attempts)

    with pytest.raises(ServerError):
        oauth.refresh(tokens.refresh_token)
    # The refresh token was never spent: it still works once ANAF is back.
    assert oauth.refresh(tokens.refresh_token).refresh_token != tokens.refresh_token
