"""Nil returns by Excel: a row with 是 in the template's 零报告 column is a nil return for
its unit and indicator in the open collection period containing its date; nil rows become
nil returns (one per indicator) in the records' all-or-nothing transaction, and a nil row
that conflicts with a record (of the file or stored) or carries values is a located
error."""

from __future__ import annotations

import pytest

from qingfeng.accounts.models import User
from qingfeng.records.models import NilReturn, NilReturnStatus, Record, RecordSource
from qingfeng.records.nil_returns import nil_return_file
from tests.records import test_excel
from tests.records.conftest import Setup
from tests.records.test_excel import english, filled, template_of, upload

opened, clerk, media = test_excel.opened, test_excel.clerk, test_excel.media

pytestmark = pytest.mark.django_db

# unit, indicator, date, points, quantity, grade, value, problem_type, note, 零报告
NIL = "是"


def row(
    unit: str, code: str, *values: object, nil: str | None = None, day: str = "2026-05-03"
) -> list[object]:
    cells: list[object] = [unit, code, day, *values]
    cells += [None] * (9 - len(cells))
    return [*cells, nil]


def page_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_it_files_nil_returns_from_nil_rows_with_the_records(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    data = filled(
        template_of(client),
        [
            row("A1", "A1", None, 2),  # a record
            row("A1-1", "A1", nil=NIL),
            row("A2", "A1", None, None, None, None, None, "本年无", nil=NIL),
            row("A2", "B2", nil=NIL),
            row("A1", "A2", nil="否"),  # not nil: a record needing a number
        ],
    )
    response = upload(client, data)
    assert response.status_code == 200  # the last row is an incomplete record
    assert "row 6, column points: points or a grade are required" in page_of(response)
    assert not NilReturn.objects.exists() and not Record.objects.exists()
    fixed = filled(
        template_of(client),
        [
            row("A1", "A1", None, 2),
            row("A1-1", "A1", nil=NIL),
            row("A2", "A1", None, None, None, None, None, "本年无", nil=NIL),
            row("A2", "B2", nil=NIL),
        ],
    )
    response = upload(client, fixed)
    assert response.status_code == 302
    page = page_of(client.get(response["Location"]))
    assert "2 nil returns filed from the file&#x27;s nil rows" in page
    assert Record.objects.count() == 1
    nils = {n.indicator_code: n for n in NilReturn.objects.all()}
    assert sorted(nils["A1"].lines.values_list("unit__code", flat=True)) == ["A1-1", "A2"]
    assert list(nils["B2"].lines.values_list("unit__code", flat=True)) == ["A2"]
    a1 = nils["A1"]
    assert (a1.period, a1.status, a1.source) == ("2026", NilReturnStatus.SUBMITTED, "imported")
    assert a1.created_by == clerk and a1.note == "本年无"
    assert a1.history.get().history_user == clerk  # type: ignore[attr-defined]
    assert Record.objects.get().source == RecordSource.IMPORTED


def test_it_refuses_a_nil_row_that_conflicts_or_carries_values(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    data = filled(
        template_of(client),
        [
            row("A1", "A1", None, 2),  # row 2: a record of A1 on A1 in 2026
            row("A1", "A1", nil=NIL),  # row 3: a nil return of the same cell
            row("A2", "A1", 3, nil=NIL),  # row 4: a nil row with points
            row("A2", "A3", nil=NIL),  # row 5: a direct score takes no nil return
            row("A2", "B2", nil="可能"),  # row 6: not a yes or no
            row("A2", "B2", nil=NIL, day="2026-02-10"),  # row 7: in the closed 2026Q1
        ],
    )
    response = upload(client, data)
    assert response.status_code == 200
    page = page_of(response)
    for expected in (
        "row 3, column nil: row 2 of this file already gives this unit and indicator a record",
        "row 4, column points: a nil row leaves this column empty",
        "row 5, column indicator: A3 takes no nil return",
        "row 6, column nil: write 是 for a nil return, or leave it empty",
        "row 7, column date: 2026-02-10 is not in an open collection period of LK",
    ):
        assert expected in page.replace("&quot;", '"'), expected
    assert not NilReturn.objects.exists() and not Record.objects.exists()


def test_it_refuses_nil_rows_and_records_against_what_is_stored(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    assert (
        upload(client, filled(template_of(client), [row("A1", "A1", None, 2)])).status_code == 302
    )
    nil_return_file(
        framework=opened.framework,
        station=opened.org.station_a,
        indicator_code="A2",
        period="2026",
        units=[opened.org.unit_a2],
        actor=clerk,
    )
    data = filled(
        template_of(client),
        [
            row("A1", "A1", nil=NIL),  # row 2: A1 has a record on A1 in 2026
            row("A2", "A2", None, None, "一档"),  # row 3: A2 has a nil return on A2
        ],
    )
    response = upload(client, data)
    page = page_of(response)
    assert "row 2, column unit: 黎城县教育局 has records on A1 A1 dated in 2026" in page
    assert "row 3, column indicator: A nil return already says 黎侯镇 has nothing" in page
    assert NilReturn.objects.count() == 1 and Record.objects.count() == 1
