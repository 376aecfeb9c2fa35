"""Every download of a message is the same ZIP, stamped with its ``data_creare`` (docs/anaf.md §2.5)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

from anaf_sandbox.testing import running_sandbox, small_seed
from tests.anaf_sandbox.sandbox_helpers import ALFA, client_for


def test_a_message_downloads_to_the_same_bytes_stamped_with_its_creation_time() -> None:
    seed = small_seed()
    seed["traffic"] = {"invoices_per_company_per_day": 1, "days": 2, "companies": [ALFA]}
    with running_sandbox(seed) as sandbox, client_for(sandbox) as api:
        listed = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 3, "cif": ALFA}).json()[
            "mesaje"
        ]
        message = listed[0]

        first = api.get("/prod/FCTEL/rest/descarcare", params={"id": message["id"]}).content
        time.sleep(2.1)  # ZIP times have a resolution of 2 s: the machine clock has moved past it
        sandbox.advance(days=1)
        second = api.get("/prod/FCTEL/rest/descarcare", params={"id": message["id"]}).content

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    index = message["id_solicitare"]
    assert [info.filename for info in infos] == [f"semnatura_{index}.xml", f"{index}.xml"]  # ANAF's order
    created = datetime.strptime(message["data_creare"], "%Y%m%d%H%M")  # Bucharest wall time (§2.0)
    for info in infos:
        assert info.date_time[:5] == (created.year, created.month, created.day, created.hour, created.minute)
        assert info.compress_type == zipfile.ZIP_DEFLATED
