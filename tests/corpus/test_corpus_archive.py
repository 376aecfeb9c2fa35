"""open_anaf_zip() on a ZIP really downloaded from ANAF's test environment (docs/anaf.md §2.5)."""

from __future__ import annotations

from einvoice import open_anaf_zip, parse
from tests.corpus.corpus_files import corpus_files


def test_it_opens_a_real_anaf_download() -> None:
    for path in corpus_files("anaf-zips/*.zip"):
        index = path.stem

        archive = open_anaf_zip(path.read_bytes())

        assert archive.kind == "invoice"
        assert archive.xml_name == f"{index}.xml"
        assert archive.signature_name == f"semnatura_{index}.xml"
        assert archive.signature is not None
        assert parse(archive.xml).number
