"""ANAF's call budgets are shared: by every client of a process, and by all workers through Redis."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest

from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.quota import RedisQuotaLimiter, shared_limiter

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_prefix() -> Any:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (./dev test starts it)")
    prefix = f"test-quota:{secrets.token_hex(4)}"
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


@pytest.mark.redis
def test_two_redis_limiters_share_one_budget(redis_prefix: str) -> None:
    from anaf import RateLimited

    first = RedisQuotaLimiter(REDIS_URL, prefix=redis_prefix, max_wait=timedelta(0))
    second = RedisQuotaLimiter(REDIS_URL, prefix=redis_prefix, max_wait=timedelta(0))
    for limiter in (first, second, first):
        limiter.acquire("list", "16000015", 3, timedelta(days=1))
    with pytest.raises(RateLimited) as refused:
        second.acquire("list", "16000015", 3, timedelta(days=1))
    assert refused.value.quota == "list"
    assert refused.value.reset_at is not None
    second.acquire("list", "29000025", 3, timedelta(days=1))  # another CIF, another budget
    assert first.used("list", "16000015", timedelta(days=1)) == 3


@pytest.mark.redis
def test_a_redis_limiter_waits_out_a_short_refusal(redis_prefix: str) -> None:
    """Sliding window: the fourth call of a 3-per-second budget waits for the first to leave the window."""
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RedisQuotaLimiter(REDIS_URL, prefix=redis_prefix, clock=lambda: now[0], sleep=sleep)
    for step in range(3):
        now[0] = 1000.0 + step * 0.25
        limiter.acquire("global", "api", 3, timedelta(seconds=1))
    limiter.acquire("global", "api", 3, timedelta(seconds=1))
    assert slept == [pytest.approx(0.5)]
    assert limiter.used("global", "api", timedelta(seconds=1)) == 3


def test_every_client_of_the_process_spends_the_same_budgets(settings: Any) -> None:
    settings.EFACTURA_SANDBOX_URL = "http://127.0.0.1:9"
    settings.EFACTURA_REDIS_URL = ""
    first = gateway.efactura_client(environment="sandbox", access_token="a")
    second = gateway.efactura_client(environment="sandbox", access_token="b")
    assert first.limiter is second.limiter is shared_limiter("http://127.0.0.1:9")
    production = gateway.efactura_client(environment="prod", access_token="c")
    assert production.limiter is not first.limiter  # ANAF's budgets are not the sandbox's


@pytest.mark.redis
def test_with_redis_configured_clients_use_the_shared_budgets(settings: Any, redis_prefix: str) -> None:
    settings.EFACTURA_SANDBOX_URL = f"http://{redis_prefix}"
    settings.EFACTURA_REDIS_URL = REDIS_URL
    client = gateway.efactura_client(environment="sandbox", access_token="a")
    assert isinstance(getattr(client.limiter, "shared", None), RedisQuotaLimiter)
    client.limiter.acquire("list", "16000015", 1, timedelta(minutes=1))
    other = RedisQuotaLimiter(
        REDIS_URL, prefix=f"efactura:quota:http://{redis_prefix}", max_wait=timedelta(0)
    )
    assert other.used("list", "16000015", timedelta(minutes=1)) == 1


def test_an_unreachable_redis_falls_back_to_the_process_budgets(settings: Any) -> None:
    settings.EFACTURA_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    limiter = shared_limiter("http://127.0.0.1:8")
    limiter.acquire("list", "16000015", 1, timedelta(days=1))
    from anaf import RateLimited

    with pytest.raises(RateLimited):
        limiter.acquire("list", "16000015", 1, timedelta(days=1))
