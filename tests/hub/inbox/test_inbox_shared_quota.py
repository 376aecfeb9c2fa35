"""Real `efactura sync` processes spend one shared per-minute budget (in the database, or in Redis) against a
sandbox with a small per-minute limit: no window at ANAF ever holds more calls than the budget, and the
sandbox refuses none (its call log over HTTP)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.inbox.models import Message, MessageState
from tests.hub.helpers import advance_clocks
from tests.hub.inbox.helpers import ALFA, BUCATARIA, SharedDatabase, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)

PER_MINUTE = 20
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """12 messages for each of two companies; ANAF (the sandbox) allows 20 calls a minute."""
    sandbox_seed["limits"] = {"calls_per_minute": PER_MINUTE, "page_size": 10}
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 3,
        "days": 4,
        "seed": 3,
        "companies": [ALFA, BUCATARIA],
    }
    return sandbox_seed


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_parallel_syncs_never_exceed_the_shared_minute_budget(
    store: str,
    hub_sandbox: Any,
    authorized: Organization,
    shared_database: SharedDatabase,
    sync_process: Callable[..., subprocess.Popen[str]],
) -> None:
    env = {"EFACTURA_QUOTA_PER_MINUTE": str(PER_MINUTE), "EFACTURA_REDIS_URL": ""}
    if store == "redis":
        env["EFACTURA_REDIS_URL"] = REDIS_URL
        _forget_redis_budgets(hub_sandbox.url)  # an earlier run on the same port left its daily counts
    advance_clocks(hub_sandbox, timedelta(seconds=61))  # the set-up's calls leave ANAF's window
    start = len(hub_sandbox.calls())

    cifs = [ALFA, BUCATARIA, ALFA, BUCATARIA]
    runs = [sync_process(env=env, cif=cif, publish=index == 0) for index, cif in enumerate(cifs)]
    outputs = [run.communicate(timeout=400)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
    calls = hub_sandbox.calls()[start:]

    assert not [call for call in calls if call.get("status") == 429]
    moments = sorted(
        datetime.fromisoformat(call["at"]) for call in calls if call["path"].startswith("/test/")
    )
    busiest = max(
        sum(1 for other in moments if moment <= other < moment + timedelta(seconds=60)) for moment in moments
    )
    # ANAF's limit, by the times the calls reached it; the hub's own count (19: the 2 % margin keeps one
    # call unused) is lower, and a call reaches ANAF a moment after it was counted.
    assert busiest <= PER_MINUTE
    assert len(moments) > PER_MINUTE  # the syncs needed more than one window: the limiter made them wait

    shared_database.collect()
    advance_clocks(hub_sandbox, timedelta(seconds=61))
    for cif in (ALFA, BUCATARIA):
        ledger = Message.objects.filter(company=company(authorized, cif))
        assert sorted(ledger.values_list("download_id", flat=True)) == sorted(listed_ids(hub_sandbox, cif))
        assert not ledger.exclude(state=MessageState.ARCHIVED).exists()


def _forget_redis_budgets(api_base: str) -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"efactura:quota:{api_base}*"):
        connection.delete(key)
