"""The inbox: notify (to users, to a unit, copies to the leaders in charge, idempotent by
key), marking read (one's own only), the page and its filters, the navigation badge and
what it costs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.inbox.selectors import inbox_for, unread_count
from qingfeng.inbox.services import mark_read, notify
from qingfeng.org import services as org_services
from qingfeng.org.models import Person
from tests.conftest import Org, client_for, make_user

pytestmark = pytest.mark.django_db


def _titles(user: User, state: str = "") -> list[str]:
    return [n.title for n in inbox_for(user, state=state)]


def test_it_delivers_a_unit_notice_to_its_liaisons_and_principal_leader(org: Org) -> None:
    liaison = make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1)
    leader = make_user("leader_a1", Role.LEADER, person=org.person_a1)  # principal of A1
    other = make_user("liaison_a2", Role.UNIT_LIAISON, unit=org.unit_a2)
    analyst = make_user("analyst_a", Role.ANALYST, region=org.county_a)
    sent = notify(unit=org.unit_a1, title="预警通知书", body="请于一个月内整改", link="/org/")
    assert {n.recipient for n in sent} == {liaison, leader}
    assert all(n.unit == org.unit_a1 and n.kind == NoticeKind.INFO for n in sent)
    assert _titles(other) == [] and _titles(analyst) == []


def test_it_copies_a_unit_notice_to_the_accounts_of_its_leaders_in_charge(org: Org) -> None:
    deputy = org_services.person_save(person=Person(code="VH1", name="张副县长"))
    org_services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长")
    deputy_user = make_user("deputy", Role.LEADER, person=deputy)
    liaison = make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1)
    sent = notify(unit=org.unit_a1, title="预警通知书", copy_in_charge=True)
    kinds = {n.recipient: n.kind for n in sent}
    assert kinds == {liaison: NoticeKind.INFO, deputy_user: NoticeKind.COPY}


def test_it_sends_each_user_one_notice_and_nothing_twice_with_a_key(org: Org) -> None:
    liaison = make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1)
    first = notify(users=[liaison], unit=org.unit_a1, title="提醒", key="k1")
    assert len(first) == 1
    assert notify(users=[liaison], unit=org.unit_a1, title="提醒", key="k1") == []
    assert Notice.objects.count() == 1


def test_it_refuses_a_notice_without_title_or_with_an_outside_link(org: Org) -> None:
    user = make_user("someone")
    with pytest.raises(ValidationError):
        notify(users=[user], title="  ")
    with pytest.raises(ValidationError):
        notify(users=[user], title="x", link="https://evil.example/")
    assert not Notice.objects.exists()


def test_it_marks_only_the_users_own_notices_read(org: Org) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    (a,) = notify(users=[alice], title="A")
    (b,) = notify(users=[bob], title="B")
    assert mark_read(user=alice, notice_ids=[a.pk, b.pk]) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.is_read and not b.is_read
    assert unread_count(alice) == 0 and unread_count(bob) == 1


def test_it_lists_unread_first_and_filters(org: Org) -> None:
    user = make_user("alice")
    for title in ("一", "二", "三"):
        notify(users=[user], title=title)
    (second,) = [n for n in inbox_for(user) if n.title == "二"]
    mark_read(user=user, notice_ids=[second.pk])
    assert _titles(user) == ["三", "一", "二"]
    assert _titles(user, "unread") == ["三", "一"]
    assert _titles(user, "read") == ["二"]


def test_it_shows_the_inbox_page_with_filters(org: Org) -> None:
    user = make_user("alice")
    notify(users=[user], title="请补录数据", body="第三季度", link="/records/", due=None)
    notify(users=[make_user("bob")], title="别人的通知")
    client = client_for(user)
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert "请补录数据" in page and "第三季度" in page and "别人的通知" not in page
    assert "全部标为已读" in page
    read_page = client.get(reverse("inbox:inbox") + "?state=read").content.decode()
    assert "请补录数据" not in read_page and "没有通知" in read_page


def test_it_marks_one_read_and_opens_its_link(org: Org) -> None:
    user = make_user("alice")
    (notice,) = notify(users=[user], title="请补录数据", link="/records/")
    client = client_for(user)
    url = reverse("inbox:notice_read", args=[notice.pk])
    assert client.get(url).status_code == 405  # POST only
    answer = client.post(url, {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/records/"
    notice.refresh_from_db()
    assert notice.is_read


def test_it_answers_404_for_another_users_notice(org: Org) -> None:
    (notice,) = notify(users=[make_user("bob")], title="别人的通知")
    answer = client_for(make_user("alice")).post(reverse("inbox:notice_read", args=[notice.pk]))
    assert answer.status_code == 404
    notice.refresh_from_db()
    assert not notice.is_read


def test_it_marks_all_read(org: Org) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    notify(users=[alice, bob], title="通知")
    notify(users=[alice], title="通知二")
    answer = client_for(alice).post(reverse("inbox:notice_read_all"))
    assert answer.status_code == 302
    assert unread_count(alice) == 0 and unread_count(bob) == 1


def test_it_needs_a_csrf_token_to_mark_read(org: Org) -> None:
    user = make_user("alice")
    (notice,) = notify(users=[user], title="通知")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("inbox:notice_read", args=[notice.pk])).status_code == 403
    assert client.post(reverse("inbox:notice_read_all")).status_code == 403


def test_it_sends_an_anonymous_visitor_to_the_login(org: Org) -> None:
    answer = Client().get(reverse("inbox:inbox"))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_it_shows_the_unread_count_in_the_navigation_bar(org: Org) -> None:
    user = make_user("alice", Role.ANALYST, region=org.county_a)
    client = client_for(user)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="nav-inbox"' in home and 'data-testid="inbox-badge"' not in home
    notify(users=[user], title="一")
    notify(users=[user], title="二")
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="inbox-badge"' in home and "未读通知: </span>2</span>" in home


def test_the_badge_costs_one_query_and_none_for_an_anonymous_visitor(org: Org) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from qingfeng.core.context_processors import navigation

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as anonymous:
        navigation(request)
    assert len(anonymous) == 0
    user = make_user("alice", Role.ANALYST, region=org.county_a)
    notify(users=[user], title="一")
    request.user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        context = navigation(request)
    assert context["inbox_unread"] == 1
    inbox_queries = [q for q in queries.captured_queries if "inbox_notice" in q["sql"]]
    assert len(inbox_queries) == 1
