from django.urls import path

from hub.desk import views

urlpatterns = [
    path("", views.desk_list, name="desk"),
    path("bulk/", views.desk_bulk, name="desk-bulk"),
    path("assignees/", views.desk_assignees, name="desk-assignees"),
    path("<int:invoice_id>/", views.desk_review, name="desk-review"),
    path("<int:invoice_id>/comment/", views.desk_comment, name="desk-comment"),
    path("<int:invoice_id>/rasp/", views.desk_rasp, name="desk-rasp"),
]
