"""The public slip page of a democratic evaluation, reached by the QR code printed on a
paper slip: the meeting's title, the team's leaders and four grades each, nothing else.
An unknown code, a closed evaluation or a slip cast already answers 404 (GET and POST),
storing nothing; the page keeps no IP address and no person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from qingfeng.surveys import throttle
from qingfeng.surveys.forms_appraisals import SlipGradesForm
from qingfeng.surveys.models import SlipChannel
from qingfeng.surveys.rules import slip_code_shown
from qingfeng.surveys.selectors_appraisals import open_slip, slip_subjects
from qingfeng.surveys.services_appraisals import slip_cast


@never_cache
def slip(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the slip to fill in; POST: cast it from the phone, then the thanks page."""
    found = open_slip(code)
    if found is None:
        raise Http404
    subjects = slip_subjects(found)
    if not subjects:
        raise Http404
    form = SlipGradesForm(request.POST or None, subjects=subjects)
    if request.method == "POST":
        if not throttle.answer_allowed(link=found.code):
            return render(request, "surveys/slip_busy.html", status=429)
        if form.is_valid():
            try:
                slip_cast(slip=found, grades=form.grades(), channel=SlipChannel.PHONE)
            except ValidationError as error:
                # Cast or closed in between: like an unknown slip from now on.
                if open_slip(code) is None:
                    raise Http404 from error
                form.add_error(None, error)
            else:
                return redirect("answer:slip_thanks")
    context = {
        "slip": found,
        "title": found.appraisal.name,
        "team": found.unit.name,
        "shown_code": slip_code_shown(found.code),
        "form": form,
    }
    return render(request, "surveys/slip_public.html", context)


def slip_thanks(request: HttpRequest) -> HttpResponse:
    """The same thanks for every slip: it names nothing."""
    return render(request, "surveys/slip_thanks.html")
