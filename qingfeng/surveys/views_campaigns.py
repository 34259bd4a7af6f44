"""The survey campaigns' pages (thin: reads in ``selectors_campaigns``, writes in
``services_campaigns``). Readers (the commission, analysts) see a campaign of their
regions and its rows for the units they see; the commission starts, extends and closes
one. Anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.lib.pdf import PDF_CONTENT_TYPE, PdfError, docx_to_pdf
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import attachment
from qingfeng.org.models import Unit
from qingfeng.surveys import feed, qr, selectors, selectors_campaigns, services_campaigns
from qingfeng.surveys.forms_campaigns import CampaignForm, read_step
from qingfeng.surveys.models import Campaign, SurveyLink
from qingfeng.surveys.sheets import DOCX_CONTENT_TYPE, Sheet, sheets_docx

BOARD_REFRESH_SECONDS = 15


def _may_run(request: AuthedRequest, campaign: Campaign) -> bool:
    return selectors.campaigns_for(request.user, manage=True).filter(pk=campaign.pk).exists()


def _link_url(request: AuthedRequest, link: SurveyLink) -> str:
    return request.build_absolute_uri(selectors_campaigns.public_path(link.token))


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """The survey campaigns of the user's regions, newest period first, with the units
    surveyed and the answers so far."""
    if not selectors.may_read(request.user):
        raise Http404
    context = {
        "campaigns": selectors_campaigns.campaign_list(request.user)[:500],
        "can_run": selectors.may_manage(request.user),
    }
    return render(request, "surveys/campaign_list.html", context)


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    """Start a campaign: the first step (GET) picks region, period, questionnaire and
    framework; the second (POST) the leaf, the units, the code and the name."""
    if not selectors.may_manage(request.user):
        raise Http404
    step = read_step(request.user, request.POST if request.method == "POST" else request.GET)
    form = CampaignForm(request.POST if request.method == "POST" else None, step=step)
    if request.method == "POST" and form.is_valid():
        if step.region is None or step.version is None:
            form.add_error(None, _("Choose a region and a published questionnaire first."))
        else:
            try:
                campaign = services_campaigns.campaign_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    version=step.version,
                    period=step.period,
                    framework=step.framework,
                    indicator_code=form.cleaned_data["indicator_code"],
                    units=form.cleaned_data["units"],
                    region=step.region,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Campaign %(name)s started: %(count)s links.")
                    % {"name": campaign.name, "count": campaign.links.count()},
                )
                _warn_not_fed(request, campaign)
                return redirect("surveys:campaign_detail", campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "step": step})


def _warn_not_fed(request: AuthedRequest, campaign: Campaign) -> None:
    outside = selectors_campaigns.units_not_fed(campaign)
    if outside:
        messages.warning(
            request,
            _(
                "Indicator %(code)s does not apply to %(units)s: their answers are collected "
                "but no record is written for them."
            )
            % {"code": campaign.indicator_code, "units": "、".join(u.name for u in outside)},
        )


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A campaign: its questionnaire, period, leaf and status; each unit's link with its
    QR code; the buttons to print, watch the board, add units and close."""
    campaign = selectors_campaigns.campaign_for(request.user, pk)
    links = selectors_campaigns.campaign_links(campaign, request.user)
    rows = [
        {
            "link": link,
            "url": _link_url(request, link),
            # segno draws the SVG from the code's bits only (nothing of the URL is copied
            # into it): the one markup of this page rendered unescaped.
            "svg": mark_safe(qr.qr_svg_inline(_link_url(request, link))),
        }
        for link in links
    ]
    can_run = _may_run(request, campaign)
    surveyed = {link.unit_id for link in links}
    addable = []
    if can_run and campaign.is_open:
        seen = set(selectors.units_seen(request.user).values_list("pk", flat=True))
        addable = [
            unit
            for group in selectors_campaigns.surveyable_units(
                region=campaign.region, version=campaign.version
            )
            for unit in group.units
            if unit.pk not in surveyed and unit.pk in seen
        ]
    context = {
        "campaign": campaign,
        "rows": rows,
        "leaf": feed.fed_leaf(campaign),
        "not_fed": selectors_campaigns.units_not_fed(campaign),
        "answers": sum(link.answer_count for link in links),  # type: ignore[attr-defined]
        "can_run": can_run,
        "addable": addable,
    }
    return render(request, "surveys/campaign_detail.html", context)


@login_required
@require_POST
def campaign_add_units(request: AuthedRequest, pk: int) -> HttpResponse:
    """Survey more units in an open campaign (the commission)."""
    campaign = selectors_campaigns.campaign_for(request.user, pk, manage=True)
    chosen = [value for value in request.POST.getlist("units") if value.isdigit()]
    units = Unit.objects.filter(pk__in=chosen).filter(
        pk__in=selectors.units_seen(request.user).values("pk")
    )
    try:
        added = services_campaigns.campaign_add_units(
            campaign=campaign, units=units, actor=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)s units added.") % {"count": added})
    return redirect("surveys:campaign_detail", campaign.pk)


@login_required
def campaign_qr(request: AuthedRequest, pk: int, unit: int) -> HttpResponse:
    """One unit's QR code as an SVG file."""
    campaign = selectors_campaigns.campaign_for(request.user, pk)
    link = selectors_campaigns.link_for(campaign, request.user, unit)
    data = qr.qr_svg_file(_link_url(request, link), title=f"{campaign.name} {link.unit.name}")
    response = HttpResponse(data, content_type="image/svg+xml")
    qr_word = _("QR code")
    response["Content-Disposition"] = attachment(f"{campaign.name}-{link.unit.name}-{qr_word}.svg")
    return response


@login_required
def campaign_sheets(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable A4 sheets (one page per unit; ``?unit=`` one unit) as Word, or with
    ``?format=pdf`` as PDF when a PDF can be made."""
    campaign = selectors_campaigns.campaign_for(request.user, pk)
    chosen = request.GET.get("unit", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        links = [selectors_campaigns.link_for(campaign, request.user, int(chosen))]
        sheet_word = _("QR code sheet")
        stem = f"{campaign.name}-{links[0].unit.name}-{sheet_word}"
    else:
        links = selectors_campaigns.campaign_links(campaign, request.user)
        sheets_word = _("QR code sheets")
        stem = f"{campaign.name}-{sheets_word}"
    data = sheets_docx(
        title=campaign.name,
        period=campaign.period,
        sheets=[Sheet(link.unit.name, _link_url(request, link)) for link in links],
    )
    if request.GET.get("format") == "pdf":
        try:
            pdf = docx_to_pdf(data)
        except PdfError:
            messages.error(request, _("The PDF could not be made; download the Word file instead."))
            return redirect("surveys:campaign_detail", campaign.pk)
        response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = attachment(f"{stem}.pdf")
        return response
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(f"{stem}.docx")
    return response


@login_required
def campaign_board(request: AuthedRequest, pk: int) -> HttpResponse:
    """The quota board (分层级规定答题率), refreshed every 15 s by htmx polling of this
    same view (which then answers its table only)."""
    campaign = selectors_campaigns.campaign_for(request.user, pk)
    context = {
        "campaign": campaign,
        "board": selectors_campaigns.quota_board(campaign, request.user),
        "refresh": BOARD_REFRESH_SECONDS,
    }
    template = (
        "surveys/campaign_board_table.html" if request.htmx else "surveys/campaign_board.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close the campaign into records (the commission); what was written as a message."""
    campaign = selectors_campaigns.campaign_for(request.user, pk, manage=True)
    try:
        result = services_campaigns.campaign_close(campaign=campaign, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("surveys:campaign_detail", campaign.pk)
    messages.success(request, result.summary(campaign))
    return redirect("surveys:campaign_detail", campaign.pk)
