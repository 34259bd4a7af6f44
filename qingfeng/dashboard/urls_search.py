"""URLs of the one-stop query: the search page and its .xlsx export."""

from django.urls import URLPattern, path

from qingfeng.dashboard import views_search

urlpatterns: list[URLPattern] = [
    path("search/", views_search.search, name="search"),
    path("search.xlsx", views_search.search_xlsx, name="search_xlsx"),
]
