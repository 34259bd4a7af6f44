"""Pages of the responses to warnings: a warning's page (its responses and documents, the
forms to issue a response and to record a talk), issuing responses to many warnings at
once, and the responses ladder of a framework version.

Who: issuing and recording need ``RESPOND_WARNINGS`` over the warning's unit; reading a
warning's page needs the unit in the user's scope, or acting for it, or being a leader
in charge of it (``documents.selectors.reads_unit``). Everyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import visible_units
from qingfeng.documents.selectors import reads_unit
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.monitoring.models import Response, ResponseKind, Warning, WarningState
from qingfeng.monitoring.responses import default_due, ladder_kind, score_text, talk_record
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.records.evidence import evidence_problems
from qingfeng.rectification.responses import responses_issue_with_problems
from qingfeng.rectification.selectors import visible_problems

# Bulk issue: at most this many warnings in one request (one transaction).
MAX_BULK = 500


class IssueForm(BootstrapMixin, forms.Form):
    """Issue a response: the kind (the ladder's preselected; empty in the bulk form:
    each warning's own), the deadline, the analyst's paragraph."""

    kind = forms.ChoiceField(label=gettext_lazy("Response"), required=False)
    due = forms.DateField(label=gettext_lazy("Answer due"), required=False, widget=IsoDateInput())
    text = forms.CharField(
        label=gettext_lazy("Your text (put in the document after its opening)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, by_ladder: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = list(ResponseKind.choices)
        if by_ladder:
            choices.insert(0, ("", _("each warning's response by the ladder")))
        self.fields["kind"].choices = choices  # type: ignore[attr-defined]
        self._style()


class TalkForm(BootstrapMixin, forms.Form):
    """Record a reminder talk (约谈提醒)."""

    held_on = forms.DateField(label=gettext_lazy("Talk held on"), widget=IsoDateInput())
    held_by = forms.CharField(label=gettext_lazy("Talk held by"), max_length=200)
    attendees = forms.CharField(
        label=gettext_lazy("Attended by"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            problems = evidence_problems(upload)
            if problems:
                raise ValidationError(problems)
        return upload


def _warnings() -> Any:
    return Warning.objects.select_related("unit", "framework", "framework__region")


def _readable_warning(request: AuthedRequest, pk: int) -> Warning:
    warning = get_object_or_404(_warnings(), pk=pk)
    if not reads_unit(request.user, warning.unit):
        raise Http404
    return warning


def _may_respond(request: AuthedRequest, warning: Warning) -> bool:
    units = visible_units(request.user, Capability.RESPOND_WARNINGS)
    return units.filter(pk=warning.unit_id).exists()


def _detail(
    request: AuthedRequest,
    warning: Warning,
    *,
    issue_form: IssueForm | None = None,
    talk_form: TalkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_respond = _may_respond(request, warning)
    if may_respond and issue_form is None:
        issue_form = IssueForm(
            initial={"kind": ladder_kind(warning), "due": default_due(warning).isoformat()}
        )
    if may_respond and talk_form is None:
        talk_form = TalkForm(initial={"held_on": timezone.localdate().isoformat()})
    responses = (
        Response.objects.filter(warning=warning)
        .select_related("document", "issued_by", "problem")
        .order_by("-issued_at", "-pk")
    )
    # A problem's number links to its page only for who may open it (else a dead link).
    linked = set(
        visible_problems(request.user)
        .filter(response__warning=warning)
        .values_list("pk", flat=True)
    )
    context = {
        "warning": warning,
        "linked_problems": linked,
        "score": f"{score_text(warning.score)} / {score_text(warning.max)}",
        "responses": responses,
        "history": warning.history.select_related("history_user").order_by("-history_date")[:20],  # type: ignore[attr-defined]
        "ladder_kind": ResponseKind(ladder_kind(warning)).label,
        "may_respond": may_respond and warning.state == WarningState.ACTIVE,
        "issue_form": issue_form,
        "talk_form": talk_form,
    }
    return render(request, "monitoring/warning.html", context, status=status)


@login_required
def warning_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A warning: what it says, what was done about it, and the forms to act."""
    return _detail(request, _readable_warning(request, pk))


def _respondable_warning(request: AuthedRequest, pk: int) -> Warning:
    warning = _readable_warning(request, pk)
    if not _may_respond(request, warning):
        raise Http404
    return warning


@login_required
@require_POST
def warning_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue a response to one warning (a document kind also opens its problem)."""
    warning = _respondable_warning(request, pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            [response] = responses_issue_with_problems(
                warnings=[warning],
                actor=request.user,
                kind=form.cleaned_data["kind"] or None,
                due=form.cleaned_data["due"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _issued_message([response]))
            return redirect("monitoring:warning", pk=warning.pk)
    return _detail(request, warning, issue_form=form, status=400)


@login_required
@require_POST
def warning_talk(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a talk held about one warning."""
    warning = _respondable_warning(request, pk)
    form = TalkForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            talk_record(
                warning=warning,
                held_on=data["held_on"],
                held_by=data["held_by"],
                attendees=data["attendees"],
                minutes=data["minutes"],
                attachment=data["attachment"] or None,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The talk is recorded."))
            return redirect("monitoring:warning", pk=warning.pk)
    return _detail(request, warning, talk_form=form, status=400)


@login_required
def talk_attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """A talk's attachment, to those who read its warning."""
    response = get_object_or_404(Response.objects.select_related("warning__unit"), pk=pk)
    if not response.attachment or not reads_unit(request.user, response.warning.unit):
        raise Http404
    return FileResponse(
        response.attachment.open("rb"), as_attachment=True, filename=response.attachment_name
    )


def _issued_message(responses: list[Response]) -> str:
    references = [r.document.reference for r in responses if r.document is not None]
    message = _("%(count)d responses issued.") % {"count": len(responses)}
    if references:
        message += " " + _("Documents: %(numbers)s") % {"numbers": "、".join(references)}
    return message


def _chosen(request: AuthedRequest, ids: list[str]) -> list[Warning]:
    """The warnings of ``ids``, all within the user's scope to respond (else 404)."""
    try:
        pks = sorted({int(pk) for pk in ids})
    except ValueError as error:
        raise Http404 from error
    if not pks or len(pks) > MAX_BULK:
        raise Http404
    units = visible_units(request.user, Capability.RESPOND_WARNINGS)
    found = _warnings().filter(pk__in=pks, unit__in=units).annotate(responded=Count("responses"))
    warnings = list(found.order_by("unit__code", "pk"))
    if len(warnings) != len(pks):
        raise Http404
    return warnings


def _back_to_register(request: AuthedRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    try:
        return reverse("monitoring:register")
    except NoReverseMatch:
        return reverse("core:home")


@login_required
def responses_issue_view(request: AuthedRequest) -> HttpResponse:
    """Issue responses to many warnings at once: ``warning`` ids (GET from the
    register's selection shows the confirmation; POST issues them all, or none)."""
    ids = request.POST.getlist("warning") if request.method == "POST" else []
    warnings = _chosen(request, ids or request.GET.getlist("warning"))
    form = IssueForm(request.POST or None, by_ladder=True)
    if request.method == "POST" and request.POST.get("confirm") and form.is_valid():
        try:
            responses = responses_issue_with_problems(
                warnings=warnings,
                actor=request.user,
                kind=form.cleaned_data["kind"] or None,
                due=form.cleaned_data["due"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _issued_message(responses))
            return redirect(_back_to_register(request))
    elif request.method == "POST" and not request.POST.get("confirm"):
        form = IssueForm(by_ladder=True)  # from the register: confirm first
    today = timezone.localdate()
    rows = [
        {
            "warning": w,
            "kind": ResponseKind(ladder_kind(w)).label,
            "due": default_due(w, today=today),
            "cleared": w.state != WarningState.ACTIVE,
        }
        for w in warnings
    ]
    context = {
        "rows": rows,
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "today": today,
    }
    return render(request, "monitoring/responses_issue.html", context)
