"""Several real `efactura sync` processes and a web reader on one database at once (on SQLite: one file):
no "database is locked", every message archived exactly once, each downloaded once (the sandbox's call log).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub.accounts.models import Organization
from hub.inbox.models import Invoice, Message, MessageState
from tests.hub.inbox.helpers import ALFA, BUCATARIA, DOWNLOAD_PATH, SharedDatabase, company, listed_ids

pytestmark = pytest.mark.django_db(transaction=True)

# A child reading (and, with its session, writing) the hub's pages through Django's test client while the
# syncs write: it prints how many pages it read and exits non-zero on any error.
READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from django.test import Client
    from hub.accounts.models import User
    stop, slug, username = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = 0
    while not stop.exists():
        for path in (f"/o/{slug}/inbox/", f"/o/{slug}/inbox/sync/"):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"GET {path}: HTTP {response.status_code}")
            pages += 1
        time.sleep(0.02)
    print(f"read {pages} pages")
    """
)


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any]) -> dict[str, Any]:
    """30 messages for each of two companies."""
    sandbox_seed["limits"] = {"page_size": 20}
    sandbox_seed["traffic"] = {
        "invoices_per_company_per_day": 3,
        "days": 10,
        "seed": 11,
        "companies": [ALFA, BUCATARIA],
    }
    return sandbox_seed


def test_three_syncs_and_a_reader_share_the_database_without_lock_errors(  # noqa: PLR0917  (pytest fixtures)
    hub_sandbox: Any,
    authorized: Organization,
    owner: Any,
    shared_database: SharedDatabase,
    sync_process: Callable[..., subprocess.Popen[str]],
    child_env: dict[str, str],
    tmp_path: Path,
) -> None:
    expected = {cif: listed_ids(hub_sandbox, cif) for cif in (ALFA, BUCATARIA)}
    assert all(len(ids) >= 25 for ids in expected.values())
    hub_sandbox.add_faults({"path": DOWNLOAD_PATH, "kind": "slow", "seconds": 0.05, "rate": 1.0})
    stop = tmp_path / "stop-reading"

    syncs = [sync_process(), sync_process(publish=False), sync_process(publish=False, cif=BUCATARIA)]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop), authorized.slug, owner.username],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    outputs = [process.communicate(timeout=180)[0] for process in syncs]
    stop.touch()
    read, _ = reader.communicate(timeout=60)

    for process, output in zip(syncs, outputs, strict=True):
        assert "locked" not in output, output
        assert process.returncode == 0, output
    assert "locked" not in read
    assert reader.returncode == 0, read
    assert int(read.split()[1]) > 0
    alfa_runs = [output for output in outputs[:2] if f"{ALFA}: ok" in output]
    assert len(alfa_runs) >= 1  # the other ran after it ("ok", nothing new) or found it running ("busy")
    assert f"{BUCATARIA}: ok" in outputs[2]

    shared_database.collect()
    for cif, ids in expected.items():
        target = company(authorized, cif)
        ledger = Message.objects.filter(company=target)
        assert sorted(ledger.values_list("download_id", flat=True)) == sorted(ids)
        assert not ledger.exclude(state=MessageState.ARCHIVED).exists()
        assert Invoice.objects.filter(company=target).count() == len(ids)
    downloaded = Counter(
        call["query"].removeprefix("id=")
        for call in hub_sandbox.calls(DOWNLOAD_PATH)
        if call.get("status") == 200
    )
    assert downloaded == Counter(expected[ALFA] | expected[BUCATARIA])  # each message exactly once
