"""HTTP 429: ANAF's calls-a-minute limit (here six), our own per-minute budget, waiting a reset out (§3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anaf import AnafEndpoints, EFacturaClient, MemoryQuotaLimiter, Quotas, RateLimited, TokenProvider
from tests.anaf.anaf_testkit import FAST_RETRY, advance, calls

LIMITS = {"calls_per_minute": 6}


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    return {**sandbox_seed, "limits": {**sandbox_seed.get("limits", {}), **LIMITS}}


@pytest.fixture
def trusting(provider: TokenProvider, endpoints: AnafEndpoints) -> Iterator[EFacturaClient]:
    """A client without local budgets, so ANAF's own limit answers."""
    with EFacturaClient(provider, "test", endpoints, quotas=Quotas(*(None,) * 6), retry=FAST_RETRY) as client:
        yield client


def test_http_429_with_a_long_reset_raises_rate_limited(sandbox: Any, trusting: EFacturaClient) -> None:
    for _ in range(LIMITS["calls_per_minute"]):
        trusting.hello()

    with pytest.raises(RateLimited) as refused:
        trusting.hello()

    assert refused.value.status == 429
    assert refused.value.quota == "global"
    assert refused.value.reset_at is not None
    assert timedelta(seconds=30) < refused.value.reset_at - datetime.now(UTC) <= timedelta(seconds=61)
    assert len(calls(sandbox, "/hello")) == LIMITS["calls_per_minute"] + 1


def test_http_429_with_a_short_reset_is_waited_out(sandbox: Any, trusting: EFacturaClient) -> None:
    for _ in range(LIMITS["calls_per_minute"]):
        trusting.hello()
    advance(sandbox, 59.5)  # ANAF's minute is almost over: it asks us to come back in a second

    assert "Hello" in trusting.hello()
    assert [c["status"] for c in calls(sandbox, "/hello")][-2:] == [429, 200]


def test_our_global_budget_keeps_calls_under_anafs_per_minute_limit(
    sandbox: Any, provider: TokenProvider, endpoints: AnafEndpoints
) -> None:
    limiter = MemoryQuotaLimiter(max_wait=timedelta(0))
    quotas = Quotas(global_per_minute=LIMITS["calls_per_minute"])
    with EFacturaClient(provider, "test", endpoints, limiter=limiter, quotas=quotas) as client:
        for _ in range(LIMITS["calls_per_minute"]):
            client.hello()
        with pytest.raises(RateLimited) as refused:
            client.hello()

    assert refused.value.quota == "global"
    assert refused.value.status is None
    assert [c["status"] for c in calls(sandbox, "/hello")] == [200] * LIMITS["calls_per_minute"]
