"""The `truncated` fault: the real answer cut to its first half, still HTTP 200 with a matching length."""

from __future__ import annotations

import httpx

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import ALFA

LIST = "/prod/FCTEL/rest/listaMesajeFactura"


def test_a_truncated_answer_is_the_first_half_of_the_real_one(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    whole = api.get(LIST, params={"zile": 1, "cif": ALFA})
    sandbox.add_faults({"path": LIST, "kind": "truncated", "count": 1})
    cut = api.get(LIST, params={"zile": 1, "cif": ALFA})
    assert cut.status_code == 200
    assert int(cut.headers["content-length"]) == len(cut.content) == len(whole.content) // 2
    assert whole.content.startswith(cut.content[:20])
    assert api.get(LIST, params={"zile": 1, "cif": ALFA}).content != cut.content  # used up: whole again
    assert [call.get("fault") for call in sandbox.calls("listaMesajeFactura")] == [None, "truncated", None]
