"""URLs of the records app, one module per feature so they grow independently."""

from qingfeng.records import urls_entry, urls_excel, urls_nil, urls_review

app_name = "records"
urlpatterns = [
    *urls_entry.urlpatterns,
    *urls_review.urlpatterns,
    *urls_excel.urlpatterns,
    *urls_nil.urlpatterns,
]
