"""Every named URL of the project, requested by a user inside its scope and by one outside.

``URLS`` has one entry per URL name the resolver knows (``SKIPPED`` lists the few left out,
each with its reason). A new URL without an entry fails ``test_every_url_has_an_entry``
with its name: say there how a user of county A reaches it, and what a user of county B
gets: 404 for an object of county A, else (a page with no object, a list, a form) the
same page without anything of county A.

The world: the shared two-county ``org``; framework T over the city scored for the four
quarters of 2025 (``results``); framework LK over the city with ST-A's leaves, 2025Q3 open
(``setup``/``periods``); county A's own framework LC (version 1 published, version 2 a
draft); a draft and a submitted record (with evidence) of ST-A's clerk; API tokens of
ST-A and of ST-B (county B). Every request runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pytest_django.fixtures import Settings

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.api.tokens import token_issue
from qingfeng.documents.models import IssuedDocument
from qingfeng.documents.services import document_issue
from qingfeng.duties.checks import check_record, step_record
from qingfeng.duties.models import (
    AccountabilityStep,
    DutyCategory,
    DutyList,
    DutyTask,
    LadderStep,
    SubjectKind,
)
from qingfeng.duties.services import duty_list_create
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.inbox.models import Notice
from qingfeng.inbox.services import notify
from qingfeng.monitoring.models import Response, Warning
from qingfeng.monitoring.responses import document_context, talk_record
from qingfeng.org.models import InCharge
from qingfeng.org.services import in_charge_add
from qingfeng.records.models import (
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    PeriodStatus,
    Record,
    RecordStatus,
)
from qingfeng.records.nil_returns import nil_return_file
from qingfeng.records.periods import period_close, period_open
from qingfeng.rectification.evidence import problem_evidence_add
from qingfeng.rectification.models import Campaign, Problem, ProblemEvidence
from qingfeng.rectification.services import problem_create
from qingfeng.rectification.services_campaigns import campaign_create
from tests.conftest import make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results
from tests.framework.conftest import FRAMEWORK_YAML, run_import
from tests.records import conftest as records_fixtures
from tests.records import entry_helpers
from tests.records.conftest import Setup

setup, periods = records_fixtures.setup, entry_helpers.periods
results = dashboard_fixtures.results

pytestmark = pytest.mark.django_db

# What county A's users see and county B's must not: two of county A's units, its
# station, its own framework, and ST-A's clerk.
A_UNITS = ("黎城县教育局", "黎侯镇")
A_STATION = "黎城县委组织部"
A_FRAMEWORK = "黎城县政治生态评估指标体系"

# Left out, with the reason.
SKIPPED = {
    "set_language": "Django's language switch: no data, the same for everyone",
    "ninja:openapi-json": "the API's description: no data (tests/api/test_read_api.py)",
    "ninja:openapi-view": "the API's docs page: no data (tests/api/test_read_api.py)",
    "ninja:docs-asset": "the docs page's Swagger UI files (tests/api/test_read_api.py)",
    "favicon": "a redirect to the site's icon (tests/core/test_error_pages.py)",
}
SKIPPED_NAMESPACES = {"admin"}  # Django's admin, for system administrators only


# ---------------------------------------------------------------------------------------
# The world


@dataclass
class World:
    setup: Setup
    results: Results
    lc: FrameworkVersion  # county A's framework LC, version 1 (published)
    lc_draft: FrameworkVersion  # version 2, a draft
    draft: Record  # ST-A clerk's draft on unit A1 (LK, 2025Q3)
    submitted: Record  # ST-A clerk's submitted record on unit A1, with evidence
    users: dict[str, User]
    tokens: dict[str, str]  # plain API tokens: "a" (ST-A), "b" (ST-B, county B)
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def org(self) -> Any:
        return self.setup.org

    def log_in(self) -> None:
        """A client per user, logged in before any request: sessions made inside a request's
        savepoint would be rolled back with it."""
        for key, user in self.users.items():
            self.clients[key] = Client()
            self.clients[key].force_login(user)
        # Logging out ends the client's session for good: a client of its own.
        for key in ("admin_a", "admin_b"):
            self.clients[f"{key}_leaving"] = Client()
            self.clients[f"{key}_leaving"].force_login(self.users[key])

    def client(self, user: str | None) -> Client:
        """The user's client; ``None``: anonymous; "token_a"/"token_b": the API's."""
        if user is None or user.startswith("token_"):
            return Client()
        return self.clients[user]

    def period_pk(self, code: str, period: str) -> int:
        return CollectionPeriod.objects.get(framework__code=code, period=period).pk

    def indicator_pk(self, code: str) -> int:
        return Indicator.objects.get(version=self.lc_draft, code=code).pk


@pytest.fixture
def world(
    periods: Setup,
    results: Results,
    admin_a: User,
    admin_b: User,
    sysadmin: User,
    settings: Settings,
    tmp_path: Path,
) -> World:
    settings.MEDIA_ROOT = tmp_path  # the evidence file
    org = periods.org
    imported = run_import(FRAMEWORK_YAML, region=org.county_a, publish=True)
    assert imported.version is not None
    lc = imported.version
    again = run_import(FRAMEWORK_YAML, region=org.county_a)
    assert again.version is not None
    period_open(framework=lc.framework, period="2025Q3", actor=None)
    period_open(framework=lc.framework, period="2025Q2", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=lc.framework, period="2025Q2"),
        actor=None,
    )
    Indicator.objects.filter(version=periods.version, code="A3").update(self_assessed=True)
    users = {
        "admin_a": admin_a,
        "admin_b": admin_b,
        "sysadmin": sysadmin,
        "analyst_a": results.analyst,
        "analyst_b": results.analyst_b,
        "liaison_a": results.liaison,
        "liaison_b": make_user("liaison_b1", Role.UNIT_LIAISON, unit=org.unit_b1),
        "clerk_a": make_user("clerk_a", Role.STATION_CLERK, station=org.station_a),
        "clerk_b": make_user("clerk_b", Role.STATION_CLERK, station=periods.station_b),
        # Unit A1's principal as a leader (their own duty records and file).
        "leader_a": make_user("leader_a1", Role.LEADER, person=org.person_a1),
    }
    clerk = Client()
    clerk.force_login(users["clerk_a"])
    new = entry_helpers.new_url(periods, "A1")
    base = {"unit": org.unit_a1.pk, "date": "2025-08-01", "quantity": 1, "note": "督查通报"}
    assert clerk.post(new, base).status_code == 302
    evidence = SimpleUploadedFile("通报.pdf", b"%PDF-1.4 test")
    assert clerk.post(new, {**base, "evidence": [evidence], "submit": "1"}).status_code == 302
    draft = Record.objects.get(status=RecordStatus.DRAFT)
    submitted = Record.objects.get(status=RecordStatus.SUBMITTED)
    # A submitted nil return of ST-A's clerk on A1 for unit A2 (LK, 2025Q3).
    nil_return_file(
        framework=periods.framework,
        station=org.station_a,
        indicator_code="A1",
        period="2025Q3",
        units=[org.unit_a2],
        actor=users["clerk_a"],
    )
    Indicator.objects.filter(version=results.scored.version).exclude(code__in=["A", "B"]).update(
        station=org.station_a
    )
    # A notice in ST-A's clerk's inbox, and a leader in charge of unit A1.
    notify(users=[users["clerk_a"]], title="黎城县教育局：请补录数据")
    in_charge_add(unit=org.unit_a1, person=org.person_a1, title="副县长")
    _warning_with_responses(org, lc, results.analyst)
    _token_a, plain_a = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    _token_b, plain_b = token_issue(station=periods.station_b, name="财政系统", actor=admin_b)
    world = World(
        setup=periods,
        results=results,
        lc=lc,
        lc_draft=again.version,
        draft=draft,
        submitted=submitted,
        users=users,
        tokens={"a": plain_a, "b": plain_b},
    )
    world.log_in()
    return world


def _warning_with_responses(org: Any, lc: FrameworkVersion, analyst: User) -> None:
    """A warning on unit A1 (framework LC) with a warning notice issued (its document) and
    a talk recorded (its attachment); no notices, which the inbox's entries count."""
    warning = Warning.objects.create(
        framework=lc.framework, period="2025Q3", unit=org.unit_a1, band="red", score=50, max=100
    )
    due = datetime.date(2025, 11, 30)
    document = document_issue(
        kind="warning_notice",
        context=document_context(warning=warning, due=due, text="请说明原因。"),
        unit=org.unit_a1,
        region=org.county_a,
        actor=analyst,
    )
    Response.objects.create(
        warning=warning, kind="warning_notice", due=due, issued_by=analyst, document=document
    )
    talk_record(
        warning=warning,
        held_on=datetime.date(2025, 10, 1),
        held_by="李明",
        attendees="局长",
        minutes="谈话",
        attachment=SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 talk"),
        actor=analyst,
    )


def _warning_pk(w: World) -> int:
    return Warning.objects.get(framework__code="LC").pk


def _talk_pk(w: World) -> int:
    return Response.objects.exclude(attachment="").get().pk


def _document_pk(w: World) -> int:
    return IssuedDocument.objects.get().pk


FILING_TITLE = "2025年第三季度政治生态预警单位和领导干部备案名单"


def _with_report(name: str, *, issued: bool = False) -> Callable[[World], str]:
    """The URL ``name`` of county A's filing list of LC 2025Q3 (made inside the request's
    savepoint): a draft of analyst A's, or issued and concerning unit A1."""

    def build(w: World) -> str:
        from qingfeng.lib.periods import Period
        from qingfeng.reports.kinds import Subject
        from qingfeng.reports.models import Report
        from qingfeng.reports.services import report_generate

        subject = Subject(
            framework=w.lc.framework, period=Period.parse("2025Q3"), region=w.org.county_a
        )
        report = report_generate(kind="filing", subject=subject, actor=w.users["analyst_a"])
        if issued:
            Report.objects.filter(pk=report.pk).update(
                status="issued", reference="黎纪备〔2025〕1号"
            )
            report.units.set([w.org.unit_a1])
        if name == "reports:list":
            return reverse(name)
        return reverse(name, args=[report.pk])

    return build


def _report_text_is(text: str, *, status: str = "draft") -> None:
    from qingfeng.reports.models import Report

    report = Report.objects.get()
    assert report.analyst_text == text and report.status == status, (report.status, text)


# ---------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Visit:
    """One request: who, how, and what must come back."""

    user: str | None  # a key of World.users; None: anonymous; "token_a"/"token_b": API
    status: int
    method: str = "get"
    data: Callable[[World], Any] | None = None
    shows: tuple[str, ...] = ()  # texts the answer must contain
    hides: tuple[str, ...] = ()  # texts it must not contain
    then: Callable[[World], None] | None = None  # a check of the database afterwards


@dataclass(frozen=True)
class Case:
    """How to request one named URL inside its scope, and outside it."""

    url: Callable[[World], str]
    inside: Visit
    outside: Visit


def _nil(w: World) -> int:
    """The world's nil return (ST-A, A1, 2025Q3, unit A2)."""
    return NilReturn.objects.get().pk


def _nil_withdrawn(w: World) -> None:
    assert NilReturn.objects.get().status == NilReturnStatus.WITHDRAWN


def _nil_not_approved(w: World) -> None:
    assert NilReturn.objects.get().status == NilReturnStatus.SUBMITTED


def r(name: str, *args: Any, query: str = "") -> Callable[[World], str]:
    """reverse(name, args) with args computed from the world (callables) or given."""

    def build(w: World) -> str:
        values = [arg(w) if callable(arg) else arg for arg in args]
        return reverse(name, args=values) + (f"?{query}" if query else "")

    return build


def obj(
    url: Callable[[World], str],
    user: str = "admin_a",
    outsider: str = "admin_b",
    status: int = 200,
    method: str = "get",
    data: Callable[[World], Any] | None = None,
    shows: tuple[str, ...] = (),
    then: Callable[[World], None] | None = None,
) -> Case:
    """An object of county A: its user gets ``status``; county B's gets 404."""
    return Case(
        url,
        Visit(user, status, method, data, shows, then=then),
        Visit(outsider, 404, method, data),
    )


def scoped(
    url: Callable[[World], str],
    shows: tuple[str, ...] = A_UNITS,
    user: str = "admin_a",
    outsider: str = "admin_b",
    status: int = 200,
    out_status: int | None = None,
    method: str = "get",
    data: Callable[[World], Any] | None = None,
    then_outside: Callable[[World], None] | None = None,
) -> Case:
    """No object of a county in the URL (a list, a form, an export): county A's user sees
    ``shows``; county B's gets the same page (or ``out_status``) without any of it."""
    return Case(
        url,
        Visit(user, status, method, data, shows=shows),
        Visit(
            outsider,
            out_status or status,
            method,
            data,
            hides=(*shows, *A_UNITS),
            then=then_outside,
        ),
    )


def shared(url: Callable[[World], str], shows: tuple[str, ...], user: str, outsider: str) -> Case:
    """Something both counties share (a framework of their city): both users see ``shows``,
    county B's without anything of county A."""
    return Case(
        url, Visit(user, 200, shows=shows), Visit(outsider, 200, shows=shows, hides=A_UNITS)
    )


def api(name: str, *args: Any, method: str = "get", **kw: Any) -> Case:
    """An API endpoint on county A's framework LC: ST-A's token reads it, ST-B's gets 404."""
    data = kw.pop("data", None)
    status = kw.pop("status", 200)
    return Case(
        r(name, *args),
        Visit("token_a", status, method, data, **kw),
        Visit("token_b", 404, method, data),
    )


UNIT_A1: Callable[[World], int] = lambda w: w.org.unit_a1.pk  # noqa: E731
T_Q1 = ("T", "2025Q1")
LK_A1 = (lambda w: w.org.station_a.pk, lambda w: w.setup.framework.pk, "2025Q3", "A1")


def _not_approved(w: World) -> None:
    w.submitted.refresh_from_db()
    assert w.submitted.status == RecordStatus.SUBMITTED


def _status_of(code: str, period: str, status: str) -> None:
    assert CollectionPeriod.objects.get(framework__code=code, period=period).status == status


def _deadline_days_of(code: str, entry: int, review: int) -> None:
    framework = Framework.objects.get(code=code)
    assert (framework.entry_deadline_days, framework.review_deadline_days) == (entry, review)


def _excel_errors(w: World) -> str:
    """Upload a station file with a bad row as ST-A's clerk; the link to its errors."""
    client = w.client("clerk_a")
    template = client.get(reverse("records:excel_template")).content
    workbook = load_workbook(io.BytesIO(template))
    workbook["填报记录"].append(["ZZ", "A1", "2025-08-03", None, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("filled.xlsx", buffer.getvalue())
    response = client.post(reverse("records:excel"), {"file": upload})
    return str(response.context["errors_url"])


def _ledger_errors(w: World) -> str:
    """Upload a ledger sheet with a bad row as ST-A's clerk; the link to its errors."""
    rows = [["单位", "问题来源", "问题描述", "整改期限"], ["ZZ", "巡察", "x", "2026-12-31"]]
    buffer = io.BytesIO()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(buffer)
    upload = SimpleUploadedFile("problems.xlsx", buffer.getvalue())
    response = w.client("clerk_a").post(reverse("rectification:import"), {"file": upload})
    return str(response.context["errors_url"])


def _ledger_export(w: World) -> str:
    """The ledger export, with a problem at each of county A's units (rolled back after)."""
    for unit in (w.org.unit_a1, w.org.unit_a2):
        problem_create(
            actor=None, unit=unit, source="audit", description="审计发现", due=datetime.date.today()
        )
    return reverse("rectification:export")


def _no_in_charge() -> None:
    assert not InCharge.objects.exists()


def _notice_read(read: bool) -> None:
    assert Notice.objects.get().is_read is read


def _batch(w: World) -> dict[str, Any]:
    item = {"external_id": "x-1", "unit": "A1", "indicator": "A1.1", "date": "2025-08-02"}
    return {"records": [{**item, "quantity": 1, "note": "来自信访系统"}]}


def _problem(w: World) -> Problem:
    """County A's problem (unit A1, found by ST-A), made once per request."""
    found = Problem.objects.filter(unit=w.org.unit_a1).first()
    if found is not None:
        return found
    return problem_create(
        actor=None,
        unit=w.org.unit_a1,
        station=w.org.station_a,
        source="inspection",
        problem_type="四风",
        description="违规发放津补贴",
        due=datetime.date(2099, 1, 1),
    )


def _problem_evidence(w: World) -> ProblemEvidence:
    problem = _problem(w)
    (evidence,) = problem_evidence_add(
        problem=problem, uploads=[SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 x")], actor=None
    )
    return evidence


def _campaign(w: World) -> Campaign:
    """County A's campaign, made once per request."""
    found = Campaign.objects.filter(region=w.org.county_a).first()
    return found or campaign_create(region=w.org.county_a, name="黎城县专项整治", actor=None)


def _leader_file(name: str) -> Callable[[World], str]:
    """A part of the leader's file of unit A1's principal, with a duty list (made once per
    request: a person without any duty record in scope has no file)."""

    def build(w: World) -> str:
        person = w.org.person_a1
        if not DutyList.objects.filter(person=person).exists():
            duty_list_create(
                kind=SubjectKind.PRINCIPAL, year=2026, actor=None, unit=w.org.unit_a1, person=person
            )
        return reverse(name, args=[person.pk])

    return build


def _ledger_url(name: str) -> Callable[[World], str]:
    """A page of the ledger, with county A's problem and campaign in it."""

    def build(w: World) -> str:
        _problem(w)
        _campaign(w)
        return reverse(name)

    return build


# The two-responsibilities lists part: county A's team list of unit A1 (this year's), a
# failed check of it and an accountability step with a document, made once per request.


def _duty_list(w: World, *, status: str = "draft") -> DutyList:
    found = DutyList.objects.filter(kind="team", unit=w.org.unit_a1).first()
    if found is None:
        found = duty_list_create(
            kind="team", year=timezone.localdate().year, actor=None, unit=w.org.unit_a1
        )
    if status != "draft" and found.status == "draft":
        found.status, found.confirmed_by = status, w.users["liaison_a"]
        found.confirmed_at = timezone.now()
        found.save()
    return found


def _duty_task(w: World) -> DutyTask:
    task = _duty_list(w).tasks.first()
    assert task is not None
    return task


def _duty_step(w: World) -> AccountabilityStep:
    duty_list = _duty_list(w)
    found = AccountabilityStep.objects.filter(duty_list=duty_list).first()
    if found is not None:
        return found
    admin = w.users["admin_a"]
    check = check_record(
        duty_list=duty_list,
        quarter=1,
        result="failed",
        findings="会议记录不全",
        checked_on=timezone.localdate(),
        actor=admin,
    )
    return step_record(
        duty_list=duty_list,
        step=LadderStep.objects.filter(active=True).first(),  # type: ignore[arg-type]
        reason="季度检查未通过",
        decided_on=timezone.localdate(),
        failed_check=check,
        document=SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 x"),
        actor=admin,
    )


def _duty_url(
    name: str, *args: Any, status: str = "draft", query: str = ""
) -> Callable[[World], str]:
    """A page of the lists part, with county A's list (and its step) in it; ``args``
    computed from the world."""

    def build(w: World) -> str:
        _duty_list(w, status=status)
        _duty_step(w)
        values = [arg(w) if callable(arg) else arg for arg in args]
        return reverse(name, args=values) + (f"?{query}" if query else "")

    return build


def _duty_status(status: str) -> Callable[[World], None]:
    def then(w: World) -> None:
        assert _duty_list(w).status == status

    return then


def _category_pk(w: World) -> int:
    return DutyCategory.objects.order_by("order").first().pk  # type: ignore[union-attr]


def _team_list_a1(w: World) -> DutyList:
    """Unit A1's team duty list of 2026 (its dues from the template), made per request."""
    found = DutyList.objects.filter(kind="team", unit=w.org.unit_a1, year=2026).first()
    return found or duty_list_create(kind="team", year=2026, actor=None, unit=w.org.unit_a1)


def _duty_board_url(w: World) -> str:
    """The light board, with unit A1's team list in it."""
    _team_list_a1(w)
    return reverse("duties:board")


# Scores of a unit (the page is being replaced by the dashboard portrait; when it becomes
# a redirect, change this one entry's status to 302).
UNIT_SCORES = obj(r("scoring:unit_scores", *T_Q1, UNIT_A1), "analyst_a", "analyst_b", status=301)

URLS: dict[str, Case] = {
    # core
    "core:home": scoped(r("core:home"), (), "analyst_a", "analyst_b"),
    "core:history": obj(r("core:history", "unit", UNIT_A1), shows=("黎城县教育局",)),
    # org
    "org:region_list": scoped(r("org:region_list"), ("黎城县",)),
    "org:region_create": scoped(r("org:region_create"), ("黎城县",)),
    "org:region_detail": obj(r("org:region_detail", lambda w: w.org.county_a.pk)),
    "org:region_edit": obj(r("org:region_edit", lambda w: w.org.county_a.pk)),
    # Categories are the installation's, not a county's: every user reads them, only an
    # administrator of the whole installation changes them.
    "org:category_list": shared(r("org:category_list"), ("镇街",), "analyst_a", "analyst_b"),
    "org:category_create": Case(
        r("org:category_create"), Visit("sysadmin", 200), Visit("admin_b", 403)
    ),
    "org:category_edit": Case(
        r("org:category_edit", lambda w: w.org.township.pk),
        Visit("sysadmin", 200, shows=("镇街",)),
        Visit("admin_b", 403),
    ),
    "org:unit_list": scoped(r("org:unit_list")),
    "org:unit_create": scoped(r("org:unit_create"), ("黎城县教育局",)),
    "org:unit_detail": obj(r("org:unit_detail", UNIT_A1)),
    "org:unit_edit": obj(r("org:unit_edit", UNIT_A1)),
    "org:unit_in_charge": obj(r("org:unit_in_charge", UNIT_A1), shows=("副县长",)),
    "org:in_charge_remove": obj(
        r("org:in_charge_remove", lambda w: InCharge.objects.get().pk),
        status=302,
        method="post",
        then=lambda w: _no_in_charge(),
    ),
    "org:person_list": scoped(r("org:person_list"), ("王建国",)),
    "org:person_create": scoped(r("org:person_create"), ()),
    "org:person_detail": obj(r("org:person_detail", lambda w: w.org.person_a1.pk)),
    "org:person_edit": obj(r("org:person_edit", lambda w: w.org.person_a1.pk)),
    "org:post_create": obj(r("org:post_create", lambda w: w.org.person_a1.pk)),
    "org:post_edit": obj(r("org:post_edit", lambda w: w.org.person_a1.posts.get().pk)),
    "org:post_end": obj(r("org:post_end", lambda w: w.org.person_a1.posts.get().pk)),
    "org:station_list": scoped(r("org:station_list"), (A_STATION,)),
    "org:station_create": scoped(r("org:station_create"), ("黎城县",)),
    "org:station_detail": obj(r("org:station_detail", lambda w: w.org.station_a.pk)),
    "org:station_edit": obj(r("org:station_edit", lambda w: w.org.station_a.pk)),
    "org:group_list": scoped(r("org:group_list"), ("派驻第一纪检监察组",)),
    "org:group_create": scoped(r("org:group_create"), ("黎侯镇",)),
    "org:group_detail": obj(r("org:group_detail", lambda w: w.org.group_a.pk)),
    "org:group_edit": obj(r("org:group_edit", lambda w: w.org.group_a.pk)),
    "org:import": scoped(r("org:import"), ()),
    "org:export": scoped(r("org:export", "yaml"), ("A1", "黎城县教育局")),
    # accounts
    "accounts:login": scoped(r("accounts:login"), (), None, "admin_b", 200, 302),
    "accounts:logout": scoped(
        r("accounts:logout"), (), "admin_a_leaving", "admin_b_leaving", 302, method="post"
    ),
    "accounts:user_list": scoped(r("accounts:user_list"), ("clerk_a",)),
    "accounts:user_create": scoped(r("accounts:user_create"), ()),
    # One's own password; the leaders' accounts of the manager's own region (a count only).
    "accounts:password_change": scoped(r("accounts:password_change"), ()),
    "accounts:leader_accounts": scoped(r("accounts:leader_accounts"), ()),
    "accounts:user_detail": obj(r("accounts:user_detail", lambda w: w.users["clerk_a"].pk)),
    "accounts:assignment_remove": obj(
        r("accounts:assignment_remove", lambda w: w.users["clerk_a"].assignments.get().pk),
        status=302,
        method="post",
    ),
    # frameworks
    "framework:framework_list": scoped(r("framework:framework_list"), (A_FRAMEWORK,)),
    "framework:import": scoped(r("framework:import"), ()),
    "framework:version_detail": obj(r("framework:version_detail", lambda w: w.lc.pk)),
    "framework:version_diff": obj(
        lambda w: reverse("framework:version_diff", args=[w.lc_draft.pk]) + f"?against={w.lc.pk}"
    ),
    "framework:version_export": obj(r("framework:version_export", lambda w: w.lc.pk, "yaml")),
    "framework:version_copy": obj(
        r("framework:version_copy", lambda w: w.lc.pk), status=302, method="post"
    ),
    "framework:version_publish": obj(
        r("framework:version_publish", lambda w: w.lc_draft.pk), status=302, method="post"
    ),
    "framework:version_publish_confirm": obj(
        r("framework:version_publish_confirm", lambda w: w.lc_draft.pk), shows=("v2",)
    ),
    "framework:version_archive": obj(
        r("framework:version_archive", lambda w: w.lc.pk), status=302, method="post"
    ),
    "framework:version_settings": obj(r("framework:version_settings", lambda w: w.lc_draft.pk)),
    "framework:indicator_create": obj(r("framework:indicator_create", lambda w: w.lc_draft.pk)),
    "framework:indicator_edit": obj(r("framework:indicator_edit", lambda w: w.indicator_pk("A1"))),
    "framework:indicator_move": obj(
        r("framework:indicator_move", lambda w: w.indicator_pk("A2")),
        status=302,
        method="post",
        data=lambda w: {"parent": w.indicator_pk("A"), "position": 0},
    ),
    "framework:indicator_delete": obj(
        r("framework:indicator_delete", lambda w: w.indicator_pk("A4")), status=302, method="post"
    ),
    # scores
    "scoring:ranking_latest": scoped(
        r("scoring:ranking_latest", "T"), (), "analyst_a", "analyst_b", 302
    ),
    "scoring:recompute": obj(
        r("scoring:recompute", "LC"), status=302, method="post", data=lambda w: {"period": "2025Q3"}
    ),
    "scoring:ranking": scoped(r("scoring:ranking", *T_Q1), A_UNITS, "analyst_a", "analyst_b"),
    "scoring:unit_scores": UNIT_SCORES,
    # analysis
    "dashboard:search": scoped(
        r("dashboard:search", query="q=黎"), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:search_xlsx": scoped(
        r("dashboard:search_xlsx", query="q=黎"), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:index": shared(r("dashboard:index"), ("测试体系",), "analyst_a", "analyst_b"),
    "dashboard:overview_latest": scoped(
        r("dashboard:overview_latest", "T"), (), "analyst_a", "analyst_b", 302
    ),
    "dashboard:overview": scoped(r("dashboard:overview", *T_Q1), A_UNITS, "analyst_a", "analyst_b"),
    "dashboard:overview_json": scoped(
        r("dashboard:overview_json", *T_Q1), (), "analyst_a", "analyst_b"
    ),
    "dashboard:heatmap_json": scoped(
        r("dashboard:heatmap_json", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:ranking_xlsx": scoped(
        r("dashboard:ranking_xlsx", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:heatmap_xlsx": scoped(
        r("dashboard:heatmap_xlsx", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:warnings_xlsx": scoped(
        r("dashboard:warnings_xlsx", *T_Q1), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:results_xlsx": scoped(
        r("dashboard:results_xlsx", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:portrait": obj(r("dashboard:portrait", *T_Q1, UNIT_A1), "analyst_a", "analyst_b"),
    "dashboard:portrait_records": obj(
        r("dashboard:portrait_records", *T_Q1, UNIT_A1, "A1"),
        "analyst_a",
        "analyst_b",
        shows=("公车私用",),
    ),
    "dashboard:portrait_json": obj(
        r("dashboard:portrait_json", *T_Q1, UNIT_A1), "analyst_a", "analyst_b"
    ),
    "dashboard:portrait_xlsx": obj(
        r("dashboard:portrait_xlsx", *T_Q1, UNIT_A1), "analyst_a", "analyst_b"
    ),
    "dashboard:leadership": obj(
        r("dashboard:leadership", *T_Q1, UNIT_A1), "analyst_a", "analyst_b"
    ),
    "dashboard:compare_trend": scoped(
        r("dashboard:compare_trend", "T"), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:compare_trend_json": scoped(
        r("dashboard:compare_trend_json", "T"), (), "analyst_a", "analyst_b"
    ),
    "dashboard:compare_trend_xlsx": scoped(
        r("dashboard:compare_trend_xlsx", "T"), (), "analyst_a", "analyst_b"
    ),
    "dashboard:compare_unit_search": scoped(
        r("dashboard:compare_unit_search", "T", query="q=黎"), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:compare_indicator": scoped(
        r("dashboard:compare_indicator", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:compare_indicator_json": scoped(
        r("dashboard:compare_indicator_json", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:compare_indicator_xlsx": scoped(
        r("dashboard:compare_indicator_xlsx", *T_Q1), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:compare_yoy": scoped(
        r("dashboard:compare_yoy", *T_Q1), (), "analyst_a", "analyst_b"
    ),
    "dashboard:compare_yoy_xlsx": scoped(
        r("dashboard:compare_yoy_xlsx", *T_Q1), (), "analyst_a", "analyst_b"
    ),
    "dashboard:problems": scoped(
        r("dashboard:problems", "T", "2025"), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:problems_json": scoped(
        r("dashboard:problems_json", "T", "2025"), A_UNITS[:1], "analyst_a", "analyst_b"
    ),
    "dashboard:problems_xlsx": scoped(
        r("dashboard:problems_xlsx", "T", "2025"), A_UNITS, "analyst_a", "analyst_b"
    ),
    "dashboard:problem_records": scoped(
        r("dashboard:problem_records", "T", "2025"), ("公车私用",), "analyst_a", "analyst_b"
    ),
    "dashboard:problem_records_xlsx": scoped(
        r("dashboard:problem_records_xlsx", "T", "2025"), ("公车私用",), "analyst_a", "analyst_b"
    ),
    # records
    "records:entry": scoped(r("records:entry"), (A_STATION,), "clerk_a", "clerk_b"),
    "records:entry_new": obj(r("records:entry_new", *LK_A1), "clerk_a", "clerk_b"),
    "records:entry_quick": obj(r("records:entry_quick", *LK_A1), "clerk_a", "clerk_b"),
    "records:entry_edit": obj(r("records:entry_edit", lambda w: w.draft.pk), "clerk_a", "clerk_b"),
    "records:entry_delete": obj(
        r("records:entry_delete", lambda w: w.draft.pk), "clerk_a", "clerk_b", 302, "post"
    ),
    "records:entry_submit": obj(
        r("records:entry_submit", lambda w: w.draft.pk), "clerk_a", "clerk_b", 302, "post"
    ),
    # the warning register: county A's analyst sees its units' warnings of the city's
    # framework T; county B's the same page without them (a liaison: 404, see
    # tests/monitoring/test_register_pages.py)
    "monitoring:register": scoped(
        r("monitoring:register", query="framework=T&period=2025Q1&state=all"),
        A_UNITS[:1],
        "analyst_a",
        "analyst_b",
    ),
    "monitoring:register_xlsx": scoped(
        r("monitoring:register_xlsx", query="framework=T&period=2025Q1&state=all"),
        A_UNITS[:1],
        "analyst_a",
        "analyst_b",
    ),
    # inbox: a user's own notices; another user's notice is a 404
    "inbox:inbox": scoped(r("inbox:inbox"), ("黎城县教育局：请补录数据",), "clerk_a", "clerk_b"),
    "inbox:notice_read": obj(
        r("inbox:notice_read", lambda w: Notice.objects.get().pk),
        "clerk_a",
        "clerk_b",
        302,
        "post",
        then=lambda w: _notice_read(True),
    ),
    "inbox:notice_read_all": scoped(
        r("inbox:notice_read_all"),
        (),
        "clerk_a",
        "clerk_b",
        302,
        method="post",
        then_outside=lambda w: _notice_read(False),
    ),
    "records:my_records": scoped(r("records:my_records"), A_UNITS[:1], "clerk_a", "clerk_b"),
    "records:self_assessment": scoped(
        r("records:self_assessment"), ("黎城县教育局",), "liaison_a", "liaison_b"
    ),
    "records:self_assessment_new": scoped(
        r("records:self_assessment_new", lambda w: w.setup.framework.pk, "2025Q3", "A3"),
        ("黎城县教育局",),
        "liaison_a",
        "liaison_b",
    ),
    "records:evidence": obj(r("records:evidence", lambda w: w.submitted.evidence.get().pk)),
    "records:review": scoped(r("records:review"), ("督查通报",)),
    "records:review_approve": scoped(
        r("records:review_approve"),
        (),
        status=302,
        method="post",
        data=lambda w: {"ids": [w.submitted.pk]},
        out_status=404,
        then_outside=_not_approved,
    ),
    "records:review_return": obj(r("records:review_return", lambda w: w.submitted.pk)),
    "records:nil_list": scoped(r("records:nil_list"), (A_STATION,), "clerk_a", "clerk_b"),
    "records:nil_new": scoped(r("records:nil_new"), A_UNITS, "clerk_a", "clerk_b"),
    "records:nil_detail": obj(
        r("records:nil_detail", _nil), "clerk_a", "clerk_b", shows=("黎侯镇",)
    ),
    "records:nil_withdraw": obj(
        r("records:nil_withdraw", _nil), "clerk_a", "clerk_b", 302, "post", then=_nil_withdrawn
    ),
    "records:nil_review": scoped(r("records:nil_review"), (A_STATION,)),
    "records:nil_approve": scoped(
        r("records:nil_approve"),
        (),
        status=302,
        method="post",
        data=lambda w: {"ids": [_nil(w)]},
        out_status=404,
        then_outside=_nil_not_approved,
    ),
    "records:nil_return": obj(r("records:nil_return", _nil)),
    "records:period_list": scoped(r("records:period_list"), (A_FRAMEWORK,)),
    "records:period_close": obj(
        r("records:period_close", lambda w: w.period_pk("LC", "2025Q3")), status=302, method="post"
    ),
    "records:period_reopen": obj(
        r("records:period_reopen", lambda w: w.period_pk("LC", "2025Q2")),
        status=302,
        method="post",
        data=lambda w: {"reason": "补录遗漏的信访数据"},
        then=lambda w: _status_of("LC", "2025Q2", PeriodStatus.OPEN),
    ),
    "records:period_deadlines": obj(
        r("records:period_deadlines", lambda w: w.period_pk("LC", "2025Q3")),
        shows=("录入截止日期", "审核截止日期"),
    ),
    "records:period_defaults": obj(
        r("records:period_defaults", "LC"),
        status=302,
        method="post",
        data=lambda w: {"entry_deadline_days": 20, "review_deadline_days": 5},
        then=lambda w: _deadline_days_of("LC", 20, 5),
    ),
    "records:workload": scoped(r("records:workload", query="framework=LK"), (A_STATION,)),
    # the completeness board: county A's administrator sees ST-A, county B's the same page
    # without it; a station's view is its own clerk's, another station's clerk gets 404
    "records:completeness": scoped(r("records:completeness", query="framework=LK"), (A_STATION,)),
    "records:completeness_station": obj(
        r("records:completeness_station", "LK", "2025Q3", lambda w: w.org.station_a.pk),
        "clerk_a",
        "clerk_b",
        shows=(A_STATION,),
    ),
    "records:excel": scoped(r("records:excel"), (A_STATION,), "clerk_a", "clerk_b"),
    "records:excel_template": scoped(
        r("records:excel_template"), A_UNITS[:1], "clerk_a", "clerk_b"
    ),
    "records:excel_errors": obj(_excel_errors, "clerk_a", "clerk_b"),
    # the problem ledger: a problem of unit A1 found by ST-A; county B's users get 404
    "rectification:ledger": scoped(_ledger_url("rectification:ledger"), ("违规发放津补贴",)),
    "rectification:problem_detail": obj(
        lambda w: reverse("rectification:problem_detail", args=[_problem(w).pk]),
        shows=("违规发放津补贴",),
    ),
    "rectification:problem_act": obj(
        lambda w: reverse("rectification:problem_act", args=[_problem(w).pk, "measures"]),
        "liaison_a",
        "liaison_b",
        302,
        "post",
        data=lambda w: {"measures-text": "退回超发津补贴"},
    ),
    "rectification:problem_new": scoped(
        r("rectification:problem_new"), (A_STATION, "黎城县教育局"), "clerk_a", "clerk_b"
    ),
    "rectification:mine": scoped(
        _ledger_url("rectification:mine"), ("违规发放津补贴",), "liaison_a", "liaison_b"
    ),
    "rectification:evidence": obj(
        lambda w: reverse("rectification:evidence", args=[_problem_evidence(w).pk])
    ),
    "rectification:campaign_list": scoped(
        _ledger_url("rectification:campaign_list"), ("黎城县专项整治",)
    ),
    "rectification:campaign_new": scoped(r("rectification:campaign_new"), ("黎城县教育局",)),
    "rectification:campaign_detail": obj(
        lambda w: reverse("rectification:campaign_detail", args=[_campaign(w).pk]),
        shows=("黎城县专项整治",),
    ),
    "rectification:campaign_attach": obj(
        _ledger_url("rectification:campaign_attach"),
        status=302,
        method="post",
        data=lambda w: {"campaign": _campaign(w).pk, "ids": [_problem(w).pk]},
    ),
    # rectification: the ledger's import and export
    "rectification:import": scoped(r("rectification:import"), (A_STATION,), "clerk_a", "clerk_b"),
    "rectification:import_template": scoped(
        r("rectification:import_template"), (), "clerk_a", "clerk_b"
    ),
    "rectification:import_errors": obj(_ledger_errors, "clerk_a", "clerk_b"),
    "rectification:export": scoped(_ledger_export, A_UNITS),
    "rectification:feeds": obj(r("rectification:feeds", query="framework=LC"), shows=("LC",)),
    # API tokens and the API
    "api:token_list": scoped(r("api:token_list"), ("信访系统",)),
    "api:token_issue": scoped(r("api:token_issue"), (A_STATION,)),
    "api:token_revoke": obj(
        r("api:token_revoke", lambda w: w.org.station_a.api_tokens.get().pk),
        status=302,
        method="post",
    ),
    # The API's root has no endpoint: 404 to every token.
    "ninja:api-root": Case(r("ninja:api-root"), Visit("token_a", 404), Visit("token_b", 404)),
    "ninja:framework_get": api("ninja:framework_get", "LC", shows=(A_FRAMEWORK,)),
    "ninja:periods_list": api("ninja:periods_list", "LC", shows=("2025Q3",)),
    "ninja:scores_get": api("ninja:scores_get", "LC", "2025Q3"),
    "ninja:records_post": api("ninja:records_post", "LC", method="post", data=_batch, status=201),
    "ninja:completeness_get": Case(
        r("ninja:completeness_get", query="framework=LC&period=2025Q3"),
        Visit("token_a", 200, shows=("2025Q3",)),
        Visit("token_b", 404),
    ),
    # responses to warnings (monitoring) and Word documents
    "monitoring:warning": obj(
        r("monitoring:warning", _warning_pk), "analyst_a", "analyst_b", shows=("黎城县教育局",)
    ),
    "monitoring:warning_respond": obj(
        r("monitoring:warning_respond", _warning_pk),
        "analyst_a",
        "analyst_b",
        status=302,
        method="post",
        data=lambda w: {"kind": "admonition"},
    ),
    "monitoring:warning_talk": obj(
        r("monitoring:warning_talk", _warning_pk),
        "analyst_a",
        "analyst_b",
        status=302,
        method="post",
        data=lambda w: {
            "held_on": "2025-10-02",
            "held_by": "李明",
            "attendees": "局长",
            "minutes": "再次谈话",
        },
    ),
    "monitoring:talk_attachment": obj(
        r("monitoring:talk_attachment", _talk_pk), "liaison_a", "liaison_b"
    ),
    "monitoring:responses_issue": obj(
        lambda w: reverse("monitoring:responses_issue") + f"?warning={_warning_pk(w)}",
        "analyst_a",
        "analyst_b",
        shows=("黎城县教育局",),
    ),
    "monitoring:policy": obj(r("monitoring:policy", lambda w: w.lc.pk), shows=("一票否决",)),
    # reports: county A's filing list of LC 2025Q3 (a draft; or issued, concerning A1)
    "reports:list": scoped(_with_report("reports:list"), (FILING_TITLE,), "analyst_a", "analyst_b"),
    "reports:new": scoped(r("reports:new"), A_UNITS, "analyst_a", "analyst_b"),
    "reports:detail": obj(
        _with_report("reports:detail", issued=True), "liaison_a", "liaison_b", shows=(FILING_TITLE,)
    ),
    "reports:docx": obj(_with_report("reports:docx", issued=True), "liaison_a", "liaison_b"),
    "reports:pdf": obj(_with_report("reports:pdf", issued=True), "liaison_a", "liaison_b"),
    "reports:text": obj(
        _with_report("reports:text"),
        "analyst_a",
        "analyst_b",
        status=302,
        method="post",
        data=lambda w: {"text": "新的分析"},
        then=lambda w: _report_text_is("新的分析"),
    ),
    "reports:upload": obj(
        _with_report("reports:upload"), "analyst_a", "analyst_b", status=302, method="post"
    ),
    "reports:issue": obj(
        _with_report("reports:issue"),
        "admin_a",
        "admin_b",
        status=302,
        method="post",
        then=lambda w: _report_text_is("", status="issued"),
    ),
    "documents:download": obj(r("documents:download", _document_pk), "liaison_a", "liaison_b"),
    # Templates are the installation's: its administrator manages them, no one else.
    "documents:templates": Case(
        r("documents:templates"), Visit("sysadmin", 200), Visit("admin_b", 403)
    ),
    "documents:template_download": Case(
        r("documents:template_download", "warning_notice"),
        Visit("sysadmin", 200),
        Visit("admin_b", 403),
    ),
    "documents:template_replace": Case(
        r("documents:template_replace", "warning_notice"),
        Visit("sysadmin", 302, "post"),
        Visit("admin_b", 403, "post"),
    ),
    # duties: the leader's file
    "duties:leader_file": obj(_leader_file("duties:leader_file"), shows=("王建国", "廉政档案")),
    "duties:leader_file_json": obj(_leader_file("duties:leader_file_json"), shows=("管党治党",)),
    "duties:leader_file_docx": obj(_leader_file("duties:leader_file_docx")),
    "duties:leader_file_xlsx": obj(_leader_file("duties:leader_file_xlsx"), shows=("王建国",)),
    "duties:my_file": Case(r("duties:my_file"), Visit("leader_a", 302), Visit("admin_b", 404)),
    "documents:template_restore": Case(
        r("documents:template_restore", "warning_notice"),
        Visit("sysadmin", 302, "post"),
        Visit("admin_b", 403, "post"),
    ),
    # duties: the lists part (lists, endorsement, checks, accountability, configuration)
    "duties:list_index": scoped(_duty_url("duties:list_index"), ("黎城县教育局",)),
    "duties:list_detail": obj(
        _duty_url("duties:list_detail", lambda w: _duty_list(w).pk), shows=("黎城县教育局",)
    ),
    "duties:list_task_new": obj(_duty_url("duties:list_task_new", lambda w: _duty_list(w).pk)),
    "duties:list_task_edit": obj(_duty_url("duties:list_task_edit", lambda w: _duty_task(w).pk)),
    "duties:list_task_delete": obj(
        _duty_url("duties:list_task_delete", lambda w: _duty_task(w).pk), status=302, method="post"
    ),
    "duties:list_confirm": obj(
        _duty_url("duties:list_confirm", lambda w: _duty_list(w).pk),
        "liaison_a",
        "liaison_b",
        302,
        "post",
        then=_duty_status("confirmed"),
    ),
    "duties:list_endorse": obj(
        _duty_url("duties:list_endorse", lambda w: _duty_list(w).pk, status="confirmed"),
        status=302,
        method="post",
        then=_duty_status("endorsed"),
    ),
    "duties:list_reopen": obj(
        _duty_url("duties:list_reopen", lambda w: _duty_list(w).pk, status="confirmed"),
        status=302,
        method="post",
        data=lambda w: {"reason": "任务需要调整"},
        then=_duty_status("draft"),
    ),
    "duties:list_check_new": obj(_duty_url("duties:list_check_new", lambda w: _duty_list(w).pk)),
    "duties:list_step_new": obj(_duty_url("duties:list_step_new", lambda w: _duty_list(w).pk)),
    "duties:list_step_document": obj(
        _duty_url("duties:list_step_document", lambda w: _duty_step(w).pk)
    ),
    "duties:lists_checks": scoped(_duty_url("duties:lists_checks"), ("黎城县教育局",)),
    "duties:lists_stats": scoped(_duty_url("duties:lists_stats"), ("黎城县教育局",)),
    "duties:lists_stats_xlsx": scoped(_duty_url("duties:lists_stats_xlsx"), ("黎城县教育局",)),
    "duties:lists_build": scoped(r("duties:lists_build"), ("黎城县",)),
    # Installation-wide settings: every manager reads them, only a global one changes them.
    "duties:lists_config": Case(
        r("duties:lists_config"),
        Visit("sysadmin", 200, shows=("恢复预置模板",)),
        Visit("admin_b", 200, hides=("恢复预置模板", *A_UNITS)),
    ),
    "duties:lists_config_restore": Case(
        r("duties:lists_config_restore"),
        Visit("sysadmin", 302, "post", lambda w: {"kind": "team"}),
        Visit("admin_b", 404, "post", lambda w: {"kind": "team"}),
    ),
    "duties:lists_config_new": Case(
        r("duties:lists_config_new", "category"), Visit("sysadmin", 200), Visit("admin_b", 404)
    ),
    "duties:lists_config_edit": Case(
        r("duties:lists_config_edit", "category", _category_pk),
        Visit("sysadmin", 200),
        Visit("admin_b", 404),
    ),
    "duties:lists_config_move": Case(
        r("duties:lists_config_move", "category", _category_pk),
        Visit("sysadmin", 302, "post", lambda w: {"direction": "down"}),
        Visit("admin_b", 404, "post", lambda w: {"direction": "down"}),
    ),
    "duties:lists_config_delete": Case(
        r("duties:lists_config_delete", "category", _category_pk),
        Visit("sysadmin", 302, "post"),
        Visit("admin_b", 404, "post"),
    ),
    # The light boards (issue 14): county A's unit and list are 404 to county B.
    "duties:board": scoped(_duty_board_url, ("黎城县教育局",)),
    "duties:board_unit": obj(
        lambda w: reverse("duties:board_unit", args=[_team_list_a1(w).unit_id]),
        shows=("黎城县教育局",),
    ),
    "duties:feeds": obj(r("duties:feeds", query="framework=LC")),
    "duties:board_list": obj(
        lambda w: reverse("duties:board_list", args=[_team_list_a1(w).pk]),
        shows=("黎城县教育局",),
    ),
}


# ---------------------------------------------------------------------------------------
# Two responsibilities, fulfil part: made inside each request's savepoint. Unit A1's team
# list (kept by its liaison) with a record and an attachment of the liaison's; a report of
# A1's principal, whose person is linked to the liaison's account for the report pages.


def _duty_team_task(w: World) -> Any:
    from django.utils import timezone

    from qingfeng.duties.models import DutyList, DutyTask
    from qingfeng.duties.services import duty_list_create

    year = timezone.localdate().year
    duty_list = DutyList.objects.filter(kind="team", unit=w.org.unit_a1, year=year).first()
    if duty_list is None:
        duty_list = duty_list_create(kind="team", year=year, actor=None, unit=w.org.unit_a1)
    return DutyTask.objects.filter(duty_list=duty_list).order_by("pk").first()


def _duty_record(w: World) -> Any:
    from django.utils import timezone

    from qingfeng.duties.services import fulfilment_record

    task = _duty_team_task(w)
    today = timezone.localdate()
    due = task.dues.filter(starts__lte=today).order_by("due").first()
    return fulfilment_record(
        due=due,
        done_on=today,
        content="班子专题研究会议",
        actor=w.users["liaison_a"],
        attachments=[SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 duty")],
    )


def _duty_report(w: World) -> Any:
    from qingfeng.duties.reports import report_file

    User.objects.filter(pk=w.users["liaison_a"].pk).update(person=w.org.person_a1)
    return report_file(
        person=w.org.person_a1,
        unit=w.org.unit_a1,
        kind="wedding",
        starts=datetime.date(2026, 12, 31),
        ends=None,
        destination="",
        description="子女婚礼从简",
        actor=None,
    )


def _duty_url(name: str, of: Callable[[World], Any] | None = None) -> Callable[[World], str]:
    def build(w: World) -> str:
        if of is None:
            _duty_record(w)
            _duty_report(w)
            return reverse(name)
        return reverse(name, args=[of(w).pk])

    return build


FULFIL_URLS: dict[str, Case] = {
    "duties:fulfil_mine": scoped(
        _duty_url("duties:fulfil_mine"), ("黎城县教育局",), "liaison_a", "liaison_b"
    ),
    "duties:fulfil_list": obj(
        _duty_url("duties:fulfil_list", lambda w: _duty_team_task(w).duty_list),
        "liaison_a",
        "liaison_b",
        shows=("黎城县教育局",),
    ),
    "duties:fulfil_entry": obj(
        _duty_url("duties:fulfil_entry", _duty_team_task), "liaison_a", "liaison_b"
    ),
    "duties:fulfil_records": scoped(
        _duty_url("duties:fulfil_records"), ("班子专题研究会议", "黎城县教育局")
    ),
    "duties:fulfil_record": obj(
        _duty_url("duties:fulfil_record", _duty_record), shows=("会议纪要.pdf",)
    ),
    "duties:fulfil_delete": obj(
        _duty_url("duties:fulfil_delete", _duty_record),
        "liaison_a",
        "liaison_b",
        status=302,
        method="post",
    ),
    "duties:fulfil_attachment": obj(
        _duty_url("duties:fulfil_attachment", lambda w: _duty_record(w).attachments.get())
    ),
    "duties:report_new": obj(_duty_url("duties:report_new"), "liaison_a", "liaison_b"),
    "duties:report_mine": scoped(
        _duty_url("duties:report_mine"), ("子女婚礼从简",), "liaison_a", "liaison_b"
    ),
    "duties:report_list": scoped(_duty_url("duties:report_list"), ("子女婚礼从简", "黎城县教育局")),
}
URLS.update(FULFIL_URLS)


# ---------------------------------------------------------------------------------------
# Report batches (issue 15): a booklet batch of county A made inside each request's
# savepoint by county A's analyst, with unit A1's booklet.


def _report_batch(w: World) -> Any:
    from qingfeng.lib.periods import Period
    from qingfeng.reports.kinds import Subject
    from qingfeng.reports.models import BatchStatus, ReportBatch
    from qingfeng.reports.services import report_generate

    t = w.results.scored.framework
    batch = ReportBatch.objects.create(
        kind="booklet",
        framework=t,
        period="2025Q4",
        region=w.org.county_a,
        status=BatchStatus.DONE,
        total=1,
        done=1,
        created_by=w.users["analyst_a"],
    )
    subject = Subject(
        framework=t, period=Period.parse("2025Q4"), region=w.org.county_a, unit=w.org.unit_a1
    )
    report_generate(kind="booklet", subject=subject, actor=w.users["analyst_a"], batch_id=batch.pk)
    return batch


BATCH_URLS: dict[str, Case] = {
    "reports:batch_new": scoped(r("reports:batch_new"), ("黎城县",), "analyst_a", "analyst_b"),
    "reports:batch": obj(
        r("reports:batch", lambda w: _report_batch(w).pk),
        "analyst_a",
        "analyst_b",
        shows=("黎城县教育局",),
    ),
    "reports:batch_resume": obj(
        r("reports:batch_resume", lambda w: _report_batch(w).pk),
        "analyst_a",
        "analyst_b",
        status=302,
        method="post",
    ),
    "reports:batch_zip": obj(
        r("reports:batch_zip", lambda w: _report_batch(w).pk), "analyst_a", "analyst_b"
    ),
}
URLS.update(BATCH_URLS)


# ---------------------------------------------------------------------------------------
# Surveys (issue 16): questionnaires, by county A's commission administrator.


def _questionnaire_url(
    name: str, target: str, *extra: str, draft: bool = True
) -> Callable[[World], str]:
    """The URL ``name`` of county A's questionnaire (made inside the request's savepoint:
    version 1 published, version 2 a draft copy unless ``draft`` is False): ``target``
    "q" the questionnaire, "v1"/"v2" a version, "question" q1 of the draft, "" none."""

    def build(w: World) -> str:
        from qingfeng.surveys.services_questionnaires import version_new
        from tests.surveys.conftest import make_questionnaire

        published = make_questionnaire(w.org.county_a)
        questionnaire = published.questionnaire
        copy = version_new(questionnaire=questionnaire, actor=None) if draft else None
        pks = {
            "q": questionnaire.pk,
            "v1": published.pk,
            "v2": copy.pk if copy else None,
            "question": copy.questions.get(code="q1").pk if copy else None,
        }
        args = [pks[target], *extra] if target else []
        return reverse(name, args=args)

    return build


def _questionnaire_is(
    number: int, status: str, questions: int | None = None
) -> Callable[[World], None]:
    def check(w: World) -> None:
        from qingfeng.surveys.models import QuestionnaireVersion

        version = QuestionnaireVersion.objects.get(questionnaire__code="Q-SAT", number=number)
        assert version.status == status, version.status
        if questions is not None:
            assert version.questions.count() == questions

    return check


Q_NAME = ("群众满意度调查问卷",)
Q_TEXT = ("您对本单位作风建设是否满意？",)

QUESTIONNAIRE_URLS: dict[str, Case] = {
    "surveys:questionnaire_list": scoped(
        _questionnaire_url("surveys:questionnaire_list", ""), Q_NAME
    ),
    "surveys:questionnaire_create": scoped(r("surveys:questionnaire_create"), ("黎城县",)),
    "surveys:questionnaire_import": scoped(r("surveys:questionnaire_import"), ()),
    # The blank template's example is the same for every commission.
    "surveys:questionnaire_template": shared(
        r("surveys:questionnaire_template"), ("MY-SAT",), "admin_a", "admin_b"
    ),
    "surveys:questionnaire_detail": obj(
        _questionnaire_url("surveys:questionnaire_detail", "q"), shows=Q_NAME
    ),
    "surveys:questionnaire_version_new": obj(
        _questionnaire_url("surveys:questionnaire_version_new", "q", draft=False),
        status=302,
        method="post",
        then=_questionnaire_is(2, "draft", 4),
    ),
    "surveys:questionnaire_version": obj(
        _questionnaire_url("surveys:questionnaire_version", "v1"), shows=Q_TEXT
    ),
    "surveys:questionnaire_version_edit": obj(
        _questionnaire_url("surveys:questionnaire_version_edit", "v2"), shows=Q_NAME
    ),
    "surveys:questionnaire_publish": obj(
        _questionnaire_url("surveys:questionnaire_publish", "v2"),
        status=302,
        method="post",
        then=_questionnaire_is(2, "published"),
    ),
    "surveys:questionnaire_export": obj(
        _questionnaire_url("surveys:questionnaire_export", "v1", "xlsx"), shows=Q_TEXT
    ),
    "surveys:questionnaire_question_add": obj(
        _questionnaire_url("surveys:questionnaire_question_add", "v2")
    ),
    "surveys:questionnaire_question_edit": obj(
        _questionnaire_url("surveys:questionnaire_question_edit", "question"), shows=Q_TEXT
    ),
    "surveys:questionnaire_question_delete": obj(
        _questionnaire_url("surveys:questionnaire_question_delete", "question"),
        status=302,
        method="post",
        then=_questionnaire_is(2, "draft", 3),
    ),
    "surveys:questionnaire_question_move": obj(
        _questionnaire_url("surveys:questionnaire_question_move", "question", "down"),
        status=302,
        method="post",
    ),
}
URLS.update(QUESTIONNAIRE_URLS)


# ---------------------------------------------------------------------------------------
# Surveys: campaigns, their board, close and feedback.

CAMPAIGN_NAME = "2025年第三季度群众满意度调查"


def _campaign_url(name: str, *, unit: bool = False, query: str = "") -> Callable[[World], str]:
    """The URL ``name`` of county A's open campaign SV-2025Q3 (made inside the request's
    savepoint) on LC's survey leaf 001, surveying units A1 and A2 (one response on A2);
    ``unit``: with unit A2's pk after the campaign's."""

    def build(w: World) -> str:
        from django.utils import timezone

        from qingfeng.surveys.models import Campaign, SurveyLink, SurveyResponse
        from qingfeng.surveys.rules import new_token
        from tests.surveys.conftest import DEFAULT_QUOTA, make_questionnaire

        campaign = Campaign.objects.create(
            code="SV-2025Q3",
            name=CAMPAIGN_NAME,
            region=w.org.county_a,
            period="2025Q3",
            framework=w.lc.framework,
            indicator_code="001",
            version=make_questionnaire(w.org.county_a),
            quota_tiers=DEFAULT_QUOTA,
        )
        for surveyed in (w.org.unit_a1, w.org.unit_a2):
            link = SurveyLink.objects.create(campaign=campaign, unit=surveyed, token=new_token())
        SurveyResponse.objects.create(
            link=link, answers={"q1": 5}, score=100.0, submitted_at=timezone.now()
        )
        if name == "surveys:campaign_list":
            return reverse(name)
        args = [campaign.pk, w.org.unit_a2.pk] if unit else [campaign.pk]
        return reverse(name, args=args) + (f"?{query}" if query else "")

    return build


def _campaign_closed(w: World) -> None:
    from qingfeng.surveys.models import Campaign

    assert not Campaign.objects.get(code="SV-2025Q3").is_open


def _campaign_units(w: World) -> dict[str, Any]:
    return {"units": [w.org.unit_a1_sub.pk]}


CAMPAIGN_URLS: dict[str, Case] = {
    "surveys:campaign_list": scoped(_campaign_url("surveys:campaign_list"), (CAMPAIGN_NAME,)),
    "surveys:campaign_new": scoped(r("surveys:campaign_new"), A_UNITS),
    "surveys:campaign_detail": obj(_campaign_url("surveys:campaign_detail"), shows=A_UNITS),
    "surveys:campaign_board": obj(
        _campaign_url("surveys:campaign_board"), user="analyst_a", shows=A_UNITS
    ),
    "surveys:campaign_qr": obj(_campaign_url("surveys:campaign_qr", unit=True), shows=("<svg",)),
    "surveys:campaign_sheets": obj(_campaign_url("surveys:campaign_sheets")),
    "surveys:campaign_add_units": obj(
        _campaign_url("surveys:campaign_add_units"),
        method="post",
        status=302,
        data=_campaign_units,
    ),
    "surveys:campaign_close": obj(
        _campaign_url("surveys:campaign_close"),
        method="post",
        status=302,
        then=_campaign_closed,
    ),
}
URLS.update(CAMPAIGN_URLS)


# ---------------------------------------------------------------------------------------
# Surveys: the public answer pages of a campaign's links (anonymous).


def _survey_link(w: World) -> Any:
    """An open campaign of county A over unit A1 (made inside the request's savepoint)
    with its questionnaire, and A1's link."""
    from qingfeng.surveys.models import Campaign as SurveyCampaign
    from qingfeng.surveys.models import SurveyLink
    from qingfeng.surveys.rules import new_token
    from tests.surveys.conftest import make_questionnaire

    version = make_questionnaire(w.org.county_a)
    campaign = SurveyCampaign.objects.create(
        code="SV-URLS",
        name="2025年第三季度群众满意度调查",
        region=w.org.county_a,
        period="2025Q3",
        framework=w.lc.framework,
        indicator_code="001",
        version=version,
        quota_tiers={"tiers": [[None, 30]], "floor": 10},
    )
    return SurveyLink.objects.create(campaign=campaign, unit=w.org.unit_a1, token=new_token())


def _survey_answer_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"token": _survey_link(w).token})


def _survey_feedback_url(name: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        link = _survey_link(w)
        return reverse(name, kwargs={"pk": link.campaign_id, "unit_pk": link.unit_id})

    return build


def _survey_closed(w: World) -> dict[str, str]:
    """Close every campaign before the request: its links must answer 404."""
    from qingfeng.surveys.models import Campaign as SurveyCampaign

    SurveyCampaign.objects.update(status="closed")
    return {}


def _survey_stored(count: int) -> Callable[[World], None]:
    def check(w: World) -> None:
        from qingfeng.surveys.models import SurveyResponse

        assert SurveyResponse.objects.count() == count

    return check


def _public(name: str, shows: str) -> Case:
    """A public page of an open link: anyone (anonymous) gets it, showing nothing of
    another unit; once the campaign is closed, 404 (a POST too: test_answer_public.py)."""
    return Case(
        _survey_answer_url(name),
        Visit(None, 200, shows=(shows,), hides=("黎侯镇",)),
        Visit(None, 404, data=_survey_closed, then=_survey_stored(0)),
    )


PUBLIC_SURVEY_URLS: dict[str, Case] = {
    "answer:survey": _public("answer:survey", "黎城县教育局"),
    "answer:survey_thanks": _public("answer:survey_thanks", "感谢"),
    # A feedback of county A's campaign: its analyst reads it, county B's gets 404.
    "surveys:campaign_feedback": obj(
        _survey_feedback_url("surveys:campaign_feedback"),
        "analyst_a",
        "analyst_b",
        shows=("黎城县教育局", "问卷调查结果反馈"),
    ),
    "surveys:campaign_feedback_xlsx": obj(
        _survey_feedback_url("surveys:campaign_feedback_xlsx"),
        "admin_a",
        "admin_b",
        shows=("黎城县教育局",),
    ),
}
URLS.update(PUBLIC_SURVEY_URLS)


# ---------------------------------------------------------------------------------------
# Surveys: democratic evaluations and their slips.

APPRAISAL_NAME = "2025年述责述廉民主测评"


def _appraisal(w: World) -> Any:
    """County A's open appraisal of units A1 and A2 (LC's A3, 2025Q3), made inside the
    request's savepoint, two slips per team."""
    from qingfeng.surveys.models import Appraisal
    from qingfeng.surveys.services_appraisals import appraisal_create

    found = Appraisal.objects.filter(code="MZ-URL").first()
    return found or appraisal_create(
        actor=w.users["admin_a"],
        code="MZ-URL",
        name=APPRAISAL_NAME,
        region=w.org.county_a,
        period="2025Q3",
        meeting_date=None,
        framework=w.lc.framework,
        indicator_code="A3",
        units=[w.org.unit_a1, w.org.unit_a2],
        slips_per_unit=2,
    )


def _appraisal_url(name: str, *args: Any) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[_appraisal(w).pk, *(a(w) for a in args)])


def _slip_url(w: World) -> str:
    return reverse("answer:slip", args=[_appraisal(w).slips.first().code])


def _close_appraisal(w: World) -> dict[str, str]:
    """Before the anonymous visit outside: the appraisal is closed (no data sent)."""
    from qingfeng.surveys.services_appraisals import appraisal_close

    appraisal_close(appraisal=_appraisal(w), actor=None)
    return {}


APPRAISAL_URLS: dict[str, Case] = {
    "surveys:appraisal_list": scoped(
        lambda w: (_appraisal(w), reverse("surveys:appraisal_list"))[1], (APPRAISAL_NAME,)
    ),
    "surveys:appraisal_new": scoped(r("surveys:appraisal_new")),
    "surveys:appraisal_detail": obj(
        _appraisal_url("surveys:appraisal_detail"), shows=("黎城县教育局", "王建国")
    ),
    "surveys:appraisal_leaders": obj(
        _appraisal_url("surveys:appraisal_leaders", UNIT_A1), shows=("王建国",)
    ),
    "surveys:appraisal_slips_add": obj(
        _appraisal_url("surveys:appraisal_slips_add", UNIT_A1),
        status=302,
        method="post",
        data=lambda w: {"count": 2},
    ),
    "surveys:appraisal_entry": obj(_appraisal_url("surveys:appraisal_entry")),
    "surveys:appraisal_results": obj(
        _appraisal_url("surveys:appraisal_results"), "analyst_a", "analyst_b", shows=("王建国",)
    ),
    "surveys:appraisal_results_docx": obj(
        _appraisal_url("surveys:appraisal_results_docx"), "analyst_a", "analyst_b"
    ),
    "surveys:appraisal_results_xlsx": obj(
        _appraisal_url("surveys:appraisal_results_xlsx"),
        "analyst_a",
        "analyst_b",
        shows=("王建国",),
    ),
    "surveys:appraisal_slips_docx": obj(_appraisal_url("surveys:appraisal_slips_docx")),
    "surveys:appraisal_close": obj(
        _appraisal_url("surveys:appraisal_close"), status=302, method="post"
    ),
    # The public slip: anyone with an open slip's code; once closed, 404 for everyone.
    "answer:slip": Case(
        _slip_url,
        Visit(None, 200, shows=(APPRAISAL_NAME, "王建国")),
        Visit(None, 404, data=_close_appraisal),
    ),
    "answer:slip_thanks": Case(
        r("answer:slip_thanks"), Visit(None, 200), Visit(None, 200, hides=A_UNITS)
    ),
}
URLS.update(APPRAISAL_URLS)


# ---------------------------------------------------------------------------------------
# Surveys: cross evaluations and their raters' tables.

CROSS_NAME = "2025年第三季度镇街评部门"


def _cross(w: World) -> Any:
    """An open cross evaluation of county A (made inside the request's savepoint): 黎侯镇
    and the county's A1 principal rate the education bureau on LC's A3 for 2025Q3."""
    from qingfeng.surveys.models import CrossEvaluation, CrossRater

    evaluation = CrossEvaluation.objects.create(
        code="HP-A",
        name=CROSS_NAME,
        region=w.org.county_a,
        period="2025Q3",
        framework=w.lc.framework,
        indicator_code="A3",
        full_points=9.5,
    )
    evaluation.rated.set([w.org.unit_a1])
    CrossRater.objects.create(evaluation=evaluation, unit=w.org.unit_a2, token="tok-a2")
    return evaluation


def _cross_url(name: str, rater: bool = False) -> Callable[[World], str]:
    def build(w: World) -> str:
        evaluation = _cross(w)
        args = [evaluation.pk] + ([evaluation.raters.get().pk] if rater else [])
        return reverse(name, args=args)

    return build


def _cross_list(w: World) -> str:
    _cross(w)
    return reverse("surveys:cross_list")


def _cross_public(name: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        _cross(w)
        return reverse(name, args=["tok-a2"])

    return build


def _cross_closing(w: World) -> None:
    """Close every cross evaluation before the request: its links must answer 404."""
    from qingfeng.surveys.models import CrossEvaluation

    CrossEvaluation.objects.update(status="closed")


def _cross_status(status: str) -> Callable[[World], None]:
    def then(w: World) -> None:
        from qingfeng.surveys.models import CrossEvaluation

        assert CrossEvaluation.objects.get().status == status

    return then


def _cross_public_case(name: str, shows: tuple[str, ...]) -> Case:
    """A rater's public page: anonymous, open → 200; the evaluation closed → 404."""
    return Case(
        _cross_public(name),
        Visit(None, 200, shows=shows),
        Visit(None, 404, data=_cross_closing),  # type: ignore[arg-type]
    )


CROSS_URLS: dict[str, Case] = {
    "surveys:cross_list": scoped(_cross_list, (CROSS_NAME,)),
    "surveys:cross_new": scoped(r("surveys:cross_new"), A_UNITS),
    "surveys:cross_detail": obj(_cross_url("surveys:cross_detail"), shows=A_UNITS),
    "surveys:cross_results_xlsx": obj(
        _cross_url("surveys:cross_results_xlsx"), "analyst_a", "analyst_b", shows=A_UNITS
    ),
    "surveys:cross_close": obj(
        _cross_url("surveys:cross_close"),
        status=302,
        method="post",
        then=_cross_status("closed"),
    ),
    "surveys:cross_rater_add": obj(
        _cross_url("surveys:cross_rater_add"), status=302, method="post"
    ),
    "surveys:cross_rater_entry": obj(
        _cross_url("surveys:cross_rater_entry", rater=True), shows=A_UNITS
    ),
    "surveys:cross_rater_remove": obj(
        _cross_url("surveys:cross_rater_remove", rater=True), status=302, method="post"
    ),
    "surveys:cross_rater_blank": obj(
        _cross_url("surveys:cross_rater_blank", rater=True), shows=("黎城县教育局",)
    ),
    "answer:rater": _cross_public_case("answer:rater", (CROSS_NAME, "黎侯镇", "黎城县教育局")),
    "answer:rater_thanks": _cross_public_case("answer:rater_thanks", (CROSS_NAME,)),
}
URLS.update(CROSS_URLS)


# ---------------------------------------------------------------------------------------
# The tests


def named_urls() -> set[str]:
    """Every URL name the resolver knows, with its namespaces ("org:unit_list")."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if inner in SKIPPED_NAMESPACES:
                    continue
                prefix = f"{namespace}{inner}:" if inner else namespace
                yield from walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns, ""))


def test_every_url_has_an_entry() -> None:
    names = named_urls()
    missing = sorted(names - URLS.keys() - SKIPPED.keys())
    assert not missing, f"URLs without an entry in tests/test_every_url.py URLS: {missing}"
    stale = sorted((URLS.keys() | SKIPPED.keys()) - names)
    assert not stale, f"entries for URLs that no longer exist: {stale}"


def text_of(response: Any) -> str:
    """What a user reads in the answer: the page, the JSON, or the workbook's cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "json" in kind and content:
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8", errors="replace")


def request(world: World, url: str, visit: Visit) -> Any:
    client = world.client(visit.user)
    extra: dict[str, Any] = {}
    if visit.user and visit.user.startswith("token_"):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[visit.user[-1]]}"
    data = visit.data(world) if visit.data else None
    if visit.method == "post" and visit.user and visit.user.startswith("token_"):
        return client.post(url, data, content_type="application/json", **extra)
    return getattr(client, visit.method)(url, data, **extra)


def check(world: World, name: str, case: Case, visit: Visit) -> list[str]:
    """The problems of one visit (none: it answered as the table says)."""
    problems = []
    with transaction.atomic():
        url = case.url(world)
        response = request(world, url, visit)
        who = visit.user or "anonymous"
        if response.status_code != visit.status:
            problems.append(
                f"{name} ({visit.method.upper()} {url} as {who}): "
                f"{response.status_code}, expected {visit.status}"
            )
        else:
            text = text_of(response) if visit.shows or visit.hides else ""
            problems += [
                f"{name} as {who} does not show {t!r}" for t in visit.shows if t not in text
            ]
            problems += [f"{name} leaks {t!r} to {who}" for t in visit.hides if t in text]
            if visit.then:
                visit.then(world)
        transaction.set_rollback(True)
    return problems


def test_every_url_answers_a_user_inside_its_scope(world: World) -> None:
    problems = [p for name, case in URLS.items() for p in check(world, name, case, case.inside)]
    assert not problems, "\n".join(problems)


def test_every_url_answers_a_user_outside_its_scope(world: World) -> None:
    problems = [p for name, case in URLS.items() for p in check(world, name, case, case.outside)]
    assert not problems, "\n".join(problems)
