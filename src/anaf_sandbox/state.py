"""Everything the sandbox remembers, in one JSON-able structure, saved to ``--state DIR``, so that it
survives a restart. Uploaded XML is kept beside it as content-addressed blobs.

The e-Factura records follow the lifecycle of docs/anaf.md §2.10: an *upload* (index ``50...``) yields
*documents* (download id ``30...``) and *list entries* (one per CIF that sees the message).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "sandbox-state.json"
FIRST_UPLOAD_INDEX = 5000000001
FIRST_DOWNLOAD_ID = 3000000001


@dataclass
class SandboxState:
    """Mutable sandbox data. Callers hold ``lock`` while they read-modify-write."""

    clock_offset: float = 0.0
    next_upload: int = FIRST_UPLOAD_INDEX
    next_download: int = FIRST_DOWNLOAD_ID
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    pin_failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    opaque: dict[str, str] = field(default_factory=dict)
    rights: dict[str, list[str]] = field(default_factory=dict)
    """SPV rights set at runtime (``POST /_sandbox/rights``): serial -> CIFs, replacing the seed's."""
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    PERSISTED = (
        "clock_offset",
        "next_upload",
        "next_download",
        "codes",
        "pin_failures",
        "grants",
        "tokens",
        "uploads",
        "documents",
        "entries",
        "counters",
        "faults",
        "opaque",
        "rights",
    )

    def new_upload_index(self) -> str:
        with self.lock:
            value = self.next_upload
            self.next_upload += 1
        return str(value)

    def new_download_id(self) -> str:
        with self.lock:
            value = self.next_download
            self.next_download += 1
        return str(value)

    def count(self, key: str) -> int:
        """Add one to a counter and return the new value."""
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {name: getattr(self, name) for name in self.PERSISTED}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        state = cls()
        for name in cls.PERSISTED:
            if name in data:
                setattr(state, name, data[name])
        return state


class Store:
    """Where state and uploaded XML live: a directory, or memory only."""

    def __init__(self, state_dir: Path | None) -> None:
        self.state_dir = state_dir
        self._blobs: dict[str, bytes] = {}
        self._save_lock = threading.Lock()
        if state_dir is not None:
            (state_dir / "blobs").mkdir(parents=True, exist_ok=True)

    def load(self) -> SandboxState | None:
        if self.state_dir is None or not (self.state_dir / STATE_FILE).exists():
            return None
        return SandboxState.from_json(json.loads((self.state_dir / STATE_FILE).read_text("utf-8")))

    def save(self, state: SandboxState) -> None:
        if self.state_dir is None:
            return
        text = json.dumps(state.to_json(), ensure_ascii=False, separators=(",", ":"))
        with self._save_lock:
            tmp = self.state_dir / f".{STATE_FILE}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.state_dir / STATE_FILE)

    def clear(self) -> None:
        self._blobs.clear()
        if self.state_dir is not None and (self.state_dir / STATE_FILE).exists():
            (self.state_dir / STATE_FILE).unlink()

    def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if self.state_dir is None:
            self._blobs[digest] = data
        else:
            path = self.state_dir / "blobs" / digest
            if not path.exists():
                path.write_bytes(data)
        return digest

    def get_blob(self, digest: str) -> bytes:
        if self.state_dir is None:
            return self._blobs[digest]
        return (self.state_dir / "blobs" / digest).read_bytes()
