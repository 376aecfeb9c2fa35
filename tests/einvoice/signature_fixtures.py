"""ANAF-shaped signatures made with a throw-away key: detached (2024 on) and enveloped (before 2024).

The layouts follow the real downloads (docs/anaf.md §2.5): the detached file is a ``ds:Signature``
referencing ``{id}.xml``; the enveloped one is the invoice with a ``ds:Signature`` appended inside its root,
``Reference URI=""`` with the enveloped-signature transform, exclusive C14N for ``SignedInfo``, RSA-SHA256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

import einvoice
from einvoice import Address, Invoice, Line, Party, PaymentMeans

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


def invoice_xml(number: str = "TST-0001") -> bytes:
    """A small valid CIUS-RO invoice, with an XML declaration as ANAF stores it."""
    invoice = Invoice(
        number=number,
        issue_date=datetime(2023, 12, 16, tzinfo=UTC).date(),
        currency="RON",
        seller=Party(
            name="Furnizor de Test SRL",
            vat_id="RO18547290",
            address=Address(street="Str. Lungă 1", city="Brașov", county="RO-BV", country="RO"),
        ),
        buyer=Party(
            name="Cumpărător de Test SRL",
            vat_id="RO16000015",
            address=Address(street="Str. Scurtă 2", city="Cluj-Napoca", county="RO-CJ", country="RO"),
        ),
        payment_means=[PaymentMeans(code="31", iban="RO49AAAA1B31007593840000")],
        lines=[
            Line(
                id="1",
                name="Servicii",
                quantity=Decimal(1),
                unit_code="C62",
                price=Decimal("1000.00"),
                vat_category="S",
                vat_rate=Decimal(19),
            )
        ],
    )
    return einvoice.build_ubl(einvoice.compute_totals(invoice))


@cache
def _key_and_certificate() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ANAF TEST (fixture)")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.DER)


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


def _finish(signature: etree._Element, signed_info: etree._Element) -> None:
    """SignatureValue over the exclusive-C14N SignedInfo, and KeyInfo with the fixture certificate."""
    key, certificate = _key_and_certificate()
    canonical = etree.tostring(signed_info, method="c14n", exclusive=True)
    value = key.sign(canonical, padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(signature, _ds("SignatureValue")).text = base64.b64encode(value).decode()
    x509_data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    etree.SubElement(x509_data, _ds("X509Certificate")).text = base64.b64encode(certificate).decode()


def detached_signature(document: bytes, file_name: str) -> bytes:
    """``semnatura_{id}.xml`` as since 2024: SHA-256 of the raw bytes of ``file_name``."""
    signature = etree.Element(_ds("Signature"), nsmap={"ds": DS})
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=RSA_SHA256)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI=file_name)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    digest = base64.b64encode(hashlib.sha256(document).digest()).decode()
    etree.SubElement(reference, _ds("DigestValue")).text = digest
    _finish(signature, signed_info)
    return etree.tostring(signature, xml_declaration=True, encoding="UTF-8")


def enveloped_signature(document: bytes, *, line_break_after: bool = True) -> bytes:
    """``semnatura_{id}.xml`` as before 2024: the invoice with an enveloped signature in its root.

    The digest is taken with the signature in place but without text after it; ``line_break_after``
    then adds the line break ANAF's serializer leaves after ``</Signature>``.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document, parser)
    digest = base64.b64encode(hashlib.sha256(etree.tostring(root.getroottree(), method="c14n")).digest())
    signature = etree.SubElement(root, _ds("Signature"), nsmap={None: DS})  # type: ignore[dict-item]
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=RSA_SHA256)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI="")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(reference, _ds("DigestValue")).text = digest.decode()
    _finish(signature, signed_info)
    if line_break_after:
        signature.tail = "\n"
    return etree.tostring(root)


def anaf_zip(document: bytes, signature: bytes | None, index: str = "5004879752") -> bytes:
    """The ZIP ``descarcare`` serves: ``{index}.xml`` and ``semnatura_{index}.xml`` (unless None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if signature is not None:
            archive.writestr(f"semnatura_{index}.xml", signature)
        archive.writestr(f"{index}.xml", document)
    return buffer.getvalue()
