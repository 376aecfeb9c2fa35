"""Reading warnings and sync errors on the inbox pages are sentences in the reader's language."""

from __future__ import annotations

from django.utils import translation

from hub.inbox.wording import warning_message


def test_reading_warnings_become_sentences_in_both_languages() -> None:
    with translation.override("ro"):
        assert (
            warning_message("BT-1 invoice number is missing") == "Lipsește din document: BT-1 invoice number."
        )
        assert warning_message("BT-131 line 2 net amount: 'abc' is not a decimal number") == (
            "BT-131 linia 2 net amount: 'abc' nu este un număr."
        )
        assert warning_message("BT-2 issue date: '31.02.2026' is not a date") == (
            "BT-2 issue date: '31.02.2026' nu este o dată calendaristică."
        )
        assert warning_message("Vă rugăm emiteți o factură storno.") == "Vă rugăm emiteți o factură storno."
    with translation.override("en"):
        assert (
            warning_message("BT-1 invoice number is missing")
            == "Missing from the document: BT-1 invoice number."
        )
