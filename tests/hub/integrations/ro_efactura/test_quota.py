"""ANAF's call budgets are shared by every process: in the database by default, through Redis when set."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

import pytest

from hub.integrations.ro_efactura import gateway
from hub.integrations.ro_efactura.models import QuotaCounter
from hub.integrations.ro_efactura.quota import (
    BUCHAREST,
    DatabaseQuotaLimiter,
    MarginLimiter,
    RedisQuotaLimiter,
    shared_limiter,
)

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
    """Sliding window: the fourth call of a 3-per-second budget waits for the first to leave the window, and
    its second of transit to ANAF (`TRANSIT`)."""
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
    assert slept == [pytest.approx(1.5)]
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
    assert isinstance(client.limiter, MarginLimiter)
    assert isinstance(getattr(client.limiter.inner, "shared", None), RedisQuotaLimiter)
    client.limiter.acquire("list", "16000015", 1, timedelta(minutes=1))
    other = RedisQuotaLimiter(
        REDIS_URL, prefix=f"efactura:quota:http://{redis_prefix}", max_wait=timedelta(0)
    )
    assert other.used("list", "16000015", timedelta(minutes=1)) == 1


def test_an_unreachable_redis_falls_back_to_the_database_budgets(settings: Any) -> None:
    settings.EFACTURA_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    limiter = shared_limiter("http://127.0.0.1:8")
    limiter.acquire("list", "16000015", 1, timedelta(days=1))
    from anaf import RateLimited

    with pytest.raises(RateLimited):
        limiter.acquire("list", "16000015", 1, timedelta(days=1))
    assert DatabaseQuotaLimiter("http://127.0.0.1:8").used("list", "16000015", timedelta(days=1)) == 1


def test_two_database_limiters_share_one_budget_and_a_new_one_keeps_the_daily_count() -> None:
    """Two processes' limiters count in the same rows; one made after a restart reads the same counts."""
    from anaf import RateLimited

    first = DatabaseQuotaLimiter("http://anaf", max_wait=timedelta(0))
    second = DatabaseQuotaLimiter("http://anaf", max_wait=timedelta(0))
    for limiter in (first, second, first):
        limiter.acquire("download", "3001", 3, timedelta(days=1))
    with pytest.raises(RateLimited) as refused:
        second.acquire("download", "3001", 3, timedelta(days=1))
    assert refused.value.quota == "download"
    assert refused.value.reset_at is not None
    assert refused.value.reset_at.astimezone(BUCHAREST).time() == dt_time(0)  # ANAF's next calendar day
    second.acquire("download", "3002", 3, timedelta(days=1))  # another message, another budget

    restarted = DatabaseQuotaLimiter("http://anaf", max_wait=timedelta(0))
    assert restarted.used("download", "3001", timedelta(days=1)) == 3
    with pytest.raises(RateLimited):
        restarted.acquire("download", "3001", 3, timedelta(days=1))
    assert DatabaseQuotaLimiter("http://other-anaf").used("download", "3001", timedelta(days=1)) == 0


def test_a_database_limiter_waits_for_the_oldest_slot_to_leave_the_minute() -> None:
    now = [1_000_000.5]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = DatabaseQuotaLimiter("http://anaf", clock=lambda: now[0], sleep=sleep)
    for step in range(3):
        now[0] = 1_000_000.5 + step * 10
        limiter.acquire("global", "api", 3, timedelta(minutes=1))
    limiter.acquire("global", "api", 3, timedelta(minutes=1))
    # The first call's one-second slot (1000000) counts until 61 s after it began: never early.
    assert slept == [pytest.approx(1_000_061 - 1_000_020.5)]
    assert limiter.used("global", "api", timedelta(minutes=1)) == 3


def test_expired_counters_are_purged() -> None:
    now = [2_000_000.0]
    limiter = DatabaseQuotaLimiter("http://anaf", clock=lambda: now[0])
    limiter.acquire("global", "api", 5, timedelta(minutes=1))
    assert QuotaCounter.objects.filter(budget__startswith="http://anaf|global").count() == 1  # one slot
    now[0] += 3600
    DatabaseQuotaLimiter("http://anaf", clock=lambda: now[0]).acquire("list", "1", 5, timedelta(days=1))
    assert not QuotaCounter.objects.filter(budget__startswith="http://anaf|global").exists()


def test_the_margin_keeps_a_share_of_each_minute_unused_but_not_of_a_day() -> None:
    from anaf import RateLimited

    limiter = MarginLimiter(DatabaseQuotaLimiter("http://anaf", max_wait=timedelta(0)), 2)
    for _ in range(49):
        limiter.acquire("global", "api", 50, timedelta(minutes=1))
    with pytest.raises(RateLimited):
        limiter.acquire("global", "api", 50, timedelta(minutes=1))  # 50 - 2 % = 49
    for _ in range(10):
        limiter.acquire("download", "3001", 10, timedelta(days=1))  # ANAF's 10 a day, all usable


def test_the_margin_and_the_minute_budget_come_from_the_settings(settings: Any) -> None:
    settings.EFACTURA_QUOTA_MARGIN = 5.0
    settings.EFACTURA_QUOTA_PER_MINUTE = 400
    settings.EFACTURA_REDIS_URL = ""
    client = gateway.efactura_client(environment="prod", access_token="a")
    assert isinstance(client.limiter, MarginLimiter)
    assert client.limiter.percent == 5.0
    assert isinstance(client.limiter.inner, DatabaseQuotaLimiter)
    assert client.quotas.global_per_minute == 400


@pytest.mark.redis
def test_redis_daily_counts_are_per_calendar_day_and_expire(redis_prefix: str) -> None:
    import redis

    from anaf import RateLimited

    moment = datetime(2026, 3, 10, 23, 30, tzinfo=BUCHAREST).timestamp()
    now = [moment]
    limiter = RedisQuotaLimiter(REDIS_URL, prefix=redis_prefix, clock=lambda: now[0])
    for _ in range(2):
        limiter.acquire("download", "3001", 2, timedelta(days=1))
    with pytest.raises(RateLimited) as refused:
        limiter.acquire("download", "3001", 2, timedelta(days=1))
    assert refused.value.reset_at == datetime(2026, 3, 11, tzinfo=BUCHAREST)
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_prefix}:*"))
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(REDIS_URL).ttl(keys[0]) <= 2 * 86400  # kept a day past its own end
    now[0] += 3600  # 00:30 the next day at ANAF: a new day's budget
    limiter.acquire("download", "3001", 2, timedelta(days=1))
    assert limiter.used("download", "3001", timedelta(days=1)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("window", [timedelta(minutes=1), timedelta(days=1)], ids=["minute", "day"])
def test_database_limiters_racing_in_threads_count_exactly_the_limit(window: timedelta) -> None:
    """Eight threads (eight connections) ask 10 calls each of a budget of 25: exactly 25 are counted."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from anaf import RateLimited

    assert QuotaCounter._meta.db_table == "ro_efactura_quotacounter"  # the table the counting SQL names

    def ask(_: int) -> int:
        limiter = DatabaseQuotaLimiter("http://anaf", max_wait=timedelta(0))
        granted = 0
        try:
            for _call in range(10):
                try:
                    limiter.acquire("global", "api", 25, window)
                    granted += 1
                except RateLimited:
                    pass
        finally:
            connection.close()
        return granted

    with ThreadPoolExecutor(8) as pool:
        granted = sum(pool.map(ask, range(8)))

    assert granted == 25
    assert DatabaseQuotaLimiter("http://anaf").used("global", "api", window) == 25


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_minute_filled_at_once_is_waited_out_not_refused(store: str, redis_prefix: str) -> None:
    """Four workers can spend a minute's budget within a second: the next call waits the whole window (and
    the transit it keeps) instead of failing its run, on the default `max_wait`."""
    moment = [1_800_000_000.25]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        moment[0] += seconds

    limiter: Any
    if store == "redis":
        limiter = RedisQuotaLimiter(REDIS_URL, prefix=redis_prefix, clock=lambda: moment[0], sleep=sleep)
    else:
        limiter = DatabaseQuotaLimiter("http://anaf", clock=lambda: moment[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire("minute", "global", 5, timedelta(minutes=1))
    limiter.acquire("minute", "global", 5, timedelta(minutes=1))  # waited, not refused

    assert slept
    assert 60 < sum(slept) <= 62
