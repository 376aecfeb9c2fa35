"""Romanian CIF/CUI check digit (control key 753217532)."""

from __future__ import annotations

_KEY = "753217532"


def normalize_cif(raw: str) -> str:
    value = raw.strip().upper().replace(" ", "")
    return value.removeprefix("RO")


def is_valid_cif(raw: str) -> bool:
    cif = normalize_cif(raw)
    if not cif.isdigit() or not 2 <= len(cif) <= 10:
        return False
    body, check = cif[:-1].rjust(9, "0"), int(cif[-1])
    total = sum(int(digit) * int(weight) for digit, weight in zip(body, _KEY, strict=True))
    return (total * 10) % 11 % 10 == check
