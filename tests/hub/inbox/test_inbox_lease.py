"""The claim on a company is a short lease that the running sync renews: real `efactura sync` processes
(sharing the test database as in `test_inbox_kill`), and the conditional renewal itself."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Company, Organization
from hub.core import clock
from hub.core.problems import SyncError, SyncProblem
from hub.inbox.models import CompanySync, SyncRun
from hub.inbox.services.sync import LEASE, Lease, company_sync_state
from tests.hub.inbox.helpers import ALFA, DOWNLOAD_PATH, SharedDatabase, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 2  # the children's lease: a healthy run below lasts many of them
PARALLEL = 8  # the children's downloads in flight: the lease is renewed from the thread that reads them


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """80 messages for one company: with slow downloads, 8 at a time, a run of about 17 s."""
    sandbox_seed["limits"] = {"page_size": 40}
    sandbox_seed["traffic"] = {"invoices_per_company_per_day": 8, "days": 10, "seed": 7, "companies": [ALFA]}
    return sandbox_seed


def test_a_long_healthy_sync_keeps_its_claim_and_no_second_run_joins_it(
    hub_sandbox: Any,
    authorized: Organization,
    shared_database: SharedDatabase,
    sync_process: Callable[..., subprocess.Popen[str]],
) -> None:
    target = company(authorized, ALFA)
    expected = listed_ids(hub_sandbox, ALFA)
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 1.6, "rate": 1.0})
    env = {
        "EFACTURA_SYNC_LEASE_SECONDS": str(LEASE_SECONDS),
        "EFACTURA_SYNC_PARALLEL_DOWNLOADS": str(PARALLEL),
    }

    # Two runs started together: exactly one claims the company, the other says it is busy.
    runs = [sync_process(env=env), sync_process(env=env, publish=False)]
    loser = _first_to_end(runs)
    holder = runs[1 - runs.index(loser)]
    assert f"{ALFA}: busy" in loser.communicate(timeout=10)[0]
    assert holder.poll() is None

    # Well past its initial lease, the holder still holds the claim: a third run is refused too.
    _wait_for(lambda: bool(_completed_downloads(hub_sandbox)))
    time.sleep(2.5 * LEASE_SECONDS)
    late = sync_process(env=env, publish=False)
    assert f"{ALFA}: busy" in late.communicate(timeout=60)[0]
    assert holder.poll() is None, "the healthy run ended before the late one tried: make it longer"

    output, _ = holder.communicate(timeout=120)
    assert holder.returncode == 0, output
    assert f"{ALFA}: ok" in output
    shared_database.collect()
    run = SyncRun.objects.get(company=target)  # a refused run records nothing
    assert run.outcome == "ok"
    assert run.finished is not None
    assert run.finished - run.started > timedelta(seconds=3 * LEASE_SECONDS)
    assert Counter(_completed_downloads(hub_sandbox)) == Counter(expected)  # each once: never two runs
    state = CompanySync.objects.get(company=target)
    assert (state.running_until, state.claimed_by) == (None, "")  # released at the end


def test_a_run_whose_lapsed_lease_another_took_stops_and_leaves_the_new_claim_alone(
    companies: list[Company],
) -> None:
    state = company_sync_state(companies[0])
    first = Lease.claim(state)
    assert first is not None
    assert Lease.claim(state) is None  # held

    clock.advance(LEASE + timedelta(seconds=1))  # the first run stalled past its lease
    second = Lease.claim(state)
    assert second is not None
    assert Lease.claim(state) is None

    first.renewed = float("-inf")  # due for renewal
    with pytest.raises(SyncError) as lost:
        first.renew()
    assert lost.value.code == SyncProblem.LEASE_LOST
    assert first.holding().update(running_until=None, claimed_by="") == 0  # its release changes nothing
    held = CompanySync.objects.get(pk=state.pk)
    assert held.claimed_by == second.token
    assert held.running_until is not None
    assert held.running_until > clock.now()

    second.renewed = float("-inf")
    before = held.running_until
    clock.advance(timedelta(seconds=30))
    second.renew()  # the holder's renewal extends its lease
    assert CompanySync.objects.get(pk=state.pk).running_until > before


def _first_to_end(processes: list[subprocess.Popen[str]], timeout: float = 60) -> subprocess.Popen[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                return process
        time.sleep(0.05)
    pytest.fail("neither run ended")


def _wait_for(ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def _completed_downloads(sandbox: Any) -> list[str]:
    return [
        call["query"].removeprefix("id=")
        for call in sandbox.calls(DOWNLOAD_PATH)
        if call.get("status") == 200
    ]
