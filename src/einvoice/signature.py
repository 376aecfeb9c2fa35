"""Check that the Ministry's signature ``semnatura_{id}.xml`` (docs/anaf.md §2.5) covers the invoice.

ANAF has used two formats:

- **detached (2024 on)**: the file is a ``ds:Signature`` whose ``Reference`` digest is the SHA-2 of the raw
  bytes of ``{id}.xml``;
- **enveloped (before 2024)**: the file is the invoice itself with a ``ds:Signature`` appended inside its
  root; the ``Reference URI=""`` digest is over the canonical (C14N) form of that document without the
  signature (the enveloped-signature transform). It matches ``{id}.xml`` when both canonical forms agree.

Only digests are compared: this proves the invoice is the one ANAF signed, not that the signature is the
Ministry's (ANAF's ``/api/validate/signature`` answers that, §2.8).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

DSIG = "http://www.w3.org/2000/09/xmldsig#"
ENVELOPED_SIGNATURE = f"{DSIG}enveloped-signature"
_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
# Canonicalization transforms a Reference may list, and whether each is exclusive. Comments never count:
# ``URI=""`` is the document without its comments (XMLDSig §4.4.3.2), so "#WithComments" changes nothing.
_C14N = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": False,
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": False,
    "http://www.w3.org/2001/10/xml-exc-c14n#": True,
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": True,
}


class SignatureFormat(StrEnum):
    """The layout of ``semnatura_{id}.xml``; the value is what people are shown."""

    DETACHED = "detached 2024"
    ENVELOPED = "enveloped (before 2024)"


@dataclass(frozen=True, slots=True)
class SignatureVerdict:
    """Whether the signature digest covers the invoice, in which format, and why not (English / Romanian)."""

    matches: bool
    format: SignatureFormat | None  # None: not an XMLDSig signature we can read
    reason: str = ""


def _parse(data: bytes) -> etree._ElementTree | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None:
        return None  # no DTDs, hence no entities, in anything we canonicalize
    return tree


def _digest_of(reference: etree._Element) -> tuple[str, bytes] | None:
    """The hash name and expected digest of a ``ds:Reference``, or None when unreadable/unsupported."""
    method = reference.find(f"{{{DSIG}}}DigestMethod")
    algorithm = _DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
    value = reference.findtext(f"{{{DSIG}}}DigestValue")
    if algorithm is None or not value:
        return None
    try:
        return algorithm, base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _detached(xml: bytes, signature: etree._Element) -> SignatureVerdict:
    for reference in signature.iter(f"{{{DSIG}}}Reference"):
        digest = _digest_of(reference)
        if digest is not None and hmac.compare_digest(hashlib.new(digest[0], xml).digest(), digest[1]):
            return SignatureVerdict(True, SignatureFormat.DETACHED)
    return SignatureVerdict(
        False,
        SignatureFormat.DETACHED,
        "No digest in the signature matches the invoice's bytes"
        " / Niciun rezumat din semnătură nu corespunde octeților facturii",
    )


def _without_signature(document: bytes, keep_tail: bool) -> etree._ElementTree | None:
    """The document with its enveloped ``ds:Signature`` removed (a fresh parse: the input stays intact)."""
    tree = _parse(document)
    if tree is None:
        return None
    signature = tree.getroot().find(f"{{{DSIG}}}Signature")
    if signature is None:
        return None
    parent = signature.getparent()
    assert parent is not None  # a child of the root
    tail, previous = signature.tail, signature.getprevious()
    parent.remove(signature)  # lxml drops the tail with the element
    if keep_tail and tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    return tree


def _exclusive(reference: etree._Element) -> bool | str:
    """Whether the reference's canonicalization is exclusive C14N, or why it cannot be followed."""
    transforms = [
        t.get("Algorithm", "") for t in reference.iterfind(f"{{{DSIG}}}Transforms/{{{DSIG}}}Transform")
    ]
    if ENVELOPED_SIGNATURE not in transforms:
        return "The reference lacks the enveloped-signature transform / Lipsește transformarea enveloped"
    exclusive = False  # XMLDSig's default for a node-set: inclusive C14N 1.0
    for algorithm in transforms:
        if algorithm == ENVELOPED_SIGNATURE:
            continue
        if algorithm not in _C14N:
            return f"Unsupported transform {algorithm} / Transformare necunoscută {algorithm}"
        exclusive = _C14N[algorithm]
    return exclusive


def _signed_forms(document: bytes, *, exclusive: bool, tail: str | None) -> Iterator[bytes]:
    """The octets the ``URI=""`` reference may have been digested over.

    By XMLDSig the text after ``</Signature>`` stays. ANAF's signer appended the signature before its
    serializer added the line break that follows it, so a whitespace-only tail is also tried without it.
    """
    for keep_tail in (True, False) if tail and not tail.strip() else (True,):
        tree = _without_signature(document, keep_tail)
        if tree is not None:
            yield etree.tostring(tree, method="c14n", exclusive=exclusive, with_comments=False)


def _enveloped(xml: bytes, document: bytes, signature: etree._Element) -> SignatureVerdict:
    whole = [r for r in signature.iter(f"{{{DSIG}}}Reference") if r.get("URI") == ""]
    if not whole:
        return SignatureVerdict(
            False,
            SignatureFormat.ENVELOPED,
            'The signature has no reference to the whole document (URI="") / Semnătura nu acoperă documentul',
        )
    for reference in whole:
        digest = _digest_of(reference)
        if digest is None:
            continue
        exclusive = _exclusive(reference)
        if isinstance(exclusive, str):
            return SignatureVerdict(False, SignatureFormat.ENVELOPED, exclusive)
        for signed in _signed_forms(document, exclusive=exclusive, tail=signature.tail):
            if not hmac.compare_digest(hashlib.new(digest[0], signed).digest(), digest[1]):
                continue
            invoice = _parse(xml)
            if invoice is not None and etree.tostring(invoice, method="c14n") == signed:
                return SignatureVerdict(True, SignatureFormat.ENVELOPED)
            return SignatureVerdict(
                False,
                SignatureFormat.ENVELOPED,
                "The signed copy is intact but differs from the invoice"
                " / Copia semnată este intactă, dar diferă de factură",
            )
    return SignatureVerdict(
        False,
        SignatureFormat.ENVELOPED,
        "The signed document was changed after signing (digest mismatch)"
        " / Documentul semnat a fost modificat după semnare",
    )


def verify_signature(xml: bytes, signature_xml: bytes) -> SignatureVerdict:
    """Does ``signature_xml`` (``semnatura_{id}.xml``) cover ``xml`` (``{id}.xml``), in either ANAF format?"""
    tree = _parse(signature_xml)
    if tree is None:
        return SignatureVerdict(
            False, None, "The signature is not well-formed XML / Semnătura nu este un XML corect"
        )
    root = tree.getroot()
    if root.tag == f"{{{DSIG}}}Signature":
        return _detached(xml, root)
    enveloped = root.find(f"{{{DSIG}}}Signature")
    if enveloped is not None:
        return _enveloped(xml, signature_xml, enveloped)
    return SignatureVerdict(
        False, None, "The file holds no XMLDSig signature / Fișierul nu conține o semnătură XMLDSig"
    )


def verify_signature_digest(xml: bytes, signature_xml: bytes) -> bool:
    """True if ``signature_xml`` covers ``xml`` (either format); `verify_signature` says which and why not."""
    return verify_signature(xml, signature_xml).matches
