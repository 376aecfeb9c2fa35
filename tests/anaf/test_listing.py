"""Message lists: simple and paginated, paging past 500, empty results, rights, clock skew (§2.3, §2.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anaf import EFacturaClient, NoSpvRights, ResponseError
from tests.anaf.anaf_testkit import calls, query_value, sandbox_now, set_clock

DAYS, PER_DAY = 45, 13  # 585 received invoices: two pages of 500


@pytest.fixture
def sandbox_seed(sandbox_seed: dict[str, Any], cif: str) -> dict[str, Any]:
    traffic = {"invoices_per_company_per_day": PER_DAY, "days": DAYS, "seed": 7, "companies": [cif]}
    return {**sandbox_seed, "traffic": traffic}


@pytest.fixture
def cif() -> str:
    return "16000015"  # the seed's first company; the first certificate has rights on it


@pytest.fixture
def quiet_cif() -> str:
    return "29000025"  # rights, but no traffic


def test_iter_messages_reads_every_page_once(sandbox: Any, client: EFacturaClient, cif: str) -> None:
    messages = list(client.iter_messages(cif))

    assert len(messages) == DAYS * PER_DAY
    assert len({m.download_id for m in messages}) == len(messages)
    pages = [query_value(c, "pagina") for c in calls(sandbox, "listaMesajePaginatieFactura")]
    assert pages == ["1", "2"]


def test_list_entries_are_typed_with_anafs_fields_kept(client: EFacturaClient, cif: str) -> None:
    message = next(client.iter_messages(cif, filter="P"))

    assert message.kind == "FACTURA PRIMITA"
    assert message.cif == cif
    assert message.buyer_cif == cif
    assert message.seller_cif is not None
    assert message.seller_cif.isdigit()
    assert message.created is not None
    assert message.created.utcoffset() is not None
    assert message.download_id.isdigit()
    assert message.upload_id.isdigit()
    assert set(message.raw) == {"data_creare", "cif", "id_solicitare", "detalii", "tip", "id"}


def test_the_simple_list_over_500_says_to_use_paging(client: EFacturaClient, cif: str) -> None:
    with pytest.raises(ResponseError) as refused:
        client.list_messages(cif, days=60)

    assert type(refused.value) is ResponseError
    assert "Folositi endpoint-ul cu paginatie" in refused.value.anaf_text


def test_the_simple_list_returns_a_few_days(client: EFacturaClient, cif: str) -> None:
    page = client.list_messages(cif, days=2, filter="P")

    assert 0 < len(page.messages) <= 3 * PER_DAY
    assert page.cui == cif
    assert page.title.startswith("Lista Mesaje disponibile")


def test_no_messages_is_an_empty_result(client: EFacturaClient, quiet_cif: str) -> None:
    assert client.list_messages(quiet_cif, days=60).messages == ()
    assert list(client.iter_messages(quiet_cif)) == []
    assert list(client.iter_messages(quiet_cif, filter="T")) == []


def test_listing_a_cif_without_rights_raises_no_spv_rights(client: EFacturaClient, foreign_cif: str) -> None:
    with pytest.raises(NoSpvRights, match=foreign_cif):
        client.list_messages(foreign_cif, days=1)
    with pytest.raises(NoSpvRights):
        list(client.iter_messages(foreign_cif))


def test_the_window_is_clamped_inside_anafs_rules(sandbox: Any, client: EFacturaClient, cif: str) -> None:
    now = datetime.now(UTC)

    messages = list(client.iter_messages(cif, start=now - timedelta(days=90), end=now + timedelta(days=1)))

    assert len(messages) == DAYS * PER_DAY
    call = calls(sandbox, "listaMesajePaginatieFactura")[0]
    end = datetime.fromtimestamp(int(query_value(call, "endTime") or 0) / 1000, UTC)
    start = datetime.fromtimestamp(int(query_value(call, "startTime") or 0) / 1000, UTC)
    anaf_now = sandbox_now(sandbox)
    assert end <= anaf_now - timedelta(seconds=59)
    assert start >= anaf_now - timedelta(days=60)


def test_it_learns_anafs_clock_from_the_future_end_time_error(
    sandbox: Any, client: EFacturaClient, cif: str
) -> None:
    # ANAF's clock runs ten minutes behind ours: our "now - 60 s" is in its future.
    set_clock(sandbox, datetime.now(UTC) - timedelta(minutes=10))

    messages = list(client.iter_messages(cif))

    assert len(messages) > 0
    assert abs(client.clock_skew + timedelta(minutes=10)) < timedelta(seconds=5)
    first, retried = calls(sandbox, "listaMesajePaginatieFactura")[:2]
    assert query_value(first, "pagina") == query_value(retried, "pagina") == "1"
    assert int(query_value(retried, "endTime") or 0) < int(query_value(first, "endTime") or 0)


def test_the_rights_probe_survives_a_clock_behind_ours(
    sandbox: Any, client: EFacturaClient, quiet_cif: str
) -> None:
    set_clock(sandbox, datetime.now(UTC) - timedelta(minutes=10))

    assert client.check_cif_rights(quiet_cif) is True
    assert client.clock_skew < -timedelta(minutes=9)
