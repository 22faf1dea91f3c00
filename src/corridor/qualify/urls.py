from django.urls import path

from corridor.qualify import views

app_name = "qualify"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_batch, name="run"),
    path("numbers/", views.home_numbers, name="numbers"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<str:key>/", views.policy_detail, name="policy"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprise/<int:pk>/what-if/", views.what_if, name="what_if"),
    path("enterprise/<int:pk>/assess/", views.assess, name="assess"),
    path("lists/<str:policy_id>/<str:kind>/", views.cultivation_list, name="list"),
    path("lists/<str:policy_id>/<str:kind>.xlsx", views.cultivation_export, name="export"),
]
