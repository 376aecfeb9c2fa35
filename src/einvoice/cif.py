"""Romanian fiscal codes (CIF / CUI): the check digit ANAF verifies on BT-31, BT-32 and BT-48.

A CIF is 2 to 10 digits, the last one a check digit: the other digits, right-aligned on the key
``753217532``, are multiplied by it digit by digit; the sum times 10 modulo 11 is the check digit
(10 counts as 0). A VAT payer writes it with the ``RO`` prefix (``RO18547290``).
"""

from __future__ import annotations

import re

_KEY = "753217532"
_CIF = re.compile(r"(?:RO)?\s*(\d{2,10})", re.IGNORECASE)


def _check_digit(body: str) -> int:
    padded = body.rjust(len(_KEY), "0")
    total = sum(int(digit) * int(weight) for digit, weight in zip(padded, _KEY, strict=True))
    return total * 10 % 11 % 10


def cif_is_valid(cif: str) -> bool:
    """True if ``cif`` (with or without ``RO``, surrounding spaces allowed) has a correct check digit."""
    match = _CIF.fullmatch(cif.strip())
    if match is None:
        return False
    digits = match.group(1)
    return _check_digit(digits[:-1]) == int(digits[-1])


def cif_with_check_digit(body: str | int) -> str:
    """Append the check digit to a 1 to 9 digit body: ``cif_with_check_digit("1854729") == "18547290"``."""
    text = str(body).strip()
    if not text.isdigit() or not 1 <= len(text) <= len(_KEY):
        raise ValueError(f"a CIF body is 1 to 9 digits, got {text!r}")
    return f"{text}{_check_digit(text)}"
