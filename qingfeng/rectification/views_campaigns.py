"""Pages of campaigns (专项整治): the list, creating one (the commission), a campaign with
its progress, and attaching problems selected in the ledger."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import visible_units
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import Region, Unit
from qingfeng.rectification import forms, selectors
from qingfeng.rectification.services_campaigns import campaign_attach, campaign_create


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """The campaigns the user sees, each with its problems' progress."""
    if not selectors.can_see_ledger(request.user):
        raise Http404
    campaigns = selectors.visible_campaigns(request.user).select_related("region")
    rows = selectors.campaign_rows(
        campaigns=campaigns, problems=selectors.visible_problems(request.user)
    )
    context = {"rows": rows, "can_create": selectors.can_manage_campaigns(request.user)}
    return render(request, "rectification/campaign_list.html", context)


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    """The commission creates a campaign: name, description, problem type, responsible
    departments, deadline, region."""
    regions = selectors.campaign_regions(request.user).order_by("path")
    if not regions.exists():
        raise Http404
    units = Unit.objects.filter(
        region__in=regions, pk__in=visible_units(request.user, Capability.VERIFY_PROBLEMS)
    ).filter(active=True)
    form = forms.CampaignForm(request.POST or None, regions=regions, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region: Region = data["region"]
        try:
            campaign = campaign_create(
                region=region,
                name=data["name"],
                description=data["description"],
                problem_type=data["problem_type"],
                departments=data["departments"],
                due=data["due"],
                actor=request.user,
            )
        except ValidationError as error:
            forms.refuse(form, error)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("rectification:campaign_detail", pk=campaign.pk)
    return render(request, "rectification/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A campaign: what it is about, its departments, the progress of its problems (a
    count per state) and the problems the user sees."""
    campaign = get_object_or_404(
        selectors.visible_campaigns(request.user).select_related("region", "created_by"), pk=pk
    )
    problems = selectors.visible_problems(request.user)
    board = selectors.campaign_progress(campaign=campaign, problems=problems)
    rows = (
        problems.filter(campaign=campaign)
        .select_related("unit", "station")
        .order_by("due", "id")[:200]
    )
    context = {
        "campaign": campaign,
        "board": board,
        "rows": rows,
        "departments": campaign.departments.order_by("code"),
    }
    return render(request, "rectification/campaign_detail.html", context)


@login_required
@require_POST
def campaign_attach_view(request: AuthedRequest) -> HttpResponse:
    """Attach the problems selected in the ledger to a campaign the user manages; a
    problem the user does not see is a 404, and nothing changes."""
    managed = selectors.visible_campaigns(request.user).filter(
        region__in=selectors.campaign_regions(request.user)
    )
    if not managed.exists():
        raise Http404
    form = forms.AttachForm(request.POST, campaigns=managed)
    if not form.is_valid():
        messages.error(request, _("Choose a campaign and at least one problem."))
        return redirect("rectification:ledger")
    ids = set(form.cleaned_data["ids"])
    problems = list(
        selectors.visible_problems(request.user).filter(pk__in=ids).select_related("unit__region")
    )
    if len(problems) != len(ids):
        raise Http404
    campaign = form.cleaned_data["campaign"]
    try:
        count = campaign_attach(campaign=campaign, problems=problems, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rectification:ledger")
    messages.success(
        request,
        _("%(count)d problems attached to %(campaign)s.")
        % {"count": count, "campaign": campaign.name},
    )
    return redirect("rectification:campaign_detail", pk=campaign.pk)
