"""A real Celery worker killed with SIGKILL mid-sync: a new worker finishes, nobody presses sync again.

The worker is `efactura worker --beat` as deployments run it, on the SQLite broker (kombu's SQLAlchemy
transport, which never redelivers a dead worker's task: the stale-run reaper resumes it) and on Redis (which
redelivers the unacknowledged task after the visibility timeout). The lease and the visibility timeout are
shortened through their settings so that "within minutes" fits a test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.core.problems import SyncProblem
from hub.inbox.models import Invoice, Message, MessageState, SyncOutcome, SyncRun
from tests.hub.helpers import login
from tests.hub.inbox.helpers import ALFA, company, database_url, listed_ids
from tests.hub.workers import broker_use, worker_stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(400)]

DOWNLOAD_PATH = "/test/FCTEL/rest/descarcare"
LEASE_SECONDS = 6
VISIBILITY_SECONDS = 10
PARALLEL = 4  # the worker's downloads in flight: a kill may leave this many downloaded and unrecorded
REDIS_URL = "redis://127.0.0.1:6379/12"
RECEIVED = "Task hub.inbox.tasks.inbox_sync_company_task[{}] received"


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """About 120 messages for one company, three pages."""
    sandbox_seed["limits"] = {"page_size": 50}
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 12,
        "days": 10,
        "seed": 7,
        "credit_note_ratio": 0.1,
        "companies": [ALFA],
    }
    return sandbox_seed


@pytest.fixture(params=["sqlite", "redis"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqla+sqlite:///{tmp_path / 'celery-broker.sqlite3'}"
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (./dev test starts it)")
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def worker(
    hub_sandbox: Any, settings: Any, broker_url: str, tmp_path: Path
) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Starts `efactura worker --beat` (its own process group, output in `tmp_path/<name>.log`)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker_url,
        EFACTURA_DATA_DIR=str(settings.DATA_DIR),
        EFACTURA_ENCRYPTION_KEYS=",".join(settings.EFACTURA_ENCRYPTION_KEYS),
        EFACTURA_SANDBOX_URL=hub_sandbox.url,
        EFACTURA_ALLOW_TIME_TRAVEL="1",
        EFACTURA_SYNC_LEASE_SECONDS=str(LEASE_SECONDS),
        EFACTURA_SYNC_PARALLEL_DOWNLOADS=str(PARALLEL),
        EFACTURA_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS),
        EFACTURA_SYNC_CRON="0 0 1 1 *",  # only the test's "sync now" and the recovery start syncs
        ANAF_CLIENT_ID=settings.ANAF_CLIENT_ID,
        ANAF_CLIENT_SECRET=settings.ANAF_CLIENT_SECRET,
        ANAF_REDIRECT_URI=settings.ANAF_REDIRECT_URI,
        ANAF_ENVIRONMENT=settings.ANAF_ENVIRONMENT,
        EMAIL_URL="memory://",
    )
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        with (tmp_path / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "efactura", "worker", "--beat", "--concurrency", "1"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append((name, process))
        return process

    yield start
    for name, process in started:
        worker_stop(process, tmp_path / f"{name}.log")


@pytest.fixture
def real_broker(broker_url: str) -> Iterator[Any]:
    """The test's own Celery app publishes to the worker's broker (the web process's view of it)."""
    from hub.celery import app

    app.conf.task_always_eager = False
    broker_use(app, broker_url)
    yield app
    broker_use(app, "memory://")


def test_a_worker_killed_mid_download_loses_nothing_and_the_sync_resumes_by_itself(  # noqa: PLR0917  (pytest fixtures)
    hub_sandbox: Any,
    authorized: Organization,
    owner: User,
    broker_url: str,
    real_broker: Any,
    worker: Callable[[str], subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    target = company(authorized, ALFA)
    expected = listed_ids(hub_sandbox, ALFA)
    assert len(expected) >= 100
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 0.1, "rate": 1.0})
    first = worker("first")

    # A person presses "Sincronizează acum" once; the worker starts downloading.
    response = login(owner).post(f"/o/{authorized.slug}/inbox/sync/now/", {"company": target.pk})
    assert response.status_code in (200, 302)
    _wait_for(lambda: len(_completed_downloads(hub_sandbox)) >= 30, 90, "the worker never downloaded 30")
    os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process, pool child and embedded beat
    first.wait(timeout=10)
    killed_at = time.monotonic()
    time.sleep(0.3)  # the sandbox finishes answering the download that was in flight

    archived = Message.objects.filter(company=target, state=MessageState.ARCHIVED).count()
    # At most PARALLEL downloads in flight or waiting to be read, and the one being read, were not archived.
    assert 30 - PARALLEL - 1 <= archived < len(expected)
    interrupted = SyncRun.objects.get(company=target, trigger="manual")
    assert interrupted.outcome == SyncOutcome.RUNNING  # "În curs", and nothing left to finish it

    # The worker comes back (systemd, a container restart); nobody touches the hub. It comes back after the
    # visibility timeout: kombu scans Redis for unacknowledged tasks when a consumer starts, then only every
    # 10th tick of 10 s, so a worker that started earlier would leave the redelivery to that later scan.
    time.sleep(max(LEASE_SECONDS, VISIBILITY_SECONDS + 1))
    second = worker("second")
    _wait_for(
        lambda: Message.objects.filter(company=target, state=MessageState.ARCHIVED).count() == len(expected),
        180,
        "not every message was archived",
    )
    recovered_in = time.monotonic() - killed_at
    _wait_for(lambda: not SyncRun.objects.filter(outcome=SyncOutcome.RUNNING).exists(), 60, "a run is left")
    assert second.poll() is None

    ledger = Message.objects.filter(company=target)
    assert set(ledger.values_list("download_id", flat=True)) == expected
    assert Invoice.objects.filter(company=target).count() == len(expected)
    interrupted.refresh_from_db()
    assert interrupted.outcome == SyncOutcome.FAILED
    assert interrupted.error == SyncProblem.INTERRUPTED
    assert SyncRun.objects.filter(company=target, outcome=SyncOutcome.OK).exists()
    # Lost 0; downloaded twice: at most the downloads in flight at the kill (one per download thread).
    downloaded = Counter(_completed_downloads(hub_sandbox))
    assert set(downloaded) == expected
    assert sum(count - 1 for count in downloaded.values()) <= PARALLEL
    first_log = (tmp_path / "first.log").read_text(errors="replace")
    marker = "inbox_sync_company_task["
    task_ids = [
        line.split(marker, 1)[1].split("]", 1)[0]
        for line in first_log.splitlines()
        if marker in line and line.endswith("received")
    ]
    assert len(task_ids) == 1, first_log[-2000:]
    if broker_url.startswith("redis://"):
        # Redis handed the dead worker's unacknowledged task to the new worker.
        _wait_for(
            lambda: RECEIVED.format(task_ids[0]) in (tmp_path / "second.log").read_text(errors="replace"),
            VISIBILITY_SECONDS + 60,
            "Redis never redelivered the task",
        )
    print(f"recovered {len(expected)} messages {recovered_in:.0f} s after the kill on {broker_url[:5]}")


def _wait_for(ready: Callable[[], bool], seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(failure)
        time.sleep(0.25)


def _completed_downloads(sandbox: Any) -> list[str]:
    return [
        call["query"].removeprefix("id=")
        for call in sandbox.calls(DOWNLOAD_PATH)
        if call.get("status") == 200
    ]
