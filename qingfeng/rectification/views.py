"""Pages of the problem ledger (问题台账): the ledger with its state board, a problem's
page with the moves its user may make, entering a problem (also from a record), the
evidence download, and a unit liaison's "my problems to rectify".

Every problem is looked up within ``selectors.visible_problems``: outside it, a 404.
A move the user sees but may not make is a 403; a move refused by the state machine or a
form comes back on the problem's page with its message at the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, visible_stations, visible_units
from qingfeng.documents.selectors import may_read, reads_unit
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import Unit
from qingfeng.records.models import ProblemType
from qingfeng.records.selectors import visible_records
from qingfeng.rectification import forms, selectors, services
from qingfeng.rectification.evidence import problem_evidence_add
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState
from qingfeng.rectification.selectors import source_choices


def _ledger_or_404(user: Any) -> None:
    if not selectors.can_see_ledger(user):
        raise Http404


@login_required
def ledger(request: AuthedRequest) -> HttpResponse:
    """The ledger: the state board (a count per state, overdue in red; each a filter),
    the filters, and one page of problems in deadline order. With campaigns to manage,
    rows can be selected and attached to a campaign."""
    user = request.user
    _ledger_or_404(user)
    filters = forms.LedgerFilterForm(request.GET).filters()
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.ledger_page(
        problems=selectors.visible_problems(user), filters=filters, page=number
    )
    managed = selectors.visible_campaigns(user).filter(region__in=selectors.campaign_regions(user))
    base: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "filters": filters,
        "states": ProblemState,
        "sources": ProblemSource.choices,
        "stations": visible_stations(user).order_by("name"),
        "campaigns": selectors.visible_campaigns(user).order_by("name"),
        "managed_campaigns": list(managed.order_by("name")),
        "problem_types": ProblemType.objects.filter(active=True).values_list("name", flat=True),
        "chosen_unit": Unit.objects.filter(pk=filters.unit).first() if filters.unit else None,
        "query": urlencode(base),
        "state_query": urlencode({k: v for k, v in base.items() if k not in ("state", "overdue")}),
        "can_enter": has_capability(user, Capability.ENTER_PROBLEMS),
        # The feeds page is the framework editors' (views_io.feeds_page).
        "can_edit_feeds": has_capability(user, Capability.EDIT_FRAMEWORK),
    }
    return render(request, "rectification/ledger.html", context)


# ---------------------------------------------------------------------------------------
# A problem and its moves


@dataclass(frozen=True)
class Move:
    """One move a user may make on a problem: the form it takes, who may make it (the
    queryset of problems) and in which states, and the service doing it."""

    name: str
    label: Any
    form: type[django_forms.Form]
    who: Callable[[Any], QuerySet[Problem]]
    states: tuple[str, ...]
    run: Callable[[Problem, dict[str, Any], Any], Any]
    done: Any


class OptionalTextForm(forms.TextForm):
    """A remark the move does not need."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].label = gettext_lazy("Remark (optional)")


class MeasuresForm(forms.TextForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = gettext_lazy("Rectification measures")


class ReasonForm(forms.TextForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = gettext_lazy("Reason for sending it back")


def _report(problem: Problem, data: dict[str, Any], actor: Any) -> None:
    """The done report and its files together: a bad file refuses the report too."""
    with transaction.atomic():
        services.problem_report_done(problem=problem, result=data["text"], actor=actor)
        if data["evidence"]:
            problem_evidence_add(problem=problem, uploads=data["evidence"], actor=actor)


_OPEN = tuple(s for s in ProblemState if s != ProblemState.CLOSED)

MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        Move(
            "measures",
            gettext_lazy("Submit the measures"),
            MeasuresForm,
            selectors.rectifiable_problems,
            (ProblemState.OPEN,),
            lambda p, d, u: services.problem_submit_measures(
                problem=p, measures=d["text"], actor=u
            ),
            gettext_lazy("Measures submitted."),
        ),
        Move(
            "evidence",
            gettext_lazy("Add evidence files"),
            forms.EvidenceForm,
            selectors.rectifiable_problems,
            (ProblemState.MEASURES, ProblemState.RECTIFYING, ProblemState.REPORTED),
            lambda p, d, u: problem_evidence_add(problem=p, uploads=d["evidence"], actor=u),
            gettext_lazy("Evidence files added."),
        ),
        Move(
            "report",
            gettext_lazy("Report the rectification done"),
            forms.ReportForm,
            selectors.rectifiable_problems,
            (ProblemState.RECTIFYING,),
            _report,
            gettext_lazy("Rectification reported done."),
        ),
        Move(
            "accept",
            gettext_lazy("Accept the measures"),
            OptionalTextForm,
            selectors.verifiable_problems,
            (ProblemState.MEASURES,),
            lambda p, d, u: services.problem_accept_measures(problem=p, text=d["text"], actor=u),
            gettext_lazy("Measures accepted: the unit is rectifying."),
        ),
        Move(
            "close",
            gettext_lazy("Verify and close"),
            OptionalTextForm,
            selectors.verifiable_problems,
            (ProblemState.REPORTED,),
            lambda p, d, u: services.problem_close(problem=p, text=d["text"], actor=u),
            gettext_lazy("Verified and closed."),
        ),
        Move(
            "send_back",
            gettext_lazy("Send back"),
            ReasonForm,
            selectors.verifiable_problems,
            (ProblemState.MEASURES, ProblemState.REPORTED),
            lambda p, d, u: services.problem_send_back(problem=p, reason=d["text"], actor=u),
            gettext_lazy("Sent back to the unit."),
        ),
        Move(
            "extend",
            gettext_lazy("Extend the deadline"),
            forms.ExtendForm,
            selectors.verifiable_problems,
            _OPEN,
            lambda p, d, u: services.problem_extend(
                problem=p, due=d["due"], reason=d["text"], actor=u
            ),
            gettext_lazy("Deadline extended."),
        ),
    )
}


def _may(user: Any, move: Move, problem: Problem) -> bool:
    return problem.state in move.states and move.who(user).filter(pk=problem.pk).exists()


def available_moves(user: Any, problem: Problem) -> list[Move]:
    """The moves ``user`` may make on ``problem`` now (two queries: may they rectify it,
    may they verify it)."""
    allowed: dict[object, bool] = {
        who: who(user).filter(pk=problem.pk).exists()
        for who in (selectors.rectifiable_problems, selectors.verifiable_problems)
    }
    return [m for m in MOVES.values() if problem.state in m.states and allowed[m.who]]


def _detail(
    request: AuthedRequest, problem: Problem, bound: dict[str, django_forms.Form] | None = None
) -> HttpResponse:
    moves = available_moves(request.user, problem)
    bound = bound or {}
    actions = [(move, bound.get(move.name) or move.form(prefix=move.name)) for move in moves]
    # A move no longer open to the user (the problem moved meanwhile): its refusal on top.
    shown = {move.name for move in moves}
    refused = [e for name, f in bound.items() if name not in shown for e in f.errors.values()]
    context = {
        "problem": problem,
        "today": timezone.localdate(),
        "overdue": problem.is_overdue(),
        "steps": problem.steps.select_related("actor"),
        "evidence": selectors.problem_evidence(problem),
        "actions": actions,
        "refused": refused,
        "history": problem.history.select_related("history_user")[:50],  # type: ignore[attr-defined]
        **_origin_links(request, problem),
    }
    return render(request, "rectification/problem_detail.html", context)


def _origin_links(request: AuthedRequest, problem: Problem) -> dict[str, str]:
    """The addresses of the problem's warning and issued document, each only when the
    user may open it (those pages 404 otherwise: no dead links)."""
    links = {"warning_url": "", "document_url": ""}
    warning = problem.warning
    if warning is not None and reads_unit(request.user, warning.unit):
        links["warning_url"] = reverse("monitoring:warning", args=[warning.pk])
    document = problem.response.document if problem.response is not None else None
    if document is not None and may_read(request.user, document):
        links["document_url"] = reverse("documents:download", args=[document.pk])
    return links


def _problem(request: AuthedRequest, pk: int) -> Problem:
    return get_object_or_404(
        selectors.visible_problems(request.user).select_related(
            "unit",
            "station",
            "campaign",
            "record",
            "warning__unit",
            "response__document__unit",
            "created_by",
        ),
        pk=pk,
    )


@login_required
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A problem: its fields, steps as a timeline, evidence, history, and the forms of
    the moves the user may make now."""
    return _detail(request, _problem(request, pk))


@login_required
@require_POST
def problem_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Make one move on a problem (``MOVES``): 404 outside the user's ledger or for an
    unknown move, 403 when the user may not make it; a refused form comes back on the
    problem's page with its message, and nothing changes."""
    problem = _problem(request, pk)
    move = MOVES.get(action)
    if move is None:
        raise Http404
    if not move.who(request.user).filter(pk=problem.pk).exists():
        raise PermissionDenied
    form = move.form(request.POST, request.FILES, prefix=move.name)
    if form.is_valid():
        try:
            move.run(problem, form.cleaned_data, request.user)
        except ValidationError as error:
            forms.refuse(form, error)
        else:
            messages.success(request, str(move.done))
            if request.POST.get("next") == "mine":
                return redirect("rectification:mine")
            return redirect("rectification:problem_detail", pk=problem.pk)
    problem.refresh_from_db()
    return _detail(request, problem, {move.name: form})


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """An evidence file, as an attachment, to users who see its problem; 404 otherwise."""
    evidence = get_object_or_404(selectors.visible_evidence(request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------
# Entering a problem


@login_required
def problem_new(request: AuthedRequest) -> HttpResponse:
    """A station enters a problem it found; ``?record=ID`` opens one from a collected
    record with a problem type (unit, type, note and station filled in)."""
    user = request.user
    if not has_capability(user, Capability.ENTER_PROBLEMS):
        raise Http404
    stations = selectors.entry_stations(user)
    units = visible_units(user, Capability.ENTER_PROBLEMS).filter(active=True)
    record = None
    record_id = request.POST.get("record") or request.GET.get("record")
    if record_id:
        try:
            record = get_object_or_404(
                visible_records(user, Capability.ENTER_PROBLEMS).select_related("unit", "station"),
                pk=int(record_id),
            )
        except ValueError as error:
            raise Http404 from error
    initial: dict[str, Any] = {}
    own = list(stations[:2])
    if len(own) == 1:  # a clerk of one station: no choice to make
        initial["station"] = own[0].pk
    if record is not None:
        initial |= {
            "unit": record.unit_id,
            "problem_type": record.problem_type,
            "description": record.note,
            "station": record.station_id or initial.get("station"),
            "source": ProblemSource.RECORD,
        }
    form = forms.ProblemEntryForm(
        request.POST or None, initial=initial, stations=stations, units=units
    )
    if record is not None:
        field = form.fields["source"]
        assert isinstance(field, django_forms.ChoiceField)
        field.choices = [
            *source_choices(),
            (ProblemSource.RECORD.value, ProblemSource.RECORD.label),
        ]
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(actor=user, record=record, **form.cleaned_data)
        except ValidationError as error:
            forms.refuse(form, error)
        else:
            messages.success(request, _("Problem %(number)s entered.") % {"number": problem.number})
            return redirect("rectification:problem_detail", pk=problem.pk)
    return render(request, "rectification/problem_form.html", {"form": form, "record": record})


# ---------------------------------------------------------------------------------------
# A unit liaison's problems


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """A unit liaison's problems to rectify: the open ones with the form of the next
    step (measures, evidence and done report), then the last closed ones."""
    user = request.user
    if not has_capability(user, Capability.RECTIFY):
        raise Http404
    problems = selectors.rectifiable_problems(user).select_related("unit", "station")
    today = timezone.localdate()
    rows = []
    for problem in (
        problems.exclude(state=ProblemState.CLOSED)
        .order_by("due", "id")
        .prefetch_related("evidence")
    ):
        moves = [
            m
            for m in MOVES.values()
            if m.who is selectors.rectifiable_problems and problem.state in m.states
        ]
        rows.append(
            {
                "problem": problem,
                "overdue": problem.is_overdue(today=today),
                "actions": [(m, m.form(prefix=m.name)) for m in moves],
            }
        )
    closed = problems.filter(state=ProblemState.CLOSED).order_by("-closed_at")[:20]
    return render(
        request, "rectification/mine.html", {"rows": rows, "closed": closed, "today": today}
    )
