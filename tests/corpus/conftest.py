"""The corpus suite: tests over real sample files outside the repository, opt-in.

Set ``EFACTURA_CORPUS`` to the samples folder (the one holding ``anaf-zips/``, ``ro-cius-ubl/``...) to run
it; without it the suite is not collected, so the default test run never reads outside the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

collect_ignore_glob = [] if os.environ.get("EFACTURA_CORPUS") else ["test_*.py"]


@pytest.fixture
def corpus() -> Path:
    return Path(os.environ["EFACTURA_CORPUS"])
