"""Problem tallies (issue 17): the table the problem analysis reads equals the direct count
of the approved problem records after every change the services make (import, typed
record, approval, a draft deleted), is recounted whole when the version in force changes,
and is rebuilt by its command."""

from __future__ import annotations

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from qingfeng.accounts.models import User
from qingfeng.framework.models import FrameworkVersion, Indicator, VersionStatus
from qingfeng.records.entry_services import record_delete_draft
from qingfeng.records.models import ProblemTally, ProblemTallyMonth, Record, RecordStatus
from qingfeng.records.review import records_approve
from qingfeng.records.services import record_create, records_import
from qingfeng.records.tallies import ProblemRules, month_of, months_between, tallies_cover
from tests.records.conftest import Setup

pytestmark = pytest.mark.django_db

Key = tuple[datetime.date, int, int | None, str]
START, END = datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)

# A1 deduct per 2, A6 veto, B1 deduct per 1, B2 deduct without per; A2 bonus, A5 survey.
FILE = """unit,indicator,date,points,quantity,grade,value,problem_type
A1,A1,2025-02-03,,2,,,四风
A1,A1,2025-02-20,,,,,
A1-1,A1,2025-02-21,3.5,,,,四风
A2,B1,2025-03-01,,4,,,
A2,B2,2025-03-02,1.5,,,,形式主义官僚主义
A1,A6,2025-05-05,,,,,违反中央八项规定精神
A1,A2,2025-05-06,,,一档,,
A2,A5,2025-05-07,,,,80,四风
A1-1,A5,2025-06-30,,,,90,
"""


def direct(setup: Setup) -> dict[Key, tuple[int, float]]:
    """The problem records counted straight from the records, by the tally's key."""
    rules = ProblemRules(setup.framework, START, END)
    records = Record.objects.filter(
        rules.condition(), framework=setup.framework, status=RecordStatus.APPROVED
    ).annotate(deducted=rules.deducted())
    counted: dict[Key, list[float]] = defaultdict(lambda: [0, 0.0])
    for day, unit, station, problem_type, deducted in records.values_list(
        "date", "unit_id", "station_id", "problem_type", "deducted"
    ):
        cell = counted[(month_of(day), unit, station, problem_type)]
        cell[0] += 1
        cell[1] += deducted
    return {key: (int(n), points) for key, (n, points) in counted.items()}


def tallied(setup: Setup) -> dict[Key, tuple[int, float]]:
    rows = ProblemTally.objects.filter(framework=setup.framework).values_list(
        "month", "unit_id", "station_id", "problem_type", "records", "deducted"
    )
    found: dict[Key, tuple[int, float]] = {}
    for month, unit, station, problem_type, n, points in rows:
        key = (month, unit, station, problem_type)
        assert key not in found, key  # one row per key
        found[key] = (n, points)
    return found


def covered(setup: Setup, start: datetime.date, end: datetime.date) -> bool:
    rules = ProblemRules(setup.framework, start, end)
    months = months_between(start, end)
    return tallies_cover(framework=setup.framework, rules=rules, months=months)


def imported(setup: Setup, text: str) -> None:
    result = records_import(
        data=text.replace("\n", "\r\n").encode(), filename="r.csv", framework=setup.framework
    )
    assert not result.issues, result.issues
    assert result.created


def test_the_tallies_equal_the_records_after_an_import(setup: Setup) -> None:
    imported(setup, FILE)
    expected = direct(setup)
    assert tallied(setup) == expected
    a1, a1_sub, a2 = setup.org.unit_a1, setup.org.unit_a1_sub, setup.org.unit_a2
    feb, mar, may = (datetime.date(2025, m, 1) for m in (2, 3, 5))
    # By hand: A1's two A1 deductions (2 x 2 and 1 x 2), A1-1's own 3.5 points, A2's B1
    # (4 x 1) and B2 (its own 1.5 points), A1's veto (0); the award and the surveys are no problems
    # except the survey naming a problem type (0 points).
    assert expected == {
        (feb, a1.pk, None, "四风"): (1, 4.0),
        (feb, a1.pk, None, ""): (1, 2.0),
        (feb, a1_sub.pk, None, "四风"): (1, 3.5),
        (mar, a2.pk, None, ""): (1, 4.0),
        (mar, a2.pk, None, "形式主义官僚主义"): (1, 1.5),
        (may, a1.pk, None, "违反中央八项规定精神"): (1, 0.0),
        (may, a2.pk, None, "四风"): (1, 0.0),
    }
    # Every month of the import is complete (June has a survey only: counted, no rows).
    assert set(ProblemTallyMonth.objects.values_list("month", flat=True)) == {
        feb,
        mar,
        may,
        datetime.date(2025, 6, 1),
    }
    assert covered(setup, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_the_tallies_follow_a_typed_record_and_an_approval(setup: Setup, actor: User) -> None:
    imported(setup, FILE)
    org = setup.org
    record_create(
        framework=setup.framework,
        indicator_code="A1",
        unit=org.unit_a2,
        date=datetime.date(2025, 2, 14),
        actor=None,
        quantity=3,
        problem_type="四风",
        status=RecordStatus.APPROVED,
    )
    assert tallied(setup) == direct(setup)
    submitted = [
        Record.objects.create(
            framework=setup.framework,
            indicator_code=code,
            unit=unit,
            date=datetime.date.fromisoformat(day),
            quantity=2,
            problem_type=problem_type,
            status=RecordStatus.SUBMITTED,
            station=org.station_a,
        )
        for code, unit, day, problem_type in [
            ("A1", org.unit_a1, "2025-02-25", "四风"),  # a month already counted
            ("B1", org.unit_a2, "2025-08-01", ""),  # a month never counted
            ("A5", org.unit_a1_sub, "2025-08-02", ""),  # no problem
        ]
    ]
    before = tallied(setup)
    assert before == direct(setup)  # submitted records count nowhere yet
    records_approve(records=submitted, actor=actor)
    after = tallied(setup)
    assert after == direct(setup) and after != before
    assert after[(datetime.date(2025, 2, 1), org.unit_a1.pk, org.station_a.pk, "四风")] == (1, 4.0)
    assert after[(datetime.date(2025, 8, 1), org.unit_a2.pk, org.station_a.pk, "")] == (1, 2.0)


def test_deleting_a_draft_leaves_the_tallies_equal(setup: Setup, actor: User) -> None:
    imported(setup, FILE)
    draft = Record.objects.create(
        framework=setup.framework,
        indicator_code="A1",
        unit=setup.org.unit_a1,
        date=datetime.date(2025, 2, 27),
        quantity=1,
        created_by=actor,
    )
    before = tallied(setup)
    record_delete_draft(record=draft, actor=actor)
    assert tallied(setup) == before == direct(setup)


def test_another_version_in_force_makes_the_months_stale_until_recounted(setup: Setup) -> None:
    imported(setup, FILE)
    assert covered(setup, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    # A second 2025 version where A1 is no longer a deduction (published past the
    # services, as publishing does not recount).
    version = FrameworkVersion.objects.create(
        framework=setup.framework,
        number=2,
        name="2025 版（修订）",
        year=2025,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "red", "below": 0.6}],
    )
    Indicator.objects.create(
        version=version, code="A1", name="A1", max=20, position=0, rule={"type": "direct"}
    )
    assert not covered(setup, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    # The next change recounts its months whole with the new version.
    imported(setup, "unit,indicator,date,points\nA2,A1,2025-02-10,1\n")
    feb = datetime.date(2025, 2, 1)
    a1, a1_sub = setup.org.unit_a1, setup.org.unit_a1_sub

    def of_february(counts: dict[Key, tuple[int, float]]) -> dict[Key, tuple[int, float]]:
        return {key: value for key, value in counts.items() if key[0] == feb}

    # A1 now adds points: only its records naming a type are problems, deducting nothing.
    assert (
        of_february(tallied(setup))
        == of_february(direct(setup))
        == {
            (feb, a1.pk, None, "四风"): (1, 0.0),
            (feb, a1_sub.pk, None, "四风"): (1, 0.0),
        }
    )
    assert covered(setup, datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    assert not covered(setup, datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    call_command("rebuild_problem_tallies", "--framework", "LK", stdout=StringIO())
    assert covered(setup, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert tallied(setup) == direct(setup)


def test_records_written_past_the_services_are_caught_up_by_the_command(setup: Setup) -> None:
    imported(setup, FILE)
    Record.objects.filter(problem_type="四风").delete()
    assert tallied(setup) != direct(setup)
    out = StringIO()
    call_command("rebuild_problem_tallies", stdout=out)
    assert tallied(setup) == direct(setup)
    assert "LK" in out.getvalue()
    # A month never counted but holding an approved record is not covered.
    Record.objects.create(
        framework=setup.framework,
        indicator_code="A3",
        unit=setup.org.unit_a1,
        date=datetime.date(2025, 10, 1),
        points=1,
        status=RecordStatus.APPROVED,
    )
    assert covered(setup, datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    assert not covered(setup, datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
