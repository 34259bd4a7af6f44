"""The leader's file (干部履责档案): the page, its chart data and its two downloads.

Thin views over ``duties.leader_file`` (reads) and ``duties.leader_file_export`` (files);
every one answers 404 when the viewer may not open the person's file.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from qingfeng.duties import leader_file as selectors
from qingfeng.duties.leader_file_export import file_docx, file_name, file_xlsx
from qingfeng.lib.documents import DOCX_CONTENT_TYPE
from qingfeng.lib.errors import OutOfScope
from qingfeng.lib.json_response import FiniteJsonResponse
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import XLSX_TYPE, attachment


def _file(request: AuthedRequest, pk: int) -> selectors.LeaderFile:
    person = selectors.file_person(user=request.user, pk=pk)
    return selectors.leader_file(user=request.user, person=person, today=timezone.localdate())


@login_required
def leader_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """The person's fulfilment portrait and integrity file."""
    file = _file(request, pk)
    own = pk == selectors.own_file_person(request.user)
    return render(request, "duties/file/leader_file.html", {"file": file, "own": own})


@login_required
def leader_file_json(request: AuthedRequest, pk: int) -> HttpResponse:
    """The portrait's figures for the page's charts."""
    person = selectors.file_person(user=request.user, pk=pk)
    portrait = selectors.portrait(user=request.user, person=person, today=timezone.localdate())
    return FiniteJsonResponse(selectors.portrait_chart(portrait))


@login_required
def leader_file_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The file as a Word document."""
    file = _file(request, pk)
    response = HttpResponse(file_docx(file=file), content_type=DOCX_CONTENT_TYPE)
    name = file_name(person_name=file.person.name, today=file.portrait.today, ext="docx")
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
def leader_file_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The file as a workbook."""
    file = _file(request, pk)
    response = HttpResponse(file_xlsx(file=file), content_type=XLSX_TYPE)
    name = file_name(person_name=file.person.name, today=file.portrait.today, ext="xlsx")
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
def my_file(request: AuthedRequest) -> HttpResponse:
    """The user's own file (a leader's 我的廉政档案); 404 for a user who is no leader."""
    person = selectors.own_file_person(request.user)
    if person is None:
        raise OutOfScope
    return redirect("duties:leader_file", person)
