"""The MF detached signature ``semnatura_{id}.xml`` (docs/anaf.md §2.5, §2.8, §8.12).

A real XMLDSig: ``DigestValue`` is base64(SHA-256 of the invoice file's bytes), ``SignatureValue`` is an
RSA-SHA256 signature over the inclusive-C14N form of ``SignedInfo``, ``KeyInfo`` carries the sandbox's MF-like
certificate. The exact layout of ANAF's file is unknown (§8.12): the Reference points at the file name.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from .keys import SandboxKeys

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


def sign(keys: SandboxKeys, file_name: str, data: bytes) -> bytes:
    """The detached signature document for ``data`` (the bytes of ``file_name`` in the ZIP)."""
    root = etree.Element(_ds("Signature"), nsmap={"ds": DS})
    signed_info = etree.SubElement(root, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=RSA_SHA256)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI=file_name)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    etree.SubElement(reference, _ds("DigestValue")).text = digest
    canonical = etree.tostring(signed_info, method="c14n")
    value = keys.mf_key.sign(canonical, padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(root, _ds("SignatureValue")).text = base64.b64encode(value).decode()
    x509_data = etree.SubElement(etree.SubElement(root, _ds("KeyInfo")), _ds("X509Data"))
    certificate = base64.b64encode(keys.mf_certificate_der).decode()
    etree.SubElement(x509_data, _ds("X509Certificate")).text = certificate
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def verify(keys: SandboxKeys, data: bytes, signature_xml: bytes) -> bool:
    """True when ``signature_xml`` is this sandbox's MF signature over exactly ``data`` (§2.8)."""
    try:
        root = etree.fromstring(signature_xml, _PARSER)
    except etree.XMLSyntaxError:
        return False
    signed_info = root.find(_ds("SignedInfo"))
    digest = root.findtext(f"{_ds('SignedInfo')}/{_ds('Reference')}/{_ds('DigestValue')}")
    value = root.findtext(_ds("SignatureValue"))
    cert_text = root.findtext(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
    if signed_info is None or not digest or not value or not cert_text:
        return False
    if base64.b64decode(digest) != hashlib.sha256(data).digest():
        return False
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(cert_text))
    except ValueError:
        return False
    # Only the MF certificate counts (§2.5: "checked against known MF certs").
    if certificate != keys.mf_certificate:
        return False
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(
            base64.b64decode(value),
            etree.tostring(signed_info, method="c14n"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True
