"""The feedback letters (双反馈) of a unit's result: one to the unit, one to the leader
in charge of it. Each names the unit's result (total, rank, band and its change) and
the main reasons for its lost points (减分的主要原因): the leaves that lost the most
points, each with its records, and the period's warnings. The readings are those of the
diagnosis (``unit_findings``), never a copy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.lib.periods import period_label
from qingfeng.org.models import InChargeKind
from qingfeng.org.selectors import leaders_in_charge, people_in_charge
from qingfeng.records.period_states import PeriodStates
from qingfeng.reports import unit_findings as findings
from qingfeng.reports.kinds import Built, Subject


def _letter(*, subject: Subject, user: Any) -> tuple[dict[str, Any], str, Any]:
    """What both letters say: the unit, its result, the leaves that lost the most points
    with their records, the warnings; and the unit's name as a title says it."""
    portrait = findings.load_portrait(subject=subject, user=user)
    states = PeriodStates(portrait.framework)
    result = findings.result(portrait=portrait, states=states)
    every = findings.lost_leaves(portrait=portrait)
    leaves = every[: findings.FEEDBACK_LEAVES]
    warnings = findings.period_warnings(portrait=portrait)
    context = {
        "unit": portrait.unit.name,
        **findings.result_context(result),
        "lost": findings.lost_context(leaves),
        "lost_text": findings.lost_sentence(every, shown=len(leaves)),
        "warnings": findings.warnings_context(warnings),
        "warnings_text": findings.warnings_sentence(warnings),
    }
    name = f"{findings.unit_title_name(portrait)}{period_label(portrait.period)}"
    return context, name, portrait.unit


def build_unit(*, subject: Subject, user: Any) -> Built:
    """The feedback letter to the subject's unit (``NotFound`` outside ``user``'s
    scope)."""
    context, name, unit = _letter(subject=subject, user=user)
    title = f"关于{name}政治生态评估情况的反馈"
    return Built(context=context, title=title, filename=title, units=[unit])


def build_leader(*, subject: Subject, user: Any) -> Built:
    """The feedback letter to the leader in charge of (or the liaison contact for) the
    subject's unit, ``subject.person``: ``NotFound`` outside ``user``'s scope (checked
    first, so nothing is said of a unit out of reach), ``ValidationError`` when that
    person is not in charge of the unit now (``org.selectors.people_in_charge``)."""
    context, name, unit = _letter(subject=subject, user=user)
    person = subject.person
    if person is None or not people_in_charge(unit).filter(pk=person.pk).exists():
        raise ValidationError(_("This person is not in charge of the unit now."))
    kinds = {relation.kind for relation in leaders_in_charge(unit).filter(person=person)}
    context["leader"] = person.name
    context["relation"] = "分管" if InChargeKind.IN_CHARGE in kinds else "联系"
    title = f"关于{name}政治生态评估情况向{person.name}同志的反馈"
    return Built(context=context, title=title, filename=title, units=[unit])
