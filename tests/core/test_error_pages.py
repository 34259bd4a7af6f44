"""The error pages a user can meet in production (DEBUG off): styled, in the user's
language (Chinese unless English was chosen), with a way back, never a stack trace."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.core.errors import server_error
from tests.conftest import Org, client_for, english
from tests.core.error_urls import SECRET

pytestmark = pytest.mark.django_db

# status → (path, Chinese title, English title)
PAGES = {
    400: ("/fail/400/", "请求无效", "Bad request"),
    403: ("/fail/403/", "无权访问", "Access denied"),
    404: ("/no/such/page/", "页面不存在", "Page not found"),
    500: ("/fail/500/", "服务器出错了", "Server error"),
}
STACK_TRACE_WORDS = ("Traceback", "RuntimeError", "SuspiciousOperation", SECRET)


def _get(client: Client, status: int) -> str:
    path = PAGES[status][0]
    response = client.get(path, HTTP_REFERER="http://testserver/org/units/")
    assert response.status_code == status
    content = response.content.decode()
    for word in STACK_TRACE_WORDS:
        assert word not in content
    assert 'href="/"' in content  # the way back home
    assert "/static/css/qingfeng.css" in content  # styled like every page
    return content


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_pages_speak_chinese_by_default(admin_a: User, status: int) -> None:
    client = client_for(admin_a)
    client.raise_request_exception = False
    content = _get(client, status)
    assert PAGES[status][1] in content
    assert "返回首页" in content
    assert PAGES[status][2] not in content
    if status != 500:
        # The navigation bar of a logged-in user, and the page they came from.
        assert "数据采集" in content or "组织机构" in content
        assert "返回上一页" in content and 'href="http://testserver/org/units/"' in content


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_pages_speak_english_when_chosen(admin_a: User, status: int) -> None:
    client = english(client_for(admin_a))
    client.raise_request_exception = False
    content = _get(client, status)
    assert PAGES[status][2] in content
    assert "Back to the home page" in content
    assert PAGES[status][1] not in content


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_a_visitor_not_logged_in_gets_a_plain_styled_404(org: Org) -> None:
    content = _get(Client(), 404)
    assert "页面不存在" in content
    assert "退出" not in content  # no user menu
    assert "返回上一页" in content


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_a_back_link_only_to_this_site(admin_a: User) -> None:
    response = client_for(admin_a).get("/no/such/page/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 404
    assert "evil.example" not in response.content.decode()
    assert "返回上一页" not in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_failing_its_csrf_check_gets_the_styled_403(admin_a: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "表单已过期" in content and "返回首页" in content
    assert "CSRF cookie" not in content and "CSRF token" not in content  # Django's reason
    response = english(client).post("/accounts/logout/")
    assert "The form has expired" in response.content.decode()


def test_the_500_page_needs_no_database(django_assert_max_num_queries: object) -> None:
    request = RequestFactory().get("/anything/")
    with translation.override("zh-hans"), django_assert_max_num_queries(0):  # type: ignore[operator]
        response = server_error(request)
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_api_path_answers_json(org: Org) -> None:
    response = Client().get("/api/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "页面不存在"}


def test_the_favicon_is_linked_and_answers(admin_a: User) -> None:
    client = client_for(admin_a)
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_a_request_for_an_unknown_host_gets_the_plain_400(org: Org) -> None:
    # Refused before the session and the user are read: the page is the one that needs
    # no request context, still in Chinese, with the way home.
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    content = response.content.decode()
    assert "请求无效" in content and 'href="/"' in content
    assert "evil.example" not in content
