"""The democratic evaluations' pages: the clerk's paper entry, the public phone slip,
the results and the scope (404 outside it)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qingfeng.accounts.roles import Role
from qingfeng.org.models import Person
from qingfeng.surveys.models import Appraisal, AppraisalGrade, AppraisalSlip
from qingfeng.surveys.rules import slip_code_shown
from qingfeng.surveys.services_appraisals import appraisal_close
from tests.conftest import make_user
from tests.surveys.appraisal_helpers import add_teams, cast, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(survey_world: SurveyWorld) -> SurveyWorld:
    add_teams(survey_world)
    cache.clear()  # the per-link answer counts
    return survey_world


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def grades_post(appraisal: Appraisal, slip: AppraisalSlip, *grades: str) -> dict[str, str]:
    subjects = appraisal.subjects.filter(unit_id=slip.unit_id).order_by("position", "pk")
    return {f"grade_{s.pk}": g for s, g in zip(subjects, grades, strict=False)}


def test_it_enters_a_paper_slip_typed_in_any_case_with_dashes(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    url = reverse("surveys:appraisal_entry", args=[appraisal.pk])
    client = client_of(world.admin)
    typed = slip_code_shown(slip.code).lower()
    page = client.post(url, {"code": typed})
    # The slip's team: A2's two leaders, each with the four grades.
    assert page.status_code == 200
    text = page.content.decode()
    assert "陈刚" in text and "刘芳" in text and "王建国" not in text
    done = client.post(
        url,
        {"code": typed, "cast": "1", **grades_post(appraisal, slip, "excellent", "basic")},
    )
    assert done.status_code == 302
    slip.refresh_from_db()
    assert slip.channel == "paper" and slip.cast_at is not None
    assert sorted(AppraisalGrade.objects.values_list("grade", flat=True)) == ["basic", "excellent"]


def test_it_refuses_a_partial_paper_slip_with_a_clear_message(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    url = reverse("surveys:appraisal_entry", args=[appraisal.pk])
    page = client_of(world.admin).post(
        url, {"code": slip.code, "cast": "1", **grades_post(appraisal, slip, "excellent")}
    )
    assert page.status_code == 200
    assert "漏选等次的测评票为无效票" in page.content.decode()
    assert not AppraisalGrade.objects.exists()


def test_it_says_a_wrong_code_is_wrong_and_reveals_no_code(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    other = make_appraisal(world, code="MZ-OTHER", units=[world.org.unit_a1])
    url = reverse("surveys:appraisal_entry", args=[appraisal.pk])
    client = client_of(world.admin)
    # A made-up code, and a real code of another appraisal: the same words.
    foreign = slips_of(other, world.org.unit_a1)[0].code
    for typed in ("ABCD-EFGH-JK", foreign):
        text = client.post(url, {"code": typed}).content.decode()
        assert "本次测评没有该编号的测评票，请核对输入。" in text
        # Only what the clerk typed comes back (in the field), never another code.
        others = [s.code for s in AppraisalSlip.objects.exclude(code=typed)]
        assert not any(code in text or slip_code_shown(code) in text for code in others)


def test_it_casts_a_slip_on_a_phone_once(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    url = reverse("answer:slip", args=[slip.code])
    phone = Client()
    page = phone.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "2025年述责述廉民主测评" in text and "陈刚" in text and "刘芳" in text
    # Nothing but the slip: no other team, no platform link.
    assert "王建国" not in text and "黎城县教育局" not in text and "/surveys/" not in text
    answer = phone.post(url, grades_post(appraisal, slip, "competent", "competent"))
    assert answer.status_code == 302 and answer["Location"] == reverse("answer:slip_thanks")
    slip.refresh_from_db()
    assert slip.channel == "phone"
    # Cast: the code answers 404 from now on, and a second cast stores nothing.
    assert phone.get(url).status_code == 404
    again = phone.post(url, grades_post(appraisal, slip, "incompetent", "incompetent"))
    assert again.status_code == 404
    assert AppraisalGrade.objects.filter(grade="incompetent").count() == 0


def test_it_answers_404_for_a_closed_appraisals_slip_and_stores_nothing(
    world: SurveyWorld,
) -> None:
    appraisal = make_appraisal(world, indicator_code="")
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    appraisal_close(appraisal=appraisal, actor=world.admin)
    url = reverse("answer:slip", args=[slip.code])
    assert Client().get(url).status_code == 404
    assert (
        Client().post(url, grades_post(appraisal, slip, "excellent", "excellent")).status_code
        == 404
    )
    assert Client().get(reverse("answer:slip", args=["ABCDEFGHJK"])).status_code == 404
    slip.refresh_from_db()
    assert slip.cast_at is None and not AppraisalGrade.objects.exists()


def test_it_refuses_a_partial_phone_slip(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    page = Client().post(
        reverse("answer:slip", args=[slip.code]), grades_post(appraisal, slip, "excellent")
    )
    assert page.status_code == 200
    assert "漏选等次的测评票为无效票" in page.content.decode()
    assert not AppraisalGrade.objects.exists()


def test_it_limits_the_answers_per_slip_and_minute(world: SurveyWorld, settings: Settings) -> None:
    settings.SURVEY_ANSWERS_PER_MINUTE = 1
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    url = reverse("answer:slip", args=[slip.code])
    assert Client().post(url, grades_post(appraisal, slip, "excellent")).status_code == 200
    busy = Client().post(url, grades_post(appraisal, slip, "excellent", "excellent"))
    assert busy.status_code == 429
    assert not AppraisalGrade.objects.exists()


def test_it_shows_each_leaders_and_teams_share(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    a1 = slips_of(appraisal, world.org.unit_a1)
    cast(a1[0], "excellent", "competent", "basic")
    cast(a1[1], "competent", "competent", "incompetent")
    page = client_of(world.analyst).get(reverse("surveys:appraisal_results", args=[appraisal.pk]))
    text = page.content.decode()
    # 王建国 2 of 2, 张丽 2 of 2, 赵强 0 of 2; the team 4 of 6.
    assert page.status_code == 200
    assert "100.0%" in text and "0.0%" in text and "66.7%" in text


def test_it_escapes_a_hostile_leader_name(world: SurveyWorld) -> None:
    Person.objects.filter(name="陈刚").update(name="<script>alert(1)</script>")
    appraisal = make_appraisal(world)
    slip = slips_of(appraisal, world.org.unit_a2)[0]
    for page in (
        Client().get(reverse("answer:slip", args=[slip.code])),
        client_of(world.admin).get(reverse("surveys:appraisal_detail", args=[appraisal.pk])),
        client_of(world.admin).get(reverse("surveys:appraisal_results", args=[appraisal.pk])),
    ):
        text = page.content.decode()
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_it_answers_404_outside_the_scope(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    outsider = make_user("admin_b", Role.COMMISSION_ADMIN, region=world.org.county_b)
    analyst_b = make_user("analyst_b", Role.ANALYST, region=world.org.county_b)
    pk = appraisal.pk
    unit = world.org.unit_a1.pk
    reads = [
        "appraisal_detail",
        "appraisal_results",
        "appraisal_results_docx",
        "appraisal_results_xlsx",
    ]
    runs = ["appraisal_entry", "appraisal_slips_docx"]
    for user in (outsider, analyst_b):
        client = client_of(user)
        for name in reads + runs:
            assert client.get(reverse(f"surveys:{name}", args=[pk])).status_code == 404, name
        assert client.get(reverse("surveys:appraisal_leaders", args=[pk, unit])).status_code == 404
        assert client.post(reverse("surveys:appraisal_close", args=[pk])).status_code == 404
        listing = client.get(reverse("surveys:appraisal_list")).content.decode()
        assert "2025年述责述廉民主测评" not in listing
    # County A's analyst reads, but does not run it.
    analyst = client_of(world.analyst)
    assert analyst.get(reverse("surveys:appraisal_results", args=[pk])).status_code == 200
    for name in runs:
        assert analyst.get(reverse(f"surveys:{name}", args=[pk])).status_code == 404, name
    assert analyst.post(reverse("surveys:appraisal_close", args=[pk])).status_code == 404
    assert Appraisal.objects.get().is_open


def test_it_creates_an_appraisal_from_the_form(world: SurveyWorld) -> None:
    client = client_of(world.admin)
    url = reverse("surveys:appraisal_new")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "黎城县教育局" in text and "黎侯镇" in text and "A3" in text
    framework = world.lc.framework
    answer = client.post(
        url,
        {
            "name": "2025年述责述廉民主测评",
            "code": "MZ-NEW",
            "region": world.org.county_a.pk,
            "period": "2025Q4",
            "meeting_date": "2025-12-20",
            "feeds": f"{framework.pk}:A3",
            "slips_per_unit": 5,
            "units": [world.org.unit_a1.pk, world.org.unit_a2.pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    created = Appraisal.objects.get(code="MZ-NEW")
    assert (created.indicator_code, created.period, created.slips.count()) == ("A3", "2025Q4", 10)
