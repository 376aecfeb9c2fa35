"""Typed client for ANAF's OAuth2 (logincert) and RO e-Factura REST API. Pure Python + httpx, no Django."""

__all__: list[str] = []
