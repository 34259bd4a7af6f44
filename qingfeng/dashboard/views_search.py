"""The one-stop query (一站查询): one search box over units, people and records, results
grouped, and the same search as an .xlsx workbook (every match, one sheet per group)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.utils import flatatt
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard import search as selectors
from qingfeng.dashboard.access import require_analysis
from qingfeng.duties import file_search
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.typing import AuthedRequest, choice_field, model_choice_field
from qingfeng.lib.xlsx import Sheet, xlsx_response
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.org.models import Station
from qingfeng.records.models import ProblemType, RecordStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_BAD_DATE = gettext_lazy("Enter the date as YYYY-MM-DD, for example 2025-03-31.")
# Query-string names that are not valid (or not nice) Python names.
_PARAMS = {"date_from": "from", "date_to": "to", "problem_type": "type"}


class SearchInput(forms.TextInput):
    input_type = "search"


class PlainSelect(forms.Select):
    """A select whose options are written in Python rather than through one widget
    template each: a province analyst's station list has nearly 2,000 options, which took
    longer to render than the whole search."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        # html.escape quotes &, <, >, " and ' as Django's escape does, without its lazy
        # wrappers, which cost more than the rest of the page for 2,000 options.
        options = "".join(
            f'<option value="{html.escape(str(key))}"'
            f"{' selected' if str(key) in chosen else ''}>{html.escape(str(label))}</option>"
            for key, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))


def _date_filter(label: StrOrPromise) -> forms.DateField:
    """An optional date of the query string, as YYYY-MM-DD."""
    return forms.DateField(
        required=False,
        label=label,
        input_formats=["%Y-%m-%d"],
        widget=IsoDateInput(),
        error_messages={"invalid": _BAD_DATE},
    )


class SearchForm(BootstrapMixin, forms.Form):
    """The search box and its filters, read from the query string."""

    q = forms.CharField(
        required=False, max_length=100, label=gettext_lazy("Keyword"), widget=SearchInput()
    )
    date_from = _date_filter(gettext_lazy("From"))
    date_to = _date_filter(gettext_lazy("To"))
    problem_type = forms.ChoiceField(
        required=False, label=gettext_lazy("Problem type"), widget=PlainSelect()
    )
    station = forms.ModelChoiceField(
        queryset=Station.objects.none(),
        required=False,
        empty_label="—",
        label=gettext_lazy("Data station"),
        widget=PlainSelect(),
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(),
        required=False,
        empty_label="—",
        to_field_name="code",
        label=gettext_lazy("Framework"),
        widget=PlainSelect(),
    )
    kind = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Search in"),
        choices=[
            ("all", gettext_lazy("Everything")),
            ("units", gettext_lazy("Units")),
            ("people", gettext_lazy("Leaders")),
            ("records", gettext_lazy("Records")),
        ],
    )
    # With the duty records, for a user who may see them.
    duty_kinds = [("duties", gettext_lazy("Fulfilment records and reports"))]
    subject = forms.ChoiceField(required=False, label=gettext_lazy("Duty holder"))

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        names = ProblemType.objects.values_list("name", flat=True)
        choice_field(self, "problem_type").choices = [("", "—")] + [(n, n) for n in names]
        model_choice_field(self, "station").queryset = scope.visible_stations(
            user, Capability.VIEW_ANALYSIS
        ).order_by("code")
        model_choice_field(self, "framework").queryset = visible_frameworks(
            user, Capability.VIEW_ANALYSIS
        ).order_by("code")
        self.fields["q"].widget.attrs["placeholder"] = _("Unit, leader, note, indicator code…")
        # The duty records (fulfilment and reports) for a user who may see them.
        self.with_duties = file_search.may_search_duties(user)
        if self.with_duties:
            kind = choice_field(self, "kind")
            kind.choices = [*self.base_fields["kind"].choices, *self.duty_kinds]  # type: ignore[attr-defined]
            choice_field(self, "subject").choices = file_search.subject_choices()
        else:
            del self.fields["subject"]
        self._style()

    def add_prefix(self, field_name: str) -> str:
        """``from``, ``to`` and ``type`` in the URL, as the query-string contract says."""
        return _PARAMS.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The start date is after the end date."))
        return data

    def query(self) -> selectors.SearchQuery:
        data = self.cleaned_data
        return selectors.SearchQuery(
            text=(data["q"] or "").strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            problem_type=data["problem_type"] or "",
            station_id=data["station"].pk if data["station"] else None,
            framework_id=data["framework"].pk if data["framework"] else None,
            kind=data["kind"] or "all",
            duty_subject=data.get("subject") or "",
            with_duties=self.with_duties,
        )


def _page(request: AuthedRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _query_string(request: AuthedRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    """The search page; an htmx request (typing in the box) gets only the results."""
    require_analysis(request.user)
    form = SearchForm(request.GET, user=request.user)
    results = None
    if form.is_valid():
        query = form.query()
        if not query.is_empty:
            results = selectors.search(user=request.user, query=query, page=_page(request))
    context = {
        "form": form,
        "results": results,
        # Links to one group's pages keep every filter but the group and the page.
        "base_query": _query_string(request, "page", "kind"),
        "export_query": _query_string(request, "page"),
    }
    template = "dashboard/_search_results.html" if request.htmx else "dashboard/search.html"
    return render(request, template, context)


@login_required
def search_xlsx(request: AuthedRequest) -> HttpResponse:
    """Every match of the search (records up to EXPORT_CAP), one sheet per group asked for,
    Chinese headers. An invalid search goes back to the page, which shows the error."""
    require_analysis(request.user)
    form = SearchForm(request.GET, user=request.user)
    if not form.is_valid():
        return redirect(f"{reverse('dashboard:search')}?{request.GET.urlencode()}")
    query = form.query()
    title = _search_title(form)
    sheets = []
    empty = query.is_empty
    user = request.user
    if "units" in query.groups:
        rows: Any = [] if empty else selectors.unit_rows(user=user, query=query)
        headers = [_("Code"), _("Name"), _("Category"), _("Region"), _("Parent unit")]
        sheets.append(Sheet(_("Units"), [*headers, _("Headcount")], rows, title=title))
    if "people" in query.groups:
        rows = [] if empty else selectors.people_rows(user=user, query=query)
        headers = [_("Code"), pgettext("person", "Name"), _("Cadre rank"), _("Current posts")]
        sheets.append(Sheet(_("Leaders"), headers, rows, title=title))
    if "records" in query.groups:
        sheets.append(_record_sheet(user, query, title))
    if selectors.DUTIES in query.groups:
        sheets.append(_duty_sheet(user, query, title))
    return xlsx_response(f"{_('One-stop query')}.xlsx", sheets)


def _record_sheet(user: Any, query: selectors.SearchQuery, title: str) -> Sheet:
    found, capped = ([], False) if query.is_empty else selectors.record_rows(user=user, query=query)
    status = {str(value): str(label) for value, label in RecordStatus.choices}
    rows: list[list[Any]] = [
        [*row[:11], status.get(row[11], row[11]), row[12] or ""] for row in found
    ]
    if capped:
        rows.append(
            [
                _("Only the first %(n)s records are listed: narrow the search to see the rest.")
                % {"n": f"{len(found):,}"}
            ]
        )
    headers = [
        _("Date"),
        _("Code"),
        _("Unit"),
        _("Framework"),
        _("Indicator"),
        _("Problem type"),
        _("Note"),
        _("Points"),
        _("Quantity (items)"),
        _("Grade"),
        _("Value"),
        _("Status"),
        _("Data station"),
    ]
    return Sheet(_("Records"), headers, rows, title=title)


def _duty_sheet(user: Any, query: selectors.SearchQuery, title: str) -> Sheet:
    found, capped = (
        ([], False)
        if query.is_empty
        else file_search.duty_rows(user=user, cap=selectors.EXPORT_CAP, **query.duty_filters())
    )
    rows: list[list[Any]] = [list(row) for row in found]
    if capped:
        rows.append(
            [
                _("Only the first %(n)s records are listed: narrow the search to see the rest.")
                % {"n": f"{len(found):,}"}
            ]
        )
    headers = [_("Date"), _("Kind"), _("Duty holder"), _("Task or report"), _("Content"), _("Late")]
    return Sheet(_("Fulfilment records and reports"), headers, rows, title=title)


def _search_title(form: SearchForm) -> str:
    """The sheets' title line: what was searched for."""
    data = form.cleaned_data
    parts = [_("One-stop query")]
    if data["q"]:
        parts.append(f"{_('Keyword')}: {data['q']}")
    if data["date_from"] or data["date_to"]:
        start = data["date_from"].isoformat() if data["date_from"] else "…"
        end = data["date_to"].isoformat() if data["date_to"] else "…"
        parts.append(f"{_('Date')}: {start} – {end}")
    if data["problem_type"]:
        parts.append(f"{_('Problem type')}: {data['problem_type']}")
    if data["station"]:
        parts.append(f"{_('Data station')}: {data['station'].name}")
    if data["framework"]:
        parts.append(f"{_('Framework')}: {data['framework'].name}")
    return " · ".join(parts)
