from django.urls import path

from hub.inbox import views

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("export.csv", views.export_csv, name="inbox-export-csv"),
    path("export.xlsx", views.export_xlsx, name="inbox-export-xlsx"),
    path("export.zip", views.export_zip, name="inbox-export-zip"),
    path("sync/", views.sync_status, name="inbox-sync-status"),
    path("sync/progress/", views.sync_progress, name="inbox-sync-progress"),
    path("sync/now/", views.sync_now, name="inbox-sync-now"),
    path("sync/<int:state_id>/interval/", views.sync_interval, name="inbox-sync-interval"),
    path("notifications/", views.preferences, name="inbox-preferences"),
    path("<int:invoice_id>/", views.invoice_detail, name="inbox-invoice"),
    path("<int:invoice_id>/original.zip", views.invoice_zip, name="inbox-invoice-zip"),
    path("<int:invoice_id>/document.xml", views.invoice_xml, name="inbox-invoice-xml"),
    path("<int:invoice_id>/signature.xml", views.invoice_signature, name="inbox-invoice-signature"),
    path("<int:invoice_id>/document.pdf", views.invoice_pdf, name="inbox-invoice-pdf"),
    path("<int:invoice_id>/check-en16931/", views.invoice_en16931, name="inbox-invoice-en16931"),
]
