"""Key rotation with zero downtime: `rotate_encryption_keys` runs while a real worker keeps renewing the
authorization (ANAF rotates the refresh token on every renewal), and no token is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from hub.accounts.models import Organization
from hub.core.rotation import rotate_all
from hub.integrations.ro_efactura.models import SpvAuthorization
from hub.integrations.ro_efactura.services.renewal import authorization_renew
from hub.integrations.ro_efactura.tasks import authorization_renew_task
from tests.hub.inbox.helpers import database_url
from tests.hub.workers import broker_use, worker_stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

RENEWALS = 12


def test_rotating_keys_under_a_renewing_worker_loses_no_token(
    hub_sandbox: Any, authorized: Organization, settings: Any, tmp_path: Path
) -> None:
    authorization = SpvAuthorization.objects.get(organization=authorized)
    old_key, new_key = settings.EFACTURA_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.EFACTURA_ENCRYPTION_KEYS = [new_key, old_key]  # 1. prepend the new key, restart the worker
    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker,
        EFACTURA_DATA_DIR=str(settings.DATA_DIR),
        EFACTURA_ENCRYPTION_KEYS=f"{new_key},{old_key}",
        EFACTURA_SANDBOX_URL=hub_sandbox.url,
        EFACTURA_ALLOW_TIME_TRAVEL="1",
        ANAF_CLIENT_ID=settings.ANAF_CLIENT_ID,
        ANAF_CLIENT_SECRET=settings.ANAF_CLIENT_SECRET,
        ANAF_REDIRECT_URI=settings.ANAF_REDIRECT_URI,
        EMAIL_URL="memory://",
    )
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    from hub.celery import app

    app.conf.task_always_eager = False
    broker_use(app, broker)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "efactura", "worker", "--concurrency", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(RENEWALS):
            authorization_renew_task.delay(authorization.pk, True)
        rotations = 0
        deadline = time.monotonic() + 180
        while SpvAuthorization.objects.get(pk=authorization.pk).renewal_count < RENEWALS:
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
            assert worker.poll() is None
            rotate_all()  # 2. re-encrypt, again and again while the worker renews
            rotations += 1
    finally:
        try:
            worker_stop(worker, log_path)
        finally:
            broker_use(app, "memory://")
            app.conf.task_always_eager = True
    assert rotations >= RENEWALS
    rotate_all()
    settings.EFACTURA_ENCRYPTION_KEYS = [new_key]  # 3. drop the old key
    renewed = SpvAuthorization.objects.get(pk=authorization.pk)
    assert renewed.renewal_count == RENEWALS
    assert renewed.refresh_token  # decrypts with the new key alone
    # The stored refresh token is the one ANAF holds: one more renewal works.
    authorization_renew(authorization_id=authorization.pk, force=True)
    assert SpvAuthorization.objects.get(pk=authorization.pk).renewal_count == RENEWALS + 1
    print(f"{rotations} rotations during {RENEWALS} renewals")
