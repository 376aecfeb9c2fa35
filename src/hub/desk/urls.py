from django.urls import path

from hub.desk import views, views_archive, views_completeness, views_journal

urlpatterns = [
    path("", views.desk_list, name="desk"),
    path("bulk/", views.desk_bulk, name="desk-bulk"),
    path("assignees/", views.desk_assignees, name="desk-assignees"),
    path("completeness/", views_completeness.desk_completeness, name="desk-completeness"),
    path("imports/", views_archive.archive_imports, name="desk-imports"),
    path("imports/<int:run_id>/", views_archive.archive_import_report, name="desk-import"),
    path(
        "imports/<int:run_id>/<int:file_id>/original/",
        views_archive.archive_import_original,
        name="desk-import-original",
    ),
    path("journal/", views_journal.desk_journal, name="desk-journal"),
    path("exports/", views_journal.desk_exports, name="desk-exports"),
    path("exports/mappings/new/", views_journal.desk_mapping_new, name="desk-mapping-new"),
    path("exports/mappings/<int:mapping_id>/", views_journal.desk_mapping_edit, name="desk-mapping-edit"),
    path(
        "exports/mappings/<int:mapping_id>/delete/",
        views_journal.desk_mapping_delete,
        name="desk-mapping-delete",
    ),
    path("<int:invoice_id>/", views.desk_review, name="desk-review"),
    path("<int:invoice_id>/comment/", views.desk_comment, name="desk-comment"),
    path("<int:invoice_id>/rasp/", views.desk_rasp, name="desk-rasp"),
]
