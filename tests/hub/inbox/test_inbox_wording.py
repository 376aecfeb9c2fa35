"""Reading warnings, document problems and sync errors on the inbox pages are sentences in the reader's
language, with the EN 16931 terms under their Romanian names in Romanian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

import einvoice.terms
from hub.accounts.models import Company, Organization, User
from hub.documents.reading import read_zip
from hub.inbox.models import DocumentKind, InvoiceState
from hub.inbox.term_names import TERM_NAMES_RO
from hub.inbox.wording import problem_sentences, warning_message
from tests.hub.helpers import login
from tests.hub.security.security_fixtures import anaf_zip, invoice_make

FIXTURES = Path(__file__).parents[2] / "einvoice" / "fixtures"


def test_reading_warnings_become_sentences_in_both_languages() -> None:
    with translation.override("ro"):
        assert (
            warning_message("BT-1 invoice number is missing")
            == "Lipsește din document: BT-1 numărul facturii."
        )
        assert warning_message("BT-131 line 2 net amount: 'abc' is not a decimal number") == (
            "BT-131 valoarea netă a liniei (linia 2): 'abc' nu este un număr."
        )
        assert warning_message("BT-2 issue date: '31.02.2026' is not a date") == (
            "BT-2 data emiterii: '31.02.2026' nu este o dată calendaristică."
        )
        assert warning_message("Vă rugăm emiteți o factură storno.") == "Vă rugăm emiteți o factură storno."
    with translation.override("en"):
        assert (
            warning_message("BT-1 invoice number is missing")
            == "Missing from the document: BT-1 invoice number."
        )


def test_every_term_einvoice_reads_has_a_romanian_name() -> None:
    terms = {item.bt for table in vars(einvoice.terms).values() if isinstance(table, tuple) for item in table}
    terms.discard("")
    assert terms <= set(TERM_NAMES_RO), sorted(terms - set(TERM_NAMES_RO))


@pytest.mark.django_db
def test_the_detail_page_words_problems_and_warnings_in_romanian(
    organization: Organization, companies: list[Company], owner: User
) -> None:
    """GIVEN documents read by the hub's real reader: a damaged ZIP, an XML that is no invoice, an invoice
    with unreadable values THEN the Romanian detail page says what happened in Romanian sentences, names
    the terms in Romanian, and shows none of the recorded English texts."""
    client = login(owner)
    damaged = read_zip(b"junk")
    stranger = read_zip(anaf_zip(xml=b"<foo/>"))
    lenient = read_zip(anaf_zip(xml=(FIXTURES / "lenient_unreadable_values.xml").read_bytes()))
    cases: list[tuple[Any, list[str]]] = [
        (damaged, ["Arhiva primită de la ANAF nu a putut fi deschisă în siguranță", "Nu este o arhivă ZIP"]),
        (stranger, ["Fișierul 5000000001.xml din arhivă nu este nici factură"]),
        (
            lenient,
            [
                "BT-2 data emiterii: &#x27;06.10.2026&#x27; nu este o dată calendaristică.",
                "BT-24 identificatorul specificației",
                "BT-129 cantitatea facturată (linia 1)",
            ],
        ),
    ]
    for reading, wanted in cases:
        invoice = invoice_make(
            companies[0],
            kind=reading.kind if reading.kind in DocumentKind.values else DocumentKind.UNKNOWN,
            state=InvoiceState.UNREADABLE if reading.problem else InvoiceState.WARNINGS,
            problem=reading.problem,
            warnings=reading.warnings,
        )
        page = client.get(f"/o/{organization.slug}/inbox/{invoice.pk}/").content.decode()
        for text in wanted:
            assert text in page, text
        for raw in [text for text in (reading.problem, *reading.warnings) if text]:
            assert raw not in page, raw
        for english in (
            "ZIP:",
            "not an invoice, credit note",
            "Not a ZIP archive",
            "issue date",
            "is missing",
        ):
            assert english not in page, english


def test_document_problems_are_sentences_in_english_too() -> None:
    damaged = read_zip(b"junk")
    with translation.override("en"):
        sentence, detail = problem_sentences(damaged.problem, damaged.kind)
        assert sentence.startswith("The archive received from ANAF could not be opened safely")
        assert detail.startswith("Not a ZIP archive")
        assert "Nu este" not in detail
        assert warning_message("BT-35 seller address street is empty") == (
            "Empty in the document: BT-35 seller address street."
        )
    with translation.override("ro"):
        assert problem_sentences(damaged.problem, damaged.kind)[1] == "Nu este o arhivă ZIP"


def test_the_exports_word_problems_as_the_detail_page_does(
    organization: Organization, companies: list[Company], owner: User
) -> None:
    damaged = read_zip(b"junk")
    invoice_make(
        companies[0], kind=DocumentKind.UNKNOWN, state=InvoiceState.UNREADABLE, problem=damaged.problem
    )
    client = login(owner)
    exported = b"".join(client.get(f"/o/{organization.slug}/inbox/export.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "Arhiva primită de la ANAF nu a putut fi deschisă în siguranță" in exported
    assert "Nu este o arhivă ZIP" in exported
    assert "ZIP: " not in exported
