"""The democratic evaluations' pages (thin: reads in ``selectors_appraisals``, writes in
``services_appraisals``). The commission runs them (new, leaders, slips, paper entry,
close); analysts and leadership read the detail and the results. Teams outside
``selectors.units_seen`` are never shown; anything outside the scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.framework.models import Framework
from qingfeng.lib.documents import DOCX_CONTENT_TYPE
from qingfeng.lib.periods import period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import XLSX_TYPE, attachment, download_name
from qingfeng.org.models import Person, Region, Unit, path_ids, within_q
from qingfeng.rectification.forms import refuse
from qingfeng.surveys import appraisal_files, rules, selectors
from qingfeng.surveys import forms_appraisals as forms
from qingfeng.surveys import selectors_appraisals as reads
from qingfeng.surveys import services_appraisals as services
from qingfeng.surveys.models import Appraisal, AppraisalSubject, Grade, SlipChannel


@login_required
def appraisal_list(request: AuthedRequest) -> HttpResponse:
    """The democratic evaluations of the user's regions, newest period first, each with
    its teams and slips cast."""
    if not selectors.may_read(request.user):
        raise Http404
    appraisals = list(
        selectors.appraisals_for(request.user).annotate(
            teams=Count("subjects__unit", distinct=True),
            slips_total=Count("slips", distinct=True),
            slips_cast=Count("slips", filter=Q(slips__cast_at__isnull=False), distinct=True),
        )[:500]
    )
    for item in appraisals:
        item.url = reverse("surveys:appraisal_detail", args=[item.pk])  # type: ignore[attr-defined]
        item.note = _("%(teams)d teams · %(cast)d of %(total)d slips cast") % {  # type: ignore[attr-defined]
            "teams": item.teams,
            "cast": item.slips_cast,
            "total": item.slips_total,
        }
    may_create = selectors.managed_regions(request.user).exists()
    context = {
        "heading": _("Democratic evaluations"),
        "explanation": _(
            "At a duty-and-integrity report meeting, each leader of a team is graded "
            "excellent, competent, basically competent or incompetent on coded slips; the "
            "share of excellent and competent becomes the team's record when it closes."
        ),
        "items": appraisals,
        "new_url": reverse("surveys:appraisal_new") if may_create else "",
        "new_label": _("New democratic evaluation"),
    }
    return render(request, "surveys/instrument_list.html", context)


def _frameworks_for(regions: QuerySet[Region]) -> QuerySet[Framework]:
    """The frameworks assessing the units of ``regions``: their own and their ancestors'."""
    ids = {pk for region in regions for pk in path_ids(region.path)}
    return Framework.objects.filter(region__in=ids).order_by("code")


@login_required
def appraisal_new(request: AuthedRequest) -> HttpResponse:
    """The commission sets up a democratic evaluation: its teams (units by category),
    period, the leaf it feeds and the slips per team; leaders come from current posts."""
    regions = selectors.managed_regions(request.user).order_by("path")
    if not regions.exists():
        raise Http404
    within = Q()
    for region in regions:
        within |= within_q(region)
    units = (
        Unit.objects.filter(active=True, pk__in=selectors.units_seen(request.user).values("pk"))
        .filter(within)
        .select_related("category")
        .order_by("category__code", "code")
    )
    periods = selectors.period_choices()
    framework_qs = _frameworks_for(regions)
    feeds = forms.feed_choices(framework_qs, [code for code, _label in periods])
    today = timezone.localdate()
    form = forms.AppraisalForm(
        request.POST or None,
        regions=regions,
        units=units,
        periods=periods,
        feeds=feeds,
        initial={
            "name": _("%(year)d duty-and-integrity democratic evaluation") % {"year": today.year},
            "code": f"MZ-{today:%Y%m%d}",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        framework, leaf = None, ""
        if data["feeds"]:
            framework = framework_qs.get(pk=data["feeds"][0])
            leaf = data["feeds"][1]
        try:
            appraisal = services.appraisal_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                region=data["region"],
                period=data["period"],
                meeting_date=data["meeting_date"],
                framework=framework,
                indicator_code=leaf,
                units=data["units"],
                slips_per_unit=data["slips_per_unit"],
            )
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Democratic evaluation created."))
            return redirect("surveys:appraisal_detail", pk=appraisal.pk)
    chosen = {str(pk) for pk in (form["units"].value() or [])}
    groups: dict[str, list[tuple[Unit, bool]]] = {}
    for unit in units:
        groups.setdefault(unit.category.name, []).append((unit, str(unit.pk) in chosen))
    return render(
        request, "surveys/appraisal_form.html", {"form": form, "groups": list(groups.items())}
    )


@login_required
def appraisal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An appraisal: its teams (those the user sees) with leaders and slips cast, and for
    the commission the buttons: leaders, slips, paper entry, close."""
    appraisal = reads.appraisal_of(request.user, pk)
    manage = selectors.appraisals_for(request.user, manage=True).filter(pk=pk).exists()
    context = {
        "appraisal": appraisal,
        "teams": reads.teams(appraisal, request.user),
        "manage": manage and appraisal.is_open,
        "fed": f"{appraisal.framework.name} {appraisal.indicator_code}"
        if appraisal.framework
        else "",
        "more_form": forms.MoreSlipsForm(),
    }
    return render(request, "surveys/appraisal_detail.html", context)


@login_required
def appraisal_leaders(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The leaders of one team: remove one or add one of the unit's current leaders,
    until the team's first slip is cast."""
    appraisal = reads.appraisal_of(request.user, pk, manage=True)
    unit = reads.team_unit_of(request.user, appraisal, unit_pk)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                subject = get_object_or_404(
                    appraisal.subjects.filter(unit=unit), pk=request.POST.get("remove") or 0
                )
                services.subject_remove(subject=subject)
                messages.success(request, _("Leader removed from the list."))
            else:
                posts = {str(post.person_id): post for post in reads.candidates(appraisal, unit)}
                post = posts.get(request.POST.get("person", ""))
                if post is None:
                    raise Http404
                person: Person = post.person
                services.subject_add(
                    appraisal=appraisal,
                    unit=unit,
                    person=person,
                    title=post.title or str(post.get_role_display()),
                )
                messages.success(request, _("Leader added to the list."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("surveys:appraisal_leaders", pk=pk, unit_pk=unit_pk)
    team = next(t for t in reads.teams(appraisal, request.user) if t.unit.pk == unit.pk)
    context = {
        "appraisal": appraisal,
        "team": team,
        "editable": team.editable and appraisal.is_open,
        "candidates": reads.candidates(appraisal, unit),
    }
    return render(request, "surveys/appraisal_leaders.html", context)


@login_required
@require_POST
def appraisal_slips_add(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Print more slips for one team."""
    appraisal = reads.appraisal_of(request.user, pk, manage=True)
    unit = reads.team_unit_of(request.user, appraisal, unit_pk)
    form = forms.MoreSlipsForm(request.POST)
    if form.is_valid():
        try:
            services.slips_add(appraisal=appraisal, unit=unit, count=form.cleaned_data["count"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)d slips added for %(unit)s: print them from the slips file.")
                % {"count": form.cleaned_data["count"], "unit": unit.name},
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("surveys:appraisal_detail", pk=pk)


@login_required
def appraisal_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clerk types in paper slips: the slip's code, then one grade per leader of
    that slip's team. A wrong code only says that no such slip is open here."""
    appraisal = reads.appraisal_of(request.user, pk, manage=True)
    code_form = forms.SlipCodeForm(request.POST or None)
    grades_form = None
    slip = None
    if request.method == "POST" and appraisal.is_open and code_form.is_valid():
        slip = reads.clerk_slip(appraisal, request.user, code_form.cleaned_data["code"])
        if slip is None:
            code_form.add_error(
                "code", _("No slip of this evaluation has this code: check what you typed.")
            )
        elif slip.cast_at is not None:
            code_form.add_error("code", _("This slip has been cast already; a slip counts once."))
            slip = None
        else:
            subjects = reads.slip_subjects(slip)
            casting = "cast" in request.POST
            grades_form = forms.SlipGradesForm(request.POST if casting else None, subjects=subjects)
            if casting and grades_form.is_valid():
                try:
                    services.slip_cast(
                        slip=slip, grades=grades_form.grades(), channel=SlipChannel.PAPER
                    )
                except ValidationError as error:
                    grades_form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("Slip %(code)s of %(unit)s entered.")
                        % {"code": rules.slip_code_shown(slip.code), "unit": slip.unit.name},
                    )
                    return redirect("surveys:appraisal_entry", pk=pk)
    context = {
        "appraisal": appraisal,
        "code_form": code_form,
        "grades_form": grades_form,
        "slip": slip,
        "shown_code": rules.slip_code_shown(slip.code) if slip else "",
        "teams": reads.teams(appraisal, request.user),
    }
    return render(request, "surveys/appraisal_entry.html", context)


@login_required
def appraisal_results(request: AuthedRequest, pk: int) -> HttpResponse:
    """The result table: per leader the count of each grade and the share of 优秀 + 称职,
    per team its share, in the meeting's order."""
    appraisal = reads.appraisal_of(request.user, pk)
    context = {
        "appraisal": appraisal,
        "results": reads.results(appraisal, request.user),
        "grades": [str(label) for label in Grade.labels],
    }
    return render(request, "surveys/appraisal_results.html", context)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment(filename)
    return response


@login_required
def appraisal_results_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable result table (.docx, 公文 layout)."""
    appraisal = reads.appraisal_of(request.user, pk)
    data = appraisal_files.results_docx(appraisal, reads.results(appraisal, request.user))
    name = download_name(appraisal.name, _("result table"), ext="docx")
    return _download(data, DOCX_CONTENT_TYPE, name)


@login_required
def appraisal_results_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The result table as a workbook."""
    appraisal = reads.appraisal_of(request.user, pk)
    data = appraisal_files.results_xlsx(appraisal, reads.results(appraisal, request.user))
    return _download(data, XLSX_TYPE, download_name(appraisal.name, _("result table")))


@login_required
def appraisal_slips_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The slips not cast yet, to print (all teams, or ``?unit=`` one): only the
    commission, since a slip's code casts a vote."""
    appraisal = reads.appraisal_of(request.user, pk, manage=True)
    if not appraisal.is_open:
        raise Http404
    units = list(reads.team_units(appraisal, request.user))
    wanted = request.GET.get("unit", "")
    if wanted:
        units = [unit for unit in units if str(unit.pk) == wanted]
        if not units:
            raise Http404
    subjects_of: dict[int, list[AppraisalSubject]] = {}
    for team in reads.teams(appraisal, request.user):
        subjects_of[team.unit.pk] = team.subjects
    slips = reads.slips_to_print(appraisal, units=units)

    def url_of(code: str) -> str:
        return request.build_absolute_uri(reverse("answer:slip", args=[code]))

    data = appraisal_files.slips_docx(appraisal, slips, subjects_of, url_of)
    parts = [appraisal.name, _("evaluation slips")] + ([units[0].name] if wanted else [])
    return _download(data, DOCX_CONTENT_TYPE, download_name(*parts, ext="docx"))


@login_required
@require_POST
def appraisal_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close the appraisal: its slips stop answering and each team's share is written
    into its unit's score (when it feeds a leaf)."""
    appraisal: Appraisal = reads.appraisal_of(request.user, pk, manage=True)
    try:
        result = services.appraisal_close(appraisal=appraisal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Closed. %(created)d records written, %(updated)d updated for %(period)s.")
            % {
                "created": result.created,
                "updated": result.updated,
                "period": period_label(appraisal.period),
            },
        )
    return redirect("surveys:appraisal_detail", pk=pk)
