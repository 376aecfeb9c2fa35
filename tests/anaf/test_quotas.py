"""Quota budgets: ours keep calls inside ANAF's limits; ANAF's own refusals become `RateLimited` (§3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    MemoryQuotaLimiter,
    MessageExpired,
    Quotas,
    RateLimited,
    ResponseError,
    TokenProvider,
)
from anaf._recognise import BUCHAREST
from tests.anaf.anaf_testkit import FAST_RETRY, UBL_SAMPLE, advance, calls

LIMITS = {"stare_per_message_per_day": 2, "lista_per_cif_per_day": 2}


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    return {**sandbox_seed, "limits": {**sandbox_seed.get("limits", {}), **LIMITS}}


@pytest.fixture
def trusting(provider: TokenProvider, endpoints: AnafEndpoints) -> Iterator[EFacturaClient]:
    """A client without local budgets, so ANAF's own limits answer."""
    unlimited = Quotas(*(None,) * 6)
    with EFacturaClient(provider, "test", endpoints, quotas=unlimited, retry=FAST_RETRY) as client:
        yield client


@pytest.fixture
def download_id(sandbox: Any, cif: str) -> str:
    [created] = sandbox.add_messages(
        {
            "cif": cif,
            "direction": "received",
            "xml": UBL_SAMPLE.decode("utf-8"),
            "partner_cif": "1111111111118",
        }
    )
    return str(created["id"])


def test_our_budget_stops_the_eleventh_download_of_a_message_before_anaf_sees_it(
    sandbox: Any, provider: TokenProvider, endpoints: AnafEndpoints, download_id: str
) -> None:
    with EFacturaClient(provider, "test", endpoints, quotas=Quotas(global_per_minute=None)) as client:
        for _ in range(10):
            client.download(download_id)
        with pytest.raises(RateLimited) as refused:
            client.download(download_id)

    assert refused.value.quota == "download"
    assert refused.value.status is None  # refused locally
    assert refused.value.reset_at is not None
    assert len(calls(sandbox, "/descarcare")) == 10


def test_a_spent_daily_budget_refuses_before_the_minute_counts_the_call(
    sandbox: Any, provider: TokenProvider, endpoints: AnafEndpoints, download_id: str
) -> None:
    """The minute is counted last, right before the send: a refused call takes no place in ANAF's minute."""
    limiter = MemoryQuotaLimiter()
    quotas = Quotas(download_per_message_per_day=2)
    with EFacturaClient(provider, "test", endpoints, quotas=quotas, limiter=limiter) as client:
        client.download(download_id)
        client.download(download_id)
        with pytest.raises(RateLimited) as refused:
            client.download(download_id)

    assert refused.value.quota == "download"
    assert limiter.used("global", endpoints.api_base, timedelta(minutes=1)) == 2
    assert len(calls(sandbox, "/descarcare")) == 2


def test_anafs_daily_download_limit_is_rate_limited_until_bucharest_midnight(
    trusting: EFacturaClient, download_id: str
) -> None:
    for _ in range(10):
        trusting.download(download_id)

    with pytest.raises(RateLimited) as refused:
        trusting.download(download_id)

    assert refused.value.status == 200
    assert refused.value.anaf_text.startswith("S-au facut deja 10 descarcari")
    assert refused.value.reset_at is not None
    reset_local = refused.value.reset_at.astimezone(BUCHAREST)
    assert (reset_local.hour, reset_local.minute) == (0, 0)
    assert datetime.now(UTC) < refused.value.reset_at <= datetime.now(UTC) + timedelta(days=1)


def test_anafs_daily_status_and_list_limits_are_rate_limited(trusting: EFacturaClient, cif: str) -> None:
    receipt = trusting.upload(UBL_SAMPLE, cif)
    assert receipt.upload_id is not None
    trusting.status(receipt.upload_id)
    trusting.status(receipt.upload_id)
    with pytest.raises(RateLimited) as status_refused:
        trusting.status(receipt.upload_id)
    trusting.list_messages(cif, 1)
    trusting.list_messages(cif, 1)
    with pytest.raises(RateLimited) as list_refused:
        trusting.list_messages(cif, 1)

    assert status_refused.value.quota == "status"
    assert list_refused.value.quota == "list"
    assert "in cursul zilei" in list_refused.value.anaf_text


def test_a_message_past_60_days_is_expired_and_an_unknown_one_is_not(
    sandbox: Any, client: EFacturaClient, download_id: str
) -> None:
    advance(sandbox, timedelta(days=61).total_seconds())

    with pytest.raises(MessageExpired) as expired:
        client.download(download_id)
    with pytest.raises(ResponseError) as unknown:
        client.download("3999999999")

    assert "60 de zile" in expired.value.anaf_text
    assert type(unknown.value) is ResponseError  # under-match: never a false "expired"
    assert "nu exista inregistrata" in unknown.value.anaf_text


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_memory_limiter_waits_out_a_short_refusal() -> None:
    time = FakeTime()
    limiter = MemoryQuotaLimiter(max_wait=timedelta(seconds=60), clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        limiter.acquire("global", "api", 3, timedelta(minutes=1))
        time.now += 10

    limiter.acquire("global", "api", 3, timedelta(minutes=1))

    assert time.slept == [pytest.approx(30.0)]
    assert limiter.used("global", "api", timedelta(minutes=1)) == 3


def test_the_memory_limiter_refuses_a_long_wait_with_its_reset_time() -> None:
    time = FakeTime()
    limiter = MemoryQuotaLimiter(clock=time.clock, sleep=time.sleep)
    limiter.acquire("download", "3001", 1, timedelta(days=1))

    with pytest.raises(RateLimited) as refused:
        limiter.acquire("download", "3001", 1, timedelta(days=1))

    assert refused.value.quota == "download"
    assert refused.value.reset_at == datetime.fromtimestamp(time.now + 86400, UTC)
    assert time.slept == []
    limiter.acquire("download", "3002", 1, timedelta(days=1))  # budgets are per key
