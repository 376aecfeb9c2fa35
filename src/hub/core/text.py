"""Text as search compares it: without case and diacritics ("Brutăria" and "BRUTARIA" are the same word)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, unaccented text: `ș`/`ş`, `ț`/`ţ`, `ă`, `â`, `î` become `s`, `t`, `a`, `a`, `i`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def search_text(*parts: str) -> str:
    """The stored search column of a row: its non-empty parts, folded, space-separated."""
    return fold(" ".join(part for part in parts if part))
