"""RO e-Factura documents: parse, validate, render and build CIUS-RO UBL / CII invoices. No Django."""

__all__: list[str] = []
