"""Personal reports (报备, fulfil part): a leader files one, sees their own, and viewers
see those within ``duty_visibility_q(personal=True)`` with the late ones flagged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import fulfil_selectors as sel
from qingfeng.duties.forms_fulfil import ReportFilterForm, ReportForm, report_limits
from qingfeng.duties.models import ReportKind
from qingfeng.duties.reports import report_file
from qingfeng.duties.reports_rule import travel_needs_report
from qingfeng.duties.views_fulfil_records import PAGE_SIZE, query_without_page
from qingfeng.lib.typing import AuthedRequest


@login_required
def report_new(request: AuthedRequest) -> HttpResponse:
    """File a report under one of the user's current posts; the form states the limits.
    A trip shorter than the limit is kept, with a message that it needed no report."""
    posts = sel.report_posts(request.user)
    if not posts.exists():
        raise Http404
    if request.method == "POST":
        form = ReportForm(request.POST, posts=posts)
        if form.is_valid():
            data = form.cleaned_data
            post = data["post"]
            try:
                report = report_file(
                    person=post.person,
                    unit=post.unit,
                    kind=data["kind"],
                    starts=data["starts"],
                    ends=data["ends"],
                    destination=data["destination"],
                    description=data["description"],
                    actor=request.user,
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    target = "post" if name == "unit" else name
                    form.add_error(target if target in form.fields else None, problems)
            else:
                if report.kind == ReportKind.TRAVEL and not travel_needs_report(
                    starts=report.starts, ends=report.ends
                ):
                    messages.info(
                        request,
                        _(
                            "This trip is shorter than %(days)s days: it did not need a "
                            "report. It is kept all the same."
                        )
                        % {"days": report_limits()["travel_days"]},
                    )
                elif report.late:
                    messages.warning(
                        request, _("Report filed; it is past the deadline and is flagged as late.")
                    )
                else:
                    messages.success(request, _("Report filed."))
                return redirect("duties:report_mine")
    else:
        form = ReportForm(posts=posts)
    return render(
        request,
        "duties/fulfil/report_form.html",
        {"form": form, "limits": report_limits(), "several_posts": len(posts) > 1},
    )


@login_required
def report_mine(request: AuthedRequest) -> HttpResponse:
    """The user's own reports, newest first, and the button to file one (for a user who
    holds a current post)."""
    if not has_capability(request.user, Capability.FULFIL_DUTIES):
        raise Http404
    page = Paginator(sel.own_reports(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/fulfil/reports_mine.html",
        {
            "page": page,
            "query": query_without_page(request),
            "may_file": sel.report_posts(request.user).exists(),
        },
    )


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """Every report the user may see, with the late ones flagged; filtered by kind,
    lateness, unit and date range; paged."""
    if not sel.can_view(request.user):
        raise Http404
    form = ReportFilterForm(request.GET)
    values = form.values()
    found = sel.filter_reports(
        sel.visible_reports(request.user),
        kind=values.get("kind") or "",
        late=values.get("late") or "",
        unit=values.get("unit"),
        since=values.get("since"),
        until=values.get("until"),
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/fulfil/reports.html",
        {
            "page": page,
            "filters": values,
            "kinds": ReportKind.choices,
            "units": sel.report_units(request.user),
            "query": query_without_page(request),
        },
    )
