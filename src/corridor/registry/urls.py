from django.urls import path
from django.views.generic import RedirectView

from corridor.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("deleted/", views.deleted_list, name="deleted"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
    path("<int:pk>/restore/", views.enterprise_restore, name="restore"),
    path("<int:pk>/merge/", views.enterprise_merge, name="merge"),
    # Import pages live in the intake wing now; earlier addresses still lead there.
    path("imports/", RedirectView.as_view(url="/imports/enterprises/", permanent=True)),
    path("imports/<int:pk>/", RedirectView.as_view(url="/imports/batch/%(pk)s/", permanent=True)),
]
