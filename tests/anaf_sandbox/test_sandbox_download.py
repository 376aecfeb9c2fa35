"""descarcare: the ZIP, its real MF signature, the signature service, limits, retention (§2.5, §2.8, §3)."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from anaf_sandbox.testing import SandboxHandle
from tests.anaf_sandbox.sandbox_helpers import ALFA, BUCATARIA, client_for, make_invoice

DS = "{http://www.w3.org/2000/09/xmldsig#}"


def accepted_invoice(
    sandbox: SandboxHandle, api: httpx.Client, number: str = "D-1"
) -> tuple[str, str, bytes]:
    xml = make_invoice(number=number)
    index = etree.fromstring(
        api.post("/prod/FCTEL/rest/upload", params={"standard": "UBL", "cif": ALFA}, content=xml).content
    ).get("index_incarcare")
    sandbox.advance(6)
    status = etree.fromstring(api.get("/prod/FCTEL/rest/stareMesaj", params={"id_incarcare": index}).content)
    return str(index), str(status.get("id_descarcare")), xml


def verify_independently(data: bytes, signature_xml: bytes) -> bool:
    """XMLDSig check with cryptography + lxml C14N only (no sandbox code)."""
    root = etree.fromstring(signature_xml)
    signed_info = root.find(f"{DS}SignedInfo")
    assert signed_info is not None
    digest = root.findtext(f"{DS}SignedInfo/{DS}Reference/{DS}DigestValue")
    if base64.b64decode(str(digest)) != hashlib.sha256(data).digest():
        return False
    cert = x509.load_der_x509_certificate(base64.b64decode(str(root.findtext(f".//{DS}X509Certificate"))))
    public_key = cert.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    try:
        public_key.verify(
            base64.b64decode(str(root.findtext(f"{DS}SignatureValue"))),
            etree.tostring(signed_info, method="c14n"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except Exception:
        return False
    return True


def test_the_zip_holds_the_invoice_and_a_signature_that_verifies(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    index, download_id, xml = accepted_invoice(sandbox, api)
    response = api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [f"{index}.xml", f"semnatura_{index}.xml"]
        invoice, signature = archive.read(f"{index}.xml"), archive.read(f"semnatura_{index}.xml")
    assert invoice == xml
    assert verify_independently(invoice, signature)
    assert not verify_independently(invoice.replace(b"D-1", b"D-2"), signature)
    tampered = signature.replace(b"<ds:SignatureMethod", b"<ds:SignatureMethod Id='x'", 1)
    assert not verify_independently(invoice, tampered)


def test_the_signature_service_tells_original_from_tampered(
    sandbox: SandboxHandle, api: httpx.Client
) -> None:
    index, download_id, _ = accepted_invoice(sandbox, api)
    with zipfile.ZipFile(
        io.BytesIO(api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id}).content)
    ) as z:
        invoice, signature = z.read(f"{index}.xml"), z.read(f"semnatura_{index}.xml")

    def check(data: bytes) -> httpx.Response:
        return httpx.post(
            f"{sandbox.url}/api/validate/signature",
            files={"file": ("f.xml", data, "text/xml"), "signature": ("s.xml", signature, "text/xml")},
        )

    assert "au fost validate cu succes" in check(invoice).json()["msg"]
    assert "NU au putut fi validate" in check(invoice + b" ").json()["msg"]
    incomplete = httpx.post(
        f"{sandbox.url}/api/validate/signature", files={"file": ("f.xml", invoice, "text/xml")}
    )
    assert incomplete.status_code == 400
    assert incomplete.json()["msg"].startswith("Eroare tehnică: request incorect.")


def test_the_buyer_downloads_the_same_document(sandbox: SandboxHandle, api: httpx.Client) -> None:
    _, download_id, _ = accepted_invoice(sandbox, api)
    listed = api.get("/prod/FCTEL/rest/listaMesajeFactura", params={"zile": 1, "cif": BUCATARIA}).json()
    assert listed["mesaje"][0]["id"] == download_id


def test_ten_downloads_a_day_per_message_then_anaf_text(sandbox: SandboxHandle, api: httpx.Client) -> None:
    _, download_id, _ = accepted_invoice(sandbox, api)
    for _ in range(10):
        assert api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id}).status_code == 200
    refused = api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id})
    assert refused.status_code == 200
    assert refused.headers["content-type"].startswith("text/plain")
    assert refused.json() == {
        "eroare": f"S-au facut deja 10 descarcari la mesajul cu id_descarcare={download_id} in cursul zilei",
        "titlu": "Descarcare mesaj",
    }
    sandbox.advance(days=1)
    assert api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id}).headers["content-type"] == (
        "application/zip"
    )


def test_a_message_cannot_be_downloaded_after_60_days(sandbox: SandboxHandle, api: httpx.Client) -> None:
    _, download_id, _ = accepted_invoice(sandbox, api)
    sandbox.advance(days=60)
    refused = api.get("/prod/FCTEL/rest/descarcare", params={"id": download_id}).json()
    assert refused["eroare"] == (
        "Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile in care este disponibil"
    )


def test_download_errors(sandbox: SandboxHandle, api: httpx.Client) -> None:
    _, download_id, _ = accepted_invoice(sandbox, api)

    def eroare(value: str, client: httpx.Client = api) -> str:
        return str(client.get("/prod/FCTEL/rest/descarcare", params={"id": value}).json()["eroare"])

    assert eroare("123a") == "Id descarcare introdus= 123a nu este un numar intreg"
    assert eroare("21") == "Pentru id=21 nu exista inregistrata nici o factura"
    with client_for(sandbox, "1c:00:00:07:42:de:30:03:9a:00:00:00:03:7c") as mihai:
        assert eroare(download_id, mihai) == "Nu aveti dreptul sa descarcati acesta factura"
    missing = api.get("/prod/FCTEL/rest/descarcare")
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parametrul id este obligatoriu"
