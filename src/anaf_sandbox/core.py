"""The running sandbox: seed, clock, state, keys and call log shared by every route module.

One ``Sandbox`` lives per app (``create_app``); route modules reach it as ``request.app.state.sandbox``.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.requests import Request

from . import inbox
from .clock import SandboxClock
from .keys import SandboxKeys, load_keys
from .seed import Seed
from .state import SandboxState, Store

CALL_LOG_SIZE = 10000


class Sandbox:
    def __init__(
        self,
        seed: Seed,
        state_dir: Path | None,
        *,
        files_dir: Path | None = None,
        control_token: str | None = None,
    ) -> None:
        self.seed = seed
        # ``POST /_sandbox/messages`` reads invoice files from this folder only (the seed file's folder).
        self.files_dir = (files_dir or seeds_folder()).resolve()
        self.control_token = control_token or None
        self.store = Store(state_dir)
        self.keys: SandboxKeys = load_keys(state_dir)
        self.calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self.rate_windows: dict[str, deque[float]] = {}
        self.rate_lock = threading.Lock()
        self.random = random.Random(0)
        loaded = self.store.load()
        if loaded is None:
            self.state = SandboxState()
            self.clock = SandboxClock()
            self._seed_state()
        else:
            self.state = loaded
            self.clock = SandboxClock(loaded.clock_offset)

    def _seed_state(self) -> None:
        self.state.faults = [dict(f) for f in self.seed.faults]
        inbox.load_seeded(self)
        self.persist()

    def now(self) -> datetime:
        return self.clock.now()

    def persist(self) -> None:
        self.state.clock_offset = self.clock.offset_seconds
        self.store.save(self.state)

    def reset(self) -> None:
        """Back to the seed: clock at real time, no tokens, uploads, counters or calls."""
        self.store.clear()
        self.state = SandboxState()
        self.clock = SandboxClock()
        self.calls.clear()
        with self.rate_lock:
            self.rate_windows.clear()
        self.random = random.Random(0)
        self._seed_state()


def seeds_folder() -> Path:
    """The built-in seeds' folder (``seeds/``): where their message files live."""
    return Path(str(resources.files("anaf_sandbox") / "seeds"))


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def rights_of(request: Request) -> frozenset[str]:
    """The CIFs the calling certificate has SPV rights on (§1.1: checked per call, by serial).

    Rights set through ``POST /_sandbox/rights`` replace the seed's for that serial.
    """
    sandbox = sandbox_of(request)
    grant = getattr(request.state, "grant", None)
    if grant is None:
        return frozenset()
    with sandbox.state.lock:
        changed = sandbox.state.rights.get(grant.serial)
    if changed is not None:
        return frozenset(changed)
    cert = sandbox.seed.certificate(grant.serial)
    return cert.cifs if cert is not None else frozenset()
