"""Users, organizations, memberships with roles, and the companies (CIFs) an organization manages."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hub.accounts"
    label = "accounts"
