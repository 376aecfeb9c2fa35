"""The public VAT-payer registry v9: batches of at most 100 CIFs, one request a second (§5.1)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from anaf import AnafEndpoints, VatRegistryClient
from tests.anaf.anaf_testkit import calls

UNKNOWN = [str(10_000_000 + n) for n in range(147)]


@pytest.fixture
def registry(endpoints: AnafEndpoints) -> Iterator[VatRegistryClient]:
    client = VatRegistryClient(endpoints)
    yield client
    client.close()


def test_it_looks_companies_up_on_a_date(registry: VatRegistryClient) -> None:
    result = registry.lookup(["RO16000015", 31500030, "99999999"], on=date(2026, 1, 15))

    alfa, mures = result.get("16000015"), result.get("RO31500030")
    assert alfa is not None
    assert mures is not None
    assert alfa.name == "Alfa Construcții Ardeal SRL"
    assert alfa.vat_payer is True
    assert alfa.registration_number == "J12/1234/2012"
    assert alfa.on == date(2026, 1, 15)
    assert alfa.raw["date_generale"]["cui"] == 16000015
    assert mures.vat_payer is False
    assert result.not_found == ("99999999",)


def test_it_sends_at_most_100_cifs_a_request_one_request_a_second(
    sandbox: Any, registry: VatRegistryClient
) -> None:
    started = time.monotonic()

    result = registry.lookup(["16000015", "29000025", "31500030", *UNKNOWN])

    assert time.monotonic() - started >= 1.0
    assert len(result.found) == 3
    assert len(result.not_found) == len(UNKNOWN)
    first, second = calls(sandbox, "/api/PlatitorTvaRest/v9/tva")
    gap = datetime.fromisoformat(second["at"]) - datetime.fromisoformat(first["at"])
    # The client spaces its sends by one second; the server-side stamps also carry scheduling jitter.
    assert gap.total_seconds() >= 0.8


def test_it_refuses_something_that_is_not_a_cif(registry: VatRegistryClient) -> None:
    with pytest.raises(ValueError, match="CIF"):
        registry.lookup(["RO12AB"])
