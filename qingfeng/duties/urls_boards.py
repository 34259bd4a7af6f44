"""URLs of the two-responsibilities platform: the boards part (see ``duties.urls``)."""

from django.urls import URLPattern, URLResolver, path

from qingfeng.duties import views_boards, views_feeds

urlpatterns: list[URLPattern | URLResolver] = [
    path("board/", views_boards.region_board, name="board"),
    path("board/units/<int:pk>/", views_boards.unit_board, name="board_unit"),
    path("board/lists/<int:pk>/", views_boards.list_board, name="board_list"),
    path("feeds/", views_feeds.feeds_page, name="feeds"),
]
