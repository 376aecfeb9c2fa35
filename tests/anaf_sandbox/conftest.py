"""Fixtures of the sandbox's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import client_for


@pytest.fixture
def api(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    """A client with Ioana's (old certificate's) access token."""
    with client_for(sandbox) as client:
        yield client
