"""Romanian fiscal codes (CIF / CUI): the one place that reads them, for the libraries and the hub.

A CIF is 2 to 10 digits, the last one a check digit: the other digits, right-aligned on the key
``753217532``, are multiplied by it digit by digit; the sum times 10 modulo 11 is the check digit
(10 counts as 0). A VAT payer writes it with the ``RO`` prefix (``RO18547290``); ANAF's APIs want the
bare digits (docs/anaf.md §2.1, §5.1). A 13-digit CNP (or ``0000000000000`` for a consumer without one, §4) is
not a CIF.
"""

from __future__ import annotations

_KEY = "753217532"


def _check_digit(body: str) -> int:
    padded = body.rjust(len(_KEY), "0")
    total = sum(int(digit) * int(weight) for digit, weight in zip(padded, _KEY, strict=True))
    return total * 10 % 11 % 10


def normalize_cif(cif: str | int) -> str:
    """The bare digits ANAF wants: ``" ro 1854 7290 "`` -> ``"18547290"`` (spaces and the RO prefix go).

    Raises ``ValueError`` when what is left is not a number; the check digit is not verified here
    (`cif_is_valid` does that).
    """
    value = "".join(str(cif).split()).upper().removeprefix("RO")
    if not value.isdigit():
        raise ValueError(f"A CIF is a number (optionally prefixed by RO), not {cif!r}.")
    return value


def without_ro_prefix(identifier: str) -> str:
    """Any identifier as written by people or suppliers, spaces and the ``RO`` prefix dropped, never refused:
    for searching and for reading supplier documents (a foreign VAT id stays as it is)."""
    return "".join(identifier.split()).upper().removeprefix("RO")


def cif_is_valid(cif: str | int) -> bool:
    """True if ``cif`` (``RO`` prefix and spaces allowed) is 2 to 10 digits with a correct check digit."""
    try:
        digits = normalize_cif(cif)
    except ValueError:
        return False
    if not 2 <= len(digits) <= len(_KEY) + 1:
        return False
    return _check_digit(digits[:-1]) == int(digits[-1])


def cif_with_check_digit(body: str | int) -> str:
    """Append the check digit to a 1 to 9 digit body: ``cif_with_check_digit("1854729") == "18547290"``."""
    text = str(body).strip()
    if not text.isdigit() or not 1 <= len(text) <= len(_KEY):
        raise ValueError(f"a CIF body is 1 to 9 digits, got {text!r}")
    return f"{text}{_check_digit(text)}"
