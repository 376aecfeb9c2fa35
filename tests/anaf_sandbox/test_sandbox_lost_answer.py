"""Faults with `after`: the upload is handled (and recorded) and the answer replaced; `technical_error` is
ANAF's "A aparut o eroare tehnica. Cod: 1814" answer to an upload, whether or not the upload was filed."""

from __future__ import annotations

import httpx

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import ALFA, make_invoice

UPLOAD = "/prod/FCTEL/rest/upload"
STATUS = "/prod/FCTEL/rest/stareMesaj"


def _upload(api: httpx.Client, number: str) -> httpx.Response:
    return api.post(
        UPLOAD, params={"standard": "UBL", "cif": ALFA}, content=make_invoice(number=number), timeout=30
    )


def test_a_technical_error_before_the_upload_files_nothing(sandbox: SandboxHandle, api: httpx.Client) -> None:
    sandbox.add_faults({"path": UPLOAD, "kind": "technical_error", "count": 1})

    answer = _upload(api, "T-1")

    assert answer.status_code == 200
    assert 'ExecutionStatus="1"' in answer.text
    assert "eroare tehnica. Cod: 1814" in answer.text
    # the next upload gets the first index: nothing was filed by the faulted one
    index = _upload(api, "T-2").text.split('index_incarcare="')[1].split('"')[0]
    assert api.get(STATUS, params={"id_incarcare": str(int(index) - 1)}).text.count("Nu exista factura") == 1


def test_an_after_fault_files_the_upload_and_loses_its_answer(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    sandbox.add_faults(
        {"path": UPLOAD, "kind": "technical_error", "after": True, "count": 1},
        {"path": UPLOAD, "kind": "http_504", "after": True, "count": 1},
    )

    lost = [_upload(api, "A-1"), _upload(api, "A-2")]
    index = int(_upload(api, "A-3").text.split('index_incarcare="')[1].split('"')[0])

    assert "eroare tehnica" in lost[0].text
    assert "index_incarcare" not in lost[0].text
    assert lost[1].status_code == 504
    for earlier in (index - 2, index - 1):  # both were filed all the same
        assert "stare=" in api.get(STATUS, params={"id_incarcare": str(earlier)}).text
    assert [call.get("fault") for call in sandbox.calls("/upload")] == ["technical_error", "http_504", None]
