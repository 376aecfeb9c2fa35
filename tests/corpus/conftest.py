"""The corpus suite: public sample invoices outside the repository (``EFACTURA_CORPUS=DIR``).

``tests/conftest.py`` leaves this folder out of collection unless ``EFACTURA_CORPUS`` is set, so the
default suite never reads outside the repository; every test here carries the ``corpus`` marker.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.corpus)


@pytest.fixture
def corpus() -> Path:
    """The samples folder (the one holding ``anaf-zips/``, ``ro-cius-ubl/``...)."""
    return Path(os.environ["EFACTURA_CORPUS"])
