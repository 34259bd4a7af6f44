"""The review queue: approve singly and in bulk (scores follow), return with a reason,
and never act on a record outside the reviewer's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.org import services as org_services
from qingfeng.org.models import Station, StationKind
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import Org, Scored, client_for, english, make_user, record

Q1 = Period.parse("2025Q1")


@pytest.fixture
def reviewer(org: Org) -> User:
    """Reviewer of station ST-A: county A's units."""
    return make_user("rev_a", Role.STATION_REVIEWER, station=org.station_a)


def a1_score(scored: Scored, org: Org) -> float:
    snapshot = Snapshot.objects.get(version=scored.version, period="2025Q1", unit=org.unit_a1)
    return snapshot.node_results(["A1"])["A1"][0]


def submitted(scored: Scored, unit: object, day: str, **fields: object) -> Record:
    return record(scored, unit, "A1", day, status=RecordStatus.SUBMITTED, **fields)


def test_it_lists_submitted_records_in_scope_with_indicator_names(
    org: Org, scored: Scored, reviewer: User
) -> None:
    mine = submitted(scored, org.unit_a1, "2025-02-01", quantity=1, note="迟报材料")
    submitted(scored, org.unit_b1, "2025-02-01", quantity=1, note="县B的记录")
    record(scored, org.unit_a2, "A1", "2025-02-01", quantity=1, note="草稿", status="draft")
    response = client_for(reviewer).get(reverse("records:review"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-record="{mine.pk}"' in body
    assert "迟报材料" in body and "指标A1" in body
    assert "县B的记录" not in body and "草稿" not in body
    # Filters narrow the queue.
    empty = client_for(reviewer).get(reverse("records:review"), {"period": "2025Q2"})
    assert f'data-record="{mine.pk}"' not in empty.content.decode()


def test_it_approves_one_record_and_the_score_drops(
    org: Org, scored: Scored, reviewer: User
) -> None:
    period_recompute(framework=scored.framework, period=Q1)
    before = a1_score(scored, org)
    one = submitted(scored, org.unit_a1, "2025-02-01", quantity=2)
    response = english(client_for(reviewer)).post(
        reverse("records:review_approve"), {"one": one.pk}, follow=True
    )
    one.refresh_from_db()
    assert one.status == RecordStatus.APPROVED and one.reviewed_by == reviewer
    assert a1_score(scored, org) == before - 10
    assert "Approved 1 record; scores updated for T" in response.content.decode()
    assert "2025Q1" in response.content.decode()


def test_it_approves_in_bulk(org: Org, scored: Scored, reviewer: User) -> None:
    period_recompute(framework=scored.framework, period=Q1)
    before = a1_score(scored, org)
    first = submitted(scored, org.unit_a1, "2025-02-01", quantity=1)
    second = submitted(scored, org.unit_a1, "2025-03-01", quantity=1)
    client_for(reviewer).post(reverse("records:review_approve"), {"ids": [first.pk, second.pk]})
    assert set(Record.objects.values_list("status", flat=True)) == {RecordStatus.APPROVED}
    assert a1_score(scored, org) == before - 10


def test_it_returns_with_a_reason_and_the_record_does_not_count(
    org: Org, scored: Scored, reviewer: User
) -> None:
    period_recompute(framework=scored.framework, period=Q1)
    before = a1_score(scored, org)
    one = submitted(scored, org.unit_a1, "2025-02-01", quantity=3)
    client = client_for(reviewer)
    url = reverse("records:review_return", args=[one.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    one.refresh_from_db()
    assert one.status == RecordStatus.SUBMITTED
    assert client.post(url, {"reason": "缺少佐证"}).status_code == 302
    one.refresh_from_db()
    assert one.status == RecordStatus.RETURNED and one.return_reason == "缺少佐证"
    period_recompute(framework=scored.framework, period=Q1)
    snapshot = Snapshot.objects.get(version=scored.version, period="2025Q1", unit=org.unit_a1)
    assert one.pk not in snapshot.record_ids
    assert a1_score(scored, org) == before


def test_it_refuses_records_outside_the_reviewers_scope(
    org: Org, scored: Scored, reviewer: User
) -> None:
    mine = submitted(scored, org.unit_a1, "2025-02-01", quantity=1)
    theirs = submitted(scored, org.unit_b1, "2025-02-01", quantity=1)
    client = client_for(reviewer)
    approve = reverse("records:review_approve")
    assert client.post(approve, {"one": theirs.pk}).status_code == 404
    assert client.post(approve, {"ids": [mine.pk, theirs.pk]}).status_code == 404
    assert client.post(approve, {"ids": ["x"]}).status_code == 404
    url = reverse("records:review_return", args=[theirs.pk])
    assert client.post(url, {"reason": "越权"}).status_code == 404
    assert set(Record.objects.values_list("status", flat=True)) == {RecordStatus.SUBMITTED}


def test_it_forbids_the_queue_without_the_review_role(org: Org, scored: Scored) -> None:
    clerk = make_user("clerk_a", Role.STATION_CLERK, station=org.station_a)
    assert client_for(clerk).get(reverse("records:review")).status_code == 403


def test_it_refuses_to_approve_a_record_already_approved(
    org: Org, scored: Scored, reviewer: User
) -> None:
    done = record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    response = english(client_for(reviewer)).post(
        reverse("records:review_approve"), {"one": done.pk}, follow=True
    )
    assert response.status_code == 200
    assert "this step needs it to be" in response.content.decode()


def test_the_filters_list_what_the_queue_holds(org: Org, scored: Scored, reviewer: User) -> None:
    """ST-A's reviewer reviews county A's units, whichever station entered their records:
    the station filter lists the stations (and units' self-assessments) of its queue, the
    period filter the periods its records fall in."""
    petitions = org_services.station_save(
        station=Station(
            code="ST-X", name="黎城县信访局", kind=StationKind.DEPARTMENT, region=org.county_a
        )
    )
    by_other = submitted(scored, org.unit_a1, "2025-02-01", quantity=1, station=petitions)
    own = submitted(scored, org.unit_a2, "2025-05-01", quantity=1, self_assessment=True)
    client = client_for(reviewer)
    page = client.get(reverse("records:review"))
    assert [s.code for s in page.context["stations"]] == ["ST-X"]
    assert page.context["no_station"] and "单位自评" in page.content.decode()
    assert page.context["queue_periods"] == ["2025", "2025Q2", "2025Q1"]
    assert [f.code for f in page.context["frameworks"]] == ["T"]
    only_x = client.get(reverse("records:review"), {"station": "ST-X"}).content.decode()
    assert f'data-record="{by_other.pk}"' in only_x and f'data-record="{own.pk}"' not in only_x
    selfs = client.get(reverse("records:review"), {"station": "-"}).content.decode()
    assert f'data-record="{own.pk}"' in selfs and f'data-record="{by_other.pk}"' not in selfs


def test_the_return_page_shows_the_record_and_names_it(
    org: Org, scored: Scored, reviewer: User
) -> None:
    one = submitted(scored, org.unit_a1, "2025-02-01", quantity=2, note="迟报", problem_type="四风")
    client = english(client_for(reviewer))
    page = client.get(reverse("records:review_return", args=[one.pk])).content.decode()
    assert 'data-testid="return-numbers"' in page and "quantity 2" in page and "四风" in page
    done = client.post(
        reverse("records:review_return", args=[one.pk]), {"reason": "请补充材料"}, follow=True
    )
    text = done.content.decode()
    assert f"Returned the record of {org.unit_a1.name} on A1 指标A1 dated 2025-02-01." in text
    assert f"record {one.pk}" not in text
