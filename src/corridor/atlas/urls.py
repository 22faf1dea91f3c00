from django.urls import path

from corridor.atlas import views

app_name = "atlas"
urlpatterns = [
    path("", views.chain_list, name="chains"),
    path("classify/", views.run_classification, name="classify"),
    path("classify/progress/", views.run_progress, name="classify_progress"),
    path("retrain/", views.retrain, name="retrain"),
    path("review/", views.review, name="review"),
    path("relatedness/", views.relatedness, name="relatedness"),
    path("node/<str:node_id>/", views.node_detail, name="node"),
    path("enterprise/<int:pk>/", views.enterprise_links, name="enterprise"),
    path("enterprise/<int:pk>/decide/", views.decide, name="decide"),
    path("<str:key>/", views.chain_detail, name="chain"),
    path("<str:key>/weak-links.xlsx", views.weak_links_export, name="weak_links_export"),
    path("<str:key>/edit/", views.chain_edit, name="edit"),
    path("<str:key>/edit/edge/", views.edge_edit, name="edge"),
    path("<str:key>/edit/owners/", views.owners_edit, name="owners"),
]
