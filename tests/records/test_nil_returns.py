"""Nil returns (零报告, issue 13 item 2): filing for all or some units, the rule "records
or a nil return, never both" in both directions, review with separation of duties,
approval recomputing the scores (the leaf is no longer unreported), withdrawal and the
history of who did what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.lib.periods import Period
from qingfeng.records.entry_services import record_update
from qingfeng.records.models import NilReturn, NilReturnStatus, Record, RecordStatus
from qingfeng.records.nil_returns import (
    month_starts,
    nil_return_return,
    nil_return_withdraw,
    nil_returns_approve,
    nil_returns_file,
)
from qingfeng.records.rescore import period_recompute
from qingfeng.records.review import record_submit, records_approve
from qingfeng.records.services import record_create
from qingfeng.scoring.models import Snapshot
from tests.records import entry_helpers, nil_helpers
from tests.records.conftest import Setup
from tests.records.nil_helpers import file_nil

clerk, periods = entry_helpers.clerk, entry_helpers.periods
reviewer, clerk_b = nil_helpers.reviewer, nil_helpers.clerk_b

pytestmark = pytest.mark.django_db


def units_of(nil_return: NilReturn) -> list[str]:
    return sorted(nil_return.lines.values_list("unit__code", flat=True))


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def a1_record(setup: Setup, actor: User | None, **fields: object) -> Record:
    fields.setdefault("status", RecordStatus.DRAFT)
    return record_create(
        framework=setup.framework,
        indicator_code="A1",
        unit=setup.org.unit_a1,
        date=datetime.date(2025, 8, 1),
        actor=actor,
        open_periods_only=True,
        station=setup.org.station_a,
        quantity=1,
        **fields,
    )


def test_it_files_a_nil_return_for_every_unit_the_station_answers_for(
    periods: Setup, clerk: User
) -> None:
    nil = file_nil(periods, clerk)
    assert nil.status == NilReturnStatus.SUBMITTED and nil.created_by == clerk
    assert units_of(nil) == ["A1", "A1-1", "A2"]
    # B2 applies to townships only: A2 alone.
    assert units_of(file_nil(periods, clerk, "B2")) == ["A2"]
    history = nil.history.all()
    assert [(row.history_type, row.history_user) for row in history] == [("+", clerk)]


def test_it_files_for_some_units_and_several_indicators_in_one_action(
    periods: Setup, clerk: User
) -> None:
    org = periods.org
    nil = file_nil(periods, clerk, units=[org.unit_a1_sub], note="本季度无")
    assert units_of(nil) == ["A1-1"] and nil.note == "本季度无"
    both = nil_returns_file(
        framework=periods.framework,
        station=org.station_a,
        indicator_codes=["A2", "B2"],
        period="2025Q3",
        units=[org.unit_a1, org.unit_a2],
        actor=clerk,
    )
    # Each indicator takes the chosen units it applies to.
    assert [(n.indicator_code, units_of(n)) for n in both] == [
        ("A2", ["A1", "A2"]),
        ("B2", ["A2"]),
    ]


def test_it_refuses_what_a_station_cannot_declare(
    periods: Setup, clerk: User, clerk_b: User
) -> None:
    org = periods.org
    cases = [
        ({"period": "2025Q2"}, "The collection period Q2 2025 of 政治生态评估 is closed."),
        ({"period": "2025Q4"}, "Q4 2025 is not a collection period of 政治生态评估."),
        ({"period": "2025Q9"}, "is not a period"),
        ({"units": []}, "Choose at least one unit"),
        ({"units": [org.unit_b1]}, "平顺县财政局 is not a unit 黎城县委组织部 answers for"),
    ]
    with translation.override("en"):
        for kwargs, message in cases:
            with pytest.raises(ValidationError) as error:
                file_nil(periods, clerk, **kwargs)
            assert message in messages_of(error), kwargs
        with pytest.raises(ValidationError) as error:
            file_nil(periods, clerk, "A3")  # a direct score: not tracked
        assert "A3 takes no nil return" in messages_of(error)
        with pytest.raises(ValidationError) as error:
            file_nil(periods, clerk, "B1")  # ST-B's leaf
        assert "B1 B1 belongs to another data station." in messages_of(error)
        with pytest.raises(ValidationError) as error:
            file_nil(periods, clerk_b)  # not a clerk of ST-A
        assert "You do not enter records for 黎城县委组织部." in messages_of(error)
    assert not NilReturn.objects.exists()


def test_it_refuses_a_nil_return_where_records_stand_and_a_second_nil_return(
    periods: Setup, clerk: User
) -> None:
    record = a1_record(periods, clerk)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        file_nil(periods, clerk)
    assert "黎城县教育局在2025年第三季度已有指标A1 A1的记录" in messages_of(error)
    # A returned record is being corrected: it does not stand in the way.
    Record.objects.filter(pk=record.pk).update(status=RecordStatus.RETURNED)
    file_nil(periods, clerk)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        file_nil(periods, clerk, units=[periods.org.unit_a2])
    assert "黎侯镇 already has a nil return on A1 A1 for Q3 2025." in messages_of(error)


def test_it_refuses_records_an_active_nil_return_covers_on_every_path(
    periods: Setup, clerk: User, reviewer: User
) -> None:
    returned = a1_record(periods, clerk)
    Record.objects.filter(pk=returned.pk).update(status=RecordStatus.RETURNED)
    returned.refresh_from_db()
    nil = file_nil(periods, clerk)
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            a1_record(periods, clerk)
        assert "已对黎城县教育局2025年第三季度的指标A1作零报告，请先撤回零报告" in messages_of(
            error
        )
        with pytest.raises(ValidationError) as error:
            record_update(
                record=returned,
                unit=periods.org.unit_a1,
                date=datetime.date(2025, 9, 1),
                actor=clerk,
                values={"quantity": 2},
                files=[],
                submit=False,
            )
        assert "请先撤回零报告" in messages_of(error)
        with pytest.raises(ValidationError) as error:
            record_submit(record=returned, actor=clerk)
        assert "请先撤回零报告" in messages_of(error)
    # Withdrawn, the nil return blocks nothing.
    nil_return_withdraw(nil_return=nil, actor=clerk)
    record_submit(record=returned, actor=clerk)
    assert records_approve(records=[returned], actor=reviewer) == 1


def test_it_refuses_to_approve_a_record_a_nil_return_covers(
    periods: Setup, clerk: User, reviewer: User
) -> None:
    file_nil(periods, clerk, units=[periods.org.unit_a2])
    # A record written past the services (as the data of an older release could be):
    # approval still refuses it.
    stale = Record.objects.create(
        framework=periods.framework,
        indicator_code="A1",
        unit=periods.org.unit_a2,
        date=datetime.date(2025, 8, 1),
        quantity=1,
        status=RecordStatus.SUBMITTED,
    )
    with pytest.raises(ValidationError):
        records_approve(records=[stale], actor=reviewer)
    assert Record.objects.get(pk=stale.pk).status == RecordStatus.SUBMITTED


def test_it_keeps_separation_of_duties_and_the_reviewers_scope(
    periods: Setup, clerk: User, reviewer: User, admin_a: User, clerk_b: User
) -> None:
    nil = file_nil(periods, admin_a)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            nil_returns_approve(nil_returns=[nil], actor=admin_a)
        assert "You filed the nil return" in messages_of(error)
        with pytest.raises(ValidationError) as error:
            nil_return_return(nil_return=nil, reason="不对", actor=admin_a)
        assert "another reviewer must review it" in messages_of(error)
        with pytest.raises(ValidationError) as error:
            nil_returns_approve(nil_returns=[nil], actor=clerk_b)
        assert "You do not review the units" in messages_of(error)
        with pytest.raises(ValidationError):
            nil_return_return(nil_return=nil, reason="  ", actor=reviewer)
    nil_return_return(nil_return=nil, reason="应有一条记录\x00", actor=reviewer)
    nil.refresh_from_db()
    assert nil.status == NilReturnStatus.RETURNED and nil.return_reason == "应有一条记录"
    assert nil.reviewed_by == reviewer
    # Returned, it blocks nothing: the records may be entered, or a new nil return filed.
    assert units_of(file_nil(periods, clerk)) == ["A1", "A1-1", "A2"]


def test_approval_recomputes_and_the_leaf_is_no_longer_unreported(
    periods: Setup, clerk: User, reviewer: User
) -> None:
    quarter = Period.parse("2025Q3")
    period_recompute(framework=periods.framework, period=quarter)
    a1_column = 1  # tree order: A, A1, …

    def unreported(unit: object) -> list[int]:
        snapshot = Snapshot.objects.get(unit=unit, period="2025Q3")
        return list(snapshot.nodes.get("unreported", []))

    assert a1_column in unreported(periods.org.unit_a1)
    nil = file_nil(periods, clerk, units=[periods.org.unit_a1])
    assert a1_column in unreported(periods.org.unit_a1)  # submitted is not yet reported
    assert nil_returns_approve(nil_returns=[nil], actor=reviewer) == 1
    nil.refresh_from_db()
    assert nil.status == NilReturnStatus.APPROVED and nil.reviewed_by == reviewer
    assert a1_column not in unreported(periods.org.unit_a1)
    assert a1_column in unreported(periods.org.unit_a1_sub)  # not in the nil return
    # Withdrawn: unreported again (the withdrawal recomputes too).
    nil_return_withdraw(nil_return=nil, actor=clerk)
    assert a1_column in unreported(periods.org.unit_a1)
    history = [(row.status, row.history_user) for row in nil.history.order_by("history_date", "pk")]
    assert history == [
        ("submitted", clerk),
        ("approved", reviewer),
        ("withdrawn", clerk),
    ]


def test_withdrawal_is_the_stations_and_only_while_the_period_is_open(
    periods: Setup, clerk: User, clerk_b: User, reviewer: User
) -> None:
    nil = file_nil(periods, clerk)
    with pytest.raises(ValidationError):
        nil_return_withdraw(nil_return=nil, actor=clerk_b)
    with pytest.raises(ValidationError):
        nil_return_withdraw(nil_return=nil, actor=reviewer)
    nil_return_withdraw(nil_return=nil, actor=clerk)
    with pytest.raises(ValidationError):
        nil_return_withdraw(nil_return=nil, actor=clerk)  # already withdrawn
    assert NilReturn.objects.get().status == NilReturnStatus.WITHDRAWN


def test_hostile_text_is_cleaned(periods: Setup, clerk: User) -> None:
    nil = file_nil(periods, clerk, note="无\x00案件\r\n<script>alert(1)</script>\x1b")
    assert nil.note == "无案件\n<script>alert(1)</script>"
    with pytest.raises(ValidationError):
        file_nil(periods, clerk, units=[periods.org.unit_a2], note="长" * 2001)


def test_month_starts_cover_the_period() -> None:
    assert month_starts(Period.parse("2025Q3")) == [
        datetime.date(2025, 7, 1),
        datetime.date(2025, 8, 1),
        datetime.date(2025, 9, 1),
    ]
    assert len(month_starts(Period.parse("2025"))) == 12
