"""Result pages: in scope they show the numbers; outside the scope they are 404."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from tests.conftest import Org, Scored, client_for, make_user, record


def _scored_q1(org: Org, scored: Scored) -> None:
    record(scored, org.unit_a1, "A1", "2025-02-01", quantity=2, note="公车私用")
    record(scored, org.unit_b1, "B1", "2025-02-02", value=90)
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))


def test_it_ranks_only_the_units_in_scope(org: Org, scored: Scored, admin_a: User) -> None:
    _scored_q1(org, scored)
    page = client_for(admin_a).get(reverse("scoring:ranking", args=["T", "2025Q1"]))
    assert page.status_code == 200
    assert [s.unit.code for s in page.context["rows"]] == ["A1-1", "A2", "A1"]
    body = page.content.decode()
    assert "平顺县财政局" not in body  # county B's unit is not listed


def test_it_redirects_to_the_latest_scored_period(org: Org, scored: Scored, admin_a: User) -> None:
    _scored_q1(org, scored)
    response = client_for(admin_a).get(reverse("scoring:ranking_latest", args=["T"]))
    assert response["Location"] == reverse("scoring:ranking", args=["T", "2025Q1"])


def test_it_moves_the_old_score_page_to_the_portrait(
    org: Org, scored: Scored, admin_a: User
) -> None:
    _scored_q1(org, scored)
    client = client_for(admin_a)
    old = reverse("scoring:unit_scores", args=["T", "2025Q1", org.unit_a1.pk])
    response = client.get(old)
    portrait = reverse("dashboard:portrait", args=["T", "2025Q1", org.unit_a1.pk])
    assert (response.status_code, response["Location"]) == (301, portrait)
    # What the old page showed is on the portrait: scores, raw / max, records behind them.
    page = client.get(portrait)
    rows = {row.node.code: row for row in page.context["rows"]}
    assert (rows["A1"].score, rows["A1"].max, rows["A1"].records) == (20.0, 30.0, 1)  # 30 - 5 x 2
    assert rows["B1"].score is None  # not assessed
    assert 'data-testid="raw-over-max"' in page.content.decode()
    records = client.get(
        reverse("dashboard:portrait_records", args=["T", "2025Q1", org.unit_a1.pk, "A1"])
    )
    assert "公车私用" in records.content.decode()


def test_it_keeps_the_old_score_page_404_outside_the_scope(
    org: Org, scored: Scored, admin_a: User
) -> None:
    _scored_q1(org, scored)
    url = reverse("scoring:unit_scores", args=["T", "2025Q1", org.unit_b1.pk])
    assert client_for(admin_a).get(url).status_code == 404
    not_a_period = f"/scores/T/2025Q5/units/{org.unit_a1.pk}/"
    assert client_for(admin_a).get(not_a_period).status_code == 404


def test_it_hides_a_framework_outside_the_scope(org: Org, scored: Scored) -> None:
    from qingfeng.framework.models import Framework

    Framework.objects.filter(pk=scored.framework.pk).update(region=org.county_b)
    outsider = make_user("outsider", Role.ANALYST, region=org.county_a)
    client = client_for(outsider)
    assert client.get(reverse("scoring:ranking_latest", args=["T"])).status_code == 404
    version_url = reverse("framework:version_detail", args=[scored.version.pk])
    assert client.get(version_url).status_code == 404


def test_it_recomputes_on_demand_for_a_commission_admin(
    org: Org, scored: Scored, sysadmin: User
) -> None:
    record(scored, org.unit_a1, "A1", "2025-05-01", quantity=1)
    response = client_for(sysadmin).post(
        reverse("scoring:recompute", args=["T"]), {"period": "2025Q2"}
    )
    assert response.status_code == 302
    page = client_for(sysadmin).get(response["Location"])
    # A1: 30 - 5 = 25 of 60 -> 25 x 100 / 60 = 41.6667 (stored to 4 decimals).
    assert {s.unit.code: s.total for s in page.context["rows"]}["A1"] == 41.6667


def test_it_refuses_recompute_to_an_analyst(org: Org, scored: Scored) -> None:
    analyst = make_user("analyst", Role.ANALYST, region=org.city)
    response = client_for(analyst).post(
        reverse("scoring:recompute", args=["T"]), {"period": "2025Q1"}
    )
    assert response.status_code == 403
