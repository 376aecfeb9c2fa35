"""OAuth2 with ANAF's logincert IdP through Authlib over httpx (docs/anaf.md §1.3-§1.9).

Authorization code flow only; client authentication by HTTP Basic; `token_content_type=jwt` in the authorize
query and in the token body, so the tokens are JWTs whose `exp` tells their lifetimes. A refusal from the
token endpoint is `ReauthorizationRequired` (definitive); 5xx, 429, timeouts are transient and retried.
Revocation (RFC 7009) never raises: whether ANAF serves it is unverified (§8.4), so its outcome is a value.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from authlib.deprecate import AuthlibDeprecationWarning

from anaf._transport import DEFAULT_RETRY, DEFAULT_TIMEOUT, USER_AGENT, RetryPolicy, http_error
from anaf.endpoints import DEFAULT_ENDPOINTS, AnafEndpoints
from anaf.errors import (
    AnafError,
    Maintenance,
    RateLimited,
    ReauthorizationRequired,
    ResponseError,
    ServerError,
    Timeout,
    TransportError,
)
from anaf.models import RevocationResult
from anaf.tokens import TokenSet

with warnings.catch_warnings():
    # Authlib 1.9 nags about plain httpx (it prefers httpx2); the API we use is identical.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client


JWT = "jwt"  # ask for JWTs, not opaque tokens (§1.4)
TokenTypeHint = Literal["access_token", "refresh_token"]


class OAuthClient:
    """The application's side of ANAF's authorization-code flow."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        endpoints: AnafEndpoints = DEFAULT_ENDPOINTS,
        http: httpx.Client | None = None,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoints = endpoints
        self.redirect_uri = redirect_uri
        self._retry = retry
        self._sleep = sleep
        self._oauth: Any = OAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106
            redirect_uri=redirect_uri,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
        )
        if http is not None:
            # Seam: Authlib sends token requests through `session`; point it at the injected client.
            self._oauth.session = http
        self._oauth.register_compliance_hook("access_token_response", self._check_token_response)
        self._oauth.register_compliance_hook("refresh_token_response", self._check_token_response)

    def close(self) -> None:
        self._oauth.close()

    def __enter__(self) -> OAuthClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def authorize_url(self, state: str) -> str:
        """Where to send the certificate holder's browser; ANAF redirects back with `code` and `state`."""
        url, _ = self._oauth.create_authorization_url(
            self.endpoints.authorize_url, state=state, token_content_type=JWT
        )
        return str(url)

    def exchange_code(self, code: str) -> TokenSet:
        """Trade the one-minute authorization code for a token pair (not retried: a code works once)."""
        return self._call(
            lambda: self._oauth.fetch_token(
                self.endpoints.token_url,
                grant_type="authorization_code",
                code=code,
                redirect_uri=self.redirect_uri,
                token_content_type=JWT,
            ),
            retry=False,
        )

    def refresh(self, refresh_token: str) -> TokenSet:
        """A new pair for a refresh token. ANAF rotates the refresh token: save the result at once."""
        return self._call(
            lambda: self._oauth.refresh_token(
                self.endpoints.token_url, refresh_token=refresh_token, token_content_type=JWT
            ),
            retry=True,
        )

    def revoke(self, token: str, token_type_hint: TokenTypeHint | None = None) -> RevocationResult:
        """Ask ANAF to revoke `token` (RFC 7009 at `/revoke`, client authentication as for `/token`).

        Never raises for what ANAF answers or for an unreachable host: `revoked` is True only for HTTP 200;
        a refusal, a redirect to the login page, a server error or no answer is `revoked=False` with the
        reason. Transient failures (5xx, 429, timeouts) are retried, since revoking twice is harmless.
        Revoke the refresh token first: it ends the grant (and, at the sandbox, its access tokens too).
        """
        attempt = 0
        while True:
            attempt += 1
            result, transient = self._revoke_once(token, token_type_hint)
            if result.revoked or not transient or attempt >= self._retry.attempts:
                return result
            self._sleep(self._retry.delay(attempt))

    def _revoke_once(self, token: str, hint: TokenTypeHint | None) -> tuple[RevocationResult, bool]:
        """One revocation attempt and whether a failure is worth another try."""
        url = self.endpoints.revoke_url
        try:
            response = self._oauth.revoke_token(url, token=token, token_type_hint=hint)
            response.read()
        except httpx.HTTPError as exc:
            what = (
                "did not answer in time"
                if isinstance(exc, httpx.TimeoutException)
                else "could not be reached"
            )
            reason = f"ANAF's revocation endpoint {what} ({type(exc).__name__}: {exc})."
            return RevocationResult(False, None, reason), isinstance(exc, httpx.TransportError)
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            reason = (
                f"ANAF redirected the revocation (HTTP {status} to {location or 'another page'}) instead of "
                "answering it: the token is not revoked. End the authorization in ANAF's portal "
                "(Renunțare Oauth) or let the tokens expire."
            )
            return RevocationResult(False, status, reason), False
        error = http_error(response, datetime.now(UTC))
        if error is None and 200 <= status < 300:  # RFC 7009 says 200; a 204 means the same
            return RevocationResult(True, status), False
        text = _oauth_error_text(response) or (error.anaf_text if isinstance(error, ResponseError) else "")
        reason = str(error) if error is not None else f"ANAF answered HTTP {status} to the revocation."
        transient = isinstance(error, RateLimited | ServerError | Maintenance)
        return RevocationResult(False, status, reason, text), transient

    def _call(self, request: Callable[[], Any], *, retry: bool) -> TokenSet:
        attempt = 0
        while True:
            attempt += 1
            try:
                return TokenSet.from_response(dict(request()))
            except OAuthError as exc:
                text = f"{exc.error}: {exc.description}" if exc.description else str(exc.error)
                raise ReauthorizationRequired(
                    f"ANAF refused the token request ({text}); authorize again with the certificate.",
                    status=400,
                    anaf_text=text,
                ) from exc
            except (ResponseError, TransportError) as exc:
                error: AnafError = exc
                transient = isinstance(exc, TransportError | RateLimited | ServerError | Maintenance)
            except httpx.TimeoutException as exc:
                error, transient = Timeout(f"ANAF's token endpoint did not answer in time: {exc}"), True
            except httpx.TransportError as exc:
                error, transient = TransportError(f"Could not reach ANAF's token endpoint: {exc}"), True
            if not (retry and transient) or attempt >= self._retry.attempts:
                raise error
            if isinstance(error, RateLimited) and error.reset_at is not None:
                delay = max(0.0, (error.reset_at - datetime.now(UTC)).total_seconds())
                if delay > self._retry.max_rate_limit_wait:
                    raise error
            else:
                delay = self._retry.delay(attempt)
            self._sleep(delay)

    @staticmethod
    def _check_token_response(response: httpx.Response) -> httpx.Response:
        """Turn transport-level failures into our errors before Authlib reads the body."""
        response.read()
        error = http_error(response, datetime.now(UTC))
        if error is None or (response.status_code in (400, 401) and _is_oauth_error(response)):
            return response  # a 200, or an OAuth JSON error that Authlib turns into OAuthError
        # 5xx, 429, a WAF page, or a 4xx that is not OAuth JSON: not provably definitive.
        raise error


def _oauth_error_text(response: httpx.Response) -> str:
    """``error: error_description`` of an OAuth JSON error body, or ""."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict) or not isinstance(data.get("error"), str):
        return ""
    description = data.get("error_description")
    return (
        f"{data['error']}: {description}" if isinstance(description, str) and description else data["error"]
    )


def _is_oauth_error(response: httpx.Response) -> bool:
    try:
        data = response.json()
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("error"), str)
