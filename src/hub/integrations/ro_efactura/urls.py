from django.urls import path

from hub.integrations.ro_efactura import views

urlpatterns = [
    path("", views.module_page, name="ro-efactura"),
    path("configure/", views.configure, name="ro-efactura-configure"),
    path("companies/add/", views.company_add_view, name="ro-efactura-company-add"),
    path("companies/<int:company_id>/remove/", views.company_remove_view, name="ro-efactura-company-remove"),
    path("authorize/", views.authorize, name="ro-efactura-authorize"),
    path("rights/check/", views.rights_check, name="ro-efactura-rights-check"),
    path("renew/", views.renew_now, name="ro-efactura-renew"),
    path("revoke/", views.revoke, name="ro-efactura-revoke"),
    path("certificate/", views.certificate_validity, name="ro-efactura-certificate"),
    path("audit/", views.audit_log, name="ro-efactura-audit"),
]

# Outside the organization prefix: the callback URL registered at ANAF is one per instance.
public_urlpatterns = [
    path("integrations/ro-efactura/oauth/callback/", views.oauth_callback, name="ro-efactura-oauth-callback"),
    path("help/anaf-oauth/", views.oauth_help, name="help-anaf-oauth"),
]
