from django.urls import path

from corridor.imports import views

app_name = "imports"
urlpatterns = [
    path("<slug:kind>/", views.batch_list, name="list"),
    path("<slug:kind>/upload/", views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("batch/<int:pk>/", views.detail, name="detail"),
    path("batch/<int:pk>/sheet/", views.choose_sheet, name="sheet"),
    path("batch/<int:pk>/validate/", views.validate, name="validate"),
    path("batch/<int:pk>/apply/", views.apply, name="apply"),
    path("batch/<int:pk>/progress/", views.progress, name="progress"),
    path("batch/<int:pk>/revert/", views.revert, name="revert"),
    path("batch/<int:pk>/report.csv", views.report, name="report"),
]
