"""Romanian CIF/CUI for the hub: the names the hub uses for `einvoice.cif`, the one place that reads them."""

from __future__ import annotations

from einvoice.cif import cif_is_valid as is_valid_cif
from einvoice.cif import normalize_cif, without_ro_prefix

__all__ = ["is_valid_cif", "normalize_cif", "without_ro_prefix"]
