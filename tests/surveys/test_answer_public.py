"""The public questionnaire of a unit's link, as a respondent on a phone meets it: what it
shows (and never shows), one answer per browser, 404 for unknown and closed links, the
rate limit, and what is stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from qingfeng.surveys.models import RunStatus, SurveyLink, SurveyResponse
from tests.surveys.answer_helpers import clear_rate_limit, posted, survey_url, thanks_url
from tests.surveys.conftest import SurveyWorld, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limit() -> Iterator[None]:
    clear_rate_limit()
    yield
    clear_rate_limit()


@pytest.fixture
def link(survey_world: SurveyWorld) -> SurveyLink:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    return campaign.links.get(unit=org.unit_a1)


def test_it_shows_the_questionnaire_and_the_unit_and_nothing_else(link: SurveyLink) -> None:
    other = link.campaign.links.exclude(pk=link.pk).get()
    SurveyResponse.objects.create(
        link=link, answers={"q1": 5}, score=100.0, submitted_at=timezone.now()
    )
    response = Client().get(survey_url(link))
    page = response.content.decode()
    assert response.status_code == 200
    shown_texts = ("群众满意度调查问卷", "本问卷匿名填写", "黎城县教育局", "作风建设是否满意")
    for shown in shown_texts:
        assert shown in page
    for label in ("很不满意", "不满意", "一般", "满意", "很满意"):
        assert f">{label}</label>" in page
    assert 'maxlength="500"' in page
    # No other unit, no other link, no campaign, no score, no way into the platform.
    for hidden in ("黎侯镇", other.token, link.campaign.name, "100.0", "/accounts/login", "navbar"):
        assert hidden not in page, hidden
    assert "<nav" not in page


def test_it_stores_one_response_and_thanks(link: SurveyLink) -> None:
    client = Client()
    client.get(survey_url(link))
    response = client.post(survey_url(link), posted())
    assert response.status_code == 302
    assert response["Location"] == thanks_url(link)
    stored = SurveyResponse.objects.get()
    assert stored.link == link
    assert stored.answers == {"q1": 4, "q2": 1, "q3": [1, 2], "q4": "服务态度好"}
    # q1 75, q2 100, q3 mean(100, 80) = 90; q4 not scored → (75 + 100 + 90) / 3.
    assert stored.score == pytest.approx(88.3333, abs=1e-4)
    assert stored.submitted_at.second == 0 and stored.submitted_at.microsecond == 0
    field_names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert field_names == {"id", "link", "answers", "score", "submitted_at"}
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "感谢" in thanks.content.decode()


def test_it_refuses_a_second_answer_from_the_same_browser(link: SurveyLink) -> None:
    client = Client()
    assert client.post(survey_url(link), posted()).status_code == 302
    again = client.post(survey_url(link), posted(q1="1"))
    assert again.status_code == 200
    assert "您已经填写过" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().answers["q1"] == 4
    # The form itself is not offered again either.
    page = client.get(survey_url(link)).content.decode()
    assert "您已经填写过" in page and "<form" not in page
    # Another browser (another person's phone) still answers; so does this browser on
    # another unit's link.
    assert Client().post(survey_url(link), posted()).status_code == 302
    other = link.campaign.links.exclude(pk=link.pk).get()
    assert client.post(survey_url(other), posted()).status_code == 302
    assert SurveyResponse.objects.count() == 3


def test_it_does_not_trust_a_forged_cookie(link: SurveyLink) -> None:
    client = Client()
    client.cookies["qf_answered"] = link.token  # unsigned: ignored
    assert client.post(survey_url(link), posted()).status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_it_answers_404_for_a_closed_or_unknown_link(link: SurveyLink) -> None:
    client = Client()
    for url in (survey_url("no-such-token-000000000"), survey_url(link.token[:-1] + "x")):
        assert client.get(url).status_code == 404
        assert client.post(url, posted()).status_code == 404
    link.campaign.status = RunStatus.CLOSED
    link.campaign.save()
    assert client.get(survey_url(link)).status_code == 404
    assert client.post(survey_url(link), posted()).status_code == 404
    assert client.get(thanks_url(link)).status_code == 404
    assert SurveyResponse.objects.count() == 0


def test_it_refuses_over_the_rate_limit_with_a_friendly_page(
    link: SurveyLink, settings: Settings
) -> None:
    settings.SURVEY_ANSWERS_PER_MINUTE = 3
    for _ in range(3):
        assert Client().post(survey_url(link), posted()).status_code == 302
    refused = Client().post(survey_url(link), posted())
    assert refused.status_code == 429
    assert "请稍后" in refused.content.decode() or "一分钟" in refused.content.decode()
    assert SurveyResponse.objects.count() == 3
    # The limit is per link: another unit's link still answers.
    other = link.campaign.links.exclude(pk=link.pk).get()
    assert Client().post(survey_url(other), posted()).status_code == 302


def test_it_shows_errors_beside_the_questions_and_keeps_the_answers(link: SurveyLink) -> None:
    response = Client().post(survey_url(link), posted(q1=None, q2="9", q4="保留的意见"))
    page = response.content.decode()
    assert response.status_code == 200
    assert SurveyResponse.objects.count() == 0
    assert "请回答此题" in page  # q1 required and missing
    assert "请在所列选项中选择" in page  # q2 position 9 does not exist
    assert page.count('data-testid="question-error"') == 2
    assert "保留的意见</textarea>" in page
    assert 'id="q3-1" value="1" checked' in page and 'id="q3-2" value="2" checked' in page


def test_it_needs_the_csrf_token(link: SurveyLink) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(survey_url(link), posted()).status_code == 403
    page = client.get(survey_url(link)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = posted() | {"csrfmiddlewaretoken": token}
    assert client.post(survey_url(link), data).status_code == 302
    assert SurveyResponse.objects.count() == 1
