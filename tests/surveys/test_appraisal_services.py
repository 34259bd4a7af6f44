"""Democratic evaluations (民主测评): teams from the current posts, slips cast once and
whole, shares counted by hand, and the close writing one record per team."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from qingfeng.records.models import Record
from qingfeng.surveys.models import Appraisal, AppraisalGrade, RunStatus
from qingfeng.surveys.selectors_appraisals import results
from qingfeng.surveys.services_appraisals import (
    appraisal_close,
    slip_cast,
    slips_add,
    subject_add,
    subject_remove,
)
from tests.surveys.appraisal_helpers import add_teams, cast, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(survey_world: SurveyWorld) -> Iterator[SurveyWorld]:
    """The survey world with two teams; the refusals read in English (their source)."""
    add_teams(survey_world)
    with override("en"):
        yield survey_world


def cast_example(world: SurveyWorld, **kw: object) -> None:
    """Three of A1's four slips and two of A2's cast (the examples worked by hand)."""
    org = world.org
    appraisal = make_appraisal(world, **kw)  # type: ignore[arg-type]
    a1, a2 = slips_of(appraisal, org.unit_a1), slips_of(appraisal, org.unit_a2)
    cast(a1[0], "excellent", "competent", "basic")
    cast(a1[1], "competent", "competent", "incompetent", channel="phone")
    cast(a1[2], "excellent", "basic", "competent")
    cast(a2[0], "excellent", "excellent")
    cast(a2[1], "competent", "basic")


def test_it_takes_each_team_from_the_current_posts_in_post_order(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world, slips=3)
    teams = {
        unit.code: [s.person.name for s in appraisal.subjects.filter(unit=unit)]
        for unit in (world.org.unit_a1, world.org.unit_a2)
    }
    # The principal first, then the deputies by the start of their post.
    assert teams == {"A1": ["王建国", "张丽", "赵强"], "A2": ["陈刚", "刘芳"]}
    assert appraisal.slips.count() == 6
    assert all(len(slip.code) == 10 for slip in appraisal.slips.all())
    assert len({slip.code for slip in appraisal.slips.all()}) == 6


def test_it_counts_the_share_per_leader_and_per_team(world: SurveyWorld) -> None:
    cast_example(world)
    table = {team.unit.code: team for team in results(Appraisal.objects.get(), world.admin)}
    a1, a2 = table["A1"], table["A2"]
    # 王建国: 优秀, 称职, 优秀 → 3 of 3; 张丽: 称职, 称职, 基本称职 → 2 of 3;
    # 赵强: 基本称职, 不称职, 称职 → 1 of 3; the team: 6 of 9 grades.
    assert [(r.subject.person.name, r.counts, r.percent) for r in a1.leaders] == [
        ("王建国", [2, 1, 0, 0], "100.0%"),
        ("张丽", [0, 2, 1, 0], "66.7%"),
        ("赵强", [0, 1, 1, 1], "33.3%"),
    ]
    assert (a1.valid_slips, a1.slips_total, a1.approving, a1.total) == (3, 4, 6, 9)
    assert a1.percent == "66.7%"
    # A2: (优秀, 优秀), (称职, 基本称职) → 3 of 4.
    assert (a2.valid_slips, a2.approving, a2.total, a2.percent) == (2, 3, 4, "75.0%")


def test_it_refuses_a_slip_cast_twice(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    cast(slip, "excellent", "competent")
    with pytest.raises(ValidationError, match="cast already"):
        cast(slip, "incompetent", "incompetent", channel="phone")
    assert sorted(AppraisalGrade.objects.values_list("grade", flat=True)) == [
        "competent",
        "excellent",
    ]


def test_it_refuses_a_partial_or_blank_slip_and_stores_nothing(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a1)[0]
    first = appraisal.subjects.filter(unit=world.org.unit_a1).first()
    assert first is not None
    for grades in ({first.pk: "excellent"}, {}):
        with pytest.raises(ValidationError, match="missing a grade is invalid"):
            slip_cast(slip=slip, grades=grades, channel="paper")
    other = appraisal.subjects.filter(unit=world.org.unit_a2).first()
    assert other is not None
    with pytest.raises(ValidationError):  # a leader of another team
        slip_cast(slip=slip, grades={other.pk: "excellent"}, channel="paper")
    slip.refresh_from_db()
    assert slip.cast_at is None and not AppraisalGrade.objects.exists()


def test_it_edits_a_team_only_before_its_first_slip(world: SurveyWorld) -> None:
    org = world.org
    appraisal = make_appraisal(world)
    zhao = appraisal.subjects.get(person__name="赵强")
    subject_remove(subject=zhao)
    again = subject_add(appraisal=appraisal, unit=org.unit_a1, person=zhao.person, title="纪检组长")
    assert again.position == 3  # last, after 张丽
    added = slips_add(appraisal=appraisal, unit=org.unit_a1, count=3)
    assert len(added) == 3 and appraisal.slips.filter(unit=org.unit_a1).count() == 7
    cast(slips_of(appraisal, org.unit_a1)[0], "excellent", "excellent", "excellent")
    with pytest.raises(ValidationError, match="can no longer change"):
        subject_remove(subject=again)
    # The other team is still open to changes.
    subject_remove(subject=appraisal.subjects.get(person__name="刘芳"))


def test_it_closes_into_one_record_per_team_on_a_direct_leaf(world: SurveyWorld) -> None:
    cast_example(world)
    appraisal = Appraisal.objects.get()
    first = appraisal_close(appraisal=appraisal, actor=world.admin)
    again = appraisal_close(appraisal=appraisal, actor=world.admin)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    records = {r.unit.code: r for r in Record.objects.filter(indicator_code="A3")}
    # A3 is worth 9.5 points: 9.5 × 6/9 for A1, 9.5 × 3/4 for A2.
    assert records["A1"].points == pytest.approx(6.3333, abs=1e-4)
    assert records["A2"].points == pytest.approx(7.125)
    # The note is written in the site's language (Chinese), whoever closes.
    assert records["A1"].note == "2025年述责述廉民主测评：有效票3张，优秀和称职占66.7%"
    assert Record.objects.count() == 2
    appraisal.refresh_from_db()
    assert appraisal.status == RunStatus.CLOSED and appraisal.closed_by == world.admin
    assert appraisal.closed_at is not None
    # A closed appraisal takes no slip.
    with pytest.raises(ValidationError, match="closed"):
        cast(slips_of(appraisal, world.org.unit_a2)[3], "excellent", "excellent")


def test_it_closes_into_a_rate_leaf(world: SurveyWorld) -> None:
    # A1.2 applies to townships only: A2's team, 3 of 4 grades → the fraction 0.75.
    cast_example(world, indicator_code="A1.2")
    appraisal_close(appraisal=Appraisal.objects.get(), actor=world.admin)
    records = list(Record.objects.filter(indicator_code="A1.2").values_list("unit__code", "value"))
    assert records == [("A2", pytest.approx(0.75))]


def test_it_closes_without_a_leaf_writing_nothing(world: SurveyWorld) -> None:
    cast_example(world, indicator_code="")
    appraisal_close(appraisal=Appraisal.objects.get(), actor=world.admin)
    assert not Record.objects.exists()
    assert Appraisal.objects.get().status == RunStatus.CLOSED
