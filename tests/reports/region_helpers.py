"""Shared helpers of the region report tests: make a report of the demo county as a
user, open it with python-docx, read its tables by their header row."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.reports.kinds import Built, Subject
from qingfeng.reports.services import render_report

RANKING_HEADER = ["名次", "升降", "单位", "类别", "总分", "档次"]


def subject(period: str, code: str = "LK") -> Subject:
    framework = Framework.objects.get(code=code)
    return Subject(framework=framework, period=Period.parse(period), region=framework.region)


def analyst() -> User:
    return User.objects.get(username="analyst")


def make(kind: str, period: str, user: Any = None, text: str = "") -> tuple[Built, Any]:
    """The report rendered with its default template, and the document opened."""
    built, content = render_report(
        kind=kind, subject=subject(period), user=user or analyst(), analyst_text=text
    )
    return built, Document(io.BytesIO(content))


def table(document: Any, header: list[str]) -> list[list[str]]:
    """The body rows of the (first) table whose header row is ``header``."""
    for grid in document.tables:
        rows = [[cell.text for cell in row.cells] for row in grid.rows]
        if rows and rows[0] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header}")


def text(document: Any) -> str:
    """Every paragraph's text, one a line (tables apart)."""
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def key_shape(value: Any) -> Any:
    """The keys of a context, recursively through dicts and lists of dicts (a list's
    shape is its first item's; an empty list has none)."""
    if isinstance(value, dict):
        return {key: key_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_shape(value[0])] if value else []
    return None
