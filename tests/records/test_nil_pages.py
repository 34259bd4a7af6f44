"""The nil return pages: a clerk files from the entry page's link (several indicators and
units in one action), sees the station's list and withdraws; a reviewer approves or
returns from their queue; a nil return's page shows its units and history; another
station's clerk gets 404 everywhere."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.records.models import CollectionPeriod, NilReturn, NilReturnStatus, RecordStatus
from qingfeng.records.periods import period_open
from qingfeng.records.services import record_create
from tests.conftest import client_for, english
from tests.records import entry_helpers, nil_helpers
from tests.records.conftest import Setup
from tests.records.nil_helpers import file_nil

clerk, periods = entry_helpers.clerk, entry_helpers.periods
reviewer, clerk_b = nil_helpers.reviewer, nil_helpers.clerk_b

pytestmark = pytest.mark.django_db

NEW = reverse("records:nil_new")
LIST = reverse("records:nil_list")
REVIEW = reverse("records:nil_review")
APPROVE = reverse("records:nil_approve")


def body(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def form_data(setup: Setup, codes: list[str], units: list[object], note: str = "") -> dict:
    return {
        "station": setup.org.station_a.pk,
        "framework": setup.framework.pk,
        "period": "2025Q3",
        "codes": codes,
        "units": [unit.pk for unit in units],  # type: ignore[attr-defined]
        "note": note,
    }


def test_the_entry_page_links_to_the_nil_returns(periods: Setup, clerk: User) -> None:
    page = body(client_for(clerk).get(reverse("records:entry")))
    assert reverse("records:nil_list") in page and "零报告" in page


def test_the_form_offers_the_tracked_leaves_and_ticks_the_units_without_records(
    periods: Setup, clerk: User
) -> None:
    record_create(
        framework=periods.framework,
        indicator_code="A1",
        unit=periods.org.unit_a1,
        date=datetime.date(2025, 8, 1),
        actor=clerk,
        station=periods.org.station_a,
        quantity=1,
        status=RecordStatus.DRAFT,
    )
    page = body(client_for(clerk).get(NEW))
    # Deduct and bonus leaves of ST-A only (A3 direct, A4 rate … take none; B1 is ST-B's).
    for code in ("A1", "A2", "B2"):
        assert f'name="codes" value="{code}"' in page
    for code in ("A3", "A4", "A5", "A6", "B1"):
        assert f'name="codes" value="{code}"' not in page
    org = periods.org
    assert f'value="{org.unit_a1.pk}" id="unit-{org.unit_a1.pk}">' in page  # not ticked
    assert f'value="{org.unit_a2.pk}" id="unit-{org.unit_a2.pk}" checked>' in page
    assert "已有记录: A1" in page


def test_a_clerk_files_several_nil_returns_in_one_action_and_withdraws_one(
    periods: Setup, clerk: User
) -> None:
    client = client_for(clerk)
    org = periods.org
    data = form_data(periods, ["A1", "B2"], [org.unit_a1_sub, org.unit_a2], "本季度无案件")
    response = client.post(NEW, data, follow=True)
    assert response.redirect_chain[-1][0].startswith(LIST)
    assert "已提交 2 份2025年第三季度的零报告，等待审核。" in body(response)
    a1, b2 = NilReturn.objects.order_by("indicator_code")
    assert [(n.indicator_code, n.lines.count()) for n in (a1, b2)] == [("A1", 2), ("B2", 1)]
    assert a1.note == "本季度无案件" and a1.created_by == clerk
    listing = body(client.get(LIST))
    assert reverse("records:nil_detail", args=[a1.pk]) in listing
    assert "2025年第三季度" in listing and "撤回" in listing
    detail = body(client.get(reverse("records:nil_detail", args=[a1.pk])))
    assert "黎城县第一中学" in detail and "黎侯镇" in detail and "本季度无案件" in detail
    response = client.post(reverse("records:nil_withdraw", args=[a1.pk]), follow=True)
    a1.refresh_from_db()
    assert a1.status == NilReturnStatus.WITHDRAWN
    history = body(client.get(reverse("records:nil_detail", args=[a1.pk])))
    assert history.count("clerk") >= 2  # filed and withdrawn by the clerk


def test_a_conflicting_filing_shows_the_error_and_stores_nothing(
    periods: Setup, clerk: User
) -> None:
    org = periods.org
    file_nil(periods, clerk, units=[org.unit_a2])
    client = english(client_for(clerk))
    response = client.post(NEW, form_data(periods, ["A1"], [org.unit_a1, org.unit_a2]))
    assert response.status_code == 200
    assert "黎侯镇 already has a nil return on A1 A1 for Q3 2025." in body(response)
    assert NilReturn.objects.count() == 1


def test_a_reviewer_approves_and_returns_from_the_queue(
    periods: Setup, clerk: User, reviewer: User
) -> None:
    org = periods.org
    first = file_nil(periods, clerk, units=[org.unit_a1])
    second = file_nil(periods, clerk, "A2")
    client = client_for(reviewer)
    queue = body(client.get(reverse("records:review")))
    assert reverse("records:nil_review") in queue
    page = body(client.get(REVIEW))
    assert f'name="ids" value="{first.pk}"' in page and "黎城县委组织部" in page
    response = client.post(APPROVE, {"one": first.pk}, follow=True)
    assert "已审核通过 1 份零报告" in body(response)
    first.refresh_from_db()
    assert first.status == NilReturnStatus.APPROVED and first.reviewed_by == reviewer
    returned = client.post(
        reverse("records:nil_return", args=[second.pk]), {"reason": "A2有表彰未报"}
    )
    assert returned.status_code == 302
    second.refresh_from_db()
    assert second.status == NilReturnStatus.RETURNED and second.return_reason == "A2有表彰未报"
    detail = body(client_for(clerk).get(reverse("records:nil_detail", args=[second.pk])))
    assert "A2有表彰未报" in detail and "rev_a" in detail


def test_the_filer_gets_no_review_buttons(periods: Setup, admin_a: User) -> None:
    nil = file_nil(periods, admin_a)
    client = english(client_for(admin_a))
    page = body(client.get(REVIEW))
    assert f'name="ids" value="{nil.pk}"' not in page
    assert "Filed by you: another reviewer decides." in page
    response = client.post(APPROVE, {"one": nil.pk}, follow=True)
    assert "another reviewer must review it" in body(response)
    assert NilReturn.objects.get().status == NilReturnStatus.SUBMITTED


def test_another_stations_clerk_gets_404_on_every_nil_page(
    periods: Setup, clerk: User, clerk_b: User
) -> None:
    nil = file_nil(periods, clerk)
    other = client_for(clerk_b)
    for url in ("nil_detail", "nil_return"):
        assert other.get(reverse(f"records:{url}", args=[nil.pk])).status_code == 404
    assert other.post(reverse("records:nil_withdraw", args=[nil.pk])).status_code == 404
    assert other.post(APPROVE, {"one": nil.pk}).status_code == 404
    assert other.get(REVIEW).status_code == 404  # a clerk reviews nothing
    assert other.get(f"{NEW}?station={periods.org.station_a.pk}").status_code == 404
    assert other.get(f"{LIST}?station={periods.org.station_a.pk}").status_code == 404
    forged = form_data(periods, ["A1"], [periods.org.unit_a1])
    assert other.post(NEW, forged).status_code == 404
    assert NilReturn.objects.get().status == NilReturnStatus.SUBMITTED
    # Nor does anyone without a station: 404 rather than an empty page.
    assert Client().get(LIST).status_code == 302  # to the login page


def test_a_unit_outside_the_form_is_404(periods: Setup, clerk: User) -> None:
    forged = form_data(periods, ["A1"], [periods.org.unit_b1])
    assert client_for(clerk).post(NEW, forged).status_code == 404
    assert not NilReturn.objects.exists()


def test_hostile_text_is_escaped_on_the_pages(periods: Setup, clerk: User, reviewer: User) -> None:
    nil = file_nil(periods, clerk, note='<script>alert("x")</script>\x00')
    for user in (clerk, reviewer):
        page = body(client_for(user).get(reverse("records:nil_detail", args=[nil.pk])))
        assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_form_opens_on_the_overdue_period_first(periods: Setup, clerk: User) -> None:
    period_open(framework=periods.framework, period="2026Q4", actor=None)  # due 2027-01-15
    page = body(client_for(clerk).get(NEW))
    # 2025Q3's entry deadline (2025-10-15) has passed: the late station starts there.
    assert '<option value="2025Q3" selected>' in page
    CollectionPeriod.objects.filter(period="2025Q3").update(
        entry_deadline=datetime.date.today() + datetime.timedelta(days=3)
    )
    page = body(client_for(clerk).get(NEW))
    assert '<option value="2026Q4" selected>' in page
