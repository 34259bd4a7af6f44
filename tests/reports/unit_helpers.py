"""Helpers of the unit reports' tests: make a report of the demo county as a user, read
its tables back with python-docx, and ask the portrait JSON for the same figures."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.lib.bands import band_label
from qingfeng.lib.periods import Period
from qingfeng.org.models import Person, Unit
from qingfeng.reports.kinds import Built, Subject
from qingfeng.reports.services import render_report


def subject(unit: Unit, period: str, *, person: Person | None = None) -> Subject:
    framework = Framework.objects.get(code="LK")
    return Subject(
        framework=framework,
        period=Period.parse(period),
        region=framework.region,
        unit=unit,
        person=person,
    )


def make(
    kind: str, unit: Unit, period: str, *, user: str = "analyst", person: Person | None = None
) -> tuple[Built, bytes]:
    """The report of ``kind`` for ``unit`` as the demo user ``user`` makes it."""
    return render_report(
        kind=kind,
        subject=subject(unit, period, person=person),
        user=User.objects.get(username=user),
        analyst_text="分析员的第一段话。\n分析员的第二段话。",
    )


def tables(content: bytes) -> dict[str, list[list[str]]]:
    """The document's tables by the text of their first header cell (the later of two
    alike is kept under "header#2" …), each a list of rows (header row first)."""
    found: dict[str, list[list[str]]] = {}
    for table in Document(io.BytesIO(content)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        key, n = rows[0][0], 1
        while key in found:
            n += 1
            key = f"{rows[0][0]}#{n}"
        found[key] = rows
    return found


def paragraphs(content: bytes) -> list[str]:
    """The document's paragraphs (outside the tables), in order."""
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def portrait_json(unit: Unit, period: str, *, user: str = "analyst") -> dict[str, Any]:
    """What the portrait's JSON endpoint answers for the unit and period."""
    client = Client()
    client.force_login(User.objects.get(username=user))
    response = client.get(reverse("dashboard:portrait_json", args=["LK", period, unit.pk]))
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def chinese_band(band: str | None) -> str:
    with translation.override("zh-hans"):
        return band_label(band)
