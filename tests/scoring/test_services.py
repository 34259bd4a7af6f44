"""From the database to stored snapshots and the `score` command, with numbers worked out
by hand."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from qingfeng.lib.periods import Period
from qingfeng.records.models import RecordStatus
from qingfeng.records.rescore import period_recompute, recompute_after_change
from qingfeng.scoring.models import Snapshot
from tests.conftest import Org, Scored, record


def score_json(period: str) -> list[dict]:
    out = io.StringIO()
    call_command("score", "--framework", "T", "--period", period, stdout=out)
    return json.loads(out.getvalue())


def test_it_scores_a_period_as_worked_out_by_hand(org: Org, scored: Scored) -> None:
    # A1 (A1, city framework): 2 deductions of 5 x quantity 1 and x 2 -> 30 - 15 = 15.
    record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    record(scored, org.unit_a1, "A1", "2025-03-01", quantity=2)
    # A2: 一等 (10) + 二等 x 2 (12) = 22, capped at 30 -> 22.  A = 15 + 22 = 37 of 60.
    record(scored, org.unit_a1, "A2", "2025-02-10", grade="一等")
    record(scored, org.unit_a1, "A2", "2025-02-11", grade="二等", quantity=2)
    # B1: survey 80 and 90 -> mean 85 -> 40 x 0.85 = 34. B = 34 of 40.
    record(scored, org.unit_a1, "B1", "2025-01-20", value=80)
    record(scored, org.unit_a1, "B1", "2025-03-20", value=90)
    # Unit A1 total: 71 of 100 -> band yellow (0.71 < 0.8, not < 0.6).
    # Unit A2: no records -> A1 30 (nothing deducted), A2 0, B1 not assessed:
    #   A = 30 of 60, applicable max 60 -> total 30 x 100 / 60 = 50 -> red.
    # Unit B1: a veto -> ranked last whatever its points, band red.
    #   A1 30 + A2 0 = 30 of 60 -> 50, B1 survey 100 -> 40 of 40 -> total 70 of 100.
    record(scored, org.unit_b1, "B1", "2025-02-02", value=100)
    record(scored, org.unit_b1, "B2", "2025-02-03", note="严重违纪")
    # A record returned in review does not count.
    record(scored, org.unit_a2, "A1", "2025-02-04", quantity=6, status=RecordStatus.RETURNED)

    rows = {row["unit"]: row for row in score_json("2025Q1")}
    a1, a2, b1 = rows["A1"], rows["A2"], rows["B1"]
    assert (a1["total"], a1["raw"], a1["applicable_max"], a1["band"]) == (
        71.0,
        71.0,
        100.0,
        "yellow",
    )
    assert a1["nodes"]["A1"] == {"score": 15.0, "max": 30.0, "band": "red"}  # 0.5 < 0.6
    assert a1["nodes"]["A2"] == {"score": 22.0, "max": 30.0, "band": "yellow"}  # 0.733
    assert a1["nodes"]["B1"] == {"score": 34.0, "max": 40.0, "band": "blue"}  # 0.85
    assert "B2" not in a1["nodes"]  # a veto leaf has no points and no band
    assert (a2["total"], a2["applicable_max"], a2["band"]) == (50.0, 60.0, "red")
    assert "B" not in a2["nodes"] and "B1" not in a2["nodes"]  # not assessed
    assert (b1["total"], b1["vetoed"], b1["band"]) == (70.0, True, "red")
    # Ranks: A1 71; A1-1 (a sub-unit with no records) and A2 tie at 50; the vetoed B1
    # comes last although 70 > 50.
    assert [(r["unit"], r["rank"]) for r in score_json("2025Q1")] == [
        ("A1", 1),
        ("A1-1", 2),
        ("A2", 2),
        ("B1", 4),
    ]
    assert set(rows) == {"A1", "A1-1", "A2", "B1"}


def test_it_ranks_ties_together_and_stores_the_rank_change(org: Org, scored: Scored) -> None:
    # 2025Q1: nobody has records -> A1, A1-1, A2, B1 all 30/60 -> 50: all rank 1.
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    assert set(Snapshot.objects.values_list("rank", flat=True)) == {1}
    # 2025Q2: A2 gets a 一等 award -> A 40 of 60 -> 66.67: rank 1; the others tie at 2.
    record(scored, org.unit_a2, "A2", "2025-05-05", grade="一等")
    period_recompute(framework=scored.framework, period=Period.parse("2025Q2"))
    q2 = {s.unit.code: s for s in Snapshot.objects.filter(period="2025Q2").select_related("unit")}
    assert (q2["A2"].rank, q2["A2"].total, q2["A2"].rank_change) == (1, 66.6667, 0)
    assert (q2["A1"].rank, q2["A1"].rank_change) == (2, -1)
    # A2 is the only township; A1, A1-1 and B1 (government) tie at 50 within their category.
    assert (q2["A2"].category_rank, q2["A1"].category_rank, q2["B1"].category_rank) == (1, 1, 1)


def test_it_recomputes_the_periods_a_change_touches(org: Org, scored: Scored) -> None:
    new = record(scored, org.unit_a1, "A1", "2025-08-15", quantity=1)
    periods = recompute_after_change(framework=scored.framework, dates=[new.date])
    assert sorted(str(p) for p in periods) == ["2025", "2025H2", "2025Q3"]
    snap = Snapshot.objects.get(period="2025Q3", unit=org.unit_a1)
    codes = ["A", "A1", "A2", "B", "B1", "B2"]
    assert snap.node_results(codes)["A1"] == (25.0, 30.0, "blue")  # 25/30 = 0.83: < 0.9
    assert snap.record_ids == [new.pk]


def test_it_keeps_explanations_with_the_snapshot(org: Org, scored: Scored) -> None:
    first = record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    veto = record(scored, org.unit_b1, "B2", "2025-02-03")
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    assert Snapshot.objects.get(unit=org.unit_a1).record_ids == [first.pk]
    assert Snapshot.objects.get(unit=org.unit_b1).record_ids == [veto.pk]


def test_it_prints_csv(org: Org, scored: Scored) -> None:
    record(scored, org.unit_a1, "B1", "2025-01-20", value=80)
    out = io.StringIO()
    call_command("score", "--framework", "T", "--period", "2025Q1", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "unit,category,total,raw,applicable_max,band,rank,category_rank,vetoed,completeness,"
        "unreported,A,A1,A2,B,B1,B2"
    )
    # A = 30 (nothing deducted) + 0 (no award); B = survey 80 -> 32; total 62 -> yellow.
    assert lines[1] == "A1,government,62.0,62.0,100.0,yellow,1,1,false,,,30.0,30.0,0.0,32.0,32.0,"


def test_it_stores_the_json_columns_as_json_documents(org: Org, scored: Scored) -> None:
    # The recompute writes these columns' text itself (not through the model field): the
    # database must hold documents its JSON look-ups read, not strings holding JSON.
    first = record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    stored = Snapshot.objects.filter(period="2025Q1")
    assert stored.count() == 4
    assert stored.filter(nodes__has_key="score", level_one__has_key="band").count() == 4
    assert list(stored.filter(record_ids__0=first.pk).values_list("unit__code")) == [("A1",)]
    # Not assessed (unit A2 has no survey for B1, so no B): null in the node lists.
    a2 = stored.get(unit=org.unit_a2)
    assert set(a2.node_results(["A", "A1", "A2", "B", "B1", "B2"])) == {"A", "A1", "A2"}
    assert a2.nodes["score"][3:5] == [None, None]
    assert a2.level_one == {"score": [30.0, None], "max": [60.0, None], "band": ["red", None]}


def test_it_compresses_the_node_lists_with_lz4_and_keeps_level_one_inline_on_postgresql(
    org: Org, scored: Scored
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL storage settings")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression, attstorage FROM pg_attribute"
            " WHERE attrelid = 'scoring_snapshot'::regclass"
            " AND attname IN ('nodes', 'record_ids', 'level_one', 'components')"
        )
        settings = {name: (compression, storage) for name, compression, storage in cursor}
    assert settings == {
        "nodes": ("l", "x"),
        "record_ids": ("l", "x"),
        "level_one": ("", "m"),
        "components": ("", "m"),
    }
    # A row still too long with its node lists compressed (lz4 leaves these 1.2 KB, under
    # the size PostgreSQL moves a value out of the row at): PostgreSQL moves them out and
    # leaves the level-1 lists as they are. With the default storage it compressed those
    # instead, and every page look-up into them decompressed them again.
    record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    nodes = {
        "score": [round(k * 1.37 % 97, 4) for k in range(150)],
        "max": [float(k % 7 * 10) for k in range(150)],
        "band": ["red"] * 150,
    }
    level_one = {"band": ["yellow"] * 30, "score": [1.5] * 30}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scoring_snapshot SET nodes = %s::jsonb, level_one = %s::jsonb"
            " WHERE period = '2025Q1'",
            [json.dumps(nodes), json.dumps(level_one)],
        )
        cursor.execute(
            "SELECT DISTINCT pg_column_compression(nodes), pg_column_compression(level_one)"
            " FROM scoring_snapshot WHERE period = '2025Q1'"
        )
        assert cursor.fetchall() == [("lz4", None)]
