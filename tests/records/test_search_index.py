"""The search index follows every write: a record typed in, corrected, deleted, imported
(the bulk insert that bypasses the model's save), a unit renamed, a person renamed; and
``manage.py rebuild_search_index`` rebuilds it from the tables."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.lib import search_index
from qingfeng.org import services as org_services
from qingfeng.org.models import Person, Unit
from qingfeng.records.models import Record
from qingfeng.records.services import records_import
from tests.conftest import client_for
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup
from tests.records.entry_helpers import new_url

clerk, media, periods = helpers.clerk, helpers.media, helpers.periods

pytestmark = pytest.mark.django_db


def indexed(kind: str, text: str) -> set[int]:
    """The ids the index alone finds for ``text`` (no check on the real columns)."""
    found = search_index.matching(kind=kind, text=text)
    assert found is not None
    with connection.cursor() as cursor:
        cursor.execute(found.sql, found.params)
        return {row[0] for row in cursor.fetchall()}


def test_a_record_typed_in_corrected_and_deleted(periods: Setup, clerk: User, media: Path) -> None:
    client = client_for(clerk)
    data = {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "points": 5}
    client.post(new_url(periods, "A3"), {**data, "note": "工作日午间饮酒"})
    record = Record.objects.get()
    assert indexed("record", "饮酒") == {record.pk}
    assert indexed("record", "午间饮酒") == {record.pk}

    edit = reverse("records:entry_edit", args=[record.pk])
    assert client.post(edit, {**data, "note": "借培训名义旅游"}).status_code == 302
    assert indexed("record", "饮酒") == set()
    assert indexed("record", "旅游") == {record.pk}

    client.post(reverse("records:entry_delete", args=[record.pk]))
    assert not Record.objects.exists()
    assert indexed("record", "旅游") == set()


def test_an_imported_file_is_indexed_in_its_transaction(setup: Setup) -> None:
    data = (
        "unit,indicator,date,quantity,problem_type,note\n"
        "A1,A1,2025-03-01,2,四风,违规发放津贴补贴\n"
        "A2,A1,2025-03-02,1,,\n"
    ).encode()
    result = records_import(data=data, filename="records.csv", framework=setup.framework)
    assert result.issues == [] and result.created == 2
    first, second = sorted(result.record_ids)
    assert indexed("record", "津贴") == {first}
    assert indexed("record", "四风") == {first}
    # The indicator code is indexed too: both records.
    assert indexed("record", "A1") == {first, second}


def test_a_renamed_unit_and_person_are_found_by_their_new_names(setup: Setup) -> None:
    org = setup.org
    unit = Unit.objects.get(pk=org.unit_a2.pk)
    unit.name = "东阳关镇"
    org_services.unit_save(unit=unit)
    assert indexed("unit", "阳关") == {unit.pk}
    assert indexed("unit", "黎侯") == set()

    person = Person.objects.get(pk=org.person_a1.pk)
    person.name = "王建军"
    org_services.person_save(person=person)
    assert indexed("person", "建军") == {person.pk}
    assert indexed("person", "建国") == set()


def test_the_command_rebuilds_what_was_lost(setup: Setup) -> None:
    org = setup.org
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_index")
    assert indexed("unit", "教育") == set()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert indexed("unit", "教育") == {org.unit_a1.pk}
    assert indexed("person", "建国") == {org.person_a1.pk}
    assert search_index.counts() == {
        "unit": Unit.objects.count(),
        "person": Person.objects.count(),
        "record": Record.objects.count(),
        # The duty records' sources (none in this world).
        "fulfilment": 0,
        "personal_report": 0,
    }
    # The report names every kind in the user's language, never by its code.
    with translation.override("zh-hans"):
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
    report = out.getvalue()
    for words in ("单位：", "领导干部：", "履责纪实：", "个人事项报备："):
        assert words in report
    assert "fulfilment" not in report and "personal_report" not in report
    # One kind alone leaves the others as they are.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_index")
    call_command("rebuild_search_index", "--kind", "person", stdout=StringIO())
    assert search_index.counts()["unit"] == 0
    assert indexed("person", "建国") == {org.person_a1.pk}


def test_a_queryset_update_of_a_text_field_follows_too(setup: Setup) -> None:
    org = setup.org
    Unit.objects.filter(pk=org.unit_b1.pk).update(name="平顺县审计局")
    assert indexed("unit", "审计") == {org.unit_b1.pk}
    assert indexed("unit", "财政") == set()
    Person.objects.filter(pk=org.person_b1.pk).update(name="李卫东")
    assert indexed("person", "卫东") == {org.person_b1.pk}
