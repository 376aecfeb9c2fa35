"""Real ANAF downloads from the corpus: every signature matches, and the pre-2024 one is told apart."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from einvoice import SignatureFormat, open_anaf_zip, verify_signature
from tests.corpus.corpus_files import corpus_files

ZIPS = corpus_files("anaf-zips/*.zip")
# Downloaded from ANAF's test environment in December 2023 (enveloped signature).
BEFORE_2024 = "5004879752.zip"


def test_the_corpus_holds_anaf_zips() -> None:
    assert BEFORE_2024 in {path.name for path in ZIPS}


@pytest.mark.parametrize("path", ZIPS, ids=[path.name for path in ZIPS])
def test_every_real_signature_matches_its_invoice(path: Path) -> None:
    archive = open_anaf_zip(path.read_bytes())
    assert archive.signature is not None

    verdict = verify_signature(archive.xml, archive.signature)

    assert verdict.matches, verdict.reason
    assert verdict.format is not None


def test_the_2023_download_is_enveloped_and_a_changed_amount_is_caught(corpus: Path) -> None:
    data = (corpus / "anaf-zips" / BEFORE_2024).read_bytes()
    archive = open_anaf_zip(data)
    assert archive.signature is not None
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert sorted(opened.namelist()) == ["5004879752.xml", "semnatura_5004879752.xml"]

    genuine = verify_signature(archive.xml, archive.signature)
    changed_invoice = verify_signature(archive.xml.replace(b"1190.00", b"1191.00"), archive.signature)
    changed_copy = verify_signature(archive.xml, archive.signature.replace(b"1190.00", b"1191.00"))

    assert (genuine.matches, genuine.format) == (True, SignatureFormat.ENVELOPED)
    assert (changed_invoice.matches, changed_invoice.format) == (False, SignatureFormat.ENVELOPED)
    assert "differs from the invoice" in changed_invoice.reason
    assert not changed_copy.matches
    assert "changed after signing" in changed_copy.reason
