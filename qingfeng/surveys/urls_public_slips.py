"""A democratic evaluation's public slip page ``/s/p/<code>/`` (``answer:slip``) and the
thanks after it (``answer:slip_thanks``); a slip code never reads "thanks" (codes are
upper-case, ``rules.SLIP_ALPHABET``)."""

from django.urls import path

from qingfeng.surveys import views_public_slips as views

urlpatterns = [
    path("thanks/", views.slip_thanks, name="slip_thanks"),
    path("<str:code>/", views.slip, name="slip"),
]
