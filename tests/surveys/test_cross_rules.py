"""Cross evaluations: the own-unit rule (a rater never rates its own line of the tree; a
leader never rates where they hold a post, but may rate what they are in charge of),
creating an evaluation, the bounds of a table, corrections and the close into records."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qingfeng.org import services as org_services
from qingfeng.org.models import Unit
from qingfeng.records.models import CollectionPeriod, Record
from qingfeng.records.periods import period_close, period_open
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import node_codes
from qingfeng.surveys.models import CrossEvaluation, CrossRating, RunStatus
from qingfeng.surveys.selectors_cross import rateable_units
from qingfeng.surveys.services_cross import (
    cross_close,
    cross_create,
    cross_rater_add,
    ratings_submit,
)
from tests.surveys.conftest import SurveyWorld
from tests.surveys.cross_helpers import CrossWorld, cross_world, make_cross, rater_of


@pytest.fixture
def cw(survey_world: SurveyWorld) -> CrossWorld:
    return cross_world(survey_world)


def names(units: list[Unit]) -> list[str]:
    return [unit.name for unit in units]


def test_it_never_offers_a_unit_rater_its_own_line_of_the_tree(cw: CrossWorld) -> None:
    evaluation = make_cross(cw)
    # The school (A1-1) sits under the education bureau: it rates neither, only finance.
    assert names(rateable_units(rater_of(evaluation, "黎城县第一中学"))) == ["黎城县财政局"]
    # A town rates every rated unit.
    assert names(rateable_units(rater_of(evaluation, "黎侯镇"))) == [
        "黎城县教育局",
        "黎城县第一中学",
        "黎城县财政局",
    ]


def test_it_never_lets_a_leader_rate_where_they_hold_a_post(cw: CrossWorld) -> None:
    evaluation = make_cross(cw)
    # 王建国 is the education bureau's principal: neither the bureau nor its school.
    assert names(rateable_units(rater_of(evaluation, "王建国"))) == ["黎城县财政局"]
    # Being in charge (分管) of the finance bureau does not exclude it.
    assert "黎城县财政局" in names(rateable_units(rater_of(evaluation, "赵副县长")))


def test_it_refuses_an_own_unit_in_a_crafted_table_and_stores_nothing(cw: CrossWorld) -> None:
    org = cw.world.org
    evaluation = make_cross(cw)
    school = rater_of(evaluation, "黎城县第一中学")
    with pytest.raises(ValidationError) as refused:
        ratings_submit(rater=school, points={cw.finance.pk: 8, org.unit_a1.pk: 9})
    assert "评价主体不能评价本单位。" in refused.value.messages
    leader = rater_of(evaluation, "王建国")
    with pytest.raises(ValidationError):
        ratings_submit(rater=leader, points={cw.finance.pk: 8, org.unit_a1_sub.pk: 9})
    assert not CrossRating.objects.exists()
    school.refresh_from_db()
    assert school.submitted_at is None


def test_it_takes_the_full_points_from_the_direct_leaf_or_100(cw: CrossWorld) -> None:
    assert make_cross(cw).full_points == 9.5
    assert make_cross(cw, code="HP-FREE", indicator_code="").full_points == 100


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicator_code": "001"}, "不是.*直接赋分指标"),  # a survey leaf
        ({"rated_units": "b1"}, "平顺县财政局不是黎城县的在用单位"),
        ({"rater_units": "inactive"}, "撤并镇不是黎城县的在用单位"),
        ({"rater_units": "none", "rater_people": "none"}, "请至少选择一个评价单位或评价领导"),
        ({"rater_units": "school only"}, "黎城县第一中学没有可评价的单位"),
    ],
)
def test_it_refuses_a_wrong_evaluation_and_makes_nothing(
    cw: CrossWorld, change: dict[str, str], message: str
) -> None:
    world, org = cw.world, cw.world.org
    inactive = org_services.unit_save(
        unit=Unit(
            code="A7", name="撤并镇", category=org.township, region=org.county_a, active=False
        )
    )
    kwargs = {
        "actor": world.admin,
        "code": "HP-X",
        "name": "互评",
        "region": org.county_a,
        "period": "2025Q3",
        "framework": world.lc.framework,
        "indicator_code": change.get("indicator_code", "A3"),
        "rated_units": [org.unit_b1] if change.get("rated_units") else [org.unit_a1],
        "rater_units": {
            "inactive": [inactive],
            "none": [],
            "school only": [org.unit_a1_sub],
        }.get(change.get("rater_units", ""), [org.unit_a2]),
        "rater_people": [] if change.get("rater_people") else [cw.in_charge],
    }
    if change.get("rater_units") == "school only":
        kwargs["rater_people"] = []
    with pytest.raises(ValidationError, match=message):
        cross_create(**kwargs)  # type: ignore[arg-type]
    assert not CrossEvaluation.objects.exists()


def test_it_refuses_an_evaluation_of_a_region_the_actor_does_not_run(cw: CrossWorld) -> None:
    org = cw.world.org
    with pytest.raises(ValidationError, match="您不负责该行政区划"):
        cross_create(
            actor=cw.world.analyst,
            code="HP-A",
            name="互评",
            region=org.county_a,
            period="2025Q3",
            rated_units=[org.unit_a1],
            rater_units=[org.unit_a2],
        )


@pytest.mark.parametrize("bad", ["-1", "9.6", "26", "nan", "inf", "-inf", "1e999", "八十", ""])
def test_it_refuses_points_out_of_bounds_or_no_number_and_stores_nothing(
    cw: CrossWorld, bad: str
) -> None:
    org = cw.world.org
    evaluation = make_cross(cw)
    town = rater_of(evaluation, "黎侯镇")
    points = {org.unit_a1.pk: "8", org.unit_a1_sub.pk: bad, cw.finance.pk: "9.5"}
    with pytest.raises(ValidationError) as refused:
        ratings_submit(rater=town, points=points)
    problems = refused.value.message_dict
    assert list(problems) == [f"u{org.unit_a1_sub.pk}"]
    assert not CrossRating.objects.exists()


def test_it_accepts_the_bounds_themselves(cw: CrossWorld) -> None:
    org = cw.world.org
    evaluation = make_cross(cw)
    town = rater_of(evaluation, "黎侯镇")
    ratings_submit(
        rater=town, points={org.unit_a1.pk: "0", org.unit_a1_sub.pk: 9.5, cw.finance.pk: "７.５"}
    )
    assert sorted(CrossRating.objects.values_list("points", flat=True)) == [0.0, 7.5, 9.5]


def test_it_lets_a_rater_correct_its_table_until_the_close(cw: CrossWorld) -> None:
    org = cw.world.org
    evaluation = make_cross(cw)
    town = rater_of(evaluation, "黎侯镇")
    table = {org.unit_a1.pk: "8", org.unit_a1_sub.pk: "7", cw.finance.pk: "6"}
    ratings_submit(rater=town, points=table)
    changed = ratings_submit(rater=town, points={**table, cw.finance.pk: "9"})
    assert changed == 1
    rating = CrossRating.objects.get(rater=town, rated=cw.finance)
    assert rating.points == 9.0
    assert [h.points for h in rating.history.order_by("history_date")] == [6.0, 9.0]
    cross_close(evaluation=evaluation, actor=cw.world.admin)
    with pytest.raises(ValidationError, match="该评价已结束"):
        ratings_submit(rater=town, points={**table, cw.finance.pk: "1"})
    assert CrossRating.objects.get(rater=town, rated=cw.finance).points == 9.0


def test_it_closes_into_one_record_per_rated_unit_at_the_mean(cw: CrossWorld) -> None:
    org, admin = cw.world.org, cw.world.admin
    evaluation = make_cross(cw)
    a1, school, finance = org.unit_a1.pk, org.unit_a1_sub.pk, cw.finance.pk
    ratings_submit(rater=rater_of(evaluation, "黎侯镇"), points={a1: 8, school: 7, finance: 6})
    ratings_submit(rater=rater_of(evaluation, "东阳关镇"), points={a1: 9, school: 6, finance: 7.5})
    ratings_submit(rater=rater_of(evaluation, "黎城县第一中学"), points={finance: 9})
    ratings_submit(rater=rater_of(evaluation, "赵副县长"), points={a1: 7, school: 8, finance: 9})
    # 王建国 hands in nothing: missing.
    result = cross_close(evaluation=evaluation, actor=admin)
    assert result.created == 3
    records = {r.unit_id: r for r in Record.objects.filter(indicator_code="A3")}
    assert {pk: r.points for pk, r in records.items()} == {
        a1: pytest.approx(8.0),
        school: pytest.approx(7.0),
        finance: pytest.approx(7.875),
    }
    assert records[finance].note == (
        "2025年第三季度镇街评部门：3个评价单位、1名领导评价，平均7.875分"
    )
    assert all(r.external_id.startswith("cross:HP-2025Q3:") for r in records.values())
    # The quarter's scores were recomputed with them: A3 scores the mean points.
    snapshot = Snapshot.objects.get(unit=cw.finance, period="2025Q3")
    assert snapshot.node_results(node_codes(cw.world.lc))["A3"][0] == pytest.approx(7.875)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.closed_by) == (RunStatus.CLOSED, admin)
    again = cross_close(evaluation=evaluation, actor=admin)
    assert again.changed == 0
    assert Record.objects.filter(indicator_code="A3").count() == 3


def test_it_adds_no_rater_to_a_closed_evaluation(cw: CrossWorld) -> None:
    evaluation = make_cross(cw)
    cross_close(evaluation=evaluation, actor=cw.world.admin)
    with pytest.raises(ValidationError, match="该评价已结束"):
        cross_rater_add(evaluation=evaluation, actor=cw.world.admin, unit=cw.world.org.unit_a2)


def test_it_refuses_to_close_into_a_closed_collection_period_and_stays_open(
    cw: CrossWorld,
) -> None:
    org, framework = cw.world.org, cw.world.lc.framework
    evaluation = make_cross(cw)
    ratings_submit(
        rater=rater_of(evaluation, "黎侯镇"),
        points={org.unit_a1.pk: 8, org.unit_a1_sub.pk: 7, cw.finance.pk: 6},
    )
    period_open(framework=framework, period="2025Q3", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=framework, period="2025Q3"), actor=None
    )
    with pytest.raises(ValidationError, match="数据采集已关闭"):
        cross_close(evaluation=evaluation, actor=cw.world.admin)
    evaluation.refresh_from_db()
    assert evaluation.status == RunStatus.OPEN and evaluation.closed_at is None
    assert not Record.objects.filter(indicator_code="A3").exists()
