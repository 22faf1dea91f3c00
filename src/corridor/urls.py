"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from corridor.api import api

urlpatterns = [
    path("", include("corridor.dashboard.urls")),
    path("accounts/", include("corridor.accounts.urls")),
    path("registry/", include("corridor.registry.urls")),
    path("imports/", include("corridor.imports.urls")),
    path("atlas/", include("corridor.atlas.urls")),
    path("investment/", include("corridor.investment.urls")),
    path("qualify/", include("corridor.qualify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
handler400 = "corridor.core.views.bad_request"
handler403 = "corridor.core.views.forbidden"
handler404 = "corridor.core.views.not_found"
handler500 = "corridor.core.views.server_error"
