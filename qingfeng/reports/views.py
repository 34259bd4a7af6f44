"""Views of the reports app: thin; the rules are in ``selectors`` / ``selectors_life``
and the writes in ``services`` / ``lifecycle``. A report outside the user's reach is a
404 on every page and file (``selectors.reports_for``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.documents.models import DocumentKind
from qingfeng.lib.documents import DOCX_CONTENT_TYPE, docx_holds, docx_lines
from qingfeng.lib.errors import NotFound
from qingfeng.lib.pdf import PDF_CONTENT_TYPE, PdfError, docx_to_pdf
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import read_upload
from qingfeng.lib.xlsx import attachment
from qingfeng.reports import lifecycle, selectors, selectors_life
from qingfeng.reports.forms import NewReportForm, TextForm
from qingfeng.reports.kinds import KINDS
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.reports.services import REFERENCE_PLACEHOLDER, report_generate

PREVIEW_CHARS = 20000  # the page previews this much of the document's text


def _errors(request: AuthedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """The reports the user may see, filtered by kind, framework, period and status."""
    query = selectors_life.list_query(request.GET)
    reports = selectors_life.report_list(request.user, query)
    context = {
        "reports": reports[:200],
        "count": reports.count(),
        "query": query,
        "kinds": [(kind, spec.label) for kind, spec in KINDS.items()],
        "statuses": ReportStatus.choices,
        "choices": selectors_life.list_choices(request.user),
        "may_make": selectors.may_make(request.user),
    }
    return render(request, "reports/list.html", context)


@login_required
def report_new(request: AuthedRequest) -> HttpResponse:
    """The form of a new report (prefilled from the query string); posting it generates
    the draft (or regenerates the existing one) and opens it."""
    if not selectors.may_make(request.user):
        raise Http404
    if request.method == "POST":
        form = NewReportForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = report_generate(
                    kind=form.cleaned_data["kind"],
                    subject=form.subject(),
                    actor=request.user,
                    analyst_text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except NotFound:
                form.add_error(None, _("Nothing of this to report in your scope."))
            else:
                messages.success(request, _("The draft is generated."))
                return redirect("reports:detail", report.pk)
    else:
        initial = {
            k: request.GET[k] for k in ("kind", "framework", "period", "unit") if k in request.GET
        }
        form = NewReportForm(initial=initial, user=request.user)
    return render(request, "reports/new.html", {"form": form})


def _report(request: AuthedRequest, pk: int) -> Report:
    return selectors_life.report_get(request.user, pk)


@login_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One report: what it is, its status with who and when, its files, a preview of its
    text, and (to those who may) the words, the upload and issuing."""
    report = _report(request, pk)
    content = bytes(report.content)
    may_change = selectors_life.may_change(request.user, report)
    context = {
        "report": report,
        "kind_label": DocumentKind(report.kind).label,
        "preview": "\n".join(docx_lines(content))[:PREVIEW_CHARS] if content else "",
        "may_change": may_change,
        "may_issue": selectors_life.may_issue_report(request.user, report),
        "text_form": TextForm(initial={"text": report.analyst_text}),
        "history": selectors_life.report_history(report),
        "placeholder": REFERENCE_PLACEHOLDER,
        "has_placeholder": (
            report.status == ReportStatus.EDITED and docx_holds(content, REFERENCE_PLACEHOLDER)
        ),
        "units": list(report.units.all()[:50]),
    }
    return render(request, "reports/detail.html", context)


@login_required
def report_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The report's Word file as it stands (issued: as issued)."""
    report = _report(request, pk)
    response = HttpResponse(bytes(report.content), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(report.filename)
    return response


@login_required
def report_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The report's Word file as a PDF (``lib.pdf``)."""
    report = _report(request, pk)
    try:
        data = docx_to_pdf(bytes(report.content))
    except PdfError:
        messages.error(request, _("The PDF could not be made; download the Word file instead."))
        return redirect("reports:detail", report.pk)
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    stem = report.filename.removesuffix(".docx")
    response["Content-Disposition"] = attachment(f"{stem}.pdf")
    return response


def _changeable(request: AuthedRequest, pk: int) -> Report:
    """The report if the user may read it (else 404) and change it (else a message)."""
    report = _report(request, pk)
    if not selectors_life.may_change(request.user, report):
        if report.status == ReportStatus.ISSUED:
            raise ValidationError(_("This report is issued: it cannot change."))
        raise ValidationError(_("You may read this report but not change it."))
    return report


@login_required
@require_POST
def report_text(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the analyst's words and regenerate the draft."""
    try:
        report = _changeable(request, pk)
        form = TextForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        lifecycle.report_text_save(
            report=report,
            text=form.cleaned_data["text"],
            actor=request.user,
            discard_upload=form.cleaned_data["discard_upload"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The words are saved and the draft regenerated."))
    return redirect("reports:detail", pk)


@login_required
@require_POST
def report_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """Keep an uploaded .docx in place of the generated document."""
    try:
        report = _changeable(request, pk)
        upload = read_upload(request)
        if upload.issues:
            raise ValidationError(upload.issues)
        report = lifecycle.report_upload(
            report=report, name=upload.name, data=upload.data, actor=request.user
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Your Word file is kept: issuing will number it."))
        if not docx_holds(bytes(report.content), REFERENCE_PLACEHOLDER):
            messages.warning(
                request,
                _(
                    "Your file has no %(placeholder)s where the number goes: when issued, "
                    "the number is added as its first line."
                )
                % {"placeholder": REFERENCE_PLACEHOLDER},
            )
    return redirect("reports:detail", pk)


@login_required
@require_POST
def report_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue the report: its number, frozen, delivered (the commission only)."""
    report = _report(request, pk)
    try:
        report = lifecycle.report_issue(report=report, actor=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Issued as %(reference)s and delivered to those concerned.")
            % {"reference": report.reference},
        )
    return redirect("reports:detail", pk)
