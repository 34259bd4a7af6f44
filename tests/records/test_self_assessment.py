"""A unit liaison's self-assessment, and the ``self_assessed`` flag of the framework
interchange (YAML and .xlsx)."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.interchange import framework_import, read_framework_file
from qingfeng.framework.interchange_write import framework_export
from qingfeng.framework.models import Indicator
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.review import record_return, records_approve
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import node_codes
from tests.conftest import client_for, english, make_user
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup

periods = helpers.periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(periods: Setup) -> User:
    """Liaison of unit A1 (and its sub-unit A1-1); A3 is self-assessed."""
    Indicator.objects.filter(version=periods.version, code="A3").update(self_assessed=True)
    return make_user("liaison", Role.UNIT_LIAISON, unit=periods.org.unit_a1)


def url(setup: Setup, code: str) -> str:
    return reverse("records:self_assessment_new", args=[setup.framework.pk, "2025Q3", code])


def test_it_lists_only_self_assessed_indicators(periods: Setup, liaison: User) -> None:
    page = client_for(liaison).get(reverse("records:self_assessment")).content.decode()
    assert 'data-code="A3"' in page
    assert 'data-code="A1"' not in page
    assert "黎城县教育局" in page and "黎侯镇" not in page  # only the liaison's units


def test_it_creates_a_self_assessment_for_the_liaisons_unit_only(
    periods: Setup, liaison: User
) -> None:
    client = client_for(liaison)
    assert client.get(url(periods, "A1")).status_code == 404  # not self-assessed
    refused = client.post(
        url(periods, "A3"), {"unit": periods.org.unit_a2.pk, "date": "2025-08-01", "points": 8}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["unit"]
    assert not Record.objects.exists()
    response = client.post(
        url(periods, "A3"),
        {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "points": 8, "submit": "1"},
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.self_assessment and record.station is None
    assert (record.unit, record.status, record.source) == (
        periods.org.unit_a1,
        RecordStatus.SUBMITTED,
        "typed",
    )


def test_a_clerk_has_no_self_assessment(periods: Setup) -> None:
    clerk = make_user("clerk", Role.STATION_CLERK, station=periods.org.station_a)
    client = client_for(clerk)
    assert client.get(reverse("records:self_assessment")).status_code == 404
    assert client.get(url(periods, "A3")).status_code == 404


def test_the_flag_round_trips_through_yaml_and_xlsx(periods: Setup, admin_a: User) -> None:
    Indicator.objects.filter(version=periods.version, code="A3").update(self_assessed=True)
    data = framework_export(version=periods.version, fmt="yaml")
    nodes = yaml.safe_load(data)["indicators"][0]["children"]
    flags = {node["code"]: node.get("self_assessed") for node in nodes}
    assert flags["A3"] is True and flags["A1"] is None  # false is left out
    for fmt in ("yaml", "xlsx"):
        exported = framework_export(version=periods.version, fmt=fmt)
        result = framework_import(
            data=exported, filename=f"lk.{fmt}", actor=None, region=periods.org.city
        )
        assert not result.issues, result.issues
        assert result.version is not None
        flagged = set(
            result.version.indicators.filter(self_assessed=True).values_list("code", flat=True)
        )
        assert flagged == {"A3"}, fmt
    page = client_for(admin_a).get(reverse("framework:version_detail", args=[periods.version.pk]))
    assert page.content.decode().count('data-testid="self-assessed"') == 1


def test_the_flag_must_be_true_or_false(setup: Setup) -> None:
    text = (
        "code: X\nname: X\nyear: 2025\nindicators:\n"
        "  - {code: A, name: A, max: 10, self_assessed: maybe, rule: {type: direct}}\n"
    )
    _spec, issues = read_framework_file(data=text.encode(), filename="x.yaml")
    assert [issue for issue in issues if "self_assessed" in str(issue)]


# ---------------------------------------------------------------------------------------
# "No problem": a nil answer on a deduction (docs/design.md, "A nil answer")


@pytest.fixture
def deduction_liaison(periods: Setup) -> User:
    """Liaison of unit A1; A1 (deduct 2 per item, max 20) is self-assessed."""
    Indicator.objects.filter(version=periods.version, code="A1").update(self_assessed=True)
    return make_user("liaison", Role.UNIT_LIAISON, unit=periods.org.unit_a1)


def test_a_liaison_answers_no_problem_on_a_deduction(
    periods: Setup, deduction_liaison: User, admin_a: User
) -> None:
    client = english(client_for(deduction_liaison))
    page = client.get(url(periods, "A1"))
    assert 'data-testid="no-problem"' in page.content.decode()
    assert "2 points deducted each" in page.content.decode()  # the quantity says its worth
    base = {"unit": periods.org.unit_a1.pk, "date": "2025-08-01"}
    zero = client.post(url(periods, "A1"), {**base, "quantity": 0})
    assert zero.context["form"].errors["quantity"] == ["the quantity must be more than 0"]
    nothing = client.post(url(periods, "A1"), base)
    assert "no problem found in this period" in nothing.context["form"].errors["quantity"][0]
    both = client.post(url(periods, "A1"), {**base, "quantity": 2, "no_problem": "on"})
    assert both.context["form"].errors["quantity"]
    assert not Record.objects.exists()

    answered = client.post(url(periods, "A1"), {**base, "no_problem": "on", "submit": "1"})
    assert answered.status_code == 302
    record = Record.objects.get()
    assert (record.points, record.quantity, record.self_assessment) == (0, None, True)
    reviewer = make_user("rev_a", Role.STATION_REVIEWER, station=periods.org.station_a)
    queue = client_for(reviewer).get(reverse("records:review")).content.decode()
    assert 'data-testid="nil-answer"' in queue  # the reviewer sees the answer as such
    mine = client.get(reverse("records:my_records")).content.decode()
    assert 'data-testid="nil-answer"' in mine  # and so does the liaison, not "points 0"
    assert "No problem found in this period" in mine
    # Scored by the ordinary rule: 0 points deducted, so the leaf keeps its maximum; the
    # record is kept with the score as the answer that moved it.
    records_approve(records=[record], actor=admin_a)
    snapshot = Snapshot.objects.get(
        version=periods.version, period="2025Q3", unit=periods.org.unit_a1
    )
    index = node_codes(periods.version).index("A1")
    assert snapshot.nodes["score"][index] == 20
    assert record.pk in snapshot.record_ids


def test_a_no_problem_answer_is_shown_again_when_corrected(
    periods: Setup, deduction_liaison: User, admin_a: User
) -> None:
    client = client_for(deduction_liaison)
    base = {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "no_problem": "on"}
    client.post(url(periods, "A1"), {**base, "submit": "1"})
    record = Record.objects.get()
    record_return(record=record, reason="请核实", actor=admin_a)
    edit = reverse("records:entry_edit", args=[record.pk])
    form = client.get(edit).context["form"]
    assert form.initial["no_problem"] is True
    corrected = client.post(
        edit, {"unit": periods.org.unit_a1.pk, "date": "2025-08-02", "quantity": 3}
    )
    assert corrected.status_code == 302
    record.refresh_from_db()
    assert (record.points, record.quantity) == (None, 3)


def test_a_clerk_is_not_offered_no_problem(periods: Setup) -> None:
    clerk = make_user("clerk", Role.STATION_CLERK, station=periods.org.station_a)
    page = client_for(clerk).get(helpers.new_url(periods, "A1")).content.decode()
    assert 'data-testid="no-problem"' not in page
