"""URLs of the comparison pages: across units on one indicator, trend over periods, and
year on year; with their JSON and .xlsx."""

from django.urls import URLPattern, path

from qingfeng.dashboard import views_compare

_PERIOD = "<slug:code>/<period:period>"

urlpatterns: list[URLPattern] = [
    # The trend has no period in its path ("compare" is not a period: <period:…> passes it on).
    path("<slug:code>/compare/trend/", views_compare.compare_trend, name="compare_trend"),
    path(
        "<slug:code>/compare/trend.json",
        views_compare.compare_trend_json,
        name="compare_trend_json",
    ),
    path(
        "<slug:code>/compare/trend.xlsx",
        views_compare.compare_trend_xlsx,
        name="compare_trend_xlsx",
    ),
    path(
        "<slug:code>/compare/units/",
        views_compare.compare_unit_search,
        name="compare_unit_search",
    ),
    path(f"{_PERIOD}/compare/", views_compare.compare_indicator, name="compare_indicator"),
    path(
        f"{_PERIOD}/compare.json",
        views_compare.compare_indicator_json,
        name="compare_indicator_json",
    ),
    path(
        f"{_PERIOD}/compare.xlsx",
        views_compare.compare_indicator_xlsx,
        name="compare_indicator_xlsx",
    ),
    path(f"{_PERIOD}/compare/yoy/", views_compare.compare_yoy, name="compare_yoy"),
    path(f"{_PERIOD}/compare/yoy.xlsx", views_compare.compare_yoy_xlsx, name="compare_yoy_xlsx"),
]
