from django.urls import path

from corridor.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.pipeline_board, name="board"),
    path("list/", views.project_list, name="list"),
    path("follow-ups/", views.follow_ups_panel, name="follow_ups"),
    path("analytics/", views.analytics, name="analytics"),
    path("targets/", views.targets_page, name="targets"),
    path("targets/export.xlsx", views.targets_export, name="targets_export"),
    path("targets/save/", views.targets_save, name="targets_save"),
    path("targets/lists/<int:pk>/", views.target_list_detail, name="target_list"),
    path("targets/leader/<int:pk>/", views.leader_suppliers, name="leader"),
    path("map/", views.investment_map, name="map"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/new/enterprises/", views.enterprise_picker, name="enterprise_picker"),
    path("projects/import/", views.project_import, name="import"),
    path("projects/import/template.xlsx", views.project_import_template, name="import_template"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/move/", views.project_move, name="move"),
    path("projects/<int:pk>/activity/", views.project_activity, name="activity"),
    path("projects/<int:pk>/document/", views.project_document, name="document"),
    path(
        "projects/<int:pk>/documents/<int:doc>/", views.document_download, name="document_download"
    ),
]
