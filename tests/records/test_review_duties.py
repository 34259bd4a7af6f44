"""Separation of duties and closed periods in the review workflow (issue 10, findings 5
and 6): whoever entered a record never reviews it, not even an administrator; a record
dated in a closed collection period is frozen (submit, return, approve, edit, delete and
new evidence are refused) until the period is reopened."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.records.evidence import evidence_add
from qingfeng.records.models import CollectionPeriod, Evidence, Record, RecordStatus
from qingfeng.records.periods import period_close, period_reopen
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, english, make_user
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup
from tests.records.entry_helpers import new_url

# Shared fixtures of the entry tests: 2025Q3 open, 2025Q2 closed, clerk of ST-A.
clerk, media, periods = helpers.clerk, helpers.media, helpers.periods

pytestmark = pytest.mark.django_db

APPROVE = reverse("records:review_approve")


@pytest.fixture
def reviewer(setup: Setup) -> User:
    """Reviewer of station ST-A: county A's units."""
    return make_user("rev_a", Role.STATION_REVIEWER, station=setup.org.station_a)


def enter(client: Client, setup: Setup, *, points: int = 5, submit: bool = True) -> Record:
    """Enter an A3 record for unit A1 in the open 2025Q3 through the entry page."""
    data = {"unit": setup.org.unit_a1.pk, "date": "2025-08-01", "points": points}
    if submit:
        data["submit"] = "1"
    response = client.post(new_url(setup, "A3"), data)
    assert response.status_code == 302, response.context["form"].errors
    return Record.objects.latest("pk")


def status(record: Record) -> str:
    record.refresh_from_db()
    return record.status


def body(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def close(setup: Setup, period: str) -> CollectionPeriod:
    collection = CollectionPeriod.objects.get(framework=setup.framework, period=period)
    return period_close(collection=collection, actor=None)


# Finding 5: separation of duties


@pytest.mark.parametrize("role", [Role.COMMISSION_ADMIN, Role.SYSTEM_ADMIN])
def test_it_refuses_to_let_the_enterer_approve_even_an_administrator(
    periods: Setup, role: str
) -> None:
    if role == Role.SYSTEM_ADMIN:
        admin = make_user("root", role)
    else:
        admin = make_user("commission", role, region=periods.org.county_a)
    client = english(client_for(admin))
    own = enter(client, periods)
    assert status(own) == RecordStatus.SUBMITTED and own.created_by == admin
    response = client.post(APPROVE, {"one": own.pk}, follow=True)
    assert f"You entered record {own.pk}: another reviewer must review it." in body(response)
    assert status(own) == RecordStatus.SUBMITTED and own.reviewed_by is None
    # Nor in bulk, nor by returning it.
    client.post(APPROVE, {"ids": [own.pk]})
    returned = client.post(reverse("records:review_return", args=[own.pk]), {"reason": "自己退回"})
    assert f"You entered record {own.pk}" in body(returned)
    assert status(own) == RecordStatus.SUBMITTED
    assert not Snapshot.objects.exists()  # nothing was recomputed


def test_a_bulk_approval_including_an_own_record_approves_none(
    periods: Setup, clerk: User, admin_a: User, reviewer: User
) -> None:
    theirs = enter(client_for(clerk), periods, points=4)
    client = english(client_for(admin_a))
    own = enter(client, periods, points=3)
    response = client.post(APPROVE, {"ids": [theirs.pk, own.pk]}, follow=True)
    assert f"You entered record {own.pk}:" in body(response)
    assert status(theirs) == status(own) == RecordStatus.SUBMITTED
    # Another reviewer approves both: the enterer is the only one refused.
    client_for(reviewer).post(APPROVE, {"ids": [theirs.pk, own.pk]})
    assert status(theirs) == status(own) == RecordStatus.APPROVED
    assert own.reviewed_by == reviewer


def test_the_queue_offers_no_review_of_ones_own_records(
    periods: Setup, clerk: User, admin_a: User
) -> None:
    theirs = enter(client_for(clerk), periods)
    client = english(client_for(admin_a))
    own = enter(client, periods)
    page = body(client.get(reverse("records:review")))
    assert f'name="ids" value="{theirs.pk}"' in page
    assert f'name="one" value="{theirs.pk}"' in page
    assert f'data-record="{own.pk}"' in page  # listed, so the reviewer knows it waits
    assert f'name="ids" value="{own.pk}"' not in page
    assert f'name="one" value="{own.pk}"' not in page
    assert reverse("records:review_return", args=[own.pk]) not in page
    assert "Entered by you: another reviewer decides." in page


def test_records_without_an_author_are_reviewed_by_any_reviewer(
    periods: Setup, admin_a: User
) -> None:
    pushed = Record.objects.create(
        framework=periods.framework,
        indicator_code="A3",
        unit=periods.org.unit_a1,
        date="2025-08-01",
        points=2,
        status=RecordStatus.SUBMITTED,
    )  # as the API stores it: no author, the station's data
    client_for(admin_a).post(APPROVE, {"one": pushed.pk})
    assert status(pushed) == RecordStatus.APPROVED


# Finding 6: every state change checks the period


def test_it_refuses_to_submit_a_draft_after_the_period_closed(periods: Setup, clerk: User) -> None:
    client = english(client_for(clerk))
    draft = enter(client, periods, submit=False)
    assert status(draft) == RecordStatus.DRAFT
    close(periods, "2025Q3")
    response = client.post(reverse("records:entry_submit", args=[draft.pk]), follow=True)
    assert "in the closed collection period 2025Q3 of LK" in body(response)
    assert status(draft) == RecordStatus.DRAFT
    # Reopened (with a reason), it can be submitted.
    collection = CollectionPeriod.objects.get(framework=periods.framework, period="2025Q3")
    period_reopen(collection=collection, reason="补录", actor=None)
    client.post(reverse("records:entry_submit", args=[draft.pk]))
    assert status(draft) == RecordStatus.SUBMITTED


def test_it_refuses_to_approve_or_return_after_the_period_closed_and_recomputes_nothing(
    periods: Setup, clerk: User, reviewer: User
) -> None:
    submitted = enter(client_for(clerk), periods)
    close(periods, "2025Q3")
    client = english(client_for(reviewer))
    page = body(client.get(reverse("records:review")))
    assert f'data-record="{submitted.pk}"' in page
    assert f'name="one" value="{submitted.pk}"' not in page
    assert "Q3 2025 is closed: reopen it to review." in page
    response = client.post(APPROVE, {"one": submitted.pk}, follow=True)
    # The record is named by its unit and indicator, not by its database id.
    named = f"The record {submitted.unit.name} · {submitted.indicator_code} is dated 2025-08-01"
    assert f"{named}, in the closed" in body(response)
    returned = client.post(
        reverse("records:review_return", args=[submitted.pk]), {"reason": "缺少佐证"}
    )
    assert "in the closed collection period 2025Q3" in body(returned)
    assert status(submitted) == RecordStatus.SUBMITTED
    assert not Snapshot.objects.filter(period__startswith="2025").exists()


def test_it_refuses_to_edit_delete_or_add_evidence_after_the_period_closed(
    periods: Setup, clerk: User, media: Path
) -> None:
    client = english(client_for(clerk))
    draft = enter(client, periods, points=5, submit=False)
    close(periods, "2025Q3")
    # Not even moved to an open date: the closed period's draft is frozen.
    period_reopen(
        collection=CollectionPeriod.objects.get(framework=periods.framework, period="2025Q2"),
        reason="补录",
        actor=None,
    )
    edit = client.post(
        reverse("records:entry_edit", args=[draft.pk]),
        {"unit": periods.org.unit_a1.pk, "date": "2025-05-02", "points": 3},
    )
    assert "in the closed collection period 2025Q3" in body(edit)
    client.post(reverse("records:entry_delete", args=[draft.pk]))
    draft.refresh_from_db()
    assert (draft.status, draft.points, str(draft.date)) == ("draft", 5, "2025-08-01")
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    with pytest.raises(ValidationError, match="closed collection period 2025Q3"):
        evidence_add(record=draft, upload=upload, actor=clerk)
    assert not Evidence.objects.exists()


def test_it_offers_no_edit_or_submit_for_a_draft_frozen_by_a_closed_period(
    periods: Setup, clerk: User
) -> None:
    client = english(client_for(clerk))
    draft = enter(client, periods, submit=False)
    mine = reverse("records:my_records")
    before = body(client.get(mine))
    assert reverse("records:entry_submit", args=[draft.pk]) in before
    assert reverse("records:entry_edit", args=[draft.pk]) in before

    close(periods, "2025Q3")
    after = body(client.get(mine))
    assert f'data-record="{draft.pk}"' in after
    assert reverse("records:entry_submit", args=[draft.pk]) not in after
    assert reverse("records:entry_edit", args=[draft.pk]) not in after
    assert reverse("records:entry_delete", args=[draft.pk]) not in after
    assert "Collection period Q3 2025 is closed: no more changes." in after


def test_my_records_filters_by_a_period_typed_as_it_is_shown(periods: Setup, clerk: User) -> None:
    client = client_for(clerk)
    draft = enter(client, periods, submit=False)  # dated 2025-08-01, in 2025Q3
    mine = reverse("records:my_records")
    shown = body(client.get(mine, {"period": "2025年第三季度"}))
    assert f'data-record="{draft.pk}"' in shown
    other = body(client.get(mine, {"period": "2025年第二季度"}))
    assert f'data-record="{draft.pk}"' not in other
