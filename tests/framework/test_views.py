"""Framework pages: the tree, editing a draft, publishing, copying and the diff, each
checked for scope."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import FrameworkVersion, Indicator, VersionStatus
from tests.conftest import Org, Scored, client_for, make_user


def _county_admin(org: Org) -> User:
    return make_user("city_admin", Role.COMMISSION_ADMIN, region=org.city)


def test_it_shows_the_indicator_tree(org: Org, scored: Scored, admin_a: User) -> None:
    page = client_for(admin_a).get(reverse("framework:version_detail", args=[scored.version.pk]))
    assert [row["node"].code for row in page.context["rows"]] == ["A", "A1", "A2", "B", "B1", "B2"]
    assert [row["depth"] for row in page.context["rows"]] == [0, 1, 1, 0, 1, 1]
    assert not page.context["can_edit"]  # a county admin does not edit the city's framework


def test_it_exports_yaml_and_xlsx(org: Org, scored: Scored, admin_a: User) -> None:
    client = client_for(admin_a)
    yaml_body = client.get(reverse("framework:version_export", args=[scored.version.pk, "yaml"]))
    assert b"code: T" in yaml_body.content
    xlsx = client.get(reverse("framework:version_export", args=[scored.version.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_it_hides_frameworks_outside_the_scope(org: Org, scored: Scored) -> None:
    from qingfeng.framework.models import Framework

    Framework.objects.filter(pk=scored.framework.pk).update(region=org.county_b)
    outsider = make_user("a_only", Role.ANALYST, region=org.county_a)
    client = client_for(outsider)
    for url in (
        reverse("framework:version_detail", args=[scored.version.pk]),
        reverse("framework:version_export", args=[scored.version.pk, "yaml"]),
        reverse("framework:version_diff", args=[scored.version.pk]) + "?against=1",
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("framework:framework_list")).context["frameworks"]
    assert list(listed) == []


def test_it_copies_edits_and_publishes_a_new_version(org: Org, scored: Scored) -> None:
    client = client_for(_county_admin(org))
    response = client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(number=2)
    assert response["Location"] == reverse("framework:version_detail", args=[draft.pk])
    assert (draft.status, draft.based_on) == (VersionStatus.DRAFT, scored.version)
    a1 = draft.indicators.get(code="A1")
    response = client.post(
        reverse("framework:indicator_edit", args=[a1.pk]),
        {
            "code": "A1",
            "name": "违反中央八项规定精神",
            "parent": a1.parent_id,
            "max": "30",
            "rule_type": "deduct",
            "per": "3",
            "cap": "30",
        },
    )
    assert response.status_code == 302
    diff = client.get(reverse("framework:version_diff", args=[draft.pk])).context["diff"]
    assert set(diff.changed) == {"A1"}
    client.post(reverse("framework:version_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_children_exceeding_their_parent_are_a_warning_then_block_publishing(
    org: Org, scored: Scored
) -> None:
    client = client_for(_county_admin(org))
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(number=2)
    group = draft.indicators.get(code="A")
    response = client.post(
        reverse("framework:indicator_create", args=[draft.pk]) + f"?parent={group.pk}",
        {
            "code": "A3",
            "name": "新增指标",
            "parent": group.pk,
            "max": "10",
            "rule_type": "deduct",
            "per": "1",
        },
    )
    # Saved (edits in any order), with a warning on the way back to the draft.
    assert response.status_code == 302
    assert Indicator.objects.filter(version=draft, code="A3").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="draft-warnings"' in page and 'data-testid="draft-problems"' in page
    confirm = client.get(reverse("framework:version_publish_confirm", args=[draft.pk]))
    assert 'data-testid="publish-problems"' in confirm.content.decode()
    assert 'data-testid="publish"' not in confirm.content.decode()  # no button to press
    client.post(reverse("framework:version_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_never_edits_a_published_version(org: Org, scored: Scored) -> None:
    client = client_for(_county_admin(org))
    a1 = scored.version.indicators.get(code="A1")
    assert client.get(reverse("framework:indicator_edit", args=[a1.pk])).status_code == 403


def test_it_forbids_editing_to_an_analyst(org: Org, scored: Scored) -> None:
    analyst = make_user("viewer", Role.ANALYST, region=org.city)
    client = client_for(analyst)
    assert (
        client.post(reverse("framework:version_copy", args=[scored.version.pk])).status_code == 403
    )


def test_it_keeps_the_history_of_indicator_edits(org: Org, scored: Scored) -> None:
    admin = _county_admin(org)
    client = client_for(admin)
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    a1 = FrameworkVersion.objects.get(number=2).indicators.get(code="A1")
    client.post(
        reverse("framework:indicator_edit", args=[a1.pk]),
        {
            "code": "A1",
            "name": "公务接待违规",
            "parent": a1.parent_id,
            "max": "30",
            "rule_type": "deduct",
            "per": "5",
            "cap": "30",
        },
    )
    page = client.get(reverse("core:history", args=["indicator", a1.pk]))
    newest = page.context["entries"][0]
    assert newest.who == str(admin)
    assert {c.field: (c.old, c.new) for c in newest.changes}["name"] == ("指标A1", "公务接待违规")


def test_the_indicator_form_reads_the_notation_of_the_workbook(org: Org, scored: Scored) -> None:
    client = client_for(_county_admin(org))
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(number=2)
    a2 = draft.indicators.get(code="A2")
    fields = {"code": "A2", "name": a2.name, "parent": a2.parent_id, "max": str(a2.max)}
    url = reverse("framework:indicator_edit", args=[a2.pk])
    bad = client.post(url, {**fields, "rule_type": "bonus", "grades_text": "一等 10"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["grades_text"] == [
        "等次请按“等次:分值”填写，例如 一等:10, 二等:8（而非“一等 10”）"
    ]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(url, {**fields, "rule_type": "bonus", "grades_text": "一等 10"})
    assert english.context["form"].errors["grades_text"] == [
        'Write grades as grade:points, e.g. 一等:10, 二等:8 (not "一等 10")'
    ]
    good = {**fields, "rule_type": "bonus", "grades_text": "一等:10, 二等：8", "bands_text": "none"}
    assert client.post(url, good).status_code == 302
    a2.refresh_from_db()
    assert a2.rule == {"type": "bonus", "grades": {"一等": 10, "二等": 8}}
    assert a2.bands == []  # "none": this indicator raises no warning
    form = client.get(url).context["form"]
    assert (form.initial["bands_text"], form.initial["grades_text"]) == ("none", "一等:10, 二等:8")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert client.get(url).context["form"].initial["bands_text"] == "无"
    assert client.post(url, {**good, "bands_text": "无"}).status_code == 302
    a2.refresh_from_db()
    assert a2.bands == []


def test_the_indicator_form_keeps_only_the_chosen_rules_fields(org: Org, scored: Scored) -> None:
    """The page hides the other rules' fields with static/js/framework-form.js (each field
    says which rules use it, for a browser without JavaScript); what is posted for another
    rule is dropped, not stored in the rule."""
    client = client_for(_county_admin(org))
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(number=2)
    url = reverse("framework:indicator_create", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "js/framework-form.js" in page and "data-qf-rule-type" in page
    assert 'data-qf-rule-param="deduct bonus"' in page  # per
    assert 'data-qf-rule-param="rate"' in page  # zero_at, full_at
    group = draft.indicators.get(code="B")
    group.max = 50  # room for the new leaf
    group.save()
    response = client.post(
        url,
        {
            "code": "B3",
            "name": "新增",
            "parent": group.pk,
            "max": "10",
            "rule_type": "rate",
            "zero_at": "60",
            "full_at": "100",
            "per": "5",  # left in the hidden deduction field
            "grades_text": "一等:10",
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(version=draft, code="B3")
    assert created.rule == {"type": "rate", "zero_at": 60, "full_at": 100}


def test_the_settings_form_sets_the_period_kind_a_version_is_assessed_on(
    org: Org, scored: Scored
) -> None:
    client = client_for(_county_admin(org))
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(number=2)
    url = reverse("framework:version_settings", args=[draft.pk])
    form = {"name": draft.name, "year": draft.year, "scale": draft.scale, "assessed_on": "Y"}
    form |= {"bands_text": "", "components_text": ""}
    assert client.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.assessed_on == "Y"
    assert draft.history.latest().assessed_on == "Y"  # the change is in its history

    refused = client.post(url, form | {"assessed_on": "W"})
    assert refused.status_code == 200 and "assessed_on" in refused.context["form"].errors
    draft.refresh_from_db()
    assert draft.assessed_on == "Y"
