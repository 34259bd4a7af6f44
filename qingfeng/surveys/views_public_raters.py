"""A cross evaluation's public rating table ``/s/r/<token>/`` (``answer:rater``): reached
by its link without logging in, it shows the evaluation's name, the rater's name and one
points cell per unit the rater rates, nothing else (no other rater, no mean). An unknown
token or a closed evaluation answers 404 and stores nothing; the table can be corrected
until the close (it opens prefilled)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qingfeng.surveys import forms_cross, selectors_cross, throttle
from qingfeng.surveys.services_cross import ratings_submit


def rater_table(request: HttpRequest, token: str) -> HttpResponse:
    """The rater's table: GET shows it (prefilled once handed in), POST stores it through
    ``services_cross.ratings_submit`` (at most so many tables a minute per link)."""
    rater = selectors_cross.rater_by_token(token)
    evaluation = rater.evaluation
    units = selectors_cross.rateable_units(rater)
    form = forms_cross.RatingForm(
        request.POST or None,
        units=units,
        full=evaluation.full_points,
        given=selectors_cross.rater_points(rater),
    )
    if request.method == "POST":
        if not throttle.answer_allowed(link=token):
            return render(request, "surveys/rater_busy.html", status=429)
        if form.is_valid():
            try:
                ratings_submit(rater=rater, points=form.points())
            except ValidationError as error:
                forms_cross.refuse(form, error)
            else:
                return redirect("answer:rater_thanks", token=token)
    context = {"evaluation": evaluation, "rater": rater, "form": form}
    return render(request, "surveys/rater_table.html", context)


def rater_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thanks, and the way back to correct the table until the close."""
    rater = selectors_cross.rater_by_token(token)
    context = {"evaluation": rater.evaluation, "rater": rater}
    return render(request, "surveys/rater_thanks.html", context)
