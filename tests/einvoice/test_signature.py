"""verify_signature(): both formats of ANAF's ``semnatura_{id}.xml`` (docs/anaf.md §2.5)."""

from __future__ import annotations

import pytest

from einvoice import SignatureFormat, verify_signature, verify_signature_digest
from tests.einvoice.signature_fixtures import detached_signature, enveloped_signature, invoice_xml

INVOICE = invoice_xml()


def test_a_detached_signature_matches_the_exact_bytes() -> None:
    signature = detached_signature(INVOICE, "5004879752.xml")

    verdict = verify_signature(INVOICE, signature)

    assert (verdict.matches, verdict.format, verdict.reason) == (True, SignatureFormat.DETACHED, "")
    assert verify_signature_digest(INVOICE, signature)


def test_a_detached_signature_refuses_any_other_byte() -> None:
    signature = detached_signature(INVOICE, "5004879752.xml")

    for changed in (INVOICE + b"\n", INVOICE.replace(b"TST-0001", b"TST-0002")):
        verdict = verify_signature(changed, signature)
        assert (verdict.matches, verdict.format) == (False, SignatureFormat.DETACHED)
        assert "No digest in the signature matches" in verdict.reason
        assert "Niciun rezumat" in verdict.reason


@pytest.mark.parametrize("line_break_after", [True, False], ids=["as-anaf-serialized", "no-tail"])
def test_an_enveloped_signature_matches_its_invoice(line_break_after: bool) -> None:
    signature = enveloped_signature(INVOICE, line_break_after=line_break_after)

    verdict = verify_signature(INVOICE, signature)

    assert (verdict.matches, verdict.format) == (True, SignatureFormat.ENVELOPED)
    assert verify_signature_digest(INVOICE, signature)


def test_an_enveloped_signature_matches_the_invoice_however_it_is_serialized() -> None:
    """The comparison is canonical: another XML declaration or attribute quoting is the same invoice."""
    signature = enveloped_signature(INVOICE)
    reserialized = INVOICE.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b"<?xml version='1.0'?>", 1)
    assert reserialized != INVOICE

    assert verify_signature(reserialized, signature).matches


def test_an_enveloped_signature_refuses_a_changed_signed_copy() -> None:
    signature = enveloped_signature(INVOICE).replace(b"TST-0001", b"TST-9999")

    verdict = verify_signature(INVOICE, signature)

    assert (verdict.matches, verdict.format) == (False, SignatureFormat.ENVELOPED)
    assert "changed after signing" in verdict.reason


def test_an_enveloped_signature_refuses_an_invoice_other_than_the_signed_one() -> None:
    signature = enveloped_signature(INVOICE)

    verdict = verify_signature(invoice_xml("TST-0002"), signature)

    assert (verdict.matches, verdict.format) == (False, SignatureFormat.ENVELOPED)
    assert "differs from the invoice" in verdict.reason


def test_only_the_digest_is_compared_not_the_rsa_signature() -> None:
    """The RSA value and certificate are ANAF's check (§2.8); text after the signature is content."""
    signature = enveloped_signature(INVOICE)
    other_value = signature.replace(b"<SignatureValue>", b"<SignatureValue>AAAA", 1)
    text_after = signature.replace(b"</Signature>\n", b"</Signature>x\n")

    assert verify_signature(INVOICE, other_value).matches
    assert not verify_signature(INVOICE, text_after).matches


def test_an_unknown_transform_is_refused_with_its_name() -> None:
    signature = enveloped_signature(INVOICE).replace(
        b'<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
        b'<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        b'<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>',
    )

    verdict = verify_signature(INVOICE, signature)

    assert not verdict.matches
    assert "Unsupported transform http://www.w3.org/TR/1999/REC-xslt-19991116" in verdict.reason


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (b"", "not well-formed XML"),
        (b"not xml", "not well-formed XML"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "not well-formed XML"),
        (b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>", "no XMLDSig"),
    ],
    ids=["empty", "text", "dtd", "unsigned-invoice"],
)
def test_what_is_no_signature_is_told_apart(signature: bytes, reason: str) -> None:
    verdict = verify_signature(INVOICE, signature)

    assert (verdict.matches, verdict.format) == (False, None)
    assert reason in verdict.reason


def test_an_empty_detached_signature_does_not_verify() -> None:
    verdict = verify_signature(INVOICE, b"<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/>")

    assert (verdict.matches, verdict.format) == (False, SignatureFormat.DETACHED)


def test_the_formats_are_shown_by_their_names() -> None:
    assert str(SignatureFormat.DETACHED) == "detached 2024"
    assert str(SignatureFormat.ENVELOPED) == "enveloped (before 2024)"
