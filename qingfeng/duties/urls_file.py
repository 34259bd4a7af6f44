"""URLs of the two-responsibilities platform: the file part (see ``duties.urls``): the
leader's file, its chart data and downloads, and the user's own file."""

from django.urls import URLPattern, URLResolver, path

from qingfeng.duties import views_file

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/<int:pk>/", views_file.leader_file, name="leader_file"),
    path("people/<int:pk>/portrait.json", views_file.leader_file_json, name="leader_file_json"),
    path("people/<int:pk>/file.docx", views_file.leader_file_docx, name="leader_file_docx"),
    path("people/<int:pk>/file.xlsx", views_file.leader_file_xlsx, name="leader_file_xlsx"),
    path("my-file/", views_file.my_file, name="my_file"),
]
