"""Worker processes compile the validation stylesheets when they start (`hub.celery`), except a prefork
parent, which runs no task and whose compiled runtime would not survive the fork into its children."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Sends the Celery signal a worker sends at its start, then prints what `einvoice` has compiled.
PROBE = """
import sys
import django
django.setup()
from celery.signals import worker_init, worker_process_init
import hub.celery
module = sys.modules["einvoice.validate"]
assert module._engine_instance is None
if sys.argv[1] == "pool-child":
    worker_process_init.send(sender=None)
else:
    class Worker:
        pool_cls = sys.argv[1]
    worker_init.send(sender=Worker())
engine = module._engine_instance
print(",".join(sorted(engine._executables)) if engine else "nothing")
"""


@pytest.mark.parametrize(
    ("process", "compiled"),
    [
        ("pool-child", "cen-cii,cius-ro"),  # each prefork child compiles its own
        ("solo", "cen-cii,cius-ro"),
        ("threads", "cen-cii,cius-ro"),
        ("prefork", "nothing"),  # the parent leaves it to its children
    ],
)
def test_a_worker_compiles_the_stylesheets_at_its_start(process: str, compiled: str, tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings", "EFACTURA_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, process],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == compiled
