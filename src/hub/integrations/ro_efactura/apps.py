"""The RO e-Factura module: SPV authorization, token renewal, rights per company."""

from django.apps import AppConfig


class RoEfacturaConfig(AppConfig):
    name = "hub.integrations.ro_efactura"
    label = "ro_efactura"
    verbose_name = "RO e-Factura"
