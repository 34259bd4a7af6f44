"""The kinds of report, in one place: what each is about (a unit, a unit's leader in
charge, or a whole region), which periods it is made for, and the function building its
context from the stored results.

A builder takes a ``Subject`` and the user it is made for (the figures are those the
user may see: a batch runs with the scope of whoever started it) and returns a
``Built``: the template's context, the units concerned (its recipients once issued),
the title. It reads through the ``dashboard`` selectors and the stored snapshots, never
computing a score a second time. Builders are imported when first used, so this module
stays a table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qingfeng.documents.models import DocumentKind

if TYPE_CHECKING:
    from qingfeng.framework.models import Framework
    from qingfeng.lib.periods import Period
    from qingfeng.org.models import Person, Region, Unit


class About(TextChoices):
    """What one report of a kind is about."""

    UNIT = "unit", _("one unit")
    LEADER = "leader", _("a unit's leader in charge")
    REGION = "region", _("the whole region")
    UNIT_OR_REGION = "unit_or_region", _("one unit or the whole region")


@dataclass(frozen=True)
class Subject:
    """What a report is made for: a framework's period, the region whose commission
    issues it, and (for the unit kinds) the unit and the leader addressed."""

    framework: Framework
    period: Period
    region: Region
    unit: Unit | None = None
    person: Person | None = None


@dataclass
class Built:
    """A builder's answer: ``context`` (what the kind's template names, besides the
    common keys ``services.common_context`` adds), the units concerned, the title
    (Chinese, as the document is) and the file name without its extension."""

    context: dict[str, Any]
    title: str
    filename: str
    units: list[Unit] = field(default_factory=list)


Builder = Callable[..., Built]

# The language of every document, whatever its maker's (as the notices are): the
# builders run in it.
DOCUMENT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class KindSpec:
    """One kind of report: what it is about, which period kinds it is made for ("Q",
    "H", "Y"; empty for any), and its builder as "module:function" under
    ``qingfeng.reports``."""

    kind: str
    about: str
    builder: str
    period_kinds: str = ""

    def build(self, *, subject: Subject, user: Any) -> Built:
        """The context of this kind for ``subject`` as ``user`` may see it."""
        module, name = self.builder.split(":")
        function: Builder = getattr(importlib.import_module(f"qingfeng.reports.{module}"), name)
        # What a builder words through the translations (periods, bands) is Chinese.
        with translation.override(DOCUMENT_LANGUAGE):
            return function(subject=subject, user=user)

    @property
    def label(self) -> str:
        return str(DocumentKind(self.kind).label)


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in [
        KindSpec(DocumentKind.DIAGNOSIS.value, About.UNIT, "diagnosis:build"),
        KindSpec(DocumentKind.ANALYSIS_HALF_YEAR.value, About.REGION, "analysis:build", "H"),
        KindSpec(DocumentKind.ANALYSIS_ANNUAL.value, About.REGION, "analysis:build", "Y"),
        KindSpec(DocumentKind.BOOKLET.value, About.UNIT_OR_REGION, "booklet:build"),
        KindSpec(DocumentKind.CIRCULAR.value, About.REGION, "circular:build"),
        KindSpec(DocumentKind.FEEDBACK_UNIT.value, About.UNIT, "feedback:build_unit"),
        KindSpec(DocumentKind.FEEDBACK_LEADER.value, About.LEADER, "feedback:build_leader"),
        KindSpec(DocumentKind.FILING.value, About.REGION, "filing:build"),
    ]
}


def kind_spec(kind: str) -> KindSpec:
    """The spec of a report kind; KeyError when ``kind`` is not a report."""
    return KINDS[kind]
