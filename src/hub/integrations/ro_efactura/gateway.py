"""The `anaf` clients for an environment: ANAF production, ANAF test, or the sandbox over HTTP."""

from __future__ import annotations

import httpx
from django.conf import settings

from anaf import AnafEndpoints, EFacturaClient, OAuthClient, Quotas, TokenProvider
from hub.core import clock
from hub.integrations.ro_efactura.quota import shared_limiter


class NotConfigured(RuntimeError):
    """ANAF_CLIENT_ID / ANAF_CLIENT_SECRET / ANAF_REDIRECT_URI are missing."""


def endpoints_for(environment: str) -> AnafEndpoints:
    if environment == "sandbox":
        return AnafEndpoints.sandbox(settings.EFACTURA_SANDBOX_URL)
    return AnafEndpoints()


def api_environment(environment: str) -> str:
    """The FCTEL path segment: the sandbox serves both; we use its test paths."""
    return "prod" if environment == "prod" else "test"


def oauth_client(environment: str) -> OAuthClient:
    if not (settings.ANAF_CLIENT_ID and settings.ANAF_CLIENT_SECRET and settings.ANAF_REDIRECT_URI):
        raise NotConfigured
    return OAuthClient(
        settings.ANAF_CLIENT_ID,
        settings.ANAF_CLIENT_SECRET,
        settings.ANAF_REDIRECT_URI,
        endpoints=endpoints_for(environment),
    )


def revoke_at_anaf(*, environment: str, refresh_token: str, access_token: str) -> bool:
    """Revoke the pair at ANAF (refresh token first: it ends the grant); True when ANAF confirmed both.
    The only place the hub calls the client's `revoke`. Never raises for ANAF's answer."""
    confirmed = True
    with oauth_client(environment) as client:
        for token, hint in ((refresh_token, "refresh_token"), (access_token, "access_token")):
            if token and not client.revoke(token, hint).revoked:  # type: ignore[arg-type]
                confirmed = False
    return confirmed


def efactura_client(*, environment: str, access_token: str | TokenProvider) -> EFacturaClient:
    """A client on one token (or a provider of tokens); every client of the process spends the same quota
    budgets (`quota.py`)."""
    endpoints = endpoints_for(environment)
    client = EFacturaClient(
        access_token,
        environment=api_environment(environment),  # type: ignore[arg-type]
        endpoints=endpoints,
        limiter=shared_limiter(endpoints.api_base),
        quotas=Quotas(global_per_minute=settings.EFACTURA_QUOTA_PER_MINUTE),
        timeout=httpx.Timeout(settings.EFACTURA_ANAF_TIMEOUT_SECONDS, connect=10.0),
    )
    # Our clock's offset (zero in production) is our best first guess of ANAF's; the client refines it.
    client.clock_skew = clock.offset()
    return client
