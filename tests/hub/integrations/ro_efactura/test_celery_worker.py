"""A real Celery worker, consuming from Redis or RabbitMQ, executes the renewal task against the sandbox."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub.accounts.models import Organization, User
from hub.integrations.ro_efactura.models import SpvAuthorization
from tests.hub.helpers import advance_clocks, authorize_over_http, login
from tests.hub.workers import broker_use

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

# The production brokers of docs/operations.md, as the local services run them (./dev test starts them).
BROKERS = {
    "redis": ("redis://127.0.0.1:6379/13", 6379),
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672//", 5672),
}


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=sorted(BROKERS))
def broker_worker(request: pytest.FixtureRequest) -> Iterator[Any]:
    url, port = BROKERS[request.param]
    if not _port_open(port):
        pytest.fail(f"{request.param} is not running on 127.0.0.1:{port} (./dev test starts it)")
    from celery.contrib.testing.worker import start_worker

    from hub.celery import app

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    broker_use(app, url)
    app.conf.broker_connection_retry_on_startup = False
    try:
        with app.connection_for_write() as connection:
            assert connection.as_uri().split(":", 1)[0] == url.split(":", 1)[0]
            app.control.purge(connection=connection)
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=20):
            yield app
    finally:
        broker_use(app, saved)
        app.conf.task_always_eager = True


def test_a_worker_renews_through_the_broker(
    hub_sandbox: Any, active_module: Organization, owner: User, broker_worker: Any
) -> None:
    broker_worker.conf.task_always_eager = True  # authorize with eager side tasks, then go real
    authorize_over_http(login(owner), active_module, hub_sandbox)
    broker_worker.conf.task_always_eager = False
    authorization = SpvAuthorization.objects.get()
    advance_clocks(hub_sandbox, timedelta(days=85))
    from hub.integrations.ro_efactura.tasks import authorizations_renew_due_task

    authorizations_renew_due_task.delay()  # beat's job: fans out one renewal task per due authorization
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        renewed = SpvAuthorization.objects.get(pk=authorization.pk)
        if renewed.renewal_count:
            break
        time.sleep(0.2)
    assert renewed.renewal_count == 1
    assert renewed.access_expires_at > authorization.access_expires_at
