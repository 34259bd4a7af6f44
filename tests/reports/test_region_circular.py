"""The circular of a ranking: its table is the overview's ranking (rank, unit, total in
the same order), it names the red units, every ranked unit receives it, a hostile unit
name is printed as written; and the region kinds' sample contexts have exactly the keys
their builders produce."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from qingfeng.documents.samples import REPORT_SAMPLES
from qingfeng.documents.samples_region import REGION_SAMPLES
from qingfeng.documents.selectors import template_bytes
from qingfeng.lib.documents import docx_text, render_docx
from qingfeng.org.models import Unit
from qingfeng.reports.kinds import KINDS
from qingfeng.reports.services import render_report
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for
from tests.demo_county import DemoCounty
from tests.reports.region_helpers import (
    RANKING_HEADER,
    analyst,
    key_shape,
    make,
    subject,
    table,
    text,
)

pytestmark = pytest.mark.django_db


def _overview_ranking(period: str) -> list[tuple[str, str, str]]:
    """(rank, name, total) of every unit, as heatmap.json pages them by total."""
    client = client_for(analyst())
    url = reverse("dashboard:heatmap_json", args=("LK", period))
    rows, page, pages = [], 1, 1
    while page <= pages:
        data = client.get(url, {"page": page}).json()
        pages = data["pages"]
        rows += [
            (str(r["rank"]), r["name"], "—" if r["total"] is None else f"{r['total']:.2f}")
            for r in data["rows"]
        ]
        page += 1
    return rows


@pytest.mark.parametrize("period", ["2026H1", "2025Q3"])
def test_the_table_is_the_overviews_ranking(demo_county: DemoCounty, period: str) -> None:
    built, document = make("circular", period)
    ranking = table(document, RANKING_HEADER)
    assert [(row[0], row[2], row[4]) for row in ranking] == _overview_ranking(period)
    assert len(built.units) == sum(1 for row in ranking if row[0] != "—")


def test_it_names_the_red_units_and_the_risers(demo_county: DemoCounty) -> None:
    _built, document = make("circular", "2026H1")
    ranking = table(document, RANKING_HEADER)
    red = [row[2] for row in ranking if row[5].startswith("红色")]
    words = text(document)
    assert red and f"综合得分处于红色档次的单位（{len(red)}个）：{'、'.join(red)}" in words
    overview = client_for(analyst()).get(reverse("dashboard:overview_json", args=("LK", "2026H1")))
    moved_up = overview.json()["figures"]["moved_up"]
    assert f"与2025年下半年相比，{moved_up}个单位档次好转" in words
    risen = max(ranking, key=lambda row: int(row[1][1:]) if row[1].startswith("↑") else 0)
    assert f"{risen[2]}（上升{risen[1][1:]}名）" in words


def test_a_hostile_unit_name_appears_as_written(demo_county: DemoCounty) -> None:
    last = Snapshot.objects.filter(version__framework__code="LK", period="2026H1").order_by(
        "-rank"
    )[0]
    hostile = '<w:t>&"{{ 1+1 }}$x$</w:t>'
    Unit.objects.filter(pk=last.unit_id).update(name=hostile)
    _built, document = make("circular", "2026H1")
    assert hostile in [row[2] for row in table(document, RANKING_HEADER)]
    assert hostile in text(document)
    # The analysis draws it on the heat map too (the weakest units): it still renders.
    _built, analysis = make("analysis_half_year", "2026H1")
    assert hostile in [row[2] for row in table(analysis, RANKING_HEADER)]


def _shapes(contexts: list[dict[str, Any]]) -> dict[str, Any]:
    """The key shape of several contexts of a kind, a list's item keys taken from the
    first context where it is not empty."""
    merged: dict[str, Any] = {}
    for context in contexts:
        for key, shape in key_shape(context).items():
            if key not in merged or merged[key] == []:
                merged[key] = shape
    return merged


def test_the_samples_have_the_builders_keys(demo_county: DemoCounty) -> None:
    user = analyst()
    # The demo's years are never comparable with the year before (2024 is not covered,
    # 2026 is open): the movers' rows of the annual report, made by the same builder as
    # the half-year's, are those of 2026H1.
    periods = {
        "analysis_half_year": [("analysis_half_year", "2026H1"), ("analysis_half_year", "2026H2")],
        "analysis_annual": [
            ("analysis_annual", "2025"),
            ("analysis_half_year", "2026H1"),
            ("analysis_annual", "2026"),
        ],
        "circular": [("circular", "2026H1")],
    }
    for kind, chosen in periods.items():
        built = [KINDS[k].build(subject=subject(p), user=user).context for k, p in chosen]
        assert _shapes(built) == key_shape(REGION_SAMPLES[kind]), kind
        # A template checked with the sample renders; the default one does.
        assert docx_text(render_docx(template_bytes(kind), REPORT_SAMPLES[kind]))


@pytest.mark.parametrize(
    ("kind", "period"), [("circular", "2026H1"), ("analysis_half_year", "2026H2")]
)
def test_the_documents_are_chinese_whatever_the_language(
    demo_county: DemoCounty, kind: str, period: str
) -> None:
    with translation.override("en"):
        built, content = render_report(kind=kind, subject=subject(period), user=analyst())
    words = docx_text(content)
    assert built.title in words
    assert not re.search("[A-Za-z]", words), re.findall(".{10}[A-Za-z]+.{10}", words)[:5]
