"""The ledger's pages by HTTP: who sees what (another unit's liaison gets 404 on every
page of a problem), the liaison's flow end to end and the station's verification, forms
refusing bad input at the field with nothing changed, notices, overdue from the day after
the deadline, and the ledger costing a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Framework
from qingfeng.inbox.models import Notice
from qingfeng.records.models import Record
from qingfeng.rectification import services
from qingfeng.rectification.evidence import problem_evidence_add
from qingfeng.rectification.models import (
    Campaign,
    Problem,
    ProblemEvidence,
    ProblemSource,
    ProblemState,
    StepAction,
)
from tests.conftest import client_for, make_user
from tests.rectification.conftest import Ledger

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 6, 1, 4, tzinfo=datetime.UTC)  # 12:00 in Shanghai


def act(problem: Problem, action: str) -> str:
    return reverse("rectification:problem_act", args=[problem.pk, action])


def detail(problem: Problem) -> str:
    return reverse("rectification:problem_detail", args=[problem.pk])


def test_another_units_liaison_gets_404_on_every_page_of_a_problem(ledger: Ledger) -> None:
    problem = ledger.problem()
    services.problem_submit_measures(
        problem=problem, measures="整改", actor=ledger.users["liaison_a"]
    )
    services.problem_accept_measures(problem=problem, actor=ledger.users["reviewer_a"])
    (file,) = problem_evidence_add(
        problem=problem,
        uploads=[SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 x")],
        actor=ledger.users["liaison_a"],
    )
    urls = [
        detail(problem),
        reverse("rectification:evidence", args=[file.pk]),
    ]
    posts = [act(problem, name) for name in ("measures", "report", "evidence", "close", "extend")]
    for outsider in ("liaison_b", "clerk_b", "reviewer_b"):
        client = ledger.client(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        for url in posts:
            assert client.post(url, {"report-text": "x"}).status_code == 404, (outsider, url)
        page = client.get(reverse("rectification:ledger"))
        assert problem.number not in page.content.decode()
    insider = ledger.client("liaison_a")
    assert insider.get(urls[0]).status_code == 200
    assert insider.get(urls[1]).status_code == 200
    problem.refresh_from_db()
    assert problem.state == ProblemState.RECTIFYING


def test_the_ledger_shows_each_user_their_scope(ledger: Ledger) -> None:
    a1 = ledger.problem(description="黎城县教育局的问题")
    sub = ledger.problem(unit=ledger.org.unit_a2, description="黎侯镇的问题")
    b1 = ledger.problem(
        unit=ledger.org.unit_b1, station=ledger.station_b, description="平顺县财政局的问题"
    )
    seen = {
        "admin_a": {a1, sub},
        "analyst_a": {a1, sub},
        "clerk_a": {a1, sub},
        "liaison_a": {a1},
        "liaison_b": {b1},
        "clerk_b": {b1},
    }
    for user, mine in seen.items():
        text = ledger.client(user).get(reverse("rectification:ledger")).content.decode()
        for problem in (a1, sub, b1):
            assert (problem.description in text) is (problem in mine), (user, problem)


def test_the_ledger_links_its_export_and_the_import_and_feeds_pages_to_who_may_use_them(
    ledger: Ledger,
) -> None:
    links = {
        "admin_a": {"export-ledger", "import-ledger", "ledger-feeds"},
        "clerk_a": {"export-ledger", "import-ledger"},
        "liaison_a": {"export-ledger"},
    }
    for user, shown in links.items():
        text = ledger.client(user).get(reverse("rectification:ledger")).content.decode()
        for link in ("export-ledger", "import-ledger", "ledger-feeds"):
            assert (f'data-testid="{link}"' in text) is (link in shown), (user, link)


def test_a_user_without_a_ledger_capability_gets_404(ledger: Ledger) -> None:
    leader = client_for(make_user("leader", Role.LEADER, person=ledger.org.person_a1))
    for name in ("ledger", "mine", "problem_new", "campaign_list", "campaign_new"):
        assert leader.get(reverse(f"rectification:{name}")).status_code == 404, name


def test_the_liaison_and_the_station_walk_a_problem_to_closed_by_http(ledger: Ledger) -> None:
    clerk, liaison, reviewer = (
        ledger.client("clerk_a"),
        ledger.client("liaison_a"),
        ledger.client("reviewer_a"),
    )
    entered = clerk.post(
        reverse("rectification:problem_new"),
        {
            "station": ledger.org.station_a.pk,
            "source": ProblemSource.AUDIT,
            "unit": ledger.org.unit_a1.pk,
            "problem_type": "四风",
            "description": "公务接待超标准",
            "responsible_person": "张三",
            "due": "2099-12-31",
        },
    )
    problem = Problem.objects.get()
    assert entered.status_code == 302 and entered["Location"] == detail(problem)
    assert Notice.objects.filter(recipient=ledger.users["liaison_a"]).count() == 1

    mine = liaison.get(reverse("rectification:mine")).content.decode()
    assert "公务接待超标准" in mine and 'data-testid="action-measures"' in mine
    answer = liaison.post(
        act(problem, "measures"), {"measures-text": "退回超标费用", "next": "mine"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("rectification:mine")
    assert Notice.objects.filter(recipient=ledger.users["reviewer_a"]).count() == 1

    page = reviewer.get(detail(problem)).content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="action-measures"' not in page
    assert reviewer.post(act(problem, "accept"), {"accept-text": ""}).status_code == 302

    report = liaison.post(
        act(problem, "report"),
        {
            "report-text": "已退回全部费用",
            "report-evidence": [
                SimpleUploadedFile("退款凭证.pdf", b"%PDF-1.4 a"),
                SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff jpg"),
            ],
        },
    )
    assert report.status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED and problem.result == "已退回全部费用"
    assert sorted(problem.evidence.values_list("name", flat=True)) == ["照片.jpg", "退款凭证.pdf"]
    download = reviewer.get(reverse("rectification:evidence", args=[problem.evidence.first().pk]))  # type: ignore[union-attr]
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"

    assert reviewer.post(act(problem, "close"), {"close-text": "核查属实"}).status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.closed_on_time
    steps = list(problem.steps.values_list("action", "actor__username", "text"))
    assert steps == [
        (StepAction.CREATED, "clerk_a", ""),
        (StepAction.MEASURES, "liaison_a", "退回超标费用"),
        (StepAction.ACCEPTED, "reviewer_a", ""),
        (StepAction.REPORTED, "liaison_a", "已退回全部费用"),
        (StepAction.CLOSED, "reviewer_a", "核查属实"),
    ]
    states = list(problem.history.order_by("history_id").values_list("state", flat=True))
    assert states == ["open", "measures", "rectifying", "reported", "closed"]
    # The unit was told of the entry, the acceptance and the close; the station of the
    # measures and the report.
    liaison_titles = list(
        Notice.objects.filter(recipient=ledger.users["liaison_a"]).values_list("title", flat=True)
    )
    assert len(liaison_titles) == 3
    assert Notice.objects.filter(recipient=ledger.users["clerk_a"]).count() == 2
    page = liaison.get(detail(problem)).content.decode()
    assert "核查属实" in page and 'data-testid="no-action"' in page


def test_the_station_sends_back_with_a_reason_and_extends_with_one(ledger: Ledger) -> None:
    problem = ledger.problem(due="2099-06-30")
    services.problem_submit_measures(problem=problem, measures="整改", actor=None)
    reviewer = ledger.client("reviewer_a")
    refused = reviewer.post(act(problem, "send_back"), {"send_back-text": "  "})
    assert refused.status_code == 200
    assert 'data-field="text"' in refused.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.MEASURES and problem.steps.count() == 2
    assert (
        reviewer.post(act(problem, "send_back"), {"send_back-text": "措施不具体"}).status_code
        == 302
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    notice = Notice.objects.filter(recipient=ledger.users["liaison_a"]).first()
    assert notice is not None and "措施不具体" in notice.body

    bad = reviewer.post(act(problem, "extend"), {"extend-due": "2099-01-01", "extend-text": "x"})
    assert 'data-field="due"' in bad.content.decode()
    problem.refresh_from_db()
    assert problem.due == datetime.date(2099, 6, 30)
    ok = reviewer.post(
        act(problem, "extend"), {"extend-due": "2099-09-30", "extend-text": "需追缴资金"}
    )
    assert ok.status_code == 302
    problem.refresh_from_db()
    step = problem.steps.last()
    assert problem.due == datetime.date(2099, 9, 30)
    assert step is not None and step.action == StepAction.EXTENDED and step.text == "需追缴资金"


def test_a_move_the_user_may_not_make_is_refused_and_changes_nothing(ledger: Ledger) -> None:
    problem = ledger.problem()
    liaison, reviewer = ledger.client("liaison_a"), ledger.client("reviewer_a")
    # The reviewer does not rectify; the liaison does not verify.
    assert reviewer.post(act(problem, "measures"), {"measures-text": "x"}).status_code == 403
    assert liaison.post(act(problem, "extend"), {"extend-due": "2099-01-01"}).status_code == 403
    assert liaison.post(act(problem, "unknown"), {}).status_code == 404
    # Out of order: closing an open problem.
    wrong = ledger.client("admin_a").post(act(problem, "close"), {"close-text": ""})
    assert wrong.status_code == 200 and 'data-testid="form-error"' in wrong.content.decode()
    # Empty measures: refused at the field.
    empty = liaison.post(act(problem, "measures"), {"measures-text": ""})
    assert 'data-field="text"' in empty.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN and problem.steps.count() == 1


def test_a_bad_evidence_file_refuses_the_report_too(ledger: Ledger, settings: object) -> None:
    problem = ledger.problem()
    services.problem_submit_measures(problem=problem, measures="整改", actor=None)
    services.problem_accept_measures(problem=problem, actor=None)
    answer = ledger.client("liaison_a").post(
        act(problem, "report"),
        {"report-text": "已整改", "report-evidence": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert answer.status_code == 200
    assert 'data-field="evidence"' in answer.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.RECTIFYING and not ProblemEvidence.objects.exists()


def test_entering_a_problem_refuses_bad_input_at_the_field(ledger: Ledger) -> None:
    clerk = ledger.client("clerk_a")
    base = {
        "station": ledger.org.station_a.pk,
        "source": ProblemSource.INSPECTION,
        "unit": ledger.org.unit_a1.pk,
        "description": "问题",
        "due": "2099-01-01",
    }
    cases = {
        "description": {**base, "description": ""},
        "due": {**base, "due": "2000-01-01"},
        "unit": {**base, "unit": ledger.org.unit_b1.pk},  # not the clerk's
        "station": {**base, "station": ledger.station_b.pk},  # not the clerk's
        "source": {**base, "source": ProblemSource.WARNING},  # warnings open their own
    }
    for field, data in cases.items():
        answer = clerk.post(reverse("rectification:problem_new"), data)
        assert answer.status_code == 200, field
        assert f'data-field="{field}"' in answer.content.decode(), field
    assert not Problem.objects.exists()
    # A liaison or an analyst does not enter problems.
    assert ledger.client("liaison_a").get(reverse("rectification:problem_new")).status_code == 404


def test_a_record_with_a_problem_type_opens_a_problem(ledger: Ledger) -> None:
    framework = Framework.objects.create(code="LK", name="测试体系", region=ledger.org.city)
    record = Record.objects.create(
        framework=framework,
        indicator_code="A1",
        unit=ledger.org.unit_a1,
        date=datetime.date(2026, 5, 1),
        quantity=1,
        problem_type="四风",
        note="公车私用被通报",
        station=ledger.org.station_a,
        created_by=ledger.users["clerk_a"],
    )
    clerk = ledger.client("clerk_a")
    url = reverse("rectification:problem_new") + f"?record={record.pk}"
    mine = clerk.get(reverse("records:my_records")).content.decode()
    assert f'href="{url}" data-testid="open-problem"' in mine
    form = clerk.get(url)
    text = form.content.decode()
    assert (
        form.status_code == 200 and "公车私用被通报" in text and 'data-testid="from-record"' in text
    )
    assert form.context["form"].initial["unit"] == ledger.org.unit_a1.pk
    data = {
        "record": record.pk,
        "station": ledger.org.station_a.pk,
        "source": ProblemSource.RECORD,
        "unit": ledger.org.unit_a1.pk,
        "problem_type": "四风",
        "description": "公车私用被通报",
        "due": "2099-01-01",
    }
    assert clerk.post(reverse("rectification:problem_new"), data).status_code == 302
    problem = Problem.objects.get()
    assert problem.record == record and problem.source == ProblemSource.RECORD
    # Another county's clerk cannot open it.
    assert ledger.client("clerk_b").get(url).status_code == 404


def test_overdue_from_the_day_after_the_deadline_on_the_board(ledger: Ledger) -> None:
    ledger.problem(due="2026-06-30")
    url = reverse("rectification:ledger")
    client = ledger.client("admin_a")
    with time_machine.travel(datetime.datetime(2026, 6, 30, 4, tzinfo=datetime.UTC)):
        page = client.get(url)
        assert page.context["page"].board.overdue == 0
        assert client.get(url + "?overdue=yes").context["page"].rows == []
    with time_machine.travel(datetime.datetime(2026, 7, 1, 4, tzinfo=datetime.UTC)):
        page = client.get(url)
        assert page.context["page"].board.overdue == 1
        assert len(client.get(url + "?overdue=yes").context["page"].rows) == 1
        assert 'data-testid="overdue"' in page.content.decode()


def test_a_problem_closed_after_its_deadline_shows_closed_late(ledger: Ledger) -> None:
    with time_machine.travel(NOON):
        problem = ledger.problem(due="2026-06-10")
        services.problem_submit_measures(problem=problem, measures="整改", actor=None)
        services.problem_accept_measures(problem=problem, actor=None)
        services.problem_report_done(problem=problem, result="完成", actor=None)
    with time_machine.travel(datetime.datetime(2026, 6, 11, 4, tzinfo=datetime.UTC)):
        services.problem_close(problem=problem, actor=None)
        client = ledger.client("admin_a")
        page = client.get(reverse("rectification:ledger"))
        assert page.context["page"].board.closed_late == 1
        late = client.get(reverse("rectification:ledger") + "?overdue=late")
        assert [p.pk for p in late.context["page"].rows] == [problem.pk]
        assert 'data-testid="closed-late"' in client.get(detail(problem)).content.decode()


def test_the_ledger_filters(ledger: Ledger) -> None:
    audit = ledger.problem(source=ProblemSource.AUDIT, description="审计发现的资金问题")
    ledger.problem(source=ProblemSource.PETITION, description="信访反映的问题")
    client = ledger.client("admin_a")
    url = reverse("rectification:ledger")
    for query in ("source=audit", "q=资金", "problem_type=四风&q=资金", f"q={audit.number}"):
        rows = client.get(f"{url}?{query}").context["page"].rows
        assert [p.pk for p in rows] == [audit.pk], query
    # A wrong value is dropped rather than refused.
    assert len(client.get(f"{url}?state=bogus&due_from=x").context["page"].rows) == 2


def test_the_ledger_costs_the_same_queries_whatever_the_rows(ledger: Ledger) -> None:
    client = ledger.client("admin_a")
    url = reverse("rectification:ledger")
    ledger.problem()
    client.get(url)  # the session, warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(30):
        ledger.problem(unit=ledger.org.unit_a2 if i % 2 else None, description=f"问题{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["page"].rows) == 31
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 14


def test_a_commission_administrator_runs_a_campaign(ledger: Ledger) -> None:
    admin = ledger.client("admin_a")
    refused = admin.post(
        reverse("rectification:campaign_new"), {"region": ledger.org.county_a.pk, "name": ""}
    )
    assert 'data-field="name"' in refused.content.decode()
    outside = admin.post(
        reverse("rectification:campaign_new"),
        {"region": ledger.org.county_a.pk, "name": "专项", "departments": [ledger.org.unit_b1.pk]},
    )
    assert 'data-field="departments"' in outside.content.decode()
    created = admin.post(
        reverse("rectification:campaign_new"),
        {
            "region": ledger.org.county_a.pk,
            "name": "违规发放津补贴专项整治",
            "problem_type": "四风",
            "departments": [ledger.org.unit_a1.pk],
            "due": "2099-12-31",
        },
    )
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    first, second = ledger.problem(), ledger.problem(unit=ledger.org.unit_a2)
    services.problem_submit_measures(problem=second, measures="整改", actor=None)
    other = ledger.problem(unit=ledger.org.unit_b1, station=ledger.station_b)
    attach = reverse("rectification:campaign_attach")
    # A problem the administrator does not see: 404, nothing attached.
    assert (
        admin.post(attach, {"campaign": campaign.pk, "ids": [first.pk, other.pk]}).status_code
        == 404
    )
    assert not Problem.objects.filter(campaign=campaign).exists()
    done = admin.post(attach, {"campaign": campaign.pk, "ids": [first.pk, second.pk]})
    assert done.status_code == 302
    page = admin.get(reverse("rectification:campaign_detail", args=[campaign.pk]))
    counts = {c.state: c.count for c in page.context["board"].cells}
    assert counts == {"open": 1, "measures": 1, "rectifying": 0, "reported": 0, "closed": 0}
    listing = admin.get(reverse("rectification:campaign_list")).content.decode()
    assert "违规发放津补贴专项整治" in listing
    first.refresh_from_db()
    assert first.history.count() == 2  # entered, attached
    # The liaison of A1 (a responsible department) sees it; B's liaison and admin do not.
    assert ledger.client("liaison_a").get(page.request["PATH_INFO"]).status_code == 200
    for outsider in ("liaison_b", "clerk_b"):
        client = ledger.client(outsider)
        assert client.get(page.request["PATH_INFO"]).status_code == 404
        assert (
            "违规发放津补贴专项整治"
            not in client.get(reverse("rectification:campaign_list")).content.decode()
        )
    # A station reviewer does not run campaigns.
    assert ledger.client("reviewer_a").get(reverse("rectification:campaign_new")).status_code == 404
    assert (
        ledger.client("reviewer_a")
        .post(attach, {"campaign": campaign.pk, "ids": [first.pk]})
        .status_code
        == 404
    )


def test_the_home_page_counts_the_problems_to_rectify_and_to_verify(ledger: Ledger) -> None:
    overdue = ledger.problem(due="2026-01-31")
    services.problem_submit_measures(problem=overdue, measures="整改", actor=None)
    ledger.problem(due="2099-01-31")
    with time_machine.travel(NOON):
        liaison = ledger.client("liaison_a").get(reverse("core:home")).content.decode()
        reviewer = ledger.client("reviewer_a").get(reverse("core:home")).content.decode()
        outsider = ledger.client("liaison_b").get(reverse("core:home")).content.decode()
    assert 'data-testid="to-rectify" data-count="2"' in liaison and "1 个逾期" in liaison
    assert 'data-testid="to-verify" data-count="1"' in reviewer
    assert 'data-testid="to-rectify" data-count="0"' in outsider
