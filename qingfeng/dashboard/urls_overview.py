"""URLs of the analysis index and the overview ("森林"): the page, its JSON and .xlsx."""

from django.urls import URLPattern, path

from qingfeng.dashboard import views_overview as views

_PERIOD = "<slug:code>/<period:period>"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.overview_latest, name="overview_latest"),
    path(f"{_PERIOD}/", views.overview, name="overview"),
    path(f"{_PERIOD}/overview.json", views.overview_json, name="overview_json"),
    path(f"{_PERIOD}/heatmap.json", views.heatmap_json, name="heatmap_json"),
    path(f"{_PERIOD}/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path(f"{_PERIOD}/heatmap.xlsx", views.heatmap_xlsx, name="heatmap_xlsx"),
    path(f"{_PERIOD}/warnings.xlsx", views.warnings_xlsx, name="warnings_xlsx"),
    path(f"{_PERIOD}/results.xlsx", views.results_xlsx, name="results_xlsx"),
]
