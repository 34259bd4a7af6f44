"""Numbers that explain themselves (issue 11): the heat map sorts by what colours it, an
open period says so wherever it is shown, and a change against an incomplete period (one
still collected, or one whose data begins late, like the demo's "2024" with one quarter)
is "—" with the reason. The rule is ``records.period_states.PeriodStates``, one for every page.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from qingfeng.framework.models import FrameworkVersion
from qingfeng.lib.periods import Period
from qingfeng.records.period_states import PeriodStates
from qingfeng.records.periods import new_collection_period
from qingfeng.records.rescore import period_recompute
from tests.conftest import client_for, english, record
from tests.dashboard.conftest import Results

SEVERITY = {"green": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}


def _url(name: str, *args: Any) -> str:
    return reverse(f"dashboard:{name}", args=args)


def _cells(body: str, code: str) -> list[tuple[str, float]]:
    """(band, rate %) of the heat map's cells of indicator ``code``, in page order."""
    found = re.findall(
        rf'<td data-unit="\d+" data-code="{code}" data-band="(\w+)" data-rate="([\d.]+)"', body
    )
    return [(band, float(rate)) for band, rate in found]


def _open(results: Results, period: str) -> None:
    new_collection_period(framework=results.scored.framework, period=Period.parse(period)).save()


# --- the heat map ------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2025Q1", "2025Q2", "2025Q3", "2025Q4"])
@pytest.mark.parametrize("code", ["A", "B"])
def test_the_heat_map_sorts_in_the_order_of_its_colours(
    results: Results, period: str, code: str
) -> None:
    client = client_for(results.analyst)
    for order, step in (("desc", -1), ("asc", 1)):
        body = client.get(_url("overview", "T", period) + f"?sort={code}&order={order}")
        cells = _cells(body.content.decode(), code)
        rates = [rate for _band, rate in cells]
        # Sorted by the score rate, which decides the colour: the bands follow in order.
        assert rates == sorted(rates, reverse=order == "desc")
        severities = [SEVERITY[band] for band, _rate in cells]
        assert severities == sorted(severities, reverse=step == 1)


def test_a_cell_shows_its_score_with_its_max_on_hover(results: Results) -> None:
    body = client_for(results.analyst).get(_url("overview", "T", "2025Q1")).content.decode()
    unit = results.org.unit_a1.pk
    cell = re.search(rf'<td data-unit="{unit}" data-code="A"[^>]*title="([^"]+)"[^>]*>', body)
    assert cell and cell.group(1).startswith("20 / 60 = 33.3%")
    # A link, but not painted as one (every number was underlined).
    assert 'class="qf-cell-link d-block"' in body and "text-reset d-block" not in body


def test_the_legend_says_what_colours_and_sorts(results: Results) -> None:
    body = english(client_for(results.analyst)).get(_url("overview", "T", "2025Q1"))
    text = body.content.decode()
    assert "Colour and sort use the score rate, score ÷ applicable max" in text
    assert "Each total is the raw score ÷ the applicable max × 100" in text


def test_the_ranking_is_its_own_tab(results: Results) -> None:
    client = client_for(results.analyst)
    units = client.get(_url("overview", "T", "2025Q1")).content.decode()
    assert 'data-testid="heatmap"' in units and 'data-testid="ranking"' not in units
    assert 'data-testid="view-ranking"' in units
    ranking = client.get(_url("overview", "T", "2025Q1") + "?view=ranking").content.decode()
    assert 'data-testid="ranking"' in ranking and 'data-testid="heatmap"' not in ranking


# --- open periods ------------------------------------------------------------------------


def test_an_open_periods_overview_says_so(results: Results) -> None:
    _open(results, "2025Q4")
    client = client_for(results.analyst)
    body = client.get(_url("overview", "T", "2025Q4")).content.decode()
    assert 'data-testid="period-state" data-open="true"' in body
    assert "采集中，数据不完整" in body
    assert "采集周期2025年第四季度仍在采集中" in body
    # The period picker marks it too; a closed period's overview has no such notice.
    assert re.search(r"2025年第四季度 · 采集中</option>", body)
    closed = client.get(_url("overview", "T", "2025Q3")).content.decode()
    assert 'data-testid="period-state"' not in closed


def test_an_open_periods_portrait_and_ranking_say_so(results: Results) -> None:
    _open(results, "2025Q4")
    client = client_for(results.analyst)
    portrait = client.get(_url("portrait", "T", "2025Q4", results.org.unit_a1.pk))
    assert "采集中，数据不完整" in portrait.content.decode()
    ranking = client.get(reverse("scoring:ranking", args=["T", "2025Q4"]))
    assert "采集中，数据不完整" in ranking.content.decode()


def test_a_period_not_yet_ended_is_open(results: Results) -> None:
    states = PeriodStates(results.scored.framework, today=datetime.date(2025, 11, 15))
    state = states.state("2025Q4")
    assert state.open and not state.complete
    assert not states.state("2025Q3").open


# --- changes -----------------------------------------------------------------------------


def test_a_change_against_an_open_period_is_a_dash(results: Results) -> None:
    _open(results, "2025Q2")  # reopened: Q2 is still being collected
    client = client_for(results.analyst)
    figures = client.get(_url("overview_json", "T", "2025Q3")).json()["figures"]
    assert figures["previous_mean"] is not None  # scored, but not comparable
    assert figures["change"] is None and figures["moved"] is None
    assert "2025年第二季度" in figures["not_comparable"]
    page = client.get(_url("overview", "T", "2025Q3")).content.decode()
    assert re.search(r'data-testid="figure-change">—<', page)
    assert 'data-testid="not-comparable"' in page and "+7.00" not in page
    # The rank changes are not shown either (the stored ones compare with partial data).
    ranking = client.get(_url("overview", "T", "2025Q3") + "?view=ranking").content.decode()
    assert "↑3" not in ranking and "不显示名次变化" in ranking
    portrait = client.get(_url("portrait", "T", "2025Q3", results.org.unit_a1.pk))
    assert re.search(r'data-testid="rank-change"><span class="qf-muted">—<', portrait.text)


@pytest.fixture
def one_quarter_2024(results: Results) -> Results:
    """As the demo's "2024": the year holds one quarter of data (records from October)."""
    FrameworkVersion.objects.filter(pk=results.scored.version.pk).update(year=2024)
    record(results.scored, results.org.unit_a1, "A1", "2024-11-01", quantity=1)
    for period in ("2024", "2025", "2024Q4"):
        period_recompute(framework=results.scored.framework, period=Period.parse(period))
    return results


def test_a_year_is_not_compared_with_a_year_of_one_quarter(one_quarter_2024: Results) -> None:
    results = one_quarter_2024
    client = client_for(results.analyst)
    figures = client.get(_url("overview_json", "T", "2025")).json()["figures"]
    assert figures["previous_period"] == "2024" and figures["previous_mean"] is not None
    assert figures["change"] is None
    assert "2024-11-01" in figures["not_comparable"]
    page = client.get(_url("overview", "T", "2025")).content.decode()
    assert re.search(r'data-testid="figure-change">—<', page)
    # Year on year says why and shows no difference.
    yoy = client.get(_url("compare_yoy", "T", "2025"))
    assert all(row.difference is None for row in yoy.context["page"])
    assert 'data-testid="not-comparable"' in yoy.content.decode()
    # 2024 itself is incomplete, and says so; its last quarter is whole.
    year = client.get(_url("overview", "T", "2024")).content.decode()
    assert 'data-testid="period-state" data-open="false"' in year
    states = PeriodStates(results.scored.framework)
    assert states.state("2024Q4").complete and not states.state("2024").complete


def test_periods_of_different_kinds_are_not_compared(results: Results) -> None:
    comparison = PeriodStates(results.scored.framework).comparison(period="2025", previous="2025Q4")
    assert not comparison.ok and comparison.reason


def test_complete_periods_are_compared(results: Results) -> None:
    states = PeriodStates(results.scored.framework)
    assert states.comparison(period="2025Q3", previous="2025Q2").ok
    figures = client_for(results.analyst).get(_url("overview_json", "T", "2025Q3")).json()
    assert figures["figures"]["change"] == pytest.approx(7.0, abs=1e-3)
    assert figures["figures"]["not_comparable"] is None


# --- the portrait ------------------------------------------------------------------------


def test_the_portrait_says_how_its_total_is_made(results: Results) -> None:
    # A1 in Q1: A = 20 of 60; B (B1 survey) not assessed: total = 20 ÷ 60 × 100.
    body = client_for(results.analyst).get(_url("portrait", "T", "2025Q1", results.org.unit_a1.pk))
    text = body.content.decode()
    assert "20.00 ÷ 60 × 100 = 33.33" in text
    making = text[text.index('data-testid="not-assessed"') :]
    assert "指标B" in making[: making.index("</p>")]


# --- the period kind a version is assessed on --------------------------------------------


def test_a_version_says_which_period_kind_it_is_assessed_on(results: Results) -> None:
    client = english(client_for(results.analyst))
    url = _url("overview", "T", "2025Q1")
    assert 'data-testid="assessment-note"' not in client.get(url).content.decode()  # default
    FrameworkVersion.objects.filter(pk=results.scored.version.pk).update(assessed_on="Y")
    quarter = client.get(url).content.decode()
    assert "Monitoring: this framework is assessed on years" in quarter
    portrait = client.get(_url("portrait", "T", "2025Q1", results.org.unit_a1.pk))
    assert "Monitoring: this framework is assessed on years" in portrait.content.decode()
    period_recompute(framework=results.scored.framework, period=Period.parse("2025"))
    year = client.get(_url("overview", "T", "2025")).content.decode()
    assert "An assessment period: this framework is assessed on years." in year


def test_assessed_on_travels_with_the_interchange_file(results: Results) -> None:
    from qingfeng.framework.interchange_write import version_to_spec
    from qingfeng.framework.validation import validate_spec

    version = results.scored.version
    assert "assessed_on" not in version_to_spec(version)  # unset: older files read the same
    FrameworkVersion.objects.filter(pk=version.pk).update(assessed_on="Y")
    version.refresh_from_db()
    spec = version_to_spec(version)
    assert spec["assessed_on"] == "Y" and not validate_spec(spec, source="yaml")
    assert validate_spec({**spec, "assessed_on": "W"}, source="yaml")
