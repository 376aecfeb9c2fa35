from django.urls import path

from hub.outbox import views

urlpatterns = [
    path("", views.outbox_list, name="outbox"),
    path("upload/", views.outbox_upload, name="outbox-upload"),
    path("<int:invoice_id>/", views.outbox_detail, name="outbox-invoice"),
    path("<int:invoice_id>/answer.zip", views.outbox_answer, name="outbox-answer"),
    path("<int:invoice_id>/invoice.xml", views.outbox_xml, name="outbox-xml"),
    path("<int:invoice_id>/invoice.pdf", views.outbox_pdf, name="outbox-pdf"),
]
