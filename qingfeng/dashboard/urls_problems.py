"""URLs of the problem analysis: the page, its JSON and .xlsx, and the drill-down list of
the records behind every figure."""

from django.urls import URLPattern, path

from qingfeng.dashboard import views_problems

_PERIOD = "<slug:code>/<period:period>"

urlpatterns: list[URLPattern] = [
    path(f"{_PERIOD}/problems/", views_problems.problem_analysis, name="problems"),
    path(f"{_PERIOD}/problems.json", views_problems.problems_json, name="problems_json"),
    path(f"{_PERIOD}/problems.xlsx", views_problems.problems_xlsx, name="problems_xlsx"),
    path(
        f"{_PERIOD}/problems/records/",
        views_problems.problem_records,
        name="problem_records",
    ),
    path(
        f"{_PERIOD}/problems/records.xlsx",
        views_problems.problem_records_xlsx,
        name="problem_records_xlsx",
    ),
]
