"""Fixtures shared by every test suite: a real ANAF sandbox served over HTTP on a loopback port.

- ``sandbox_seed``: the seed dict (default: ``anaf_sandbox/seeds/test.json``). Override it in a test module
  or conftest to change apps, certificates, limits, faults or traffic, e.g.::

      @pytest.fixture
      def sandbox_seed(sandbox_seed, live_server):
          sandbox_seed["apps"][0]["redirect_uris"].append(f"{live_server.url}/oauth/callback/")
          return sandbox_seed

- ``sandbox``: a fresh sandbox per test (``anaf_sandbox.testing.SandboxHandle``: ``.url``, ``.authorize``,
  ``.login``, ``.advance``, ``.add_faults``, ``.calls``...). Point clients at ``sandbox.url``.

``tests/corpus`` (public sample invoices kept outside the repository) is collected only when
``EFACTURA_CORPUS`` is set: the default suite reads nothing outside the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from anaf_sandbox.testing import SandboxHandle

collect_ignore = [] if "EFACTURA_CORPUS" in os.environ else ["corpus"]

# anaf_sandbox is imported inside the fixtures so that a suite which does not use the sandbox never
# depends on it (or on einvoice, which it imports) being importable.


@pytest.fixture
def sandbox_seed() -> dict[str, Any]:
    from anaf_sandbox.testing import small_seed

    return small_seed()


@pytest.fixture
def sandbox(sandbox_seed: dict[str, Any]) -> Iterator[SandboxHandle]:
    from anaf_sandbox.testing import running_sandbox

    with running_sandbox(sandbox_seed) as handle:
        yield handle


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On SQLite, test against a database file, as the hub runs in production.

    Django's default in-memory test database shares one cache between connections, where a concurrent
    write fails at once with "database table is locked" instead of waiting on SQLite's busy timeout: the
    concurrency tests (two workers renewing one authorization) must see SQLite as deployments do.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "hub-test.sqlite3")
