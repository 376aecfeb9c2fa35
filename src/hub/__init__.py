"""The Django project of e-Factura Hub."""
