"""Reads of the documents app: a kind's template as it applies, the issued documents a
user may download, and the sample context a template is checked with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import (
    can_edit_categories,
    users_acting_for,
    users_of_people,
    visible_units,
)
from qingfeng.documents.models import DocumentKind, DocumentTemplate, IssuedDocument
from qingfeng.org.selectors import people_in_charge

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from qingfeng.org.models import Unit

DEFAULTS = Path(__file__).resolve().parent / "default_templates"

# What every template may use (monitoring.responses fills it for a response to a
# warning); an uploaded template is checked by rendering it with this context.
SAMPLE_CONTEXT: dict[str, Any] = {
    "issuer": "中共黎城县纪律检查委员会",
    "reference": "黎纪预〔2026〕1号",
    "title": "预警通知书",
    "recipient": "黎城县教育局",
    "period": "2026年第三季度",
    "framework": "黎城县政治生态评估指标体系",
    "subject": "“党风廉政建设”指标",
    "finding": "得61.5分（满分100分），处于黄色预警区间",
    "paragraphs": ["你单位本季度信访举报件数同比上升。"],
    "deadline": "2027年1月4日",
    "date": "2026年12月5日",
    "copy_to": "王建国（副县长）",
}


def sample_context(kind: str = "") -> dict[str, Any]:
    """The sample context a template of ``kind`` is checked with and the templates page
    lists: a report's own (``documents.samples``), else the notices' ``SAMPLE_CONTEXT``."""
    from qingfeng.documents.samples import REPORT_SAMPLES

    return REPORT_SAMPLES.get(kind, SAMPLE_CONTEXT)


def sample_rows(kind: str) -> list[tuple[str, str]]:
    """What a template of ``kind`` may use, as the templates page lists it: each name
    with the sample's value in words. Rows of a table as ``units[].name`` (the fields of
    its first row, nested ones too: ``units[].records[].date``), an image as "（图片）"."""
    from django.utils.translation import gettext

    from qingfeng.lib.documents import Picture

    rows: list[tuple[str, str]] = []

    def walk(name: str, value: Any) -> None:
        if isinstance(value, dict):
            for field, item in value.items():
                walk(f"{name}.{field}", item)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            walk(f"{name}[]", value[0])
        elif isinstance(value, list):
            rows.append((name, "；".join(str(item) for item in value)))
        elif isinstance(value, bool):
            rows.append((name, gettext("yes") if value else gettext("no")))
        elif isinstance(value, Picture):
            rows.append((name, gettext("(an image)")))
        else:
            rows.append((name, str(value)))

    for key, value in sample_context(kind).items():
        walk(key, value)
    return rows


def default_template(kind: str) -> bytes:
    """The template shipped for ``kind``."""
    return (DEFAULTS / f"{DocumentKind(kind).value}.docx").read_bytes()


def template_bytes(kind: str) -> bytes:
    """The template ``kind`` is issued with: the administrator's, else the default."""
    stored = DocumentTemplate.objects.filter(kind=kind).values_list("content", flat=True).first()
    return bytes(stored) if stored is not None else default_template(kind)


def stored_template(kind: str) -> DocumentTemplate | None:
    """The administrator's template for ``kind``; None while the default applies."""
    return DocumentTemplate.objects.filter(kind=kind).select_related("replaced_by").first()


def template_history(kind: str) -> QuerySet[Any]:
    """Who replaced the template of ``kind`` or restored its default, latest first."""
    return (
        DocumentTemplate.history.filter(kind=kind)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_date")
    )


def documents_for(user: Any) -> QuerySet[IssuedDocument]:
    """The issued documents addressed to a unit in ``user``'s scope (the commission's
    staff over their region, a unit's liaison over its unit)."""
    return IssuedDocument.objects.select_related("unit").filter(
        unit__in=visible_units(user, Capability.VIEW_ORG)
    )


def reads_unit(user: Any, unit: Unit) -> bool:
    """Whether ``user`` may read what is addressed to ``unit`` (its warnings, responses and
    documents): the unit is in the user's scope (the commission's staff, the unit's
    liaison), or the user acts for the unit (its principal leader), or is a leader in
    charge of it (who is sent a copy)."""
    if not user.is_authenticated:
        return False
    if visible_units(user, Capability.VIEW_ORG).filter(pk=unit.pk).exists():
        return True
    if users_acting_for(unit).filter(pk=user.pk).exists():
        return True
    return users_of_people(people_in_charge(unit)).filter(pk=user.pk).exists()


def may_read(user: Any, document: IssuedDocument) -> bool:
    """Whether ``user`` may download ``document`` (``reads_unit`` of its unit); everyone
    else gets a 404."""
    return reads_unit(user, document.unit)


def can_edit_templates(user: Any) -> bool:
    """Templates are the installation's, like unit categories: only a global or
    root-region administrator replaces them."""
    return can_edit_categories(user)
