"""The ledger fed into the scores: per unit, problems closed on time ÷ problems due in the
period, as approved rate records of the indicator's station, counted by hand on a
constructed case; a rerun adds nothing, a change updates; the scores move through the
usual recompute."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.lib.periods import Period
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.rescore import period_recompute
from qingfeng.rectification import services
from qingfeng.rectification.feedback import (
    ended_periods,
    feed_ended,
    feed_ledger,
    ledger_feeds_set,
)
from qingfeng.rectification.models import LedgerFeed, Problem, ProblemSource, ProblemState
from qingfeng.scoring.models import Snapshot
from tests.conftest import Org, add, client_for, make_user

pytestmark = pytest.mark.django_db

Q3 = Period(2026, "Q", 3)
TODAY = datetime.date(2026, 10, 15)


@pytest.fixture
def framework(org: Org) -> Framework:
    """R: a rate leaf (10 points, zero at 60 %, full at 100 %) of ST-A; D: a deduction."""
    framework = Framework.objects.create(code="ZG", name="整改体系", region=org.city)
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="整改体系",
        year=2026,
        scale=100,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "red", "below": 0.6}],
    )
    group = add(version, "G", None, 20)
    add(
        version,
        "R",
        group,
        10,
        rule={"type": "rate", "zero_at": 60, "full_at": 100},
        station=org.station_a,
    )
    add(version, "D", group, 10, rule={"type": "deduct", "per": 2}, station=org.station_a)
    LedgerFeed.objects.create(framework=framework, indicator_code="R")
    return framework


def _problem(org_unit: object, due: str, closed: str | None = None, **kw: object) -> Problem:
    problem = services.problem_create(
        actor=None,
        unit=org_unit,
        source=kw.pop("source", ProblemSource.INSPECTION),
        description=f"问题 {due}",
        due=datetime.date.fromisoformat(due),
    )
    if closed is not None:
        at = timezone.make_aware(datetime.datetime.fromisoformat(closed + "T16:00"))
        Problem.objects.filter(pk=problem.pk).update(state=ProblemState.CLOSED, closed_at=at)
    return problem


@pytest.fixture
def ledger(org: Org) -> None:
    """A1: due in Q3 on time, late, still open, and one due in Q4 (not counted): 1 of 3.
    A2: one due in Q3 closed on its deadline day: 1 of 1. A1-1 and B1: nothing due."""
    _problem(org.unit_a1, "2026-08-01", closed="2026-07-30")
    _problem(org.unit_a1, "2026-09-01", closed="2026-09-10")
    _problem(org.unit_a1, "2026-09-30")
    _problem(org.unit_a1, "2026-10-05", closed="2026-09-01")
    _problem(org.unit_a2, "2026-07-15", closed="2026-07-15")


def _fed() -> dict[str, tuple[float | None, str]]:
    return {
        r.unit.code: (r.value, r.external_id)
        for r in Record.objects.filter(indicator_code="R").select_related("unit")
    }


def test_the_records_equal_a_hand_count(org: Org, framework: Framework, ledger: None) -> None:
    result = feed_ledger(framework=framework, period=Q3, today=TODAY)
    assert result.created == 2
    assert _fed() == {
        "A1": (pytest.approx(100 / 3, abs=1e-4), "ledger:ZG:R:2026Q3:A1"),
        "A2": (100.0, "ledger:ZG:R:2026Q3:A2"),
    }
    record = Record.objects.get(unit=org.unit_a1, indicator_code="R")
    assert record.status == RecordStatus.APPROVED and record.station == org.station_a
    assert record.date == Q3.end and "1" in record.note and "3" in record.note
    assert record.history.count() == 1


def test_a_rerun_adds_nothing_and_a_change_updates_with_history(
    org: Org, framework: Framework, ledger: None
) -> None:
    feed_ledger(framework=framework, period=Q3, today=TODAY)
    again = feed_ledger(framework=framework, period=Q3, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # The open problem is extended into Q4: A1 now has 1 of 2 due in Q3.
    open_one = Problem.objects.get(unit=org.unit_a1, due="2026-09-30")
    services.problem_extend(
        problem=open_one, due=datetime.date(2026, 11, 30), reason="需协调", actor=None
    )
    changed = feed_ledger(framework=framework, period=Q3, today=TODAY)
    assert (changed.created, changed.updated) == (0, 1)
    record = Record.objects.get(unit=org.unit_a1, indicator_code="R")
    assert record.value == 50.0 and record.history.count() == 2
    assert Record.objects.filter(indicator_code="R").count() == 2


def test_the_scores_change_through_the_usual_recompute(
    org: Org, framework: Framework, ledger: None
) -> None:
    period_recompute(framework=framework, period=Q3)
    before = Snapshot.objects.get(unit=org.unit_a2, period="2026Q3")
    # Nothing recorded: D keeps its 10 points, R is not assessed.
    assert (before.raw, before.applicable_max) == (10, 10)
    feed_ledger(framework=framework, period=Q3, today=TODAY)
    a1 = Snapshot.objects.get(unit=org.unit_a1, period="2026Q3")
    a2 = Snapshot.objects.get(unit=org.unit_a2, period="2026Q3")
    # A2: 100 % → R full (10); A1: 33.3 % is below 60 % → R 0. Both now out of 20.
    assert (a2.raw, a2.applicable_max, a2.total) == (20, 20, 100)
    assert (a1.raw, a1.applicable_max, a1.total) == (10, 20, 50)
    assert Snapshot.objects.get(unit=org.unit_a1, period="2026").applicable_max == 20


def test_sources_limit_what_counts(org: Org, framework: Framework, ledger: None) -> None:
    LedgerFeed.objects.filter(indicator_code="R").update(sources=[ProblemSource.AUDIT])
    _problem(org.unit_a1, "2026-09-20", source=ProblemSource.AUDIT)
    feed_ledger(framework=framework, period=Q3, today=TODAY)
    assert _fed() == {"A1": (0.0, "ledger:ZG:R:2026Q3:A1")}


def test_a_period_not_ended_is_refused(framework: Framework) -> None:
    with pytest.raises(ValidationError):
        feed_ledger(framework=framework, period=Q3, today=datetime.date(2026, 9, 30))


def test_the_daily_run_feeds_the_ended_quarters_and_the_command_says_so(
    framework: Framework, ledger: None
) -> None:
    assert [str(p) for p in ended_periods(kind="Q", today=TODAY)] == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    runs = feed_ended(today=TODAY)
    assert [(run.period, run.result.created) for run in runs] == [
        ("2026Q1", 0),
        ("2026Q2", 0),
        ("2026Q3", 2),
    ]  # 2025Q4: no version in force
    out = io.StringIO()
    call_command("feed_ledger", "--framework", "ZG", "--period", "2026Q3", today=TODAY, stdout=out)
    assert "0" in out.getvalue() and Record.objects.filter(indicator_code="R").count() == 2


def test_the_feeds_page_chooses_rate_leaves_and_their_sources(
    org: Org, framework: Framework
) -> None:
    city_admin = make_user("city", "commission_admin", region=org.city)
    client = client_for(city_admin)
    url = reverse("rectification:feeds") + "?framework=ZG"
    page = client.get(url)
    assert page.status_code == 200
    assert [row["leaf"].code for row in page.context["rows"]] == ["R"]  # not the deduction D
    response = client.post(url, {"fed": ["R", "D"], "sources-R": ["audit", "petition"]})
    assert response.status_code == 302
    feed = LedgerFeed.objects.get(framework=framework)
    assert (feed.indicator_code, feed.sources) == ("R", ["audit", "petition"])
    assert feed.history.count() == 2
    client.post(url, {})
    assert not LedgerFeed.objects.filter(framework=framework).exists()
    with pytest.raises(ValidationError):
        ledger_feeds_set(framework=framework, feeds={"D": []}, actor=None)
    outsider = make_user("admin_b", "commission_admin", region=org.county_b)
    assert client_for(outsider).get(url).status_code == 404
    liaison = make_user("liaison", "unit_liaison", unit=org.unit_a1)
    assert client_for(liaison).get(url).status_code == 403
