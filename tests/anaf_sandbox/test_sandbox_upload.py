"""Upload, stareMesaj, duplicates, rights and the resulting messages (§2.1, §2.2, §2.9, §2.10)."""

from __future__ import annotations

import io
import zipfile

import httpx
from lxml import etree

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import (
    ALFA,
    BUCATARIA,
    NOBODY,
    TESATORIA,
    break_rule,
    client_for,
    make_invoice,
)

UPLOAD_NS = "mfp:anaf:dgti:spv:respUploadFisier:v1"
STATUS_NS = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"


def upload(api: httpx.Client, xml: bytes, cif: str = ALFA, **params: str) -> etree._Element:
    response = api.post(
        "/prod/FCTEL/rest/upload",
        params={"standard": "UBL", "cif": cif, **params},
        content=xml,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{UPLOAD_NS}}}header"
    return root


def errors_of(root: etree._Element) -> list[str]:
    return [str(e.get("errorMessage")) for e in root if isinstance(e.tag, str) and e.tag.endswith("Errors")]


def status(api: httpx.Client, index: str) -> etree._Element:
    response = api.get("/prod/FCTEL/rest/stareMesaj", params={"id_incarcare": index})
    assert response.status_code == 200
    return etree.fromstring(response.content)


def messages(api: httpx.Client, cif: str) -> dict[str, object]:
    body: dict[str, object] = api.get(
        "/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": cif}
    ).json()
    return body


def test_an_upload_goes_from_in_prelucrare_to_ok(sandbox: SandboxHandle, api: httpx.Client) -> None:
    root = upload(api, make_invoice())
    assert root.get("ExecutionStatus") == "0"
    index = str(root.get("index_incarcare"))
    assert index.startswith("50")
    assert len(str(root.get("dateResponse"))) == 12
    first = status(api, index)
    assert first.tag == f"{{{STATUS_NS}}}header"
    assert first.get("stare") == "in prelucrare"
    assert first.get("id_descarcare") is None
    assert "Nu exista mesaje" in str(messages(api, ALFA)["eroare"])
    sandbox.advance(6)
    done = status(api, index)
    assert done.get("stare") == "ok"
    download_id = str(done.get("id_descarcare"))
    sent = messages(api, ALFA)["mesaje"]
    assert sent == [
        {
            "data_creare": sent[0]["data_creare"],  # type: ignore[index]
            "cif": ALFA,
            "id_solicitare": index,
            "detalii": (
                f"Factura cu id_incarcare={index} emisa de cif_emitent={ALFA} "
                f"pentru cif_beneficiar={BUCATARIA}"
            ),
            "tip": "FACTURA TRIMISA",
            "id": download_id,
        }
    ]
    received = messages(api, BUCATARIA)["mesaje"]
    assert [(m["tip"], m["id"]) for m in received] == [("FACTURA PRIMITA", download_id)]  # type: ignore[attr-defined]


def test_a_business_rule_error_makes_the_upload_nok_with_an_error_message(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    index = str(upload(api, break_rule(make_invoice())).get("index_incarcare"))
    sandbox.advance(6)
    assert status(api, index).get("stare") == "nok"
    listed = messages(api, ALFA)["mesaje"]
    assert [m["tip"] for m in listed] == ["ERORI FACTURA"]  # type: ignore[attr-defined]
    assert "Nu exista mesaje" in str(messages(api, BUCATARIA)["eroare"])  # the buyer never sees it


def test_a_schema_error_is_refused_at_upload(api: httpx.Client) -> None:
    root = upload(api, b'<?xml version="1.0"?>\n<Invoice1 xmlns="urn:x"/>')
    assert root.get("ExecutionStatus") == "1"
    assert root.get("index_incarcare") is None
    [message] = errors_of(root)
    assert message.startswith("Fisierul transmis nu este valid. org.xml.sax.SAXParseException;")
    assert "cvc-elt.1.a: Cannot find the declaration of element 'Invoice1'" in message


def test_an_xsd_violation_inside_an_invoice_is_refused_at_upload(api: httpx.Client) -> None:
    broken = make_invoice().replace(b"<cbc:IssueDate>", b"<cbc:Bogus>x</cbc:Bogus><cbc:IssueDate>")
    root = upload(api, broken)
    assert root.get("ExecutionStatus") == "1"
    assert errors_of(root)[0].startswith("Fisierul transmis nu este valid.")


def test_it_refuses_a_cif_without_spv_rights(api: httpx.Client) -> None:
    root = upload(api, make_invoice(), cif=TESATORIA)
    assert errors_of(root) == [f"Nu aveti drept in SPV pentru CIF={TESATORIA}"]


def test_a_certificate_without_any_rights_is_told_so(sandbox: SandboxHandle) -> None:
    with client_for(sandbox, NOBODY) as nobody:
        assert errors_of(upload(nobody, make_invoice())) == [
            "Nu exista niciun CIF pentru care sa aveti drept in SPV"
        ]


def test_it_checks_parameters_like_anaf(sandbox: SandboxHandle, api: httpx.Client) -> None:
    assert errors_of(upload(api, make_invoice(), cif="123a")) == ["CIF introdus= 123a nu este un numar"]
    bad = api.post("/prod/FCTEL/rest/upload", params={"standard": "XYZ", "cif": ALFA}, content=make_invoice())
    assert errors_of(etree.fromstring(bad.content)) == [
        "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP"
    ]
    assert errors_of(upload(api, make_invoice(), extern="NU")) == [
        "Daca parametrul extern trebuie completat, valoarea acceptata este DA"
    ]
    missing = api.post("/prod/FCTEL/rest/upload", params={"cif": ALFA}, content=make_invoice())
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrii standard si cif sunt obligatorii"
    empty = api.post("/prod/FCTEL/rest/upload", params={"standard": "UBL", "cif": ALFA}, content=b"")
    assert empty.json()["message"] == "Trebuie sa aveti atasat in request un fisier de tip xml"


def test_a_second_upload_of_the_same_invoice_is_a_duplicate(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    """Duplicate key: seller CIF + invoice number + issue date of an earlier ok upload."""
    first = str(upload(api, make_invoice()).get("index_incarcare"))
    sandbox.advance(6)
    assert status(api, first).get("stare") == "ok"
    second = str(upload(api, make_invoice()).get("index_incarcare"))
    other_number = str(upload(api, make_invoice(number="ALF-2026-0002")).get("index_incarcare"))
    sandbox.advance(6)
    assert status(api, second).get("stare") == "nok"
    assert status(api, other_number).get("stare") == "ok"
    download_id = status(api, second).get("id_descarcare")
    archive = api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id})
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        report = etree.fromstring(opened.read(f"{second}.xml"))
    assert report.tag == "{mfp:anaf:dgti:efactura:mesajEroriFactuta:v1}header"
    assert report.get("Index_incarcare") == second
    assert report.get("Cif_emitent") == ALFA
    today = sandbox.now().date().isoformat()
    assert [e.get("errorMessage") for e in report] == [
        f"Factura a mai fost transmisa anterior cu index={first} si data incarcare={today}"
    ]


def test_stare_mesaj_errors(sandbox: SandboxHandle, api: httpx.Client) -> None:
    def error(value: str, client: httpx.Client = api) -> str:
        root = status(client, value)
        assert root.get("stare") is None
        return str(root[0].get("errorMessage"))

    assert error("aaa") == "Id_incarcare introdus= aaa nu este un numar intreg"
    assert error("15000") == "Nu exista factura cu id_incarcare= 15000"
    with client_for(sandbox, "1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c") as mihai:
        index = str(upload(mihai, make_invoice(seller=TESATORIA), cif=TESATORIA).get("index_incarcare"))
    assert error(index) == f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"
    with client_for(sandbox, NOBODY) as nobody:
        assert error(index, nobody) == "Nu exista niciun CIF petru care sa aveti drept"
    assert api.get("/prod/FCTEL/rest/stareMesaj").status_code == 400


def test_uploadb2c_and_the_test_environment_answer_the_same_way(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    for path in ("/test/FCTEL/rest/upload", "/prod/FCTEL/rest/uploadb2c"):
        response = api.post(
            path, params={"standard": "UBL", "cif": ALFA}, content=make_invoice(number=path[-8:] + "1")
        )
        assert etree.fromstring(response.content).get("ExecutionStatus") == "0"


def test_a_buyer_message_is_accepted_and_counted(sandbox: SandboxHandle, api: httpx.Client) -> None:
    rasp = b'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" index_incarcare="1" message="ok"/>'
    root = upload(api, rasp, standard="RASP")
    assert root.get("ExecutionStatus") == "0"


def test_self_billing_is_worded_as_in_production(sandbox: SandboxHandle, api: httpx.Client) -> None:
    index = str(upload(api, make_invoice(), cif=BUCATARIA, autofactura="DA").get("index_incarcare"))
    sandbox.advance(6)
    [received] = messages(api, BUCATARIA)["mesaje"]  # type: ignore[misc]
    assert received["detalii"] == (
        f"Factura cu id_incarcare={index} transmisa de cif={BUCATARIA}  ca autofactura in numele cif={ALFA}"
    )


def test_an_invoice_to_oneself_lists_as_sent_and_received(sandbox: SandboxHandle, api: httpx.Client) -> None:
    index = str(upload(api, make_invoice(buyer=ALFA)).get("index_incarcare"))
    sandbox.advance(6)
    listed = messages(api, ALFA)["mesaje"]
    assert sorted(m["tip"] for m in listed) == ["FACTURA PRIMITA", "FACTURA TRIMISA"]  # type: ignore[attr-defined]
    assert {m["id_solicitare"] for m in listed} == {index}  # type: ignore[attr-defined]
