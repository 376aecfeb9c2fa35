"""The error taxonomy over real HTTP: faults, retries, the upload that is never retried blindly (§6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from anaf import (
    AnafEndpoints,
    EFacturaClient,
    Maintenance,
    ServerError,
    Timeout,
    TokenProvider,
    TransportError,
    UploadUncertain,
    WafBlocked,
)
from tests.anaf.anaf_testkit import FAST_RETRY, add_fault, calls, invoice_for

STATUS_PATH = "/test/FCTEL/rest/stareMesaj"
UPLOAD_PATH = "/test/FCTEL/rest/upload"


@pytest.fixture
def impatient(provider: TokenProvider, endpoints: AnafEndpoints) -> Iterator[EFacturaClient]:
    """A client that gives up on an answer after half a second."""
    timeout = httpx.Timeout(0.5, connect=2.0)
    with EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY, timeout=timeout) as client:
        yield client


@pytest.fixture
def upload_id(client: EFacturaClient, cif: str) -> str:
    receipt = client.upload(invoice_for(cif), cif)
    assert receipt.upload_id is not None
    return receipt.upload_id


def faults_seen(sandbox: Any, path: str) -> list[str | None]:
    return [c.get("fault") for c in calls(sandbox, path)]


@pytest.mark.parametrize("kind", ["http_500", "http_502", "http_504", "maintenance"])
def test_a_transient_failure_of_a_read_is_retried(
    sandbox: Any, client: EFacturaClient, upload_id: str, kind: str
) -> None:
    add_fault(sandbox, STATUS_PATH, kind)

    status = client.status(upload_id)

    assert status.state in ("in prelucrare", "ok")
    assert faults_seen(sandbox, STATUS_PATH) == [kind, None]


def test_a_lasting_server_error_raises_with_anafs_text(
    sandbox: Any, client: EFacturaClient, upload_id: str
) -> None:
    add_fault(sandbox, STATUS_PATH, "http_500", count=FAST_RETRY.attempts)

    with pytest.raises(ServerError) as failed:
        client.status(upload_id)

    assert failed.value.status == 500
    assert failed.value.anaf_text.startswith("A aparut o eroare tehnica")
    assert len(calls(sandbox, STATUS_PATH)) == FAST_RETRY.attempts


def test_lasting_maintenance_raises_maintenance_with_anafs_text(
    sandbox: Any, client: EFacturaClient, upload_id: str
) -> None:
    add_fault(sandbox, STATUS_PATH, "maintenance", count=FAST_RETRY.attempts)

    with pytest.raises(Maintenance) as failed:
        client.status(upload_id)

    assert "mentenanta" in failed.value.anaf_text


def test_a_waf_block_page_on_http_200_is_not_retried(sandbox: Any, client: EFacturaClient) -> None:
    add_fault(sandbox, "/prod/FCTEL/rest/validare/*", "waf")

    with pytest.raises(WafBlocked) as blocked:
        client.validate(b"<Invoice/>")

    assert blocked.value.status == 200
    assert "The requested URL was rejected" in blocked.value.anaf_text
    assert len(calls(sandbox, "/validare/")) == 1


def test_a_read_that_times_out_is_retried(sandbox: Any, impatient: EFacturaClient, upload_id: str) -> None:
    add_fault(sandbox, STATUS_PATH, "timeout", seconds=2)

    impatient.status(upload_id)

    assert faults_seen(sandbox, STATUS_PATH) == ["timeout", None]


def test_a_read_that_keeps_timing_out_raises_timeout(
    sandbox: Any, impatient: EFacturaClient, upload_id: str
) -> None:
    add_fault(sandbox, STATUS_PATH, "timeout", seconds=2, count=FAST_RETRY.attempts)

    with pytest.raises(Timeout):
        impatient.status(upload_id)


def test_a_slow_answer_within_the_timeout_is_fine(
    sandbox: Any, client: EFacturaClient, upload_id: str
) -> None:
    add_fault(sandbox, STATUS_PATH, "slow", seconds=0.6)

    client.status(upload_id)

    assert faults_seen(sandbox, STATUS_PATH) == ["slow"]


def test_an_upload_that_times_out_is_uncertain_and_never_repeated(
    sandbox: Any, impatient: EFacturaClient, cif: str
) -> None:
    add_fault(sandbox, UPLOAD_PATH, "timeout", seconds=2)

    with pytest.raises(UploadUncertain, match="may have happened"):
        impatient.upload(invoice_for(cif), cif)

    assert len(calls(sandbox, UPLOAD_PATH)) == 1


@pytest.mark.parametrize("kind", ["http_502", "http_504"])
def test_an_upload_behind_a_failing_gateway_is_uncertain_and_never_repeated(
    sandbox: Any, client: EFacturaClient, cif: str, kind: str
) -> None:
    add_fault(sandbox, UPLOAD_PATH, kind)

    with pytest.raises(UploadUncertain):
        client.upload(invoice_for(cif), cif)

    assert len(calls(sandbox, UPLOAD_PATH)) == 1


def test_an_upload_answered_by_a_server_error_is_not_repeated(
    sandbox: Any, client: EFacturaClient, cif: str
) -> None:
    add_fault(sandbox, UPLOAD_PATH, "http_500")

    with pytest.raises(ServerError):
        client.upload(invoice_for(cif), cif)

    assert len(calls(sandbox, UPLOAD_PATH)) == 1


def test_an_upload_refused_by_the_firewall_is_waf_blocked(
    sandbox: Any, client: EFacturaClient, cif: str
) -> None:
    add_fault(sandbox, UPLOAD_PATH, "waf")

    with pytest.raises(WafBlocked):
        client.upload(invoice_for(cif), cif)

    assert len(calls(sandbox, UPLOAD_PATH)) == 1


def test_an_unreachable_anaf_is_a_transport_error(provider: TokenProvider) -> None:
    endpoints = AnafEndpoints.sandbox("http://127.0.0.1:9")  # discard port: nothing listens

    client = EFacturaClient(provider, "test", endpoints, retry=FAST_RETRY)

    with pytest.raises(TransportError) as failed:
        client.status("5000000001")

    assert not isinstance(failed.value, UploadUncertain)


def test_an_upload_that_never_left_is_a_plain_transport_error(provider: TokenProvider, cif: str) -> None:
    # Connection refused: the request provably did not reach ANAF, so it is safe to send again later.
    client = EFacturaClient(provider, "test", AnafEndpoints.sandbox("http://127.0.0.1:9"), retry=FAST_RETRY)

    with pytest.raises(TransportError) as failed:
        client.upload(invoice_for(cif), cif)

    assert not isinstance(failed.value, UploadUncertain)
