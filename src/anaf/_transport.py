"""The one HTTP chassis every ANAF call goes through: quotas, timeouts, error translation and safe retries.

Endpoint methods build a request and hand the 200 answer to a parser; everything about the wire is here.
Idempotent calls retry timeouts, connection failures, 5xx, maintenance and 429 with jittered exponential
backoff; an upload is retried only when the request provably never left (connection refused) or ANAF
answered 429, and any other failure after sending raises `UploadUncertain` (docs/anaf.md §6).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from anaf._recognise import error_text, is_maintenance_page, is_waf_page
from anaf.errors import (
    AnafError,
    InvalidToken,
    Maintenance,
    RateLimited,
    ResponseError,
    ServerError,
    Timeout,
    TransportError,
    UploadUncertain,
    WafBlocked,
)
from anaf.quota import QuotaLimiter

logger = logging.getLogger("anaf")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = "efactura-hub-anaf/0.1"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry transient failures. Delays are full-jitter exponential: U(0, min(cap, base*2**n))."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_rate_limit_wait: float = 60.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True)
class Budget:
    """One quota a call spends: `limit` calls of `scope`/`key` per `window`."""

    scope: str
    key: str
    limit: int
    window: timedelta


def _reset_at(response: httpx.Response, now: datetime) -> datetime | None:
    """When a 429 clears: `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset` (epoch or seconds)."""
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return now + timedelta(seconds=int(retry_after))
        try:
            when: datetime = parsedate_to_datetime(retry_after)
            return when.astimezone(UTC)
        except (TypeError, ValueError):
            pass
    reset = response.headers.get("X-RateLimit-Reset")
    if reset and reset.strip().replace(".", "", 1).isdigit():
        value = float(reset)
        # Small numbers are "seconds from now", large ones epoch seconds.
        return now + timedelta(seconds=value) if value < 10**9 else datetime.fromtimestamp(value, UTC)
    return None


def http_error(response: httpx.Response, now: datetime) -> ResponseError | None:
    """The error a response stands for at HTTP level, or None when the body should be parsed."""
    status = response.status_code
    if is_waf_page(response):
        text = response.text.strip()[:2000]
        return WafBlocked(f"ANAF's firewall rejected the request: {text}", status=status, anaf_text=text)
    if status == 429:
        reset_at = _reset_at(response, now)
        return RateLimited(
            "ANAF's limit of calls per minute is exceeded (HTTP 429).",
            quota="global",
            reset_at=reset_at,
            status=status,
            anaf_text=error_text(response),
        )
    if status in (401, 403):
        text = error_text(response) or response.headers.get("WWW-Authenticate", "")
        return InvalidToken(
            f"ANAF refused the access token (HTTP {status}): {text}", status=status, anaf_text=text
        )
    if status == 503 or is_maintenance_page(response):
        text = error_text(response)
        return Maintenance(
            f"ANAF is unavailable for maintenance (HTTP {status}): {text}", status=status, anaf_text=text
        )
    if status >= 500:
        text = error_text(response)
        return ServerError(f"ANAF server error (HTTP {status}): {text}", status=status, anaf_text=text)
    if status >= 400 and status != 404:
        text = error_text(response)
        return ResponseError(
            f"ANAF refused the request (HTTP {status}): {text}", status=status, anaf_text=text
        )
    if status == 404:
        text = error_text(response)
        return ResponseError(f"Not found at ANAF (HTTP 404): {text}", status=status, anaf_text=text)
    return None


class Transport:
    """Owns the `httpx.Client` (or uses an injected one), the limiter and the retry policy."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        limiter: QuotaLimiter | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._owns_http = http is None
        self.http = http or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        self.limiter = limiter
        self.retry = retry
        self._sleep = sleep

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        json: Any = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        budgets: Sequence[Budget] = (),
        idempotent: bool = True,
    ) -> httpx.Response:
        """Send with quotas and retries; return a response whose HTTP level is fine (usually 200)."""
        # The longest windows first and the shortest (ANAF's minute) last, right before the send: a daily
        # budget that is spent refuses the call before it takes a place in the minute, and no other
        # budget's wait (a transaction, a round trip to Redis) sits between counting the minute and sending.
        ordered = sorted(budgets, key=lambda budget: budget.window, reverse=True)
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.retry.attempts
            if self.limiter is not None:
                for budget in ordered:
                    self.limiter.acquire(budget.scope, budget.key, budget.limit, budget.window)
            error: AnafError
            try:
                response = self.http.request(
                    method, url, params=params, content=content, json=json, files=files, headers=headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # The request never left: safe to retry even an upload.
                error = (Timeout if isinstance(exc, httpx.TimeoutException) else TransportError)(
                    f"Could not connect to ANAF ({type(exc).__name__}): {exc}"
                )
                retryable = True
            except httpx.TimeoutException as exc:
                if not idempotent:
                    raise UploadUncertain(
                        f"ANAF did not answer the upload in time ({type(exc).__name__}); the upload may have "
                        "happened: check the message list before uploading again."
                    ) from exc
                error, retryable = Timeout(f"ANAF did not answer in time ({type(exc).__name__})."), True
            except httpx.TransportError as exc:
                if not idempotent:
                    raise UploadUncertain(
                        f"The connection failed during the upload ({type(exc).__name__}); "
                        "the upload may have happened: check the message list before uploading again."
                    ) from exc
                error, retryable = (
                    TransportError(f"Connection to ANAF failed ({type(exc).__name__}): {exc}"),
                    True,
                )
            else:
                now = datetime.now(UTC)
                found = http_error(response, now)
                if found is None:
                    return response
                if not idempotent and response.status_code in (502, 504):
                    raise UploadUncertain(
                        f"A gateway answered HTTP {response.status_code} to the upload; the upload may have "
                        "happened: check the message list before uploading again."
                    ) from found
                error = found
                retryable = isinstance(found, RateLimited) or (
                    idempotent and isinstance(found, ServerError | Maintenance)
                )
                if isinstance(found, RateLimited):
                    wait = self._rate_limit_wait(found, now, attempt)
                    if wait is None or last:
                        raise found
                    logger.warning("ANAF answered 429; waiting %.1f s", wait)
                    self._sleep(wait)
                    continue
            if not retryable or last:
                raise error
            delay = self.retry.delay(attempt)
            logger.warning("ANAF call failed (%s), retry %d in %.1f s", type(error).__name__, attempt, delay)
            self._sleep(delay)

    def _rate_limit_wait(self, error: RateLimited, now: datetime, attempt: int) -> float | None:
        if error.reset_at is None:
            return self.retry.delay(attempt + 1)
        wait = (error.reset_at - now).total_seconds()
        return max(wait, 0.0) if wait <= self.retry.max_rate_limit_wait else None
