"""A unit with a whole leadership team and everyone who may (or may not) look at its
two-responsibilities records, built through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.duties.models import DutyList, SubjectKind
from qingfeng.duties.services import duty_list_create
from qingfeng.org import services as org_services
from qingfeng.org.models import DisciplineGroup, InCharge, Person, PostRole
from tests.conftest import Org, make_user

YEAR = 2026


@dataclass
class Team:
    """Unit A1 (黎城县教育局): principal 王建国 (``org.person_a1``), members 赵敏 and 孙强,
    the deputy county head 周文 in charge of it, discipline group 派驻第二组 covering it; a
    duty list of ``YEAR`` for each subject, and an account for each of them."""

    org: Org
    member: Person
    fellow: Person
    deputy: Person
    group: DisciplineGroup
    team_list: DutyList
    principal_list: DutyList
    member_list: DutyList
    fellow_list: DutyList
    group_list: DutyList
    principal_user: User
    member_user: User
    fellow_user: User
    deputy_user: User
    group_user: User
    commission_user: User
    liaison_user: User
    clerk_user: User
    outsider_user: User


@pytest.fixture
def team(org: Org) -> Team:
    member = org_services.person_save(person=Person(code="PA1-M", name="赵敏"))
    org_services.post_start(person=member, unit=org.unit_a1, role=PostRole.MEMBER, title="副局长")
    fellow = org_services.person_save(person=Person(code="PA1-F", name="孙强"))
    org_services.post_start(person=fellow, unit=org.unit_a1, role=PostRole.MEMBER, title="副局长")
    deputy = org_services.person_save(person=Person(code="DEP", name="周文"))
    InCharge.objects.create(unit=org.unit_a1, person=deputy, title="副县长")
    group = org_services.discipline_group_save(
        group=DisciplineGroup(code="G-A2", name="派驻第二纪检监察组", region=org.county_a),
        units=[org.unit_a1],
    )

    def make(kind: str, **subject: object) -> DutyList:
        return duty_list_create(kind=kind, year=YEAR, actor=None, **subject)  # type: ignore[arg-type]

    return Team(
        org=org,
        member=member,
        fellow=fellow,
        deputy=deputy,
        group=group,
        team_list=make(SubjectKind.TEAM, unit=org.unit_a1),
        principal_list=make(SubjectKind.PRINCIPAL, unit=org.unit_a1, person=org.person_a1),
        member_list=make(SubjectKind.MEMBER, unit=org.unit_a1, person=member),
        fellow_list=make(SubjectKind.MEMBER, unit=org.unit_a1, person=fellow),
        group_list=make(SubjectKind.GROUP, discipline_group=group),
        principal_user=make_user("principal", Role.LEADER, person=org.person_a1),
        member_user=make_user("member", Role.LEADER, person=member),
        fellow_user=make_user("fellow", Role.LEADER, person=fellow),
        deputy_user=make_user("deputy", Role.LEADER, person=deputy),
        group_user=make_user("groupie", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=group),
        commission_user=make_user("commission", Role.ANALYST, region=org.county_a),
        liaison_user=make_user("liaison", Role.UNIT_LIAISON, unit=org.unit_a1),
        clerk_user=make_user("clerk", Role.STATION_CLERK, station=org.station_a),
        outsider_user=make_user("outsider", Role.ANALYST, region=org.county_b),
    )


def a_day(month: int, day: int) -> datetime.date:
    return datetime.date(YEAR, month, day)
