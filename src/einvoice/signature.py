"""Check that ANAF's detached signature (``semnatura_*.xml``, docs/anaf.md §2.5) covers an invoice.

This compares the XMLDSig ``DigestValue`` with the digest of the invoice's raw bytes: it proves the
bytes are the ones ANAF signed, not that the signature itself is the Ministry's (ANAF's
``/api/validate/signature`` answers that, §2.8).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from lxml import etree

DSIG = "http://www.w3.org/2000/09/xmldsig#"
_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


def verify_signature_digest(xml: bytes, signature_xml: bytes) -> bool:
    """True if a ``ds:Reference`` in ``signature_xml`` carries the SHA-2 digest of ``xml`` (base64)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(signature_xml, parser)
    except etree.XMLSyntaxError:
        return False
    for reference in root.iter(f"{{{DSIG}}}Reference"):
        method = reference.find(f"{{{DSIG}}}DigestMethod")
        value = reference.findtext(f"{{{DSIG}}}DigestValue")
        algorithm = _DIGESTS.get(method.get("Algorithm", "") if method is not None else "", "sha256")
        if not value:
            continue
        try:
            expected = base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(hashlib.new(algorithm, xml).digest(), expected):
            return True
    return False
