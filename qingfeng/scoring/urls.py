"""URLs of the scoring app."""

from django.urls import path

from qingfeng.scoring import views

app_name = "scoring"
urlpatterns = [
    path("<slug:code>/", views.ranking_latest, name="ranking_latest"),
    path("<slug:code>/recompute/", views.recompute, name="recompute"),
    path("<slug:code>/<period:period>/", views.ranking, name="ranking"),
    path("<slug:code>/<period:period>/units/<int:unit_pk>/", views.unit_scores, name="unit_scores"),
]
