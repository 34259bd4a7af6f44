"""URLs of the documents app."""

from django.urls import path

from qingfeng.documents import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/", views.document_download, name="download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:kind>/", views.template_download, name="template_download"),
    path("templates/<str:kind>/replace/", views.template_replace, name="template_replace"),
    path("templates/<str:kind>/restore/", views.template_restore, name="template_restore"),
]
