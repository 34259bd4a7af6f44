"""Leaders in charge (分管/联系): services with history, selectors, the unit's page and its
editing page, the organisation file's optional in_charge sheet, the demo county."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.accounts.selectors import org_scope, visible_in_charge
from qingfeng.org import services
from qingfeng.org.interchange import export_org, import_org
from qingfeng.org.interchange_write import organisation_data
from qingfeng.org.models import InCharge, InChargeKind, Person
from qingfeng.org.selectors import leaders_in_charge, people_in_charge, units_in_charge_of
from tests.conftest import Org, client_for, make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results
from tests.workbooks import sheets_bytes as xlsx

pytestmark = pytest.mark.django_db
results = dashboard_fixtures.results


@pytest.fixture
def deputy(org: Org) -> Person:
    """A deputy county head: a person with no post in a unit."""
    return services.person_save(person=Person(code="VH1", name="张副县长", rank="副处级"))


def test_it_adds_a_leader_in_charge_with_its_history(org: Org, deputy: Person) -> None:
    admin = make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a)
    relation = services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长", actor=admin)
    assert relation.kind == InChargeKind.IN_CHARGE
    created = relation.history.get()  # type: ignore[attr-defined]
    assert created.history_type == "+" and created.history_user == admin
    assert [r.person for r in leaders_in_charge(org.unit_a1)] == [deputy]
    assert [r.unit for r in units_in_charge_of(deputy)] == [org.unit_a1]
    assert list(people_in_charge(org.unit_a1)) == [deputy]


def test_it_refuses_the_same_relation_twice_but_allows_another_kind(
    org: Org, deputy: Person
) -> None:
    services.in_charge_add(unit=org.unit_a1, person=deputy)
    with pytest.raises(ValidationError):
        services.in_charge_add(unit=org.unit_a1, person=deputy)
    services.in_charge_add(unit=org.unit_a1, person=deputy, kind=InChargeKind.LIAISON)
    assert InCharge.objects.count() == 2
    assert leaders_in_charge(org.unit_a1, kind=InChargeKind.LIAISON).count() == 1


def test_it_refuses_an_unknown_kind(org: Org, deputy: Person) -> None:
    with pytest.raises(ValidationError):
        services.in_charge_add(unit=org.unit_a1, person=deputy, kind="boss")


def test_it_keeps_a_removed_relation_in_the_history(org: Org, deputy: Person) -> None:
    admin = make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a)
    relation = services.in_charge_add(unit=org.unit_a1, person=deputy)
    services.in_charge_remove(relation=relation, actor=admin)
    assert not InCharge.objects.exists()
    removed = InCharge.history.filter(history_type="-").get()  # type: ignore[attr-defined]
    assert removed.history_user == admin and removed.person_id == deputy.pk


def test_it_scopes_the_relations_to_the_visible_units(org: Org, deputy: Person) -> None:
    services.in_charge_add(unit=org.unit_a1, person=deputy)
    services.in_charge_add(unit=org.unit_b1, person=deputy)
    analyst_b = make_user("analyst_b", Role.ANALYST, region=org.county_b)
    assert [r.unit for r in visible_in_charge(analyst_b)] == [org.unit_b1]


def test_it_shows_the_leaders_in_charge_on_the_unit_page(org: Org, deputy: Person) -> None:
    services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长")
    analyst = make_user("analyst_a", Role.ANALYST, region=org.county_a)
    page = client_for(analyst).get(reverse("org:unit_detail", args=[org.unit_a1.pk]))
    text = page.content.decode()
    assert "张副县长" in text and "副县长" in text and "分管" in text
    assert reverse("org:unit_in_charge", args=[org.unit_a1.pk]) not in text  # cannot edit


def test_it_lets_the_commission_administrator_add_and_remove(org: Org, deputy: Person) -> None:
    admin = make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a)
    client = client_for(admin)
    url = reverse("org:unit_in_charge", args=[org.unit_a1.pk])
    assert url in client.get(reverse("org:unit_detail", args=[org.unit_a1.pk])).content.decode()
    answer = client.post(url, {"person": "VH1", "kind": "in_charge", "title": "副县长"})
    assert answer.status_code == 302
    relation = InCharge.objects.get()
    assert (relation.person, relation.title) == (deputy, "副县长")
    assert relation.history.get().history_user == admin  # type: ignore[attr-defined]
    again = client.post(url, {"person": "VH1", "kind": "in_charge"})
    assert again.status_code == 200 and "已经" in again.content.decode()
    unknown = client.post(url, {"person": "NOPE", "kind": "in_charge"})
    assert unknown.status_code == 200 and InCharge.objects.count() == 1
    removed = client.post(reverse("org:in_charge_remove", args=[relation.pk]))
    assert removed.status_code == 302 and not InCharge.objects.exists()


def test_it_answers_403_to_a_reader_and_404_outside_the_scope(org: Org, deputy: Person) -> None:
    relation = services.in_charge_add(unit=org.unit_a1, person=deputy)
    analyst = client_for(make_user("analyst_a", Role.ANALYST, region=org.county_a))
    admin_b = client_for(make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b))
    url = reverse("org:unit_in_charge", args=[org.unit_a1.pk])
    remove = reverse("org:in_charge_remove", args=[relation.pk])
    assert analyst.get(url).status_code == 403
    assert analyst.post(remove).status_code == 403
    assert admin_b.get(url).status_code == 404
    assert admin_b.post(url, {"person": "VH1", "kind": "in_charge"}).status_code == 404
    assert admin_b.post(remove).status_code == 404
    assert InCharge.objects.count() == 1


# ---------------------------------------------------------------------------------------
# The organisation file


def _yaml(data: dict[str, object]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_it_imports_the_in_charge_sheet(org: Org) -> None:
    data = {
        "people": [{"code": "VH1", "name": "张副县长"}],
        "in_charge": [
            {"unit": "A1", "person": "VH1", "kind": "分管", "title": "副县长"},
            {"unit": "A2", "person": "VH1", "kind": "liaison"},
            {"unit": "A2", "person": "PA1"},
        ],
    }
    result = import_org(data=_yaml(data), filename="org.yaml", scope=None)
    assert result.ok, result.issues
    assert result.created["in_charge"] == 3
    found = {(r.unit.code, r.person.code, r.kind, r.title) for r in InCharge.objects.all()}
    assert found == {
        ("A1", "VH1", "in_charge", "副县长"),
        ("A2", "VH1", "liaison", ""),
        ("A2", "PA1", "in_charge", ""),
    }
    data["in_charge"][1]["title"] = "县纪委副书记"  # type: ignore[index]
    again = import_org(data=_yaml(data), filename="org.yaml", scope=None)
    assert (again.created["in_charge"], again.updated["in_charge"]) == (0, 1)
    assert again.unchanged["in_charge"] == 2


def test_it_locates_every_bad_in_charge_row_and_imports_nothing(org: Org) -> None:
    data = {
        "people": [{"code": "VH1", "name": "张副县长"}],
        "in_charge": [
            {"unit": "A1", "person": "VH1"},
            {"unit": "ZZ", "person": "VH1"},
            {"unit": "A1", "person": "NOBODY"},
            {"unit": "A1", "person": "VH1", "kind": "boss"},
            {"unit": "A1", "person": "VH1"},
            {"person": "VH1"},
        ],
    }
    result = import_org(data=_yaml(data), filename="org.yaml", scope=None)
    located = {(i.sheet, i.row, i.column) for i in result.issues}
    assert located == {
        ("in_charge", 3, "unit"),
        ("in_charge", 4, "person"),
        ("in_charge", 5, "kind"),
        ("in_charge", 6, "person"),
        ("in_charge", 7, "unit"),
    }
    assert not InCharge.objects.exists()
    assert not Person.objects.filter(code="VH1").exists()  # all or nothing


def test_it_refuses_an_in_charge_row_outside_the_scope(org: Org) -> None:
    admin_b = make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b)
    data = {"in_charge": [{"unit": "A1", "person": "PB1"}, {"unit": "B1", "person": "PB1"}]}
    result = import_org(data=_yaml(data), filename="org.yaml", scope=org_scope(admin_b))
    assert [(i.row, i.column) for i in result.issues] == [(2, "unit")]
    assert not InCharge.objects.exists()


def test_it_reads_the_sheet_from_an_xlsx_file(org: Org) -> None:
    services.person_save(person=Person(code="VH1", name="张副县长"))
    workbook = xlsx(
        {"in_charge": [["unit", "person", "kind", "title"], ["A1", "VH1", "联系", None]]}
    )
    result = import_org(data=workbook, filename="org.xlsx", scope=None)
    assert result.ok, result.issues
    assert InCharge.objects.get().kind == InChargeKind.LIAISON


def test_it_exports_the_relations_and_reimports_them_unchanged(org: Org, deputy: Person) -> None:
    services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长")
    services.in_charge_add(unit=org.unit_b1, person=deputy)
    admin_a = make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a)
    data = organisation_data(scope=org_scope(admin_a))
    assert data["in_charge"] == [
        {"unit": "A1", "person": "VH1", "kind": "in_charge", "title": "副县长"}
    ]
    assert "VH1" in [p["code"] for p in data["people"]]  # the leader is exported too
    for fmt, name in (("yaml", "org.yaml"), ("xlsx", "org.xlsx")):
        exported = export_org(scope=None, fmt=fmt)  # type: ignore[arg-type]
        result = import_org(data=exported, filename=name, scope=None)
        assert result.ok, result.issues
        assert result.unchanged["in_charge"] == 2 and not result.created["in_charge"]


def test_a_file_without_the_sheet_has_no_in_charge_count(org: Org) -> None:
    result = import_org(
        data=_yaml({"people": [{"code": "VH1", "name": "张"}]}), filename="o.yaml", scope=None
    )
    assert result.ok and "in_charge" not in result.created


def test_it_shows_a_leader_in_charge_and_their_units_to_the_units_readers(
    org: Org, deputy: Person
) -> None:
    services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长")
    services.in_charge_add(unit=org.unit_b1, person=deputy)
    analyst = client_for(make_user("analyst_a", Role.ANALYST, region=org.county_a))
    page = analyst.get(reverse("org:person_detail", args=[deputy.pk])).content.decode()
    assert "分管、联系的单位" in page and "黎城县教育局" in page and "平顺县财政局" not in page
    stranger = client_for(make_user("analyst_x", Role.ANALYST, region=org.city))
    other = Person.objects.create(code="VH2", name="无关领导")
    assert stranger.get(reverse("org:person_detail", args=[other.pk])).status_code == 404


def test_it_names_the_leaders_in_charge_in_the_portraits_leadership_section(
    results: Results,
) -> None:
    org = results.org
    deputy = services.person_save(person=Person(code="VH1", name="张副县长"))
    services.in_charge_add(unit=org.unit_a1, person=deputy, title="副县长")
    url = reverse("dashboard:leadership", args=["T", "2025Q1", org.unit_a1.pk])
    body = client_for(results.analyst).get(url).content.decode()
    assert 'data-testid="leadership-in-charge"' in body and "张副县长" in body
    other = reverse("dashboard:leadership", args=["T", "2025Q1", org.unit_a2.pk])
    assert "张副县长" not in client_for(results.analyst).get(other).content.decode()
