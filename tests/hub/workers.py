"""Real Celery workers in tests: point the test's own app at a broker and back, and stop a worker process
the way systemd does (SIGTERM to the main process, which stops its pool children; SIGKILL only after a
grace period, and then the test fails with the worker's log)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

SHUTDOWN_GRACE_SECONDS = 60


def broker_use(app: Any, url: str) -> None:
    """Publish to `url` from now on, forgetting (not closing: kombu's pools hold them) older connections."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def worker_stop(process: subprocess.Popen[bytes], log: Path) -> None:
    """Warm shutdown of a worker started with `start_new_session=True`; fails if it does not end in time."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
        raise AssertionError(f"the worker ignored SIGTERM for {SHUTDOWN_GRACE_SECONDS} s:\n{tail}") from None
    with contextlib.suppress(ProcessLookupError):  # pool children a main process left behind
        os.killpg(process.pid, signal.SIGKILL)
