"""Romanian counties (ISO 3166-2:RO) and Bucharest sectors, as CIUS-RO wants them (BR-RO-100, BR-RO-110).

BT-39/BT-54 carry ``RO-CJ``-style codes; in Bucharest (``RO-B``) the city BT-37/BT-52 is one of
``SECTOR1`` .. ``SECTOR6``.
"""

from __future__ import annotations

import re
import unicodedata

COUNTIES: dict[str, str] = {
    "RO-AB": "Alba",
    "RO-AG": "Argeș",
    "RO-AR": "Arad",
    "RO-B": "București",
    "RO-BC": "Bacău",
    "RO-BH": "Bihor",
    "RO-BN": "Bistrița-Năsăud",
    "RO-BR": "Brăila",
    "RO-BT": "Botoșani",
    "RO-BV": "Brașov",
    "RO-BZ": "Buzău",
    "RO-CJ": "Cluj",
    "RO-CL": "Călărași",
    "RO-CS": "Caraș-Severin",
    "RO-CT": "Constanța",
    "RO-CV": "Covasna",
    "RO-DB": "Dâmbovița",
    "RO-DJ": "Dolj",
    "RO-GJ": "Gorj",
    "RO-GL": "Galați",
    "RO-GR": "Giurgiu",
    "RO-HD": "Hunedoara",
    "RO-HR": "Harghita",
    "RO-IF": "Ilfov",
    "RO-IL": "Ialomița",
    "RO-IS": "Iași",
    "RO-MH": "Mehedinți",
    "RO-MM": "Maramureș",
    "RO-MS": "Mureș",
    "RO-NT": "Neamț",
    "RO-OT": "Olt",
    "RO-PH": "Prahova",
    "RO-SB": "Sibiu",
    "RO-SJ": "Sălaj",
    "RO-SM": "Satu Mare",
    "RO-SV": "Suceava",
    "RO-TL": "Tulcea",
    "RO-TM": "Timiș",
    "RO-TR": "Teleorman",
    "RO-VL": "Vâlcea",
    "RO-VN": "Vrancea",
    "RO-VS": "Vaslui",
}
BUCHAREST = "RO-B"
SECTORS = tuple(f"SECTOR{n}" for n in range(1, 7))


def _fold(text: str) -> str:
    """Lower case, no diacritics (both the comma and the cedilla forms), no spaces or dashes."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_.]+", "", plain).lower()


_BY_FOLDED = {_fold(name): code for code, name in COUNTIES.items()}
_BY_FOLDED.update({_fold(code): code for code in COUNTIES})
_BY_FOLDED.update({_fold(code[3:]): code for code in COUNTIES})
_BY_FOLDED.update({"bucuresti": BUCHAREST, "municipiulbucuresti": BUCHAREST, "bucharest": BUCHAREST})


def county_code(text: str) -> str | None:
    """``"RO-CJ"`` for ``"RO-CJ"``, ``"CJ"``, ``"Cluj"`` or ``"judetul Cluj"``; None if not recognised."""
    folded = _fold(text)
    for prefix in ("judetul", "jud"):
        if folded.startswith(prefix) and folded[len(prefix) :] in _BY_FOLDED:
            folded = folded[len(prefix) :]
    return _BY_FOLDED.get(folded)


def sector_code(text: str) -> str | None:
    """``"SECTOR3"`` for ``"SECTOR3"``, ``"Sector 3"`` or ``"sectorul 3"``; None otherwise."""
    match = re.fullmatch(r"sector(?:ul)?([1-6])", _fold(text))
    return f"SECTOR{match.group(1)}" if match else None
