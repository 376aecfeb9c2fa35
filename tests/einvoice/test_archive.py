"""open_anaf_zip() and verify_signature_digest() on ZIPs shaped like ANAF's (docs/anaf.md §2.5)."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from einvoice import UnsafeArchive, open_anaf_zip, verify_signature_digest
from tests.sample_invoices import ro_invoice_xml

FIXTURES = Path(__file__).parent / "fixtures"
INVOICE = ro_invoice_xml("FCT-2026-0108")
ERROR_REPORT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<header xmlns="mfp:anaf:dgti:efactura:mesajEroriFactuta:v1" Index_incarcare="5025079551" '
    'Cif_emitent="35913862">\n'
    '  <Error errorMessage="[BR-RO-065]-Identificatorul de înregistrare fiscala a Vanzatorului (BT-32) '
    "trebuie sa fie înscris.&#xA;&#x9;&#x9;#The Seller tax registration identifier (BT-32) "
    'shall be present."/>\n'
    '  <Error errorMessage="Factura a mai fost transmisa anterior cu index=0123456789 si data '
    'incarcare=2026-01-20"/>\n'
    "</header>\n"
).encode()
BUYER_MESSAGE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" index_incarcare="191823" '
    b'message="Marfa nu a fost livrata"/>'
)


def signature_for(document: bytes) -> bytes:
    """A detached XMLDSig shaped like ANAF's: a SHA-256 reference to the file, plus one to its properties."""
    digest = base64.b64encode(hashlib.sha256(document).digest()).decode()
    other = base64.b64encode(hashlib.sha256(b"signed properties").digest()).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="semnatura">
  <ds:SignedInfo>
    <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
    <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
    <ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#props">
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue>{other}</ds:DigestValue>
    </ds:Reference>
    <ds:Reference URI="5025079551.xml">
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue>
        {digest}
      </ds:DigestValue>
    </ds:Reference>
  </ds:SignedInfo>
  <ds:SignatureValue>AAAA</ds:SignatureValue>
  <ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
</ds:Signature>
""".encode()


def make_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def anaf_zip(document: bytes, index: str = "5025079551") -> bytes:
    return make_zip({f"{index}.xml": document, f"semnatura_{index}.xml": signature_for(document)})


def test_it_opens_an_invoice_with_its_signature() -> None:
    archive = open_anaf_zip(anaf_zip(INVOICE))

    assert archive.kind == "invoice"
    assert archive.xml_name == "5025079551.xml"
    assert archive.xml == INVOICE
    assert archive.signature_name == "semnatura_5025079551.xml"
    assert archive.signature is not None
    assert verify_signature_digest(archive.xml, archive.signature)
    assert archive.errors == []


@pytest.mark.parametrize(
    "document",
    [
        b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>',
        (FIXTURES / "cii_credit_note_381.xml").read_bytes(),
    ],
    ids=["ubl", "cii"],
)
def test_it_tells_a_credit_note(document: bytes) -> None:
    assert open_anaf_zip(anaf_zip(document)).kind == "credit_note"


def test_it_reads_the_errors_of_an_error_report() -> None:
    archive = open_anaf_zip(anaf_zip(ERROR_REPORT))

    assert archive.kind == "error_report"
    assert archive.upload_index == "5025079551"
    assert archive.issuer_cif == "35913862"
    assert len(archive.errors) == 2
    assert archive.errors[0].startswith("[BR-RO-065]-Identificatorul de înregistrare fiscala")
    assert "\n\t\t#The Seller tax registration identifier" in archive.errors[0]
    assert (
        archive.errors[1]
        == "Factura a mai fost transmisa anterior cu index=0123456789 si data incarcare=2026-01-20"
    )


def test_it_tells_a_buyer_message() -> None:
    archive = open_anaf_zip(anaf_zip(BUYER_MESSAGE, index="3001"))

    assert archive.kind == "buyer_message"
    assert archive.upload_index == "191823"
    assert archive.message == "Marfa nu a fost livrata"


@pytest.mark.parametrize(
    "document",
    [b"%PDF-1.4 not xml", b"<Order xmlns='urn:x'/>", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'],
)
def test_anything_else_is_unknown_with_its_bytes_kept(document: bytes) -> None:
    archive = open_anaf_zip(anaf_zip(document))

    assert archive.kind == "unknown"
    assert archive.xml == document


def test_a_zip_without_signature_still_opens() -> None:
    archive = open_anaf_zip(make_zip({"77.xml": INVOICE}))

    assert (archive.kind, archive.signature_name, archive.signature) == ("invoice", None, None)


def test_it_refuses_what_is_not_a_zip() -> None:
    with pytest.raises(UnsafeArchive, match="Not a ZIP archive"):
        open_anaf_zip(INVOICE)


def test_it_refuses_a_zip_bomb() -> None:
    bomb = make_zip({"1.xml": b"<a>" + b" " * 5_000_000 + b"</a>"})
    assert len(bomb) < 20_000

    with pytest.raises(UnsafeArchive, match="compressed more than 100:1"):
        open_anaf_zip(bomb)


def test_it_refuses_too_many_entries() -> None:
    many = make_zip({f"{n}.xml": b"<a/>" for n in range(11)})

    with pytest.raises(UnsafeArchive, match="holds 11 files, more than 10"):
        open_anaf_zip(many)


def test_it_refuses_an_archive_or_content_over_the_size_limits() -> None:
    data = anaf_zip(INVOICE)

    with pytest.raises(UnsafeArchive, match="more than 1000"):
        open_anaf_zip(data, max_archive_bytes=1000)
    with pytest.raises(UnsafeArchive, match="unpack to"):
        open_anaf_zip(data, max_total_bytes=len(INVOICE))


def test_it_refuses_path_traversal_names() -> None:
    with pytest.raises(UnsafeArchive, match="Unsafe file name"):
        open_anaf_zip(make_zip({"../../etc/1.xml": INVOICE}))


def test_unsafe_archive_messages_are_bilingual() -> None:
    with pytest.raises(UnsafeArchive) as caught:
        open_anaf_zip(b"PK\x03\x04 broken")

    assert "Not a ZIP archive" in str(caught.value)
    assert "Nu este o arhivă ZIP" in str(caught.value)


def test_the_digest_does_not_match_other_bytes() -> None:
    signature = signature_for(INVOICE)

    assert verify_signature_digest(INVOICE, signature)
    assert not verify_signature_digest(INVOICE + b"\n", signature)
    assert not verify_signature_digest(INVOICE.replace(b"FCT-2026-0108", b"FCT-2026-0109"), signature)


@pytest.mark.parametrize(
    "signature", [b"", b"not xml", b"<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/>"]
)
def test_a_missing_or_broken_signature_does_not_verify(signature: bytes) -> None:
    assert not verify_signature_digest(INVOICE, signature)


def test_a_damaged_zip_is_refused_not_crashed_on() -> None:
    data = bytearray(make_zip({"1.xml": INVOICE}))
    start = 30 + len("1.xml")  # the compressed bytes follow the local header
    data[start + 10 : start + 40] = bytes(30)

    with pytest.raises(UnsafeArchive, match=r"Cannot read '1\.xml'"):
        open_anaf_zip(bytes(data))
